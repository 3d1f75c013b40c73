//! The Llama-style decoder (Llama, Mistral, Qwen2) on the CPU, with a KV cache. Every step
//! runs a batch of positions at once, so a prompt or a re-check is a matrix-matrix product
//! per projection ([`Matrix::matmul`]) and a generated token a matrix-vector one:
//! `x = embed(token)`; per layer `x += o(attention(rope(q(n₁(x)) + b_q), rope(k(n₁(x)) + b_k),
//! v(n₁(x)) + b_v))` and `x += down(silu(gate(n₂(x))) ⊙ up(n₂(x)))`;
//! `logits = output(norm(x))`, with RMSNorms `n`, rotary embeddings on the pairs the
//! configuration names ([`RopePairs`]), each key/value head shared by `heads / kv_heads` query
//! heads, biases where the model has them (Qwen2). With the `cuda` feature,
//! [`Model::use_cuda`] moves the whole decoder to one or more GPUs (`crate::cuda`).

use std::path::Path;

use gonka_primitives::Hash32;
use half::f16;
use rayon::prelude::*;

use crate::{
	attention::HeadAttention,
	config::RopePairs,
	load::{self, gguf::GgufModel, hugging_face::Checkpoint, ModelFiles},
	weights::{weights_hash, Weights},
	InferenceError, LlamaConfig,
};

/// A model ready to run.
pub struct Model {
	/// Its architecture.
	pub config: LlamaConfig,
	/// Its weights.
	pub weights: Weights,
	/// The hash of its weight files.
	pub hash: Hash32,
	/// The rotary embedding's angular frequency of each pair of a head's dimensions.
	frequencies: Vec<f32>,
	/// The decoder on the GPUs, when [`Model::use_cuda`] put it there.
	#[cfg(feature = "cuda")]
	cuda: Option<crate::cuda::replicas::Replicas>,
}

/// The keys and values of the positions run so far, per layer, in f16 as llama.cpp keeps
/// them (half the memory of f32, and the same rounding).
pub struct KvCache {
	keys: Vec<Vec<f16>>,
	values: Vec<Vec<f16>>,
	len: usize,
	/// The same on the GPU that holds the sequence, for a model that runs there.
	#[cfg(feature = "cuda")]
	placement: crate::cuda::replicas::Placement,
}

impl KvCache {
	/// Positions cached.
	pub fn len(&self) -> usize {
		self.len
	}

	/// Whether nothing is cached.
	pub fn is_empty(&self) -> bool {
		self.len == 0
	}
}

impl Model {
	/// Loads the model at `path`: a GGUF file, a folder holding one, or a Hugging Face
	/// checkpoint folder (`config.json` and safetensors files). Refuses weights whose hash is
	/// not `expected` when given.
	pub fn load(path: &Path, expected: Option<Hash32>) -> Result<Self, InferenceError> {
		let check = |hash: Hash32| match expected {
			Some(expected) if expected != hash => {
				Err(InferenceError::HashMismatch { expected, found: hash })
			}
			_ => Ok(hash),
		};
		let model = match ModelFiles::find(path)? {
			ModelFiles::Gguf(file) => {
				let source = GgufModel::open(&file)?;
				let hash = check(weights_hash(&[source.storage.bytes()]))?;
				let config = source.config()?;
				let weights = load::weights(&source, &config)?;
				Self::new(config, weights, hash)
			}
			ModelFiles::Checkpoint(folder) => {
				let config = load::hugging_face::config(&folder)?;
				let source = Checkpoint::open(&folder)?;
				let hash = check(weights_hash(&source.contents()))?;
				let weights = load::weights(&source, &config)?;
				Self::new(config, weights, hash)
			}
		};
		crate::release_freed_heap();
		Ok(model)
	}

	/// A model of `config` with `weights`.
	pub fn new(config: LlamaConfig, weights: Weights, hash: Hash32) -> Self {
		let half = config.head_dim() / 2;
		let frequencies = (0..half)
			.map(|i| {
				let frequency = config.rope_theta.powf(-((2 * i) as f32) / (2 * half) as f32);
				let divisor = match (&weights.rope_divisors, &config.rope_scaling) {
					(Some(divisors), _) => divisors[i],
					(None, Some(scaling)) => scaling.divisor(frequency),
					(None, None) => 1.0,
				};
				frequency / divisor
			})
			.collect();
		Model {
			config,
			weights,
			hash,
			frequencies,
			#[cfg(feature = "cuda")]
			cuda: None,
		}
	}

	/// Runs the whole decoder on the GPUs `ordinals` from now on (f16 weights, f32
	/// accumulation; a copy of the weights on each), a sequence on one of them.
	#[cfg(feature = "cuda")]
	pub fn use_cuda(&mut self, ordinals: &[usize]) -> Result<(), InferenceError> {
		self.cuda = Some(crate::cuda::replicas::Replicas::new(self, &self.frequencies, ordinals)?);
		Ok(())
	}

	/// An empty cache for one sequence.
	pub fn new_cache(&self) -> KvCache {
		let layers = self.config.num_hidden_layers;
		KvCache {
			keys: vec![Vec::new(); layers],
			values: vec![Vec::new(); layers],
			len: 0,
			#[cfg(feature = "cuda")]
			placement: Default::default(),
		}
	}

	/// Checks that `prompt` (not empty) and `further` tokens after it fit the context, then
	/// runs the prompt: its cache and the logits of the token after it.
	pub fn prefill(
		&self,
		prompt: &[u32],
		further: usize,
	) -> Result<(KvCache, Vec<f32>), InferenceError> {
		let limit = self.config.max_position_embeddings;
		let needed = prompt.len() + further;
		if prompt.is_empty() || needed > limit {
			return Err(InferenceError::ContextFull { needed, limit });
		}
		let mut cache = self.new_cache();
		let logits = self.run(prompt, &mut cache, prompt.len() - 1)?;
		Ok((cache, logits))
	}

	/// Runs `token` at the next position of `cache`, returning the logits of the token after it.
	pub fn forward(&self, token: u32, cache: &mut KvCache) -> Result<Vec<f32>, InferenceError> {
		self.run(&[token], cache, 0)
	}

	/// Runs `tokens` at the next positions of `cache`, all at once, returning the logits after
	/// each of them from index `logits_from` on, one after another (`vocab_size` each).
	pub fn run(
		&self,
		tokens: &[u32],
		cache: &mut KvCache,
		logits_from: usize,
	) -> Result<Vec<f32>, InferenceError> {
		let states = self.final_states(tokens, cache, logits_from)?;
		#[cfg(feature = "cuda")]
		if let Some(cuda) = &self.cuda {
			return cuda.logits(Some(&cache.placement), &states);
		}
		self.logits(&states)
	}

	/// The logits of final states (`hidden_size` each, from [`Model::final_states`]), one
	/// after another.
	pub fn logits(&self, states: &[f32]) -> Result<Vec<f32>, InferenceError> {
		#[cfg(feature = "cuda")]
		if let Some(cuda) = &self.cuda {
			return cuda.logits(None, states);
		}
		Ok(self.weights.output().matmul(states, states.len() / self.config.hidden_size))
	}

	/// Runs `tokens` at the next positions of `cache`, all at once, returning the final
	/// normalised states of those from index `from` on, one after another: the logits'
	/// inputs, 1/85 their size with SmolLM2's vocabulary, so that a re-check turns them into
	/// logits a few positions at a time.
	pub fn final_states(
		&self,
		tokens: &[u32],
		cache: &mut KvCache,
		from: usize,
	) -> Result<Vec<f32>, InferenceError> {
		let config = &self.config;
		if let Some(token) = tokens.iter().find(|token| **token as usize >= config.vocab_size) {
			return Err(InferenceError::UnknownToken(*token));
		}
		let (n, first) = (tokens.len(), cache.len);
		if first + n > config.max_position_embeddings {
			return Err(InferenceError::ContextFull {
				needed: first + n,
				limit: config.max_position_embeddings,
			});
		}
		let hidden = config.hidden_size;
		let eps = config.rms_norm_eps;
		let mut x: Vec<f32> =
			tokens.iter().flat_map(|t| self.weights.embedding.row(*t as usize)).collect();
		#[cfg(feature = "cuda")]
		if let Some(cuda) = &self.cuda {
			let states = cuda.final_states(&x, first, &mut cache.placement, from)?;
			cache.len += n;
			return Ok(states);
		}
		let angles = self.angles(first, n);
		for (index, layer) in self.weights.layers.iter().enumerate() {
			let h = rms_norm_rows(&x, &layer.attention_norm, eps);
			let mut q = layer.q.matmul(&h, n);
			let mut k = layer.k.matmul(&h, n);
			let mut v = layer.v.matmul(&h, n);
			if let Some([q_bias, k_bias, v_bias]) = &layer.qkv_bias {
				add_rows(&mut q, q_bias);
				add_rows(&mut k, k_bias);
				add_rows(&mut v, v_bias);
			}
			self.rotate_rows(&mut q, &angles);
			self.rotate_rows(&mut k, &angles);
			cache.keys[index].extend(k.iter().map(|value| f16::from_f32(*value)));
			cache.values[index].extend(v.iter().map(|value| f16::from_f32(*value)));
			let attended = self.attend(&q, &cache.keys[index], &cache.values[index], first);
			add(&mut x, &layer.o.matmul(&attended, n));
			let h = rms_norm_rows(&x, &layer.mlp_norm, eps);
			let gate = layer.gate.matmul(&h, n);
			let up = layer.up.matmul(&h, n);
			let activated: Vec<f32> = gate.iter().zip(&up).map(|(g, u)| silu(*g) * u).collect();
			add(&mut x, &layer.down.matmul(&activated, n));
		}
		cache.len += n;
		Ok(rms_norm_rows(&x[from.min(n) * hidden..], &self.weights.norm, eps))
	}

	/// `(cos, sin)` of every rotation angle of positions `first .. first + n`, position after
	/// position.
	fn angles(&self, first: usize, n: usize) -> Vec<(f32, f32)> {
		(first..first + n)
			.flat_map(|position| {
				self.frequencies.iter().map(move |frequency| {
					let angle = position as f32 * frequency;
					(angle.cos(), angle.sin())
				})
			})
			.collect()
	}

	/// Rotates every head of every row of `rows` by its position's `angles`.
	fn rotate_rows(&self, rows: &mut [f32], angles: &[(f32, f32)]) {
		let head_dim = self.config.head_dim();
		let half = head_dim / 2;
		let width = rows.len() / (angles.len() / half).max(1);
		for (row, angles) in rows.chunks_exact_mut(width).zip(angles.chunks_exact(half)) {
			for head in row.chunks_exact_mut(head_dim) {
				for (i, (cos, sin)) in angles.iter().enumerate() {
					let (a, b) = match self.config.rope_pairs {
						RopePairs::Halves => (i, i + half),
						RopePairs::Adjacent => (2 * i, 2 * i + 1),
					};
					let (x, y) = (head[a], head[b]);
					head[a] = x * cos - y * sin;
					head[b] = y * cos + x * sin;
				}
			}
		}
	}

	/// Causal attention of the query rows `q` (positions `first ..`) over the cached keys and
	/// values (which already hold the rows' own).
	fn attend(&self, q: &[f32], keys: &[f16], values: &[f16], first: usize) -> Vec<f32> {
		let head_dim = self.config.head_dim();
		let kv_width = self.config.kv_heads() * head_dim;
		let group = self.config.num_attention_heads / self.config.kv_heads();
		let scale = 1.0 / (head_dim as f32).sqrt();
		let mut out = vec![0.0; q.len()];
		out.par_chunks_mut(head_dim).zip(q.par_chunks(head_dim)).enumerate().for_each(
			|(index, (output, query))| {
				let (row, head) = (
					index / self.config.num_attention_heads,
					index % self.config.num_attention_heads,
				);
				let positions = first + row + 1;
				let offset = (head / group) * head_dim;
				let query: Vec<f32> = query.iter().map(|v| f16::from_f32(*v).to_f32()).collect();
				let head = HeadAttention { keys, values, kv_width, offset, scale };
				head.attend(&query, positions, output);
			},
		);
		out
	}
}

/// The RMSNorm of each row of `x` (rows as long as `scale`), the mean square summed in f64
/// as llama.cpp sums it.
fn rms_norm_rows(x: &[f32], scale: &[f32], eps: f32) -> Vec<f32> {
	x.chunks_exact(scale.len())
		.flat_map(|row| {
			let sum: f64 = row.iter().map(|v| f64::from(v * v)).sum();
			let mean_square = (sum / row.len() as f64) as f32;
			let factor = 1.0 / (mean_square + eps).sqrt();
			row.iter().zip(scale).map(move |(v, s)| v * factor * s)
		})
		.collect()
}

fn silu(x: f32) -> f32 {
	x / (1.0 + (-x).exp())
}

fn add(x: &mut [f32], y: &[f32]) {
	for (a, b) in x.iter_mut().zip(y) {
		*a += b;
	}
}

/// Adds `bias` to every row of `rows`.
fn add_rows(rows: &mut [f32], bias: &[f32]) {
	for row in rows.chunks_exact_mut(bias.len()) {
		add(row, bias);
	}
}

/// The softmax of `scores`, computed from their maximum so that it never overflows, summed
/// in f64 as llama.cpp sums it.
pub fn softmax(scores: &[f32]) -> Vec<f32> {
	let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
	let exps: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
	let sum = exps.iter().map(|e| f64::from(*e)).sum::<f64>() as f32;
	exps.iter().map(|e| e / sum).collect()
}
