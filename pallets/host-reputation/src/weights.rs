//! Weights of `pallet_host_reputation`: placeholders until `make weights` generates them.
//! Regenerate them; do not edit by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions of `pallet_host_reputation`.
pub trait WeightInfo {
	fn register_host() -> Weight;
	fn add_collateral() -> Weight;
	fn set_host_info() -> Weight;
	fn unregister() -> Weight;
	fn withdraw_collateral() -> Weight;
	fn set_params() -> Weight;
	fn check_downtime(n: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_host() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn add_collateral() -> Weight {
		Weight::from_parts(35000000, 4000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn set_host_info() -> Weight {
		Weight::from_parts(15000000, 4000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn unregister() -> Weight {
		Weight::from_parts(15000000, 4000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn withdraw_collateral() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn set_params() -> Weight {
		Weight::from_parts(8000000, 4000)
			.saturating_add(T::DbWeight::get().reads(0))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn check_downtime(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 4000)
			.saturating_add(Weight::from_parts(60_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads(6_u64.saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().writes(4_u64.saturating_mul(n.into())))
	}
}

/// The measured weights, with ParityDB's weights, for tests.
impl WeightInfo for () {
	fn register_host() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn add_collateral() -> Weight {
		Weight::from_parts(35000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn set_host_info() -> Weight {
		Weight::from_parts(15000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn unregister() -> Weight {
		Weight::from_parts(15000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn withdraw_collateral() -> Weight {
		Weight::from_parts(40000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(5))
			.saturating_add(ParityDbWeight::get().writes(5))
	}
	fn set_params() -> Weight {
		Weight::from_parts(8000000, 4000)
			.saturating_add(ParityDbWeight::get().reads(0))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn check_downtime(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 4000)
			.saturating_add(Weight::from_parts(60_000_000, 4000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().reads(6_u64.saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes(1))
			.saturating_add(ParityDbWeight::get().writes(4_u64.saturating_mul(n.into())))
	}
}
