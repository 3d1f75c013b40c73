//! One query head's causal attention over the f16 key/value cache, computed as llama.cpp's
//! CPU flash attention (its default) computes it: the query rounded to f16 (by the caller);
//! each score the dot product summed value after value with fused multiply-adds ([`score`]),
//! times `1/√d`; an online softmax whose weighted values are summed in f16, each sum rounded
//! to f16, multiply and add fused. With AVX2, FMA and F16C intrinsics where the CPU has them
//! and a head is a multiple of 8 values (up to 256) wide: eight positions' scores at once
//! (each still summed in order), and a position's values eight at a time; the same values
//! without.
//!
//! The order of the score's sum was chosen by measurement against llama.cpp (the agreement
//! test, `tests/llama_cpp.rs`, 20 prompts): summed in order, 18 continuations agree on 8
//! tokens and 17 on all 16; in ggml's AVX2 order (4 accumulators of 8 lanes) 18 and 13; in
//! its AVX-512 order 17 and 13. Summing the values in f32 rather than f16 gave 17 and 15.

use half::{f16, slice::HalfFloatSliceExt};

/// Values per AVX2 register, and positions scored at once.
const LANES: usize = 8;
/// The widest head the intrinsics hold in registers.
#[cfg(target_arch = "x86_64")]
const MAX_FAST_HEAD: usize = 256;

/// One query head's view of the cache: its key/value head at `offset` of each position's
/// `kv_width` values.
pub struct HeadAttention<'a> {
	/// Every cached position's keys.
	pub keys: &'a [f16],
	/// Every cached position's values.
	pub values: &'a [f16],
	/// Keys (or values) per position.
	pub kv_width: usize,
	/// Where this head's key/value head starts in a position's.
	pub offset: usize,
	/// `1/√d`.
	pub scale: f32,
}

impl HeadAttention<'_> {
	/// Attention of `query` (rounded to f16) over the first `positions` positions, into
	/// `output`.
	pub fn attend(&self, query: &[f32], positions: usize, output: &mut [f32]) {
		#[cfg(target_arch = "x86_64")]
		if query.len().is_multiple_of(LANES)
			&& query.len() <= MAX_FAST_HEAD
			&& std::is_x86_feature_detected!("avx2")
			&& std::is_x86_feature_detected!("fma")
			&& std::is_x86_feature_detected!("f16c")
		{
			// SAFETY: the CPU has the features the function is compiled for.
			return unsafe { self.attend_avx2(query, positions, output) };
		}
		self.attend_generic(query, positions, output)
	}

	fn attend_generic(&self, query: &[f32], positions: usize, output: &mut [f32]) {
		let head_dim = query.len();
		let (mut max, mut sum) = (f32::NEG_INFINITY, 0f32);
		let mut accumulated = vec![0f32; head_dim];
		let mut rounded = vec![f16::ZERO; head_dim];
		let mut row = vec![0f32; head_dim];
		for p in 0..positions {
			let at = p * self.kv_width + self.offset;
			self.keys[at..at + head_dim].convert_to_f32_slice(&mut row);
			let score = score(&row, query) * self.scale;
			let (mut rescale, mut weight) = (1.0, 1.0);
			if score > max {
				rescale = (max - score).exp();
				max = score;
				accumulated.iter_mut().for_each(|a| *a *= rescale);
				round_to_f16(&mut accumulated, &mut rounded);
			} else {
				weight = (score - max).exp();
			}
			self.values[at..at + head_dim].convert_to_f32_slice(&mut row);
			for (a, v) in accumulated.iter_mut().zip(&row) {
				*a = v.mul_add(weight, *a);
			}
			round_to_f16(&mut accumulated, &mut rounded);
			sum = sum * rescale + weight;
		}
		let inverse = if sum == 0.0 { 0.0 } else { 1.0 / sum };
		for (o, a) in output.iter_mut().zip(&accumulated) {
			*o = a * inverse;
		}
	}

	/// [`HeadAttention::attend_generic`] in registers; `query` is a multiple of [`LANES`] and
	/// at most [`MAX_FAST_HEAD`] long.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2,fma,f16c")]
	unsafe fn attend_avx2(&self, query: &[f32], positions: usize, output: &mut [f32]) {
		use std::arch::x86_64::*;
		let head_dim = query.len();
		let vectors = head_dim / LANES;
		let round = |x: __m256| _mm256_cvtph_ps(_mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(x));
		let halves = |values: &[f16], i: usize| {
			_mm256_cvtph_ps(_mm_loadu_si128(values[i * LANES..].as_ptr().cast()))
		};
		let scores = self.scores_avx2(query, positions);
		let mut accumulated = [_mm256_setzero_ps(); MAX_FAST_HEAD / LANES];
		let (mut max, mut sum) = (f32::NEG_INFINITY, 0f32);
		for (p, score) in scores.iter().enumerate() {
			let at = p * self.kv_width + self.offset;
			let score = *score;
			let (mut rescale, mut weight) = (1.0, 1.0);
			if score > max {
				rescale = (max - score).exp();
				max = score;
				let factor = _mm256_set1_ps(rescale);
				for a in accumulated.iter_mut().take(vectors) {
					*a = round(_mm256_mul_ps(*a, factor));
				}
			} else {
				weight = (score - max).exp();
			}
			let value = &self.values[at..at + head_dim];
			let factor = _mm256_set1_ps(weight);
			for (i, a) in accumulated.iter_mut().take(vectors).enumerate() {
				*a = round(_mm256_fmadd_ps(halves(value, i), factor, *a));
			}
			sum = sum * rescale + weight;
		}
		let inverse = _mm256_set1_ps(if sum == 0.0 { 0.0 } else { 1.0 / sum });
		for (i, a) in accumulated.iter().take(vectors).enumerate() {
			_mm256_storeu_ps(output[i * LANES..].as_mut_ptr(), _mm256_mul_ps(*a, inverse));
		}
	}

	/// The scores (times `1/√d`) of the first `positions` positions, each [`score`]: eight
	/// positions' keys transposed in registers, so that eight sums advance at once, each in
	/// its own order.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2,fma,f16c")]
	unsafe fn scores_avx2(&self, query: &[f32], positions: usize) -> Vec<f32> {
		use std::arch::x86_64::*;
		let head_dim = query.len();
		let mut scores = vec![0f32; positions];
		let scale = _mm256_set1_ps(self.scale);
		let whole = positions / LANES * LANES;
		for first in (0..whole).step_by(LANES) {
			let mut sums = _mm256_setzero_ps();
			for dims in (0..head_dim).step_by(LANES) {
				let mut keys = [_mm256_setzero_ps(); LANES];
				for (i, key) in keys.iter_mut().enumerate() {
					let at = (first + i) * self.kv_width + self.offset + dims;
					*key =
						_mm256_cvtph_ps(_mm_loadu_si128(self.keys[at..at + LANES].as_ptr().cast()));
				}
				for (d, dimension) in transpose(keys).iter().enumerate() {
					sums = _mm256_fmadd_ps(*dimension, _mm256_set1_ps(query[dims + d]), sums);
				}
			}
			_mm256_storeu_ps(scores[first..].as_mut_ptr(), _mm256_mul_ps(sums, scale));
		}
		let mut key = vec![0f32; head_dim];
		for (p, out) in scores.iter_mut().enumerate().skip(whole) {
			let at = p * self.kv_width + self.offset;
			self.keys[at..at + head_dim].convert_to_f32_slice(&mut key);
			*out = score(&key, query) * self.scale;
		}
		scores
	}
}

/// `x · y` summed value after value, multiply and add fused.
fn score(x: &[f32], y: &[f32]) -> f32 {
	x.iter().zip(y).fold(0.0, |sum, (x, y)| x.mul_add(*y, sum))
}

/// Rounds every value of `values` to the nearest f16 (through `scratch`, as long).
fn round_to_f16(values: &mut [f32], scratch: &mut [f16]) {
	scratch.convert_from_f32_slice(values);
	scratch.convert_to_f32_slice(values);
}

/// The 8 × 8 transpose of `rows`: lane `i` of result `d` is lane `d` of `rows[i]`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn transpose(
	rows: [std::arch::x86_64::__m256; LANES],
) -> [std::arch::x86_64::__m256; LANES] {
	use std::arch::x86_64::*;
	let [r0, r1, r2, r3, r4, r5, r6, r7] = rows;
	let (t0, t1) = (_mm256_unpacklo_ps(r0, r1), _mm256_unpackhi_ps(r0, r1));
	let (t2, t3) = (_mm256_unpacklo_ps(r2, r3), _mm256_unpackhi_ps(r2, r3));
	let (t4, t5) = (_mm256_unpacklo_ps(r4, r5), _mm256_unpackhi_ps(r4, r5));
	let (t6, t7) = (_mm256_unpacklo_ps(r6, r7), _mm256_unpackhi_ps(r6, r7));
	let u0 = _mm256_shuffle_ps::<0b01_00_01_00>(t0, t2);
	let u1 = _mm256_shuffle_ps::<0b11_10_11_10>(t0, t2);
	let u2 = _mm256_shuffle_ps::<0b01_00_01_00>(t1, t3);
	let u3 = _mm256_shuffle_ps::<0b11_10_11_10>(t1, t3);
	let u4 = _mm256_shuffle_ps::<0b01_00_01_00>(t4, t6);
	let u5 = _mm256_shuffle_ps::<0b11_10_11_10>(t4, t6);
	let u6 = _mm256_shuffle_ps::<0b01_00_01_00>(t5, t7);
	let u7 = _mm256_shuffle_ps::<0b11_10_11_10>(t5, t7);
	[
		_mm256_permute2f128_ps::<0x20>(u0, u4),
		_mm256_permute2f128_ps::<0x20>(u1, u5),
		_mm256_permute2f128_ps::<0x20>(u2, u6),
		_mm256_permute2f128_ps::<0x20>(u3, u7),
		_mm256_permute2f128_ps::<0x31>(u0, u4),
		_mm256_permute2f128_ps::<0x31>(u1, u5),
		_mm256_permute2f128_ps::<0x31>(u2, u6),
		_mm256_permute2f128_ps::<0x31>(u3, u7),
	]
}

#[cfg(test)]
mod tests {
	use super::*;
	use gonka_primitives::random;

	/// The intrinsics give the generic code's values to the bit, so hosts with and without
	/// AVX2 attend alike.
	#[cfg(target_arch = "x86_64")]
	#[test]
	fn intrinsics_give_the_generic_values_to_the_bit() {
		if !std::is_x86_feature_detected!("avx2") {
			eprintln!("skipped: this CPU has no AVX2");
			return;
		}
		let (head_dim, kv_width, positions) = (64, 192, 37);
		let key = random::key(b"attention", b"cache");
		let cache = |stream: u64| -> Vec<f16> {
			(0..positions * kv_width)
				.map(|i| f16::from_f32(4.0 * random::symmetric(key, stream * 1_000_000 + i as u64)))
				.collect()
		};
		let (keys, values) = (cache(1), cache(2));
		let query: Vec<f32> = (0..head_dim)
			.map(|i| f16::from_f32(random::symmetric(key, 7_000_000 + i as u64)).to_f32())
			.collect();
		let head =
			HeadAttention { keys: &keys, values: &values, kv_width, offset: 64, scale: 0.125 };
		for positions in [1, 2, 36, 37] {
			let (mut generic, mut fast) = (vec![0.0; head_dim], vec![0.0; head_dim]);
			head.attend_generic(&query, positions, &mut generic);
			// SAFETY: the CPU has AVX2 (checked above); FMA and F16C come with it on every
			// CPU this runs on.
			unsafe { head.attend_avx2(&query, positions, &mut fast) };
			let same = generic.iter().zip(&fast).all(|(a, b)| a.to_bits() == b.to_bits());
			assert!(same, "{positions} positions: {fast:?} != {generic:?}");
		}
	}
}
