//! Types and functions shared by the Gonka runtime (no_std) and the node's compute worker.
//!
//! Everything here follows the normative Proof-of-Compute definition (DESIGN.md §4–§5):
//! - [`params`]: the model's shape ([`ModelParams`]) and its validation;
//! - [`random`]: the counter-based random streams every implementation must reproduce;
//! - [`distance`]: distances as on-chain fixed-point integers (units of 1e-9);
//! - [`merkle`]: the commitment tree over a host's hits, with proofs;
//! - [`sampling`]: which leaves the chain challenges;
//! - [`assignment`]: which validators re-check which host;
//! - [`attestation`]: what validators attest (sealed, then opened) and who is outvoted;
//! - [`sprint`]: the epoch's phases and parameters;
//! - [`emission`]: what each epoch mints;
//! - [`text`]: checks of text users put on chain;
//! - [`runtime_api`]: what a host's worker asks the runtime.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod assignment;
pub mod attestation;
pub mod distance;
pub mod emission;
pub mod inference;
pub mod merkle;
pub mod params;
pub mod random;
pub mod runtime_api;
pub mod sampling;
pub mod sprint;
pub mod text;

pub use distance::Distance;
pub use params::{ModelParams, ParamsError};

/// A 32-byte BLAKE2b-256 hash.
pub type Hash32 = [u8; 32];

/// BLAKE2b-256 (Substrate's `blake2_256`) of the concatenation of `parts`, without copying
/// them together first.
pub fn hash_concat(parts: &[&[u8]]) -> Hash32 {
	let mut state = blake2b_simd::Params::new().hash_length(32).to_state();
	for part in parts {
		state.update(part);
	}
	let mut out = [0u8; 32];
	out.copy_from_slice(state.finalize().as_bytes());
	out
}
