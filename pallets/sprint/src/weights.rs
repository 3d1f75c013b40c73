//! Weights of `pallet-sprint`.
//!
//! Measured with frame-benchmarking v2 (`benchmarking.rs`) and written in the layout that
//! `frame-omni-bencher v1 benchmark pallet --runtime <gonka_runtime.wasm> --pallet
//! pallet_sprint --extrinsic '*' --template .maintain/frame-weight-template.hbs` produces.
//! Until that run is part of the build, the figures below are the reference-time estimates of
//! the storage operations each path does (ParityDB read 8 µs, write 50 µs) plus 10 µs of
//! computation; `docs/ARCHITECTURE.md` tracks this.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions needed for `pallet_sprint`.
pub trait WeightInfo {
	fn set_params() -> Weight;
	fn advance_within_phase() -> Weight;
	fn enter_phase() -> Weight;
	fn start_epoch() -> Weight;
}

/// Weights for `pallet_sprint` using the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Sprint::NextParams` (w: 1)
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 1_700).saturating_add(T::DbWeight::get().writes(1))
	}
	/// Storage: `Sprint::CurrentEpoch` (r: 1), `Sprint::CurrentPhase` (r: 1)
	fn advance_within_phase() -> Weight {
		Weight::from_parts(10_000_000, 1_800).saturating_add(T::DbWeight::get().reads(2))
	}
	/// Storage: `Sprint::CurrentEpoch` (r: 1, w: 1), `Sprint::CurrentPhase` (r: 1, w: 1),
	/// `Babe::Randomness` (r: 1), `System::ParentHash` (r: 1)
	fn enter_phase() -> Weight {
		Weight::from_parts(10_000_000, 1_800)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// Storage: `Sprint::NextParams` (r: 1, w: 1), `Sprint::CurrentEpoch` (w: 1),
	/// `Babe::Randomness` (r: 1), `System::ParentHash` (r: 1)
	fn start_epoch() -> Weight {
		Weight::from_parts(10_000_000, 1_800)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// For tests: the same figures with ParityDB's weights.
impl WeightInfo for () {
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 1_700).saturating_add(ParityDbWeight::get().writes(1))
	}
	fn advance_within_phase() -> Weight {
		Weight::from_parts(10_000_000, 1_800).saturating_add(ParityDbWeight::get().reads(2))
	}
	fn enter_phase() -> Weight {
		Weight::from_parts(10_000_000, 1_800)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn start_epoch() -> Weight {
		Weight::from_parts(10_000_000, 1_800)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
}
