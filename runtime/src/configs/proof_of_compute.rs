//! Proof of Compute: the sprint epoch clock and the commit/reveal/attest/settle pallet.

use frame_support::{parameter_types, traits::ConstU32, weights::Weight};
use pallet_sprint::EmissionSchedule;

use crate::{
	configs::{
		governance::ParamsOrigin, monetary::CommunityPoolAccount, system::RuntimeBlockWeights,
	},
	currency::GNK,
	Balances, HostReputation, ProofOfCompute, Runtime, Sprint,
};

impl pallet_sprint::Config for Runtime {
	/// BABE randomness from one epoch ago: fixed before the current BABE epoch began, so no
	/// block author can choose it.
	type EpochRandomness = pallet_babe::RandomnessFromOneEpochAgo<Runtime>;
	/// The VRF output of the parent block (every slot of this chain carries one): read in the
	/// reveal phase's second block, it is the first block's, and fixes the challenge seed.
	type BlockRandomness = pallet_babe::ParentBlockRandomness<Runtime>;
	type ParamsOrigin = ParamsOrigin;
	/// Proof of compute opens and closes settlements; the registry checks for downtime.
	type OnPhaseChange = (ProofOfCompute, HostReputation);
	/// Rewards are minted in GNK; what no host earns goes to the community pool.
	type Currency = Balances;
	type CommunityPool = CommunityPoolAccount;
	type WeightInfo = pallet_sprint::weights::SubstrateWeight<Runtime>;
}

/// The emission of the development and local chains: Gonka's 323,000 GNK a day, decaying by
/// 0.000475 per epoch, for the development profile's 2.5-minute epochs (576 a day).
pub fn development_emission() -> EmissionSchedule {
	EmissionSchedule { initial: 323_000 * GNK / 576, decay_ppb: 475_000 }
}

parameter_types! {
	/// Settlement runs in `on_initialize`: a fifth of the block, leaving the normal class its
	/// full 75% for transactions.
	pub SettlementWeightPerBlock: Weight = RuntimeBlockWeights::get().max_block.saturating_div(5);
}

impl pallet_proof_of_compute::Config for Runtime {
	type Sprint = Sprint;
	type Hosts = HostReputation;
	type Rewards = Sprint;
	type CleanupKeysPerBlock = ConstU32<500>;
	type SettlementWeightPerBlock = SettlementWeightPerBlock;
	type WeightInfo = pallet_proof_of_compute::weights::SubstrateWeight<Runtime>;
}
