//! The inference marketplace: models governance registers, requests served at once and paid
//! from developers' deposits, executors and checkers drawn by compute weight with BABE's VRF
//! outputs, forgeries and false accusations punished as fraud, silence as downtime.

use frame_support::traits::{ConstU32, Get};
use gonka_primitives::inference::{
	SMOLLM2_NAME, SMOLLM2_WEIGHTS_HASH, TEST_MODEL_NAME, TEST_MODEL_WEIGHTS_HASH,
};
use pallet_inference::{GenesisModel, InferenceHosts, LlamaArchitecture, MarketParams};
use sp_runtime::{traits::Verify, Perbill};

use crate::{
	configs::governance::ParamsOrigin, currency::MILLI_GNK, AccountId, Balances, HostReputation,
	Runtime, RuntimeHoldReason, Signature, TreasuryForTraining,
};

/// Hosts as the marketplace sees them: the weight they counted in the last settled epoch,
/// their reputation, and punishment by host-reputation.
pub struct MarketHosts;
impl InferenceHosts<AccountId> for MarketHosts {
	fn acting_for(signer: &AccountId) -> AccountId {
		HostReputation::acting_for_marketplace(signer)
	}

	fn acting_for_weight() -> frame_support::weights::Weight {
		HostReputation::acting_for_weight()
	}

	fn weight(who: &AccountId) -> u64 {
		pallet_host_reputation::LastSettledEpoch::<Runtime>::get()
			.map_or(0, |epoch| HostReputation::counted_weight_in(epoch, who))
	}

	fn reputation(who: &AccountId) -> Perbill {
		HostReputation::reputation_share(who)
	}

	fn punish_forgery(who: &AccountId) {
		HostReputation::punish_forgery(who)
	}

	fn punish_false_accusation(who: &AccountId) {
		HostReputation::punish_false_accusation(who)
	}

	fn punish_silence(who: &AccountId) {
		HostReputation::punish_silent_checker(who)
	}
}

/// The parent block's BABE VRF output: BABE writes each block's output at its end, so while a
/// block initialises it is still the parent's. Every slot of this chain carries one.
pub struct ParentBlockVrf;
impl Get<Option<[u8; 32]>> for ParentBlockVrf {
	fn get() -> Option<[u8; 32]> {
		pallet_babe::AuthorVrfRandomness::<Runtime>::get()
	}
}

impl pallet_inference::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Signature = Signature;
	type Signer = <Signature as Verify>::Signer;
	/// A passed community-pool proposal (`ComputeMajority`); root only where a development
	/// chain has a sudo key.
	type ModelOrigin = ParamsOrigin;
	type Hosts = MarketHosts;
	type ParamsOrigin = ParamsOrigin;
	type ParentBlockVrf = ParentBlockVrf;
	type Training = TreasuryForTraining;
	type MaxModels = ConstU32<64>;
	/// Each draw reads every server's weight: the benchmarks measure 64.
	type MaxServers = ConstU32<64>;
	/// A report is a signature check and a draw: 32 fill a fifth of a block's weight.
	type MaxReports = ConstU32<32>;
	type MaxSamplesPerBlock = ConstU32<64>;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkKeys;
}

/// Developer keys from the benchmark's keystore, hosts' weights through host-reputation.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::benchmarking::BenchmarkHelper<AccountId, Signature> for BenchmarkKeys {
	fn developer() -> AccountId {
		sp_io::crypto::sr25519_generate(super::BENCHMARK_KEY, None).into()
	}

	fn sign(developer: &AccountId, payload: &[u8]) -> Signature {
		let public = sp_core::sr25519::Public::from_raw(*developer.as_ref());
		sp_io::crypto::sr25519_sign(super::BENCHMARK_KEY, &public, payload)
			.map(Signature::Sr25519)
			.unwrap_or_else(|| Signature::Sr25519(sp_core::sr25519::Signature::default()))
	}

	fn set_weight(who: &AccountId, weight: u64) {
		HostReputation::record_weight_for_benchmarks(who, weight);
	}
}

/// The marketplace's parameters on the development presets: every served request is
/// re-checked (when another host serves its model), so that re-checks can be watched, and
/// the draw is redrawn every 30 blocks (3 minutes), so that a host that starts serving is
/// soon drawn; the rest are DESIGN.md's defaults.
pub fn development_params() -> MarketParams {
	MarketParams {
		recheck_ceiling: Perbill::one(),
		recheck_floor: Perbill::one(),
		..Default::default()
	}
}

/// The project's test model (`gonka-node write-test-model`), at 1 milli-GNK per token: what
/// the development presets register, so that inference works from the first block.
pub fn test_model() -> GenesisModel {
	GenesisModel {
		name: TEST_MODEL_NAME.into(),
		architecture: LlamaArchitecture::TEST_MODEL,
		weights_hash: TEST_MODEL_WEIGHTS_HASH,
		base_price: MILLI_GNK,
	}
}

/// SmolLM2-135M-Instruct, a real model (`make run` serves it), at 1 milli-GNK per token.
pub fn smollm2() -> GenesisModel {
	GenesisModel {
		name: SMOLLM2_NAME.into(),
		architecture: LlamaArchitecture::SMOLLM2_135M,
		weights_hash: SMOLLM2_WEIGHTS_HASH,
		base_price: MILLI_GNK,
	}
}
