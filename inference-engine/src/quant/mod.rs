//! How weights are stored, block by block, as llama.cpp (ggml) stores them: floats (F32, F16,
//! BF16), the 32-value blocks Q4_0, Q4_1 and Q8_0, and the 256-value K-quant super-blocks
//! Q4_K and Q6_K. Byte layouts follow ggml's `block_*` structures exactly, so a GGUF file's
//! tensor data is used in place.
//!
//! A matrix-vector product never expands a matrix: the vector is quantised once to
//! [`Q8Block`]s (32 signed bytes, a scale and the sum, like ggml's `block_q8_1`) and each
//! weight block is multiplied by the matching activation block in integers, as llama.cpp
//! does; float matrices are multiplied in f32. Matrix-matrix products (prefill, re-checks)
//! expand a panel of rows at a time ([`dequantize_row`]) and hand it to `gemm`.

use half::{bf16, f16};

#[cfg(target_arch = "x86_64")]
mod x86;

/// Values per block of the 32-value formats, and per [`Q8Block`].
pub const QK: usize = 32;
/// Values per K-quant super-block.
pub const QK_K: usize = 256;

/// A tensor's storage type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum BlockType {
	/// 32-bit floats.
	F32,
	/// IEEE half floats.
	F16,
	/// bfloat16.
	BF16,
	/// 32 values: an f16 scale and 4-bit values offset by 8.
	Q4_0,
	/// 32 values: f16 scale and minimum, 4-bit values.
	Q4_1,
	/// 32 values: an f16 scale and signed bytes.
	Q8_0,
	/// 256 values: f16 scale and minimum, eight 6-bit sub-block scales and minimums, 4-bit
	/// values.
	Q4_K,
	/// 256 values: 6-bit values (4 low bits, 2 high bits), sixteen signed 8-bit sub-block
	/// scales, an f16 scale.
	Q6_K,
}

impl BlockType {
	/// The type of ggml's code `code`, if supported.
	pub fn from_ggml(code: u32) -> Option<Self> {
		Some(match code {
			0 => BlockType::F32,
			1 => BlockType::F16,
			2 => BlockType::Q4_0,
			3 => BlockType::Q4_1,
			8 => BlockType::Q8_0,
			12 => BlockType::Q4_K,
			14 => BlockType::Q6_K,
			30 => BlockType::BF16,
			_ => return None,
		})
	}

	/// ggml's code of the type.
	pub fn ggml_code(self) -> u32 {
		match self {
			BlockType::F32 => 0,
			BlockType::F16 => 1,
			BlockType::Q4_0 => 2,
			BlockType::Q4_1 => 3,
			BlockType::Q8_0 => 8,
			BlockType::Q4_K => 12,
			BlockType::Q6_K => 14,
			BlockType::BF16 => 30,
		}
	}

	/// Values per block.
	pub fn block_len(self) -> usize {
		match self {
			BlockType::F32 | BlockType::F16 | BlockType::BF16 => 1,
			BlockType::Q4_0 | BlockType::Q4_1 | BlockType::Q8_0 => QK,
			BlockType::Q4_K | BlockType::Q6_K => QK_K,
		}
	}

	/// Bytes per block.
	pub fn block_bytes(self) -> usize {
		match self {
			BlockType::F32 => 4,
			BlockType::F16 | BlockType::BF16 => 2,
			BlockType::Q4_0 => 18,
			BlockType::Q4_1 => 20,
			BlockType::Q8_0 => 34,
			BlockType::Q4_K => 144,
			BlockType::Q6_K => 210,
		}
	}

	/// Bytes of a row of `columns` values (a multiple of [`BlockType::block_len`]).
	pub fn row_bytes(self, columns: usize) -> usize {
		columns / self.block_len() * self.block_bytes()
	}

	/// Whether products with this type use the quantised activations.
	pub fn is_quantized(self) -> bool {
		self.block_len() > 1
	}
}

/// 32 activations quantised to signed bytes as ggml's AVX2 `quantize_row_q8_1` does:
/// `q = round_half_even(x · 127 / max |x|)`, the scale `d = max |x| / 127` rounded to f16,
/// and the sum of the values times the scale, also rounded to f16. llama.cpp multiplies
/// every 32-value weight block by these, so its results and ours round alike.
#[derive(Clone, Copy, Debug, Default)]
pub struct Q8Block {
	/// The scale, as f16 holds it.
	pub d: f32,
	/// `d · Σ q`, as f16 holds it.
	pub sum: f32,
	/// `Σ q`.
	pub q_sum: i32,
	/// The quantised values.
	pub q: [i8; QK],
}

/// `x` (a multiple of 32 long) quantised to [`Q8Block`]s.
pub fn quantize_activations(x: &[f32]) -> Vec<Q8Block> {
	#[cfg(target_arch = "x86_64")]
	if std::is_x86_feature_detected!("avx2") {
		// SAFETY: the CPU has the features the function is compiled for.
		return unsafe { quantize_activations_avx2(x) };
	}
	quantize_activations_generic(x)
}

/// [`quantize_activations`] compiled for AVX2, where rounding is one instruction.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn quantize_activations_avx2(x: &[f32]) -> Vec<Q8Block> {
	quantize_activations_generic(x)
}

#[inline(always)]
fn quantize_activations_generic(x: &[f32]) -> Vec<Q8Block> {
	// Plain loops rather than closures: a closure is compiled on its own, without the
	// caller's target features, and would round through libm's `rintf`.
	let mut blocks = Vec::with_capacity(x.len() / QK);
	for values in x.chunks_exact(QK) {
		let mut max = 0f32;
		for v in values {
			max = max.max(v.abs());
		}
		let d = max / 127.0;
		let inverse = if max > 0.0 { 127.0 / max } else { 0.0 };
		let mut block = Q8Block { d: f16::from_f32(d).to_f32(), ..Default::default() };
		for (q, v) in block.q.iter_mut().zip(values) {
			*q = (v * inverse).round_ties_even() as i8;
			block.q_sum += i32::from(*q);
		}
		block.sum = f16::from_f32(d * block.q_sum as f32).to_f32();
		blocks.push(block);
	}
	blocks
}

fn f16_at(bytes: &[u8], at: usize) -> f32 {
	f16::from_le_bytes([bytes[at], bytes[at + 1]]).to_f32()
}

/// Expands a row stored as `block_type` (`bytes`, whole blocks) into `out`.
pub fn dequantize_row(block_type: BlockType, bytes: &[u8], out: &mut [f32]) {
	let per_block = block_type.block_len();
	let blocks = bytes.chunks_exact(block_type.block_bytes()).zip(out.chunks_exact_mut(per_block));
	match block_type {
		BlockType::F32 => {
			blocks.for_each(|(b, o)| o[0] = f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
		}
		BlockType::F16 => blocks.for_each(|(b, o)| o[0] = f16_at(b, 0)),
		BlockType::BF16 => {
			blocks.for_each(|(b, o)| o[0] = bf16::from_le_bytes([b[0], b[1]]).to_f32())
		}
		BlockType::Q4_0 => blocks.for_each(|(b, o)| {
			let d = f16_at(b, 0);
			for (j, byte) in b[2..18].iter().enumerate() {
				o[j] = (i32::from(byte & 0xF) - 8) as f32 * d;
				o[j + 16] = (i32::from(byte >> 4) - 8) as f32 * d;
			}
		}),
		BlockType::Q4_1 => blocks.for_each(|(b, o)| {
			let (d, m) = (f16_at(b, 0), f16_at(b, 2));
			for (j, byte) in b[4..20].iter().enumerate() {
				o[j] = f32::from(byte & 0xF) * d + m;
				o[j + 16] = f32::from(byte >> 4) * d + m;
			}
		}),
		BlockType::Q8_0 => blocks.for_each(|(b, o)| {
			let d = f16_at(b, 0);
			for (o, q) in o.iter_mut().zip(&b[2..34]) {
				*o = f32::from(*q as i8) * d;
			}
		}),
		BlockType::Q4_K => blocks.for_each(|(b, o)| {
			let (d, dmin) = (f16_at(b, 0), f16_at(b, 2));
			let scales = q4k_scales(&b[4..16]);
			for (sub, values) in o.chunks_exact_mut(QK).enumerate() {
				let (scale, min) = scales[sub];
				let (scale, min) = (d * f32::from(scale), dmin * f32::from(min));
				let quants = &b[16 + (sub / 2) * QK..16 + (sub / 2 + 1) * QK];
				let shift = if sub % 2 == 0 { 0 } else { 4 };
				for (o, q) in values.iter_mut().zip(quants) {
					*o = scale * f32::from((q >> shift) & 0xF) - min;
				}
			}
		}),
		BlockType::Q6_K => blocks.for_each(|(b, o)| {
			let d = f16_at(b, 208);
			let values = q6k_values(b);
			for (group, (o, q)) in o.chunks_exact_mut(16).zip(values.chunks_exact(16)).enumerate() {
				let scale = d * f32::from(b[192 + group] as i8);
				for (o, q) in o.iter_mut().zip(q) {
					*o = scale * f32::from(*q);
				}
			}
		}),
	}
}

/// The eight (scale, minimum) pairs of a Q4_K super-block, 6 bits each in 12 bytes (ggml's
/// `get_scale_min_k4`).
fn q4k_scales(packed: &[u8]) -> [(u8, u8); 8] {
	let mut out = [(0, 0); 8];
	for (j, pair) in out.iter_mut().enumerate() {
		*pair = if j < 4 {
			(packed[j] & 63, packed[j + 4] & 63)
		} else {
			(
				(packed[j + 4] & 0xF) | ((packed[j - 4] >> 6) << 4),
				(packed[j + 4] >> 4) | ((packed[j] >> 6) << 4),
			)
		};
	}
	out
}

/// The 256 signed 6-bit values of a Q6_K super-block, in order: per half of 128, value `l`
/// of quarter `g` has its low bits in `ql[64·half + l + 32·(g mod 2)]` (high nibble for
/// `g ≥ 2`) and its high bits at `2g` of `qh[32·half + l]`.
fn q6k_values(block: &[u8]) -> [i8; QK_K] {
	let (ql, qh) = (&block[..128], &block[128..192]);
	let mut out = [0i8; QK_K];
	for half in 0..2 {
		for quarter in 0..4 {
			for l in 0..32 {
				let low = ql[64 * half + l + 32 * (quarter % 2)];
				let low = if quarter >= 2 { low >> 4 } else { low & 0xF };
				let high = (qh[32 * half + l] >> (2 * quarter)) & 3;
				out[128 * half + 32 * quarter + l] = ((low | (high << 4)) as i8) - 32;
			}
		}
	}
	out
}

/// Integer dot product of 32 weights and 32 activations.
#[inline(always)]
fn dot32(w: &[i8; QK], x: &[i8; QK]) -> i32 {
	w.iter().zip(x).map(|(a, b)| i32::from(*a) * i32::from(*b)).sum()
}

/// The 32 4-bit values of a Q4_0/Q4_1 block's 16 bytes, in order.
#[inline(always)]
fn nibbles(bytes: &[u8]) -> [i8; QK] {
	let mut out = [0i8; QK];
	for (j, byte) in bytes.iter().take(16).enumerate() {
		out[j] = (byte & 0xF) as i8;
		out[j + 16] = (byte >> 4) as i8;
	}
	out
}

/// The dot product of a row stored as `block_type` with an activation vector, given both as
/// floats (`x`) and quantised (`xq`, used by the block formats).
#[inline(always)]
fn dot_row_generic(block_type: BlockType, row: &[u8], x: &[f32], xq: &[Q8Block]) -> f32 {
	let blocks = row.chunks_exact(block_type.block_bytes());
	match block_type {
		BlockType::F32 => {
			blocks.zip(x).map(|(b, x)| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) * x).sum()
		}
		BlockType::F16 => blocks.zip(x).map(|(b, x)| f16_at(b, 0) * x).sum(),
		BlockType::BF16 => {
			blocks.zip(x).map(|(b, x)| bf16::from_le_bytes([b[0], b[1]]).to_f32() * x).sum()
		}
		BlockType::Q4_0 => blocks
			.zip(xq)
			.map(|(b, a)| {
				let w = nibbles(&b[2..18]);
				f16_at(b, 0) * a.d * (dot32(&w, &a.q) - 8 * a.q_sum) as f32
			})
			.sum(),
		BlockType::Q4_1 => blocks
			.zip(xq)
			.map(|(b, a)| {
				let w = nibbles(&b[4..20]);
				f16_at(b, 0) * a.d * dot32(&w, &a.q) as f32 + f16_at(b, 2) * a.sum
			})
			.sum(),
		BlockType::Q8_0 => blocks
			.zip(xq)
			.map(|(b, a)| {
				let w: &[i8; QK] = bytemuck_i8(&b[2..34]);
				f16_at(b, 0) * a.d * dot32(w, &a.q) as f32
			})
			.sum(),
		BlockType::Q4_K => blocks
			.zip(xq.chunks_exact(QK_K / QK))
			.map(|(b, a)| {
				let (d, dmin) = (f16_at(b, 0), f16_at(b, 2));
				let scales = q4k_scales(&b[4..16]);
				let mut total = 0f32;
				for (sub, (a, (scale, min))) in a.iter().zip(scales).enumerate() {
					let quants = &b[16 + (sub / 2) * QK..16 + (sub / 2 + 1) * QK];
					let shift = if sub % 2 == 0 { 0 } else { 4 };
					let mut w = [0i8; QK];
					for (w, q) in w.iter_mut().zip(quants) {
						*w = ((q >> shift) & 0xF) as i8;
					}
					total += d * f32::from(scale) * a.d * dot32(&w, &a.q) as f32
						- dmin * f32::from(min) * a.sum;
				}
				total
			})
			.sum(),
		BlockType::Q6_K => blocks
			.zip(xq.chunks_exact(QK_K / QK))
			.map(|(b, a)| {
				let d = f16_at(b, 208);
				let values = q6k_values(b);
				let mut total = 0f32;
				for (index, (w, a)) in values.chunks_exact(QK).zip(a).enumerate() {
					let (low, high) = (&w[..16], &w[16..]);
					let low: i32 = low
						.iter()
						.zip(&a.q[..16])
						.map(|(w, x)| i32::from(*w) * i32::from(*x))
						.sum();
					let high: i32 = high
						.iter()
						.zip(&a.q[16..])
						.map(|(w, x)| i32::from(*w) * i32::from(*x))
						.sum();
					let (s_low, s_high) = (b[192 + 2 * index] as i8, b[193 + 2 * index] as i8);
					total +=
						a.d * (f32::from(s_low) * low as f32 + f32::from(s_high) * high as f32);
				}
				d * total
			})
			.sum(),
	}
}

/// 32 bytes seen as 32 signed bytes.
#[inline(always)]
fn bytemuck_i8(bytes: &[u8]) -> &[i8; QK] {
	let array: &[u8; QK] = bytes.try_into().expect("a Q8_0 block holds 32 values");
	// SAFETY: `i8` and `u8` have the same size and alignment, and every bit pattern is valid
	// for both.
	unsafe { &*(array as *const [u8; QK] as *const [i8; QK]) }
}

/// Activations for the products of one token: as floats, and quantised for block formats.
pub struct Activations<'a> {
	/// The values.
	pub x: &'a [f32],
	/// [`quantize_activations`] of them (empty for float formats).
	pub quantized: Vec<Q8Block>,
}

impl<'a> Activations<'a> {
	/// The activations `x`, quantised when `block_type` is a block format.
	pub fn new(block_type: BlockType, x: &'a [f32]) -> Self {
		let quantized =
			if block_type.is_quantized() { quantize_activations(x) } else { Vec::new() };
		Activations { x, quantized }
	}
}

/// Tokens side by side in the tiled kernels.
const LANES: usize = 8;

/// The scales of one block of [`LANES`] tokens, side by side.
#[derive(Clone, Copy, Default)]
struct LaneScales {
	d: [f32; LANES],
	sum: [f32; LANES],
	q_sum: [i32; LANES],
}

/// The activations of the tokens of a batch, each token's row of `x` quantised once for every
/// row of the matrix they are multiplied by.
pub struct TokenBatch<'a> {
	/// Token after token.
	pub tokens: Vec<Activations<'a>>,
	/// Per group of [`LANES`] tokens, per block: their scales side by side (quantised formats).
	lanes: Vec<LaneScales>,
	/// Per group of [`LANES`] tokens, per block, per four values: each token's four values
	/// side by side (quantised formats), eight tokens in 32 bytes.
	interleaved: Vec<[[i8; QK]; QK / 4]>,
}

impl<'a> TokenBatch<'a> {
	/// The rows of `x` (each `cols` long) ready for products with `block_type`.
	pub fn new(block_type: BlockType, x: &'a [f32], cols: usize) -> Self {
		let tokens: Vec<Activations> =
			x.chunks_exact(cols).map(|x| Activations::new(block_type, x)).collect();
		let blocks = if block_type.is_quantized() { cols / QK } else { 0 };
		let mut lanes = Vec::with_capacity(tokens.len() / LANES * blocks);
		let mut interleaved = Vec::with_capacity(tokens.len() / LANES * blocks);
		for group in tokens.chunks_exact(LANES) {
			for block in 0..blocks {
				let mut scales = LaneScales::default();
				let mut columns = [[0i8; QK]; QK / 4];
				for (lane, token) in group.iter().enumerate() {
					let quantized = &token.quantized[block];
					scales.d[lane] = quantized.d;
					scales.sum[lane] = quantized.sum;
					scales.q_sum[lane] = quantized.q_sum;
					for (column, four) in columns.iter_mut().zip(quantized.q.chunks_exact(4)) {
						column[4 * lane..4 * lane + 4].copy_from_slice(four);
					}
				}
				lanes.push(scales);
				interleaved.push(columns);
			}
		}
		TokenBatch { tokens, lanes, interleaved }
	}
}

/// A row of 32-value blocks expanded once for the products of several tokens: each block's
/// values as signed bytes (Q4_0's still offset by 8), its scale and its minimum. The
/// products are those of [`dot_row_generic`], to the bit.
struct ExpandedRow {
	block_type: BlockType,
	values: Vec<[i8; QK]>,
	scales: Vec<f32>,
	minimums: Vec<f32>,
}

impl ExpandedRow {
	/// `row` expanded, if it is stored in a 32-value block format.
	fn of(block_type: BlockType, row: &[u8]) -> Option<Self> {
		let blocks = row.chunks_exact(block_type.block_bytes());
		let values = match block_type {
			BlockType::Q4_0 => blocks.clone().map(|b| nibbles(&b[2..18])).collect(),
			BlockType::Q4_1 => blocks.clone().map(|b| nibbles(&b[4..20])).collect(),
			BlockType::Q8_0 => blocks.clone().map(|b| *bytemuck_i8(&b[2..34])).collect(),
			_ => return None,
		};
		let minimums = match block_type {
			BlockType::Q4_1 => blocks.clone().map(|b| f16_at(b, 2)).collect(),
			_ => Vec::new(),
		};
		let scales = blocks.map(|b| f16_at(b, 0)).collect();
		Some(ExpandedRow { block_type, values, scales, minimums })
	}

	/// The row · one token's quantised activations.
	#[inline(always)]
	fn dot(&self, xq: &[Q8Block]) -> f32 {
		let blocks = self.values.iter().zip(&self.scales).zip(xq);
		match self.block_type {
			BlockType::Q4_0 => {
				blocks.map(|((w, d), a)| d * a.d * (dot32(w, &a.q) - 8 * a.q_sum) as f32).sum()
			}
			BlockType::Q4_1 => blocks
				.zip(&self.minimums)
				.map(|(((w, d), a), m)| d * a.d * dot32(w, &a.q) as f32 + m * a.sum)
				.sum(),
			_ => blocks.map(|((w, d), a)| d * a.d * dot32(w, &a.q) as f32).sum(),
		}
	}
}

#[inline(always)]
fn dot_rows_generic(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	tokens: &[Activations],
	out: &mut [f32],
) {
	let n = tokens.len();
	for (row, out) in rows.chunks_exact(row_bytes).zip(out.chunks_exact_mut(n)) {
		// Several tokens share each row's expansion.
		let expanded = if n > 1 { ExpandedRow::of(block_type, row) } else { None };
		match expanded {
			Some(expanded) => {
				for (token, out) in tokens.iter().zip(out) {
					*out = expanded.dot(&token.quantized);
				}
			}
			None => {
				for (token, out) in tokens.iter().zip(out) {
					*out = dot_row_generic(block_type, row, token.x, &token.quantized);
				}
			}
		}
	}
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn dot_rows_generic_avx2(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	tokens: &[Activations],
	out: &mut [f32],
) {
	dot_rows_generic(block_type, rows, row_bytes, tokens, out)
}

/// The dot product of every row of `rows` (each `row_bytes` long, stored as `block_type`)
/// with every token of `batch`: `out[r · n + t]` for row `r` and token `t` of `n`. The
/// 32-value block formats run in the tiled kernels of `x86` where the CPU has AVX2; the
/// others in code the compiler vectorises. Every path gives the same values.
pub fn dot_rows(
	block_type: BlockType,
	rows: &[u8],
	row_bytes: usize,
	batch: &TokenBatch,
	out: &mut [f32],
) {
	#[cfg(target_arch = "x86_64")]
	{
		if let Some(level) = x86::level(block_type) {
			return x86::dot_rows(level, block_type, rows, row_bytes, batch, out);
		}
		if std::is_x86_feature_detected!("avx2")
			&& std::is_x86_feature_detected!("fma")
			&& std::is_x86_feature_detected!("f16c")
		{
			// SAFETY: the CPU has the features the function is compiled for.
			return unsafe {
				dot_rows_generic_avx2(block_type, rows, row_bytes, &batch.tokens, out)
			};
		}
	}
	dot_rows_generic(block_type, rows, row_bytes, &batch.tokens, out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use gonka_primitives::random;

	/// Random bytes for `blocks` blocks of `block_type`, with scales that are sane f16 values.
	fn random_blocks(block_type: BlockType, blocks: usize, seed: u64) -> Vec<u8> {
		let key = random::key(&seed.to_le_bytes(), b"blocks");
		let mut bytes: Vec<u8> = (0..blocks * block_type.block_bytes())
			.map(|i| (random::uniform(key, i as u64) * 256.0) as u8)
			.collect();
		let scale = f16::from_f32(0.01).to_le_bytes();
		for block in bytes.chunks_exact_mut(block_type.block_bytes()) {
			match block_type {
				BlockType::Q4_0 | BlockType::Q8_0 => block[..2].copy_from_slice(&scale),
				BlockType::Q4_1 | BlockType::Q4_K => {
					block[..2].copy_from_slice(&scale);
					block[2..4].copy_from_slice(&f16::from_f32(-0.03).to_le_bytes());
				}
				BlockType::Q6_K => block[208..].copy_from_slice(&scale),
				BlockType::F16 => block.copy_from_slice(&f16::from_f32(0.5).to_le_bytes()),
				BlockType::BF16 => block.copy_from_slice(&bf16::from_f32(0.25).to_le_bytes()),
				BlockType::F32 => block.copy_from_slice(&0.125f32.to_le_bytes()),
			}
		}
		bytes
	}

	#[test]
	fn quantised_products_match_the_expanded_rows() {
		let columns = 512;
		let key = random::key(b"activations", b"x");
		let x: Vec<f32> = (0..columns).map(|i| random::symmetric(key, i as u64)).collect();
		for block_type in [
			BlockType::F32,
			BlockType::F16,
			BlockType::BF16,
			BlockType::Q4_0,
			BlockType::Q4_1,
			BlockType::Q8_0,
			BlockType::Q4_K,
			BlockType::Q6_K,
		] {
			let rows = 3;
			let row_bytes = block_type.row_bytes(columns);
			let bytes = random_blocks(block_type, rows * columns / block_type.block_len(), 7);
			let mut products = vec![0.0; rows];
			dot_rows(
				block_type,
				&bytes,
				row_bytes,
				&TokenBatch::new(block_type, &x, columns),
				&mut products,
			);
			for (row, product) in bytes.chunks_exact(row_bytes).zip(&products) {
				let mut expanded = vec![0.0; columns];
				dequantize_row(block_type, row, &mut expanded);
				let exact: f32 = expanded.iter().zip(&x).map(|(w, x)| w * x).sum();
				let magnitude: f32 = expanded.iter().zip(&x).map(|(w, x)| (w * x).abs()).sum();
				assert!(
					(product - exact).abs() <= 0.01 * magnitude + 1e-6,
					"{block_type:?}: {product} against {exact} (magnitude {magnitude})"
				);
			}
		}
	}

	/// A host with AVX2 (or VNNI) and one without compute the same bits, in batches of every
	/// shape the tiles split into: whole groups of eight tokens, a tail of tokens, a tail of
	/// rows.
	#[cfg(target_arch = "x86_64")]
	#[test]
	fn tiled_kernels_give_the_generic_values_to_the_bit() {
		let (columns, rows) = (128, 11);
		let key = random::key(b"activations", b"batch");
		let x: Vec<f32> = (0..19 * columns).map(|i| random::symmetric(key, i as u64)).collect();
		let mut levels = vec![x86::Level::Avx2, x86::Level::AvxVnni];
		levels.retain(|level| {
			std::is_x86_feature_detected!("avx2")
				&& (*level == x86::Level::Avx2 || std::is_x86_feature_detected!("avxvnni"))
		});
		if levels.is_empty() {
			eprintln!("skipped: this CPU has no AVX2");
			return;
		}
		for block_type in [BlockType::Q4_0, BlockType::Q4_1, BlockType::Q8_0] {
			let row_bytes = block_type.row_bytes(columns);
			let bytes = random_blocks(block_type, rows * columns / QK, 11);
			for n in [1, 5, 8, 19] {
				let batch = TokenBatch::new(block_type, &x[..n * columns], columns);
				let mut expected = vec![0.0; rows * n];
				dot_rows_generic(block_type, &bytes, row_bytes, &batch.tokens, &mut expected);
				for level in &levels {
					let mut tiled = vec![0.0; rows * n];
					x86::dot_rows(*level, block_type, &bytes, row_bytes, &batch, &mut tiled);
					let same = expected.iter().zip(&tiled).all(|(a, b)| a.to_bits() == b.to_bits());
					assert!(
						same,
						"{block_type:?}, {n} tokens, {level:?}: {tiled:?} != {expected:?}"
					);
				}
			}
		}
	}

	#[test]
	fn blocks_expand_as_ggml_lays_them_out() {
		// Q4_0: d = 2, byte j holds value j (low nibble) and value j + 16 (high nibble), minus 8.
		let mut block = f16::from_f32(2.0).to_le_bytes().to_vec();
		block.extend((0..16u8).map(|j| j | ((15 - j) << 4)));
		let mut out = [0.0; 32];
		dequantize_row(BlockType::Q4_0, &block, &mut out);
		assert_eq!(out[0], -16.0);
		assert_eq!(out[15], 14.0);
		assert_eq!(out[16], 14.0);
		assert_eq!(out[31], -16.0);
		// Q4_K: sub-block 1 (high nibbles of the first 32 bytes) with scale 3 and minimum 5.
		let mut block = vec![0u8; 144];
		block[..2].copy_from_slice(&f16::from_f32(1.0).to_le_bytes());
		block[2..4].copy_from_slice(&f16::from_f32(1.0).to_le_bytes());
		block[4 + 1] = 3;
		block[4 + 5] = 5;
		block[16] = 0x70;
		let mut out = [0.0; 256];
		dequantize_row(BlockType::Q4_K, &block, &mut out);
		assert_eq!(out[32], 3.0 * 7.0 - 5.0);
		assert_eq!(out[33], -5.0);
		// Q6_K: value 64 + l of the first half takes the high nibble of ql[l], bits 4..6 of qh[l].
		let mut block = vec![0u8; 210];
		block[208..].copy_from_slice(&f16::from_f32(1.0).to_le_bytes());
		block[192 + 4] = 2;
		block[0] = 0x90;
		block[128] = 0b0011_0000;
		let mut out = [0.0; 256];
		dequantize_row(BlockType::Q6_K, &block, &mut out);
		assert_eq!(out[64], 2.0 * f32::from(((9 | (3 << 4)) as i8) - 32));
	}
}
