//! Configuration of every pallet in the runtime, one file per concern.

pub mod consensus;
pub mod governance;
pub mod host_reputation;
pub mod inference;
pub mod monetary;
pub mod proof_of_compute;
pub mod system;
pub mod utility;

/// The key type of the keys benchmarks generate in the benchmark's keystore (developers'
/// request keys, operator keys).
#[cfg(feature = "runtime-benchmarks")]
pub const BENCHMARK_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bnch");
