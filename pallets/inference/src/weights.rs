//! Weights of `pallet_inference`, written by hand for revision 2 of the marketplace from the
//! revision-1 measurements of the same operations (a signature check, a draw over 64 servers,
//! holds and transfers), rounded up; `make weights` regenerates them from the benchmarks,
//! which cover every call and hook below on its worst path.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::ParityDbWeight, Weight},
};

/// Weight functions of `pallet_inference`.
pub trait WeightInfo {
	fn register_model() -> Weight;
	fn serve() -> Weight;
	fn stop_serving() -> Weight;
	fn deposit() -> Weight;
	fn unlock() -> Weight;
	fn withdraw() -> Weight;
	fn recheck() -> Weight;
	fn vote() -> Weight;
	fn close_expired() -> Weight;
	fn set_params() -> Weight;
	fn finish(n: u32, ) -> Weight;
	fn sample(n: u32, ) -> Weight;
	fn reprice(m: u32, ) -> Weight;
	fn refresh_draws(m: u32, s: u32, ) -> Weight;
	fn prune_nonce() -> Weight;
}

/// The weights above, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_model() -> Weight {
		Weight::from_parts(9_544_000, 1489)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn serve() -> Weight {
		Weight::from_parts(60_000_000, 12000)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn stop_serving() -> Weight {
		Weight::from_parts(10_005_000, 5527)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn deposit() -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn unlock() -> Weight {
		Weight::from_parts(15_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn recheck() -> Weight {
		Weight::from_parts(120_000_000, 12000)
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().writes(6))
	}
	fn vote() -> Weight {
		Weight::from_parts(150_000_000, 12000)
			.saturating_add(T::DbWeight::get().reads(14))
			.saturating_add(T::DbWeight::get().writes(10))
	}
	fn close_expired() -> Weight {
		Weight::from_parts(150_000_000, 12000)
			.saturating_add(T::DbWeight::get().reads(14))
			.saturating_add(T::DbWeight::get().writes(10))
	}
	fn set_params() -> Weight {
		Weight::from_parts(6_000_000, 0)
			.saturating_add(T::DbWeight::get().reads(0))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn finish(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 2000)
			.saturating_add(Weight::from_parts(250_000_000, 9000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().reads((12_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((9_u64).saturating_mul(n.into())))
	}
	fn sample(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(120_000_000, 9000).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((6_u64).saturating_mul(n.into())))
	}
	fn reprice(m: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(10_000_000, 3000).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
	fn refresh_draws(m: u32, s: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(6_000_000, 3000).saturating_mul(m.into()).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(m.into()).saturating_mul(s.into())))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
	fn prune_nonce() -> Weight {
		Weight::from_parts(8_000_000, 3000)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

// For tests: the same with ParityDB's weights.
impl WeightInfo for () {
	fn register_model() -> Weight {
		Weight::from_parts(9_544_000, 1489)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn serve() -> Weight {
		Weight::from_parts(60_000_000, 12000)
			.saturating_add(ParityDbWeight::get().reads(6))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
	fn stop_serving() -> Weight {
		Weight::from_parts(10_005_000, 5527)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn deposit() -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn unlock() -> Weight {
		Weight::from_parts(15_000_000, 3000)
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn withdraw() -> Weight {
		Weight::from_parts(40_000_000, 4000)
			.saturating_add(ParityDbWeight::get().reads(3))
			.saturating_add(ParityDbWeight::get().writes(3))
	}
	fn recheck() -> Weight {
		Weight::from_parts(120_000_000, 12000)
			.saturating_add(ParityDbWeight::get().reads(12))
			.saturating_add(ParityDbWeight::get().writes(6))
	}
	fn vote() -> Weight {
		Weight::from_parts(150_000_000, 12000)
			.saturating_add(ParityDbWeight::get().reads(14))
			.saturating_add(ParityDbWeight::get().writes(10))
	}
	fn close_expired() -> Weight {
		Weight::from_parts(150_000_000, 12000)
			.saturating_add(ParityDbWeight::get().reads(14))
			.saturating_add(ParityDbWeight::get().writes(10))
	}
	fn set_params() -> Weight {
		Weight::from_parts(6_000_000, 0)
			.saturating_add(ParityDbWeight::get().reads(0))
			.saturating_add(ParityDbWeight::get().writes(1))
	}
	fn finish(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 2000)
			.saturating_add(Weight::from_parts(250_000_000, 9000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(2))
			.saturating_add(ParityDbWeight::get().writes(0))
			.saturating_add(ParityDbWeight::get().reads((12_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes((9_u64).saturating_mul(n.into())))
	}
	fn sample(n: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(120_000_000, 9000).saturating_mul(n.into()))
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(1))
			.saturating_add(ParityDbWeight::get().reads((8_u64).saturating_mul(n.into())))
			.saturating_add(ParityDbWeight::get().writes((6_u64).saturating_mul(n.into())))
	}
	fn reprice(m: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(10_000_000, 3000).saturating_mul(m.into()))
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(0))
			.saturating_add(ParityDbWeight::get().reads((4_u64).saturating_mul(m.into())))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
	fn refresh_draws(m: u32, s: u32, ) -> Weight {
		Weight::from_parts(5_000_000, 1000)
			.saturating_add(Weight::from_parts(6_000_000, 3000).saturating_mul(m.into()).saturating_mul(s.into()))
			.saturating_add(ParityDbWeight::get().reads((3_u64).saturating_mul(m.into()).saturating_mul(s.into())))
			.saturating_add(ParityDbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
	fn prune_nonce() -> Weight {
		Weight::from_parts(8_000_000, 3000)
			.saturating_add(ParityDbWeight::get().reads(1))
			.saturating_add(ParityDbWeight::get().writes(2))
	}
}
