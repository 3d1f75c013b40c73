//! Weights of `pallet_community_pool`: placeholders until `make weights` generates them.
//! Regenerate them; do not edit by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions of `pallet_community_pool`.
pub trait WeightInfo {
	fn propose() -> Weight;
	fn vote() -> Weight;
	fn close(v: u32, ) -> Weight;
	fn spend() -> Weight;
}

/// The measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn propose() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	fn vote() -> Weight {
		Weight::from_parts(30000000, 4000)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn spend() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn close(v: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(v.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(v.into())))
	}
}

/// The same weights with ParityDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn propose() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
	}
	fn vote() -> Weight {
		Weight::from_parts(30000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn spend() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn close(v: u32, ) -> Weight {
		Weight::from_parts(60_000_000, 4000)
			.saturating_add(Weight::from_parts(2_000_000, 0).saturating_mul(v.into()))
			.saturating_add(ParityDbWeight::get().reads(4))
			.saturating_add(ParityDbWeight::get().writes(4))
			.saturating_add(ParityDbWeight::get().writes((1_u64).saturating_mul(v.into())))
	}
}
