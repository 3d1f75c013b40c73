//! The Proof-of-Compute engine: builds the epoch's model and evaluates nonces on a backend.

pub mod calibrate;
pub mod cpu;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod devices;
pub mod model;
pub mod nonce;
mod ops;
pub mod reference;
pub mod throughput;

use std::sync::Arc;

use gonka_primitives::{merkle::Leaf, Distance};

pub use model::Model;
pub use nonce::Account;

/// Why the engine could not compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
	/// The request itself is invalid (parameters, sizes, rates).
	Input(String),
	/// The requested backend cannot run on this machine.
	Unavailable(String),
	/// The device failed while computing.
	Device(String),
}

impl std::fmt::Display for EngineError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Input(why) => write!(f, "{why}"),
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

/// The kinds of backend a host can compute on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
	/// All CPU cores (the reference).
	Cpu,
	/// NVIDIA GPUs through CUDA.
	Cuda,
}

/// Opens a backend of `kind` for `model`: `threads` applies to the CPU. CUDA computes on the
/// GPUs `devices` (ordinals; every GPU when empty) as one [`devices::Devices`], where the CPU
/// takes the place of a GPU that fails and `on_fallback` hears of it.
pub fn open_backend(
	kind: BackendKind,
	model: Arc<Model>,
	threads: Option<std::num::NonZeroUsize>,
	devices: &[usize],
	on_fallback: devices::OnFallback,
) -> Result<Box<dyn Backend>, EngineError> {
	match kind {
		BackendKind::Cpu => Ok(Box::new(cpu::CpuBackend::new(model, threads))),
		#[cfg(feature = "cuda")]
		BackendKind::Cuda => Ok(Box::new(devices::open_cuda(model, threads, devices, on_fallback)?)),
		#[cfg(not(feature = "cuda"))]
		BackendKind::Cuda => {
			let _ = (devices, on_fallback);
			Err(EngineError::Unavailable(
				"this binary was built without the `cuda` feature; rebuild with `--features cuda`"
					.into(),
			))
		}
	}
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
