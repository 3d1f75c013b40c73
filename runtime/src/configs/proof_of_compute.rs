//! Proof of Compute: the sprint epoch clock.

use frame_system::EnsureRoot;

use crate::{AccountId, Runtime};

impl pallet_sprint::Config for Runtime {
	/// BABE randomness from one epoch ago: fixed before the current BABE epoch began, so no
	/// block author can choose it.
	type EpochRandomness = pallet_babe::RandomnessFromOneEpochAgo<Runtime>;
	/// Root (sudo in development) until compute-weighted governance exists.
	type ParamsOrigin = EnsureRoot<AccountId>;
	type OnPhaseChange = ();
	type WeightInfo = pallet_sprint::weights::SubstrateWeight<Runtime>;
}
