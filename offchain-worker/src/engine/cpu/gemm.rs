//! Row-major f32 matrix products through the `gemm` crate (AVX2/AVX-512 kernels chosen at run
//! time), single-threaded: the CPU backend runs one batch per thread instead.

use crate::engine::model::Matrix;

/// `dst (m × n) = a (m × k) · w (k × n)`, or `dst += a · w` when `accumulate`.
pub fn matmul(dst: &mut [f32], a: &[f32], w: &Matrix, m: usize, accumulate: bool) {
	let (k, n) = (w.rows, w.cols);
	assert!(a.len() >= m * k && dst.len() >= m * n, "matmul operands are too short");
	// SAFETY: the assertion above keeps every access of the `m × k`, `k × n` and `m × n`
	// row-major operands in bounds, and `dst` does not alias `a` or `w` (it is borrowed mutably).
	unsafe {
		gemm::gemm(
			m,
			n,
			k,
			dst.as_mut_ptr(),
			1,
			n as isize,
			accumulate,
			a.as_ptr(),
			1,
			k as isize,
			w.data.as_ptr(),
			1,
			n as isize,
			1.0,
			1.0,
			false,
			false,
			false,
			gemm::Parallelism::None,
		);
	}
}
