//! The element-wise and per-row operations of the forward pass (DESIGN.md §4), shared by the
//! reference and the batched CPU path so that they differ only in how they multiply matrices.

/// `dst = src / sqrt(mean(src²) + 1e-5)`.
#[inline]
pub fn rms(src: &[f32], dst: &mut [f32]) {
	let sum_sq = dot(src, src);
	let denominator = (sum_sq / src.len() as f32 + 1e-5).sqrt();
	for (d, s) in dst.iter_mut().zip(src) {
		*d = s / denominator;
	}
}

/// Rotates every head of `row` (one position's q or k) by RoPE at the angles `rotations`
/// (`(cos θ_i, sin θ_i)` for `i < head_dim/2`): pairs `(i, i + head_dim/2)`.
#[inline]
pub fn rope(row: &mut [f32], head_dim: usize, rotations: &[(f32, f32)]) {
	let half = head_dim / 2;
	for head in row.chunks_exact_mut(head_dim) {
		let (first, second) = head.split_at_mut(half);
		for ((a, b), (cos, sin)) in first.iter_mut().zip(second.iter_mut()).zip(rotations) {
			let (x, y) = (*a, *b);
			*a = x * cos - y * sin;
			*b = y * cos + x * sin;
		}
	}
}

/// `silu(g) · u` with `silu(g) = g / (1 + e^−g)`.
#[inline]
pub fn swiglu(gate: &[f32], up: &[f32], dst: &mut [f32]) {
	for ((d, g), u) in dst.iter_mut().zip(gate).zip(up) {
		*d = g / (1.0 + exp(-g)) * u;
	}
}

/// `e^x` in f32 within 2 ulp, branch-free so that loops over it vectorise (libm's `expf` is a
/// call per element). Cody–Waite reduction `x = n·ln2 + r`, `|r| ≤ ln2/2`, a degree-7
/// polynomial for `e^r`, and `2^n` built in the exponent bits.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
	const LOG2E: f32 = std::f32::consts::LOG2_E;
	const LN2_HI: f32 = 0.693_145_75;
	const LN2_LO: f32 = 1.428_606_8e-6;
	// Adding 1.5·2²³ rounds to the nearest integer, which then sits in the low mantissa bits.
	const ROUNDER: f32 = 12_582_912.0;
	// Beyond these, e^x under- or overflows f32 (and 2^n would leave the exponent range).
	let x = x.clamp(-87.3, 88.7);
	let shifted = x * LOG2E + ROUNDER;
	let n = shifted - ROUNDER;
	let r = (x - n * LN2_HI) - n * LN2_LO;
	let p = 1.0 / 5040.0;
	let p = p * r + 1.0 / 720.0;
	let p = p * r + 1.0 / 120.0;
	let p = p * r + 1.0 / 24.0;
	let p = p * r + 1.0 / 6.0;
	let p = p * r + 0.5;
	let p = p * r + 1.0;
	let p = p * r + 1.0;
	let exponent = shifted.to_bits().wrapping_sub(ROUNDER.to_bits()).wrapping_add(127);
	p * f32::from_bits(exponent << 23)
}

/// Lanes of [`dot`]'s partial sums.
const LANES: usize = 8;

/// Dot product in a fixed order that vectorises: eight interleaved partial sums, added
/// together in order, then the tail.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
	let mut partial = [0.0f32; LANES];
	let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
	let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| x * y).sum();
	for (x, y) in a_chunks.zip(b_chunks) {
		for lane in 0..LANES {
			partial[lane] += x[lane] * y[lane];
		}
	}
	partial.iter().sum::<f32>() + tail
}

/// Causal attention of one head over one sequence. `q`, `k`, `v` return the head's slice of
/// position `s`; the result for position `s` is written by `write(s, values)`.
/// `scores` and `mixed` are scratch space of at least `seq` and `head_dim` entries.
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn causal_attention<'a>(
	seq: usize,
	head_dim: usize,
	q: impl Fn(usize) -> &'a [f32],
	k: impl Fn(usize) -> &'a [f32],
	v: impl Fn(usize) -> &'a [f32],
	scores: &mut [f32],
	mixed: &mut [f32],
	mut write: impl FnMut(usize, &[f32]),
) {
	let root = (head_dim as f32).sqrt();
	let mixed = &mut mixed[..head_dim];
	for s in 0..seq {
		let scores = &mut scores[..=s];
		let query = q(s);
		for (t, score) in scores.iter_mut().enumerate() {
			*score = dot(query, k(t)) / root;
		}
		let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
		let mut sum = 0.0f32;
		for score in scores.iter_mut() {
			*score = exp(*score - max);
			sum += *score;
		}
		mixed.fill(0.0);
		for (t, score) in scores.iter().enumerate() {
			let weight = score / sum;
			for (m, value) in mixed.iter_mut().zip(v(t)) {
				*m += weight * value;
			}
		}
		write(s, mixed);
	}
}

#[cfg(test)]
mod tests {
	#[test]
	fn exp_is_within_two_ulp_of_libm() {
		let mut x = -87.0f32;
		while x < 88.0 {
			let (fast, libm) = (super::exp(x), x.exp());
			let ulp = f32::from_bits(libm.to_bits() + 1) - libm;
			assert!((fast - libm).abs() <= 2.0 * ulp, "exp({x}) = {fast}, libm {libm}");
			x += 0.001_37;
		}
		assert_eq!(super::exp(-200.0), super::exp(-87.3));
		assert!(super::exp(0.0) == 1.0);
	}
}
