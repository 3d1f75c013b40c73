//! The Proof-of-Compute engine: builds the epoch's model and evaluates nonces on a backend.

pub mod cpu;
pub mod model;
pub mod nonce;
mod ops;
pub mod reference;

use std::sync::Arc;

use gonka_primitives::{merkle::Leaf, Distance};

pub use model::Model;
pub use nonce::Account;

/// Why the engine could not compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
	/// The requested backend cannot run on this machine.
	Unavailable(String),
	/// The device failed while computing.
	Device(String),
}

impl std::fmt::Display for EngineError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Unavailable(why) => write!(f, "backend unavailable: {why}"),
			Self::Device(why) => write!(f, "device error: {why}"),
		}
	}
}

impl std::error::Error for EngineError {}

/// Something that evaluates nonces of one model: the CPU, or a GPU.
pub trait Backend: Send + Sync {
	/// A name for logs, with the device and thread count.
	fn name(&self) -> String;

	/// The model this backend evaluates.
	fn model(&self) -> &Arc<Model>;

	/// How many nonces one call to [`Backend::distances`] should carry to keep the device busy.
	fn preferred_batch(&self) -> usize;

	/// The distance of each nonce, in order.
	fn distances(&self, account: &Account, nonces: &[u64]) -> Result<Vec<f32>, EngineError>;
}

/// Evaluates `nonces` and returns the hits (`distance < r_target`) in nonce order.
pub fn hits(
	backend: &dyn Backend,
	account: &Account,
	nonces: &[u64],
	r_target: Distance,
) -> Result<Vec<Leaf>, EngineError> {
	let distances = backend.distances(account, nonces)?;
	let mut hits: Vec<Leaf> = nonces
		.iter()
		.zip(distances)
		.map(|(nonce, d)| Leaf { nonce: *nonce, distance: Distance::from_f64(f64::from(d)) })
		.filter(|leaf| leaf.distance.is_hit(r_target))
		.collect();
	hits.sort_by_key(|leaf| leaf.nonce);
	Ok(hits)
}
