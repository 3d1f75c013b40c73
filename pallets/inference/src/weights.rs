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
	/// `refund_expired`.
	fn refund_expired() -> Weight;
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
	fn refund_expired() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
}
