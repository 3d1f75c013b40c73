//! AVX2 products of the 32-value block formats (Q4_0, Q4_1, Q8_0) with quantised activations,
//! in register tiles: one row by eight tokens while a batch has eight left, eight rows by one
//! token for the rest (a decoded token, a batch's tail). Each block's integer dot product
//! comes from `maddubs` (or VNNI's `dpbusd` where the CPU has it) and is exact however it is
//! summed; its scaling and the sum over blocks are [`super::dot_row_generic`]'s own
//! operations, in its order, multiplications and additions never fused, eight lanes at a
//! time. So every kernel here gives the generic kernel's values to the bit: a host without
//! AVX2 computes what one with it does, and a prompt run at once what it runs token by token.

use std::arch::x86_64::*;

use super::{dot_row_generic, BlockType, TokenBatch, LANES, QK};

/// Which of this module's kernels the CPU runs, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
	/// AVX2 with `maddubs`.
	Avx2,
	/// AVX2 with AVX-VNNI's `dpbusd`.
	AvxVnni,
}

/// The kernels for `block_type` the CPU runs, if any.
pub(super) fn level(block_type: BlockType) -> Option<Level> {
	if !matches!(block_type, BlockType::Q4_0 | BlockType::Q4_1 | BlockType::Q8_0) {
		return None;
	}
	let avx2 = std::is_x86_feature_detected!("avx2")
		&& std::is_x86_feature_detected!("fma")
		&& std::is_x86_feature_detected!("f16c");
	match (avx2, std::is_x86_feature_detected!("avxvnni")) {
		(false, _) => None,
		(true, false) => Some(Level::Avx2),
		(true, true) => Some(Level::AvxVnni),
	}
}

/// [`super::dot_rows`] with the kernels of `level` (which [`level`] gave for `block_type`).
pub(super) fn dot_rows(
	level: Level,
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	// SAFETY: `level` says the CPU has the features each function is compiled for.
	unsafe {
		match level {
			Level::Avx2 => dot_rows_avx2(block_type, rows, row_bytes, batch, out),
			Level::AvxVnni => dot_rows_vnni(block_type, rows, row_bytes, batch, out),
		}
	}
}

#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn dot_rows_avx2(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	tiles::<false>(block_type, rows, row_bytes, batch, out)
}

#[target_feature(enable = "avx2,fma,f16c,avxvnni")]
unsafe fn dot_rows_vnni(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	tiles::<true>(block_type, rows, row_bytes, batch, out)
}

/// Every row of `rows` times every token of `batch` into `out[row · n + token]`.
#[inline(always)]
unsafe fn tiles<const VNNI: bool>(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	let n = batch.tokens.len();
	let block_bytes = block_type.block_bytes();
	let blocks = row_bytes / block_bytes;
	let row_count = rows.len() / row_bytes;
	let groups = n / LANES;
	let mut lanes_out = [0f32; LANES];
	if VNNI {
		groups_by_broadcast(block_type, rows, row_bytes, batch, out);
	} else {
		groups_by_reduction(block_type, rows, row_bytes, batch, out);
	}
	let tiled_rows = row_count / LANES * LANES;
	for t in groups * LANES..n {
		let token = &batch.tokens[t];
		for first in (0..tiled_rows).step_by(LANES) {
			let tile = &rows[first * row_bytes..][..LANES * row_bytes];
			let mut total = _mm256_set1_ps(-0.0);
			for (b, a) in token.quantized.iter().enumerate().take(blocks) {
				let x = load(&a.q);
				let mut dots = [_mm256_setzero_si256(); LANES];
				let mut d = [0u16; LANES];
				let mut m = [0u16; LANES];
				for (i, dot) in dots.iter_mut().enumerate() {
					let block = &tile[i * row_bytes + b * block_bytes..][..block_bytes];
					let w = Weights::of(block_type, block);
					*dot = w.dot::<VNNI>(x);
					d[i] = f16_bits(block, 0);
					m[i] = f16_bits(block, 2);
				}
				let scaled = scale(
					block_type,
					reduce(dots),
					_mm256_cvtph_ps(_mm_loadu_si128(d.as_ptr().cast())),
					_mm256_set1_ps(a.d),
					_mm256_cvtph_ps(_mm_loadu_si128(m.as_ptr().cast())),
					_mm256_set1_ps(a.sum),
					_mm256_set1_epi32(a.q_sum),
				);
				total = _mm256_add_ps(total, scaled);
			}
			_mm256_storeu_ps(lanes_out.as_mut_ptr(), total);
			for (i, value) in lanes_out.iter().enumerate() {
				out[(first + i) * n + t] = *value;
			}
		}
		for (r, row) in rows.chunks_exact(row_bytes).enumerate().skip(tiled_rows) {
			out[r * n + t] = dot_row_generic(block_type, row, token.x, &token.quantized);
		}
	}
}

/// The whole groups of eight tokens of `batch` by every row of `rows`, with AVX2: each
/// token's products of a block summed across the register's lanes ([`reduce`]).
#[inline(always)]
unsafe fn groups_by_reduction(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	let n = batch.tokens.len();
	let block_bytes = block_type.block_bytes();
	let blocks = row_bytes / block_bytes;
	for group in 0..batch.tokens.len() / LANES {
		let tokens = &batch.tokens[group * LANES..][..LANES];
		let scales = &batch.lanes[group * blocks..][..blocks];
		for (r, row) in rows.chunks_exact(row_bytes).enumerate() {
			let mut total = _mm256_set1_ps(-0.0);
			for (b, (block, lane)) in row.chunks_exact(block_bytes).zip(scales).enumerate() {
				let w = Weights::of(block_type, block);
				let mut dots = [_mm256_setzero_si256(); LANES];
				for (dot, token) in dots.iter_mut().zip(tokens) {
					*dot = w.dot::<false>(load(&token.quantized[b].q));
				}
				let scaled = scale(
					block_type,
					reduce(dots),
					broadcast_f16(f16_bits(block, 0)),
					_mm256_loadu_ps(lane.d.as_ptr()),
					broadcast_f16(f16_bits(block, 2)),
					_mm256_loadu_ps(lane.sum.as_ptr()),
					_mm256_loadu_si256(lane.q_sum.as_ptr().cast()),
				);
				total = _mm256_add_ps(total, scaled);
			}
			_mm256_storeu_ps(out[r * n + group * LANES..].as_mut_ptr(), total);
		}
	}
}

/// The whole groups of eight tokens of `batch` by every row of `rows`, with VNNI, reducing
/// nothing: each weight's four bytes are broadcast and multiplied by the same four values of
/// eight tokens at once ([`TokenBatch`]'s interleaved activations), so one vector holds eight
/// tokens' dot products of a block. Q8_0's weights, signed, are offset by 128 to be the
/// unsigned operand, and `128 · Σq` is taken off again.
#[inline(always)]
unsafe fn groups_by_broadcast(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	let n = batch.tokens.len();
	let block_bytes = block_type.block_bytes();
	let blocks = row_bytes / block_bytes;
	let mut unsigned = vec![[0u8; QK]; blocks];
	for (r, row) in rows.chunks_exact(row_bytes).enumerate() {
		for (values, block) in unsigned.iter_mut().zip(row.chunks_exact(block_bytes)) {
			let weights = Weights::of(block_type, block).values;
			let weights = match block_type {
				BlockType::Q8_0 => _mm256_xor_si256(weights, _mm256_set1_epi8(i8::MIN)),
				_ => weights,
			};
			_mm256_storeu_si256(values.as_mut_ptr().cast(), weights);
		}
		let groups = batch.lanes.chunks_exact(blocks).zip(batch.interleaved.chunks_exact(blocks));
		for (group, (scales, columns)) in groups.enumerate() {
			let mut total = _mm256_set1_ps(-0.0);
			let row_blocks = row.chunks_exact(block_bytes).zip(&unsigned);
			for ((block, values), (lane, columns)) in row_blocks.zip(scales.iter().zip(columns)) {
				let mut dots = _mm256_setzero_si256();
				for (four, column) in values.chunks_exact(4).zip(columns) {
					let w =
						_mm256_set1_epi32(i32::from_le_bytes([four[0], four[1], four[2], four[3]]));
					dots = _mm256_dpbusd_avx_epi32(dots, w, load(column));
				}
				let q_sum = _mm256_loadu_si256(lane.q_sum.as_ptr().cast());
				if block_type == BlockType::Q8_0 {
					dots = _mm256_sub_epi32(dots, _mm256_slli_epi32::<7>(q_sum));
				}
				let scaled = scale(
					block_type,
					dots,
					broadcast_f16(f16_bits(block, 0)),
					_mm256_loadu_ps(lane.d.as_ptr()),
					broadcast_f16(f16_bits(block, 2)),
					_mm256_loadu_ps(lane.sum.as_ptr()),
					q_sum,
				);
				total = _mm256_add_ps(total, scaled);
			}
			_mm256_storeu_ps(out[r * n + group * LANES..].as_mut_ptr(), total);
		}
	}
}

/// 32 quantised activations.
#[inline(always)]
unsafe fn load(q: &[i8; QK]) -> __m256i {
	_mm256_loadu_si256(q.as_ptr().cast())
}

/// One weight block's 32 values as bytes. Q4 values stay unsigned (Q4_0's offset of 8 is
/// subtracted from the dot products, as the generic kernel does).
struct Weights {
	block_type: BlockType,
	values: __m256i,
}

impl Weights {
	/// The values of `block`, of `block_type` (Q4_0, Q4_1 or Q8_0).
	#[inline(always)]
	unsafe fn of(block_type: BlockType, block: &[u8]) -> Self {
		let nibbles = |at: usize| {
			let packed = _mm_loadu_si128(block[at..at + 16].as_ptr().cast());
			let both = _mm256_set_m128i(_mm_srli_epi16::<4>(packed), packed);
			_mm256_and_si256(both, _mm256_set1_epi8(0x0F))
		};
		let values = match block_type {
			BlockType::Q4_0 => nibbles(2),
			BlockType::Q4_1 => nibbles(4),
			_ => _mm256_loadu_si256(block[2..34].as_ptr().cast()),
		};
		Weights { block_type, values }
	}

	/// The integer dot product of the block with the activations `x`, as eight partial sums.
	#[inline(always)]
	unsafe fn dot<const VNNI: bool>(&self, x: __m256i) -> __m256i {
		// `maddubs` multiplies unsigned bytes by signed ones: Q8_0's signed weights lend their
		// signs to the activations.
		let (w, x) = match self.block_type {
			BlockType::Q8_0 => {
				(_mm256_sign_epi8(self.values, self.values), _mm256_sign_epi8(x, self.values))
			}
			_ => (self.values, x),
		};
		if VNNI {
			_mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), w, x)
		} else {
			// Pairs of products stay within i16: at most 2 · 128 · 127.
			_mm256_madd_epi16(_mm256_maddubs_epi16(w, x), _mm256_set1_epi16(1))
		}
	}
}

/// The f16 at `at` of `block` (a scale, a minimum), unconverted.
#[inline(always)]
fn f16_bits(block: &[u8], at: usize) -> u16 {
	u16::from_le_bytes([block[at], block[at + 1]])
}

/// The f16 `bits` in every lane, as f32.
#[inline(always)]
unsafe fn broadcast_f16(bits: u16) -> __m256 {
	_mm256_cvtph_ps(_mm_set1_epi16(bits as i16))
}

/// The generic kernel's term of a block of `block_type` in eight lanes: `d_w · d_x · dot`
/// (Q4_0: `dot − 8 · Σq`), plus `m_w · s_x` for Q4_1.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn scale(
	block_type: BlockType,
	dots: __m256i,
	d_w: __m256,
	d_x: __m256,
	m_w: __m256,
	sum_x: __m256,
	q_sum_x: __m256i,
) -> __m256 {
	let dots = match block_type {
		BlockType::Q4_0 => _mm256_sub_epi32(dots, _mm256_slli_epi32::<3>(q_sum_x)),
		_ => dots,
	};
	let product = _mm256_mul_ps(_mm256_mul_ps(d_w, d_x), _mm256_cvtepi32_ps(dots));
	match block_type {
		BlockType::Q4_1 => _mm256_add_ps(product, _mm256_mul_ps(m_w, sum_x)),
		_ => product,
	}
}

/// Eight vectors of eight partial sums to the eight sums, lane `i` that of `partials[i]`.
#[inline(always)]
unsafe fn reduce(partials: [__m256i; LANES]) -> __m256i {
	let [a0, a1, a2, a3, a4, a5, a6, a7] = partials;
	let low = _mm256_hadd_epi32(_mm256_hadd_epi32(a0, a1), _mm256_hadd_epi32(a2, a3));
	let high = _mm256_hadd_epi32(_mm256_hadd_epi32(a4, a5), _mm256_hadd_epi32(a6, a7));
	_mm256_add_epi32(
		_mm256_permute2x128_si256::<0x20>(low, high),
		_mm256_permute2x128_si256::<0x31>(low, high),
	)
}
