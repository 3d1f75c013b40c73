//! The CPU backend: every thread runs whole batches of nonces through the batched forward pass,
//! sharing one copy of the weights.

mod forward;
mod gemm;

use std::{
	num::NonZeroUsize,
	sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	},
};

use super::{model::Model, nonce::Account, Backend, EngineError};
use forward::Workspace;

/// The CPU backend.
pub struct CpuBackend {
	model: Arc<Model>,
	threads: usize,
	batch: usize,
}

impl CpuBackend {
	/// A backend for `model` on `threads` threads (all cores when `None`).
	pub fn new(model: Arc<Model>, threads: Option<NonZeroUsize>) -> Self {
		let threads = threads
			.or_else(|| std::thread::available_parallelism().ok())
			.map_or(1, NonZeroUsize::get);
		// About 512 rows per GEMM: enough to amortise weight traffic, small enough for cache.
		let batch = (512 / model.params.seq as usize).max(1);
		Self { model, threads, batch }
	}

	/// Threads this backend computes on.
	pub fn threads(&self) -> usize {
		self.threads
	}
}

impl Backend for CpuBackend {
	fn name(&self) -> String {
		format!("cpu ({} threads)", self.threads)
	}

	fn model(&self) -> &Arc<Model> {
		&self.model
	}

	fn preferred_batch(&self) -> usize {
		self.batch * self.threads * 8
	}

	fn distances(&self, account: &Account, nonces: &[u64]) -> Result<Vec<f32>, EngineError> {
		self.per_batch(nonces, |workspace, chunk| {
			let mut distances = vec![0.0f32; chunk.len()];
			workspace.forward(&self.model, account, chunk, &mut distances);
			distances
		})
	}
}

impl CpuBackend {
	/// The output `z` of each nonce (`out` values), in order: what a validator needs to
	/// measure the distance to any target.
	pub fn outputs(&self, account: &Account, nonces: &[u64]) -> Result<Vec<Vec<f32>>, EngineError> {
		let out = self.model.params.out as usize;
		self.per_batch(nonces, |workspace, chunk| {
			let z = workspace.outputs(&self.model, account, chunk);
			z.chunks_exact(out).map(<[f32]>::to_vec).collect()
		})
	}

	/// `compute` over `nonces` in batches, on all threads, each with its own workspace; the
	/// results in the order of `nonces` (`compute` returns one per nonce of its batch).
	fn per_batch<R: Send>(
		&self,
		nonces: &[u64],
		compute: impl Fn(&mut Workspace, &[u64]) -> Vec<R> + Sync,
	) -> Result<Vec<R>, EngineError> {
		let chunks: Vec<&[u64]> = nonces.chunks(self.batch).collect();
		let next = AtomicUsize::new(0);
		let worker = || {
			let mut workspace = Workspace::new(&self.model, self.batch);
			let mut done = Vec::new();
			loop {
				let index = next.fetch_add(1, Ordering::Relaxed);
				let Some(chunk) = chunks.get(index) else { return done };
				done.push((index, compute(&mut workspace, chunk)));
			}
		};
		let mut finished = std::thread::scope(|scope| {
			let handles: Vec<_> =
				(0..self.threads.min(chunks.len())).map(|_| scope.spawn(worker)).collect();
			handles.into_iter().map(|handle| handle.join()).collect::<Result<Vec<_>, _>>()
		})
		.map_err(|_| EngineError::Device("a CPU worker thread panicked".into()))?
		.into_iter()
		.flatten()
		.collect::<Vec<_>>();
		finished.sort_unstable_by_key(|(index, _)| *index);
		Ok(finished.into_iter().flat_map(|(_, results)| results).collect())
	}
}
