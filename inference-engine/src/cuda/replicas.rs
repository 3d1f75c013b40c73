//! The decoder on every GPU a host serves from. A sequence stays on the GPU its first run
//! chose, where its keys and values live; new sequences, and the logits of final states (which
//! any copy of the weights computes), go to the GPUs in turn.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::decoder::{CudaDecoder, DeviceCache};
use crate::{InferenceError, Model};

/// A sequence's place on the GPUs: which one holds it, and its cache there.
#[derive(Default)]
pub struct Placement {
	gpu: Option<usize>,
	cache: Option<DeviceCache>,
}

/// One decoder per GPU.
pub struct Replicas {
	decoders: Vec<CudaDecoder>,
	/// The next GPU in turn.
	next: AtomicUsize,
}

impl Replicas {
	/// Uploads `model` to each GPU of `ordinals` (at least one; an ordinal given twice holds
	/// two copies).
	pub fn new(
		model: &Model,
		frequencies: &[f32],
		ordinals: &[usize],
	) -> Result<Self, InferenceError> {
		if ordinals.is_empty() {
			return Err(InferenceError::Device("no GPU was named".into()));
		}
		let decoders = ordinals
			.iter()
			.map(|ordinal| CudaDecoder::new(model, frequencies, *ordinal))
			.collect::<Result<_, _>>()?;
		Ok(Self { decoders, next: AtomicUsize::new(0) })
	}

	/// The index of the next GPU in turn.
	fn in_turn(&self) -> usize {
		self.next.fetch_add(1, Ordering::Relaxed) % self.decoders.len()
	}

	/// [`CudaDecoder::final_states`] on the GPU that holds the sequence, or the next one in
	/// turn for its first run.
	pub fn final_states(
		&self,
		embeddings: &[f32],
		first: usize,
		placement: &mut Placement,
		from: usize,
	) -> Result<Vec<f32>, InferenceError> {
		let gpu = *placement.gpu.get_or_insert_with(|| self.in_turn());
		self.decoders[gpu].final_states(embeddings, first, &mut placement.cache, from)
	}

	/// [`CudaDecoder::logits`] on the next GPU in turn.
	pub fn logits(&self, states: &[f32]) -> Result<Vec<f32>, InferenceError> {
		self.decoders[self.in_turn()].logits(states)
	}
}
