//! Weights of the inference pallet's calls.
//!
//! Placeholder until `benchmarking.rs` exists and `make weights` generates this file: each
//! call is charged its storage reads and writes at RocksDB costs plus a signature check where
//! there is one.

use frame_support::weights::{constants::RocksDbWeight, Weight};

/// Weight functions of the inference pallet.
pub trait WeightInfo {
	/// `register_model`.
	fn register_model() -> Weight;
	/// `serve`.
	fn serve() -> Weight;
	/// `stop_serving`.
	fn stop_serving() -> Weight;
	/// `request`: a signature check, the draw over at most `MaxServers` servers.
	fn request() -> Weight;
	/// `finish`.
	fn finish() -> Weight;
	/// `close_expired`: a refund or a payment, or a decided dispute with its votes.
	fn close_expired() -> Weight;
	/// `recheck`: a payment, or a dispute over at most `MaxServers` servers.
	fn recheck() -> Weight;
	/// `vote`: a vote, and perhaps the decision.
	fn vote() -> Weight;
	/// `set_params`.
	fn set_params() -> Weight;
	/// Repricing `m` models at the end of a price period.
	fn reprice(m: u32) -> Weight;
}

impl WeightInfo for () {
	fn register_model() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(1, 2))
	}
	fn serve() -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
	}
	fn stop_serving() -> Weight {
		Weight::from_parts(20_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn request() -> Weight {
		Weight::from_parts(150_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(110, 5))
	}
	fn finish() -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 6))
	}
	fn close_expired() -> Weight {
		Weight::from_parts(80_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 10))
	}
	fn recheck() -> Weight {
		Weight::from_parts(80_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(110, 6))
	}
	fn vote() -> Weight {
		Weight::from_parts(80_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 10))
	}
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn reprice(m: u32) -> Weight {
		Weight::from_parts(10_000_000, 1_000)
			.saturating_add(Weight::from_parts(20_000_000, 8_000).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(2, 0))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 2).saturating_mul(m.into()))
	}
}
