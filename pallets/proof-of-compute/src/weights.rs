//! Weights of `pallet-proof-of-compute`.
//!
//! In frame-omni-bencher's layout; until its run is part of the build, the figures are
//! estimates: ParityDB's storage-access weights plus a generous allowance for the hashing of
//! the proof checks. To be replaced by generated weights (issue 4).

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_proof_of_compute`.
pub trait WeightInfo {
	fn commit() -> Weight;
	fn reveal(leaves: u32) -> Weight;
	fn attest() -> Weight;
	fn settle(hosts: u32) -> Weight;
	fn clean_up(keys: u32) -> Weight;
}

/// Weights using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Sprint::CurrentEpoch` (r: 1), `Sprint::CurrentPhase` (r: 1), host registry
	/// (r: 1), `ProofOfCompute::Commitments` (r: 1, w: 1)
	fn commit() -> Weight {
		Weight::from_parts(15_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// As `commit`, plus `ProofOfCompute::Revealed` (r: 1, w: 1) and two proof checks per leaf.
	fn reveal(leaves: u32) -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(Weight::from_parts(25_000_000, 1_200).saturating_mul(leaves.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn attest() -> Weight {
		Weight::from_parts(30_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn settle(hosts: u32) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(15_000_000, 4_000).saturating_mul(hosts.into()))
			.saturating_add(T::DbWeight::get().reads_writes(3, 2))
			.saturating_add(T::DbWeight::get().reads_writes(3, 2).saturating_mul(hosts.into()))
	}
	/// Storage: `ProofOfCompute::PendingCleanup` (r: 1, w: 1), one write per removed key.
	fn clean_up(keys: u32) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
			.saturating_add(T::DbWeight::get().writes(keys.into()))
	}
}

/// For tests: the same figures with ParityDB's weights.
impl WeightInfo for () {
	fn commit() -> Weight {
		Weight::from_parts(15_000_000, 4_000)
			.saturating_add(ParityDbWeight::get().reads_writes(4, 1))
	}
	fn reveal(leaves: u32) -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(Weight::from_parts(25_000_000, 1_200).saturating_mul(leaves.into()))
			.saturating_add(ParityDbWeight::get().reads_writes(5, 1))
	}
	fn attest() -> Weight {
		Weight::from_parts(30_000_000, 12_000)
			.saturating_add(ParityDbWeight::get().reads_writes(12, 1))
	}
	fn settle(hosts: u32) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(Weight::from_parts(15_000_000, 4_000).saturating_mul(hosts.into()))
			.saturating_add(ParityDbWeight::get().reads_writes(3, 2))
			.saturating_add(ParityDbWeight::get().reads_writes(3, 2).saturating_mul(hosts.into()))
	}
	fn clean_up(keys: u32) -> Weight {
		Weight::from_parts(5_000_000, 1_000)
			.saturating_add(ParityDbWeight::get().reads_writes(1, 1))
			.saturating_add(ParityDbWeight::get().writes(keys.into()))
	}
}
