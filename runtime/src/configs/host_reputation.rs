//! The host registry: collateral, reputation, slashing and the compute-elected validators.

use frame_support::traits::{tokens::imbalance::ResolveTo, ConstU32, Contains};
use pallet_host_reputation::{OpenJobs, ReputationParams};

use crate::{
	configs::{
		consensus::MaxAuthorities, governance::ParamsOrigin, monetary::CommunityPoolAccount,
	},
	currency::GNK,
	AccountId, Balance, Balances, ProofOfCompute, Runtime, RuntimeHoldReason, Signature, Sprint,
};
use sp_runtime::traits::Verify;

/// Accounts whose session keys are set for the next session: they can author blocks.
pub struct HasSessionKeys;
impl Contains<AccountId> for HasSessionKeys {
	fn contains(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
}

/// The inference jobs a host served that the marketplace may still re-check or dispute.
pub struct MarketJobs;
impl OpenJobs<AccountId> for MarketJobs {
	fn open_jobs(who: &AccountId) -> u32 {
		pallet_inference::OpenJobs::<Runtime>::get(who)
	}
}

/// The registry's parameters at genesis: DESIGN.md §6's shares and reputation steps, 100 GNK
/// to register, 0.1 GNK of collateral for each unit of weight beyond the free 20%, and five
/// epochs of unbonding: at least four whole epochs (100 blocks of the development profile),
/// longer than an inference job lives (72 blocks), so that no host withdraws before its last
/// job can be judged (`tests/unbonding.rs`).
pub fn genesis_params() -> ReputationParams<Balance> {
	ReputationParams {
		min_collateral: 100 * GNK,
		collateral_per_weight: GNK / 10,
		unbonding_epochs: 5,
		..Default::default()
	}
}

impl pallet_host_reputation::Config for Runtime {
	type Balance = Balance;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnSlash = ResolveTo<CommunityPoolAccount, Balances>;
	type Sprint = Sprint;
	type Compute = ProofOfCompute;
	type ValidatorKeys = HasSessionKeys;
	type Jobs = MarketJobs;
	type ParamsOrigin = ParamsOrigin;
	/// As many as BABE and GRANDPA accept.
	type MaxValidators = MaxAuthorities;
	/// As many as one epoch's weight snapshot holds.
	type MaxHosts = ConstU32<65_536>;
	type DowntimeChecksPerBlock = ConstU32<500>;
	/// Signed by the operator key, an sr25519 `gpoc` key in the node's keystore
	/// (`gonka-node operator-consent`).
	type OperatorConsent = Signature;
	type OperatorSigner = <Signature as Verify>::Signer;
	type WeightInfo = pallet_host_reputation::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkOperators;
}

/// Operator keys made in the benchmark's keystore, with their signed consent: ECDSA, whose
/// check (a public key recovered, then hashed) costs the most of the runtime's signatures.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkOperators;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_host_reputation::operators::BenchmarkHelper<AccountId, Signature>
	for BenchmarkOperators
{
	fn operator_consenting_to(host: &AccountId) -> (AccountId, Signature) {
		use sp_runtime::traits::IdentifyAccount;
		let public = sp_io::crypto::ecdsa_generate(super::BENCHMARK_KEY, None);
		let operator = sp_runtime::MultiSigner::from(public).into_account();
		let nonce = frame_system::Pallet::<Runtime>::account_nonce(&operator);
		let payload = pallet_host_reputation::operator_consent_payload(host, nonce);
		let digest = sp_io::hashing::blake2_256(&payload);
		let signature = sp_io::crypto::ecdsa_sign_prehashed(super::BENCHMARK_KEY, &public, &digest)
			.map(Signature::Ecdsa)
			.unwrap_or_else(|| Signature::Ecdsa(sp_core::ecdsa::Signature::default()));
		(operator, signature)
	}
}
