//! Throughput of a backend: nonces per second and the GFLOP/s they amount to.

use std::time::{Duration, Instant};

use super::{Account, Backend, EngineError};

/// What a measurement found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Throughput {
	/// Nonces evaluated.
	pub nonces: u64,
	/// Wall-clock seconds they took.
	pub seconds: f64,
	/// Floating-point operations per nonce of the model measured.
	pub flops_per_nonce: u64,
}

impl Throughput {
	/// Nonces per second.
	pub fn nonces_per_second(&self) -> f64 {
		self.nonces as f64 / self.seconds
	}

	/// Achieved GFLOP/s.
	pub fn gflops(&self) -> f64 {
		self.nonces_per_second() * self.flops_per_nonce as f64 / 1e9
	}
}

/// Evaluates batches of fresh nonces for at least `duration`; `progress` gets the elapsed
/// fraction (0..=1) after each batch.
pub fn measure(
	backend: &dyn Backend,
	duration: Duration,
	progress: &dyn Fn(f64),
) -> Result<Throughput, EngineError> {
	let account: Account = [0x5a; 32];
	let batch = backend.preferred_batch() as u64;
	// One untimed batch: first-touch page faults and kernel compilation are not throughput.
	backend.distances(&account, &(0..batch).collect::<Vec<_>>())?;
	let started = Instant::now();
	let mut nonces = 0u64;
	while started.elapsed() < duration {
		let first = batch + nonces;
		backend.distances(&account, &(first..first + batch).collect::<Vec<_>>())?;
		nonces += batch;
		progress((started.elapsed().as_secs_f64() / duration.as_secs_f64()).min(1.0));
	}
	Ok(Throughput {
		nonces,
		seconds: started.elapsed().as_secs_f64(),
		flops_per_nonce: backend.model().params.flops_per_nonce(),
	})
}
