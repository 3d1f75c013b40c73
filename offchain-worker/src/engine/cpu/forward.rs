//! The batched forward pass: a batch of nonces runs as `batch · seq` rows through one GEMM per
//! fused weight matrix.

use super::gemm::matmul;
use crate::engine::{
	model::Model,
	nonce::{distance, fill_input, input_key, perm_key, Account},
	ops,
};

/// Buffers of one thread, sized for `batch` nonces.
pub struct Workspace {
	batch: usize,
	x: Vec<f32>,
	h: Vec<f32>,
	qkv: Vec<f32>,
	attention: Vec<f32>,
	gate: Vec<f32>,
	act: Vec<f32>,
	last: Vec<f32>,
	z: Vec<f32>,
	scores: Vec<f32>,
	mixed: Vec<f32>,
	perm: Vec<u32>,
}

impl Workspace {
	/// Buffers for `batch` nonces of `model`.
	pub fn new(model: &Model, batch: usize) -> Self {
		let p = model.params;
		let [dim, ffn, seq, out] = [p.dim, p.ffn, p.seq, p.out].map(|v| v as usize);
		let rows = batch * seq;
		Self {
			batch,
			x: vec![0.0; rows * dim],
			h: vec![0.0; rows * dim],
			qkv: vec![0.0; rows * 3 * dim],
			attention: vec![0.0; rows * dim],
			gate: vec![0.0; rows * 2 * ffn],
			act: vec![0.0; rows * ffn],
			last: vec![0.0; batch * dim],
			z: vec![0.0; batch * out],
			scores: vec![0.0; seq],
			mixed: vec![0.0; dim],
			perm: Vec::with_capacity(out),
		}
	}

	/// The distances of `nonces` (at most `batch` of them) for `account`, into `distances`.
	pub fn forward(
		&mut self,
		model: &Model,
		account: &Account,
		nonces: &[u64],
		distances: &mut [f32],
	) {
		assert!(distances.len() == nonces.len());
		let out = model.params.out as usize;
		self.outputs(model, account, nonces);
		for ((nonce, z), d) in nonces.iter().zip(self.z.chunks_exact(out)).zip(distances) {
			*d = distance(perm_key(&model.seed, account, *nonce), z, &model.target, &mut self.perm);
		}
	}

	/// The outputs `z` of `nonces` (at most `batch` of them) for `account`, `out` values per
	/// nonce, in order.
	pub fn outputs(&mut self, model: &Model, account: &Account, nonces: &[u64]) -> &[f32] {
		assert!(nonces.len() <= self.batch);
		let p = model.params;
		let [dim, ffn, seq, out] = [p.dim, p.ffn, p.seq, p.out].map(|v| v as usize);
		let head_dim = p.head_dim() as usize;
		let batch = nonces.len();
		let rows = batch * seq;

		for (nonce, x) in nonces.iter().zip(self.x.chunks_exact_mut(seq * dim)) {
			fill_input(input_key(&model.seed, account, *nonce), x);
		}

		for layer in &model.layers {
			rms_rows(&self.x[..rows * dim], &mut self.h[..rows * dim], dim);
			matmul(&mut self.qkv, &self.h, &layer.wqkv, rows, false);
			for (r, row) in self.qkv.chunks_exact_mut(3 * dim).take(rows).enumerate() {
				let s = r % seq;
				let rotations = &model.rope[s * head_dim / 2..(s + 1) * head_dim / 2];
				let (qk, _) = row.split_at_mut(2 * dim);
				ops::rope(qk, head_dim, rotations);
			}
			self.attend(batch, seq, dim, head_dim);
			matmul(&mut self.x, &self.attention, &layer.wo, rows, true);

			rms_rows(&self.x[..rows * dim], &mut self.h[..rows * dim], dim);
			matmul(&mut self.gate, &self.h, &layer.w13, rows, false);
			for (gate, act) in
				self.gate.chunks_exact(2 * ffn).zip(self.act.chunks_exact_mut(ffn)).take(rows)
			{
				let (g, u) = gate.split_at(ffn);
				ops::swiglu(g, u, act);
			}
			matmul(&mut self.x, &self.act, &layer.w2, rows, true);
		}

		for (b, last) in self.last.chunks_exact_mut(dim).take(batch).enumerate() {
			let row = (b * seq + seq - 1) * dim;
			ops::rms(&self.x[row..row + dim], last);
		}
		matmul(&mut self.z, &self.last, &model.head, batch, false);
		&self.z[..batch * out]
	}

	/// Causal self-attention of every head of every nonce, from `qkv` into `attention`.
	fn attend(&mut self, batch: usize, seq: usize, dim: usize, head_dim: usize) {
		let width = 3 * dim;
		for b in 0..batch {
			let qkv = &self.qkv[b * seq * width..(b + 1) * seq * width];
			let attention = &mut self.attention[b * seq * dim..(b + 1) * seq * dim];
			for head in 0..dim / head_dim {
				let column = head * head_dim;
				let at = |offset: usize| {
					move |s: usize| {
						let start = s * width + offset + column;
						&qkv[start..start + head_dim]
					}
				};
				ops::causal_attention(
					seq,
					head_dim,
					at(0),
					at(dim),
					at(2 * dim),
					&mut self.scores,
					&mut self.mixed,
					|s, values| {
						let start = s * dim + column;
						attention[start..start + head_dim].copy_from_slice(values);
					},
				);
			}
		}
	}
}

fn rms_rows(x: &[f32], h: &mut [f32], dim: usize) {
	for (src, dst) in x.chunks_exact(dim).zip(h.chunks_exact_mut(dim)) {
		ops::rms(src, dst);
	}
}
