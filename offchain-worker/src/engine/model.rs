//! The sprint Transformer built from an epoch seed (DESIGN.md §4): weights and target.
//!
//! Every element is a pure function of `(seed, label, index)`, so the weights are generated in
//! parallel and come out bit-identical on every machine. They are held once, as f32, in the
//! layouts the batched forward pass reads: the three attention projections side by side in one
//! `dim × 3·dim` matrix, and the two SwiGLU input projections in one `dim × 2·ffn` matrix.

use gonka_primitives::{random, ModelParams, ParamsError};
use half::f16;
use rayon::prelude::*;

/// A row-major matrix, used as `y = x · W`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
	/// Number of rows (the input width).
	pub rows: usize,
	/// Number of columns (the output width).
	pub cols: usize,
	/// `rows × cols` values, row after row.
	pub data: Vec<f32>,
}

impl Matrix {
	/// Builds `rows × cols` by concatenating, column-wise, the generated matrices `labels`,
	/// each `rows × part_cols`.
	fn generate(seed: &[u8], labels: &[String], rows: usize, part_cols: usize) -> Self {
		let keys: Vec<u64> =
			labels.iter().map(|label| random::key(seed, label.as_bytes())).collect();
		let scale = (3.0f32 / rows as f32).sqrt();
		let cols = part_cols * keys.len();
		let mut data = vec![0.0f32; rows * cols];
		data.par_chunks_mut(cols).enumerate().for_each(|(r, row)| {
			for (part, key) in row.chunks_mut(part_cols).zip(&keys) {
				let first = (r * part_cols) as u64;
				for (c, value) in part.iter_mut().enumerate() {
					*value = f16_round(random::symmetric(*key, first + c as u64) * scale);
				}
			}
		});
		Self { rows, cols, data }
	}
}

/// Rounds to the nearest f16 (ties to even) and back to f32.
#[inline(always)]
pub fn f16_round(value: f32) -> f32 {
	f16::from_f32(value).to_f32()
}

/// The weights of one layer, in the forward pass's fused layouts.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerWeights {
	/// `[Wq | Wk | Wv]`, `dim × 3·dim`.
	pub wqkv: Matrix,
	/// `Wo`, `dim × dim`.
	pub wo: Matrix,
	/// `[W1 | W3]`, `dim × 2·ffn`.
	pub w13: Matrix,
	/// `W2`, `ffn × dim`.
	pub w2: Matrix,
}

/// The model of one epoch: its shape, weights and target direction.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
	/// The epoch seed the model was built from.
	pub seed: [u8; 32],
	/// The model's shape.
	pub params: ModelParams,
	/// Per-layer weights.
	pub layers: Vec<LayerWeights>,
	/// The output head, `dim × out`.
	pub head: Matrix,
	/// The unit target vector, length `out`.
	pub target: Vec<f32>,
	/// RoPE rotation `(cos θ, sin θ)` for position `s` and pair `i`, at `s · head_dim/2 + i`.
	pub rope: Vec<(f32, f32)>,
}

impl Model {
	/// Builds the model for `seed`; weights are generated on all threads of the current rayon
	/// pool.
	pub fn build(seed: [u8; 32], params: ModelParams) -> Result<Self, ParamsError> {
		params.validate()?;
		let [dim, ffn, out] = [params.dim, params.ffn, params.out].map(|v| v as usize);
		let layers = (0..params.layers)
			.map(|l| {
				let labels = |names: &[&str]| -> Vec<String> {
					names.iter().map(|name| format!("layer.{l}.{name}")).collect()
				};
				LayerWeights {
					wqkv: Matrix::generate(&seed, &labels(&["wq", "wk", "wv"]), dim, dim),
					wo: Matrix::generate(&seed, &labels(&["wo"]), dim, dim),
					w13: Matrix::generate(&seed, &labels(&["w1", "w3"]), dim, ffn),
					w2: Matrix::generate(&seed, &labels(&["w2"]), ffn, dim),
				}
			})
			.collect();
		let head = Matrix::generate(&seed, &["head".to_string()], dim, out);
		Ok(Self {
			seed,
			params,
			layers,
			head,
			target: target(&seed, out),
			rope: rope_table(params.seq as usize, params.head_dim() as usize),
		})
	}

	/// Bytes held by the weights.
	pub fn weight_bytes(&self) -> usize {
		let matrices =
			self.layers.iter().flat_map(|l| [&l.wqkv, &l.wo, &l.w13, &l.w2]).chain([&self.head]);
		matrices.map(|m| m.data.len() * std::mem::size_of::<f32>()).sum()
	}
}

/// `t_i = 2·uniform(key(seed, "target"), i) − 1`, normalised to unit length.
pub(crate) fn target(seed: &[u8], out: usize) -> Vec<f32> {
	unit_vector(random::key(seed, b"target"), out)
}

/// `v_i = 2·uniform(key, i) − 1` for `i < out`, normalised to unit length: the epoch's target,
/// and a leaf's check target (`gonka_primitives::attestation::check_key`).
pub fn unit_vector(key: u64, out: usize) -> Vec<f32> {
	let mut t: Vec<f32> = (0..out as u64).map(|i| random::symmetric(key, i)).collect();
	let norm = norm(&t);
	t.iter_mut().for_each(|v| *v /= norm);
	t
}

/// The Euclidean norm, accumulated in f64.
pub fn norm(values: &[f32]) -> f32 {
	values.iter().map(|v| f64::from(*v) * f64::from(*v)).sum::<f64>().sqrt() as f32
}

/// `(cos θ, sin θ)` with `θ = s · 10000^(−2i/head_dim)`, computed in f64 and rounded to f32.
pub(crate) fn rope_table(seq: usize, head_dim: usize) -> Vec<(f32, f32)> {
	let half = head_dim / 2;
	(0..seq)
		.flat_map(|s| {
			(0..half).map(move |i| {
				let theta = s as f64 * 10000f64.powf(-2.0 * i as f64 / head_dim as f64);
				(theta.cos() as f32, theta.sin() as f32)
			})
		})
		.collect()
}
