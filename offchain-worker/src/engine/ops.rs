//! The element-wise and per-row operations of the forward pass (DESIGN.md §4), shared by the
//! reference and the batched CPU path so that they differ only in how they multiply matrices.

/// `dst = src / sqrt(mean(src²) + 1e-5)`.
#[inline]
pub fn rms(src: &[f32], dst: &mut [f32]) {
	let sum_sq: f32 = src.iter().map(|v| v * v).sum();
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
		*d = g / (1.0 + (-g).exp()) * u;
	}
}

/// Dot product, accumulated in order.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
	a.iter().zip(b).map(|(x, y)| x * y).sum()
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
			*score = (*score - max).exp();
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
