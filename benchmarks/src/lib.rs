//! Shared helpers of the engine benchmarks.

use std::time::{Duration, Instant};

/// GFLOP/s of a `size × size × size` single-precision GEMM on `threads` threads, best of a
/// few runs: the machine's practical peak that the forward pass is compared with.
pub fn large_sgemm_gflops(size: usize, threads: usize) -> f64 {
	let a = vec![0.5f32; size * size];
	let b = vec![0.25f32; size * size];
	let mut c = vec![0.0f32; size * size];
	let parallelism =
		if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
	let mut best = Duration::MAX;
	for _ in 0..5 {
		let start = Instant::now();
		// SAFETY: all three operands are `size × size`, row-major, and `c` aliases neither input.
		unsafe {
			gemm::gemm(
				size,
				size,
				size,
				c.as_mut_ptr(),
				1,
				size as isize,
				false,
				a.as_ptr(),
				1,
				size as isize,
				b.as_ptr(),
				1,
				size as isize,
				1.0,
				1.0,
				false,
				false,
				false,
				parallelism,
			);
		}
		best = best.min(start.elapsed());
	}
	2.0 * (size as f64).powi(3) / best.as_secs_f64() / 1e9
}
