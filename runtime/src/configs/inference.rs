//! The inference marketplace: models governance registers, requests escrowed from developers,
//! executors and checkers drawn by compute weight, forgeries punished as fraud.

use frame_support::traits::{ConstU32, Randomness};
use gonka_primitives::inference::{
	SMOLLM2_NAME, SMOLLM2_WEIGHTS_HASH, TEST_MODEL_NAME, TEST_MODEL_WEIGHTS_HASH,
};
use pallet_inference::{GenesisModel, InferenceHosts, LlamaArchitecture, MarketParams};
use sp_runtime::{traits::Verify, Perbill};

use crate::{
	configs::governance::ParamsOrigin, currency::MILLI_GNK, AccountId, Balances, BlockNumber, Hash,
	HostReputation, Runtime, RuntimeHoldReason, Signature, TreasuryForTraining,
};

/// Hosts as the marketplace sees them: the weight they counted in the last settled epoch,
/// their reputation, and punishment by host-reputation.
pub struct MarketHosts;
impl InferenceHosts<AccountId> for MarketHosts {
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
}

/// The parent block's BABE VRF output mixed with the subject, so that nobody knows an
/// executor or a checker before the block that draws it; the randomness of the epoch before
/// for a block without VRF output.
pub struct BlockRandomness;
impl Randomness<Hash, BlockNumber> for BlockRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		match pallet_babe::ParentBlockRandomness::<Runtime>::random(subject) {
			(Some(random), block) => (random, block),
			(None, _) => pallet_babe::RandomnessFromOneEpochAgo::<Runtime>::random(subject),
		}
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
	type Randomness = BlockRandomness;
	type Training = TreasuryForTraining;
	type MaxModels = ConstU32<64>;
	/// Each draw reads every server's weight: the benchmarks measure 64.
	type MaxServers = ConstU32<64>;
	type WeightInfo = pallet_inference::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkKeys;
}

/// Developer keys from the benchmark's keystore, hosts' weights through host-reputation.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;

#[cfg(feature = "runtime-benchmarks")]
const BENCHMARK_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bnch");

#[cfg(feature = "runtime-benchmarks")]
impl pallet_inference::benchmarking::BenchmarkHelper<AccountId, Signature> for BenchmarkKeys {
	fn developer() -> AccountId {
		sp_io::crypto::sr25519_generate(BENCHMARK_KEY, None).into()
	}

	fn sign(developer: &AccountId, payload: &[u8]) -> Signature {
		let public = sp_core::sr25519::Public::from_raw(*developer.as_ref());
		sp_io::crypto::sr25519_sign(BENCHMARK_KEY, &public, payload)
			.map(Signature::Sr25519)
			.unwrap_or_else(|| Signature::Sr25519(sp_core::sr25519::Signature::default()))
	}

	fn set_weight(who: &AccountId, weight: u64) {
		HostReputation::record_weight_for_benchmarks(who, weight);
	}
}

/// The marketplace's parameters on the development presets: every served request is
/// re-checked (when another host serves its model), so that re-checks can be watched; the
/// rest are DESIGN.md's defaults.
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
