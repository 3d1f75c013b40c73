//! The decoder on every GPU a host serves from. A sequence stays on the GPU its first run
//! chose, where its keys and values live, and its logits are computed there too; new
//! sequences go to the GPUs in turn, and so do logits asked for without a sequence (a
//! re-check's, from final states any copy of the weights turns into the same logits).

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
	/// The GPU in turn for the next new sequence.
	next_sequence: AtomicUsize,
	/// The GPU in turn for the next logits asked for without a sequence.
	next_logits: AtomicUsize,
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
		Ok(Self { decoders, next_sequence: AtomicUsize::new(0), next_logits: AtomicUsize::new(0) })
	}

	/// The index of the GPU in `turn`, which moves on.
	fn in_turn(&self, turn: &AtomicUsize) -> usize {
		turn.fetch_add(1, Ordering::Relaxed) % self.decoders.len()
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
		let gpu = *placement.gpu.get_or_insert_with(|| self.in_turn(&self.next_sequence));
		self.decoders[gpu].final_states(embeddings, first, &mut placement.cache, from)
	}

	/// [`CudaDecoder::logits`] on the GPU that holds `sequence`, or on the next one in turn:
	/// a sequence's steps stay off the other GPUs' queues, and a failed GPU fails only the
	/// sequences it holds.
	pub fn logits(
		&self,
		sequence: Option<&Placement>,
		states: &[f32],
	) -> Result<Vec<f32>, InferenceError> {
		let gpu = sequence
			.and_then(|placement| placement.gpu)
			.unwrap_or_else(|| self.in_turn(&self.next_logits));
		self.decoders[gpu].logits(states)
	}
}
