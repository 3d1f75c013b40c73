//! The Llama-style decoder on the CPU, in f32, one token at a time with a KV cache:
//! `x = embed(token)`; per layer `x += o(attention(rope(q(n₁(x))), rope(k(n₁(x))), v(n₁(x))))`
//! and `x += down(silu(gate(n₂(x))) ⊙ up(n₂(x)))`; `logits = output(norm(x))`, with
//! RMSNorms `n`, rotary embeddings on (i, i + d/2) pairs as Hugging Face's Llama rotates them,
//! and each key/value head shared by `heads / kv_heads` query heads. With the `cuda` feature,
//! [`Model::use_cuda`] moves every projection to a GPU (f16 weights, `crate::cuda`).

use std::path::Path;

use gonka_primitives::Hash32;

use crate::{
	weights::{self, dot, Weights},
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
	/// `cos` and `sin` of every position's rotation angles, `positions × head_dim / 2`.
	rope: Vec<(f32, f32)>,
	/// The projections on a GPU, when [`Model::use_cuda`] put them there.
	#[cfg(feature = "cuda")]
	cuda: Option<crate::cuda::CudaProjections>,
}

/// A projection's place in [`Model::projections`]: per layer q, k, v, o, gate, up, down, then
/// the output head.
const PER_LAYER: usize = 7;

/// The keys and values of the positions run so far, per layer.
pub struct KvCache {
	keys: Vec<Vec<f32>>,
	values: Vec<Vec<f32>>,
	len: usize,
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
	/// Loads the model in `folder` (`config.json` and its safetensors files), refusing
	/// weights whose hash is not `expected` when given.
	pub fn load(folder: &Path, expected: Option<Hash32>) -> Result<Self, InferenceError> {
		let path = folder.join("config.json");
		let text = std::fs::read_to_string(&path).map_err(|e| InferenceError::Io(path, e))?;
		let config = LlamaConfig::from_json(&text)?;
		let (weights, hash) = weights::load(folder, &config, expected)?;
		Ok(Self::new(config, weights, hash))
	}

	/// A model of `config` with `weights`.
	pub fn new(config: LlamaConfig, weights: Weights, hash: Hash32) -> Self {
		let half = config.head_dim() / 2;
		let rope = (0..config.max_position_embeddings)
			.flat_map(|position| {
				let theta = config.rope_theta;
				(0..half).map(move |i| {
					let frequency = theta.powf(-((2 * i) as f32) / (2 * half) as f32);
					let angle = position as f32 * frequency;
					(angle.cos(), angle.sin())
				})
			})
			.collect();
		Model {
			config,
			weights,
			hash,
			rope,
			#[cfg(feature = "cuda")]
			cuda: None,
		}
	}

	/// Every projection, in the order of their indices: per layer q, k, v, o, gate, up, down;
	/// then the output head.
	#[cfg(feature = "cuda")]
	fn projections(&self) -> impl Iterator<Item = &weights::Matrix> {
		self.weights
			.layers
			.iter()
			.flat_map(|l| [&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down])
			.chain(std::iter::once(self.weights.output()))
	}

	/// Runs every projection on GPU `ordinal` from now on (f16 weights, f32 accumulation).
	#[cfg(feature = "cuda")]
	pub fn use_cuda(&mut self, ordinal: usize) -> Result<(), InferenceError> {
		self.cuda = Some(crate::cuda::CudaProjections::new(self.projections(), ordinal)?);
		Ok(())
	}

	/// Projection `index` of [`Model::projections`] (`matrix`) applied to `x`, on the GPU when
	/// the model uses one.
	fn project(
		&self,
		index: usize,
		matrix: &weights::Matrix,
		x: &[f32],
	) -> Result<Vec<f32>, InferenceError> {
		#[cfg(feature = "cuda")]
		if let Some(cuda) = &self.cuda {
			return cuda.apply(index, x);
		}
		let _ = index;
		Ok(matrix.apply(x))
	}

	/// An empty cache for one sequence.
	pub fn new_cache(&self) -> KvCache {
		let layers = self.config.num_hidden_layers;
		KvCache { keys: vec![Vec::new(); layers], values: vec![Vec::new(); layers], len: 0 }
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
		let mut logits = Vec::new();
		for token in prompt {
			logits = self.forward(*token, &mut cache)?;
		}
		Ok((cache, logits))
	}

	/// Runs `token` at the next position of `cache`, returning the logits of the token after it.
	pub fn forward(&self, token: u32, cache: &mut KvCache) -> Result<Vec<f32>, InferenceError> {
		let config = &self.config;
		if token as usize >= config.vocab_size {
			return Err(InferenceError::UnknownToken(token));
		}
		let position = cache.len;
		if position >= config.max_position_embeddings {
			return Err(InferenceError::ContextFull {
				needed: position + 1,
				limit: config.max_position_embeddings,
			});
		}
		let mut x = self.weights.embedding.row(token as usize).to_vec();
		for (index, layer) in self.weights.layers.iter().enumerate() {
			let first = index * PER_LAYER;
			let h = rms_norm(&x, &layer.attention_norm, config.rms_norm_eps);
			let mut q = self.project(first, &layer.q, &h)?;
			let mut k = self.project(first + 1, &layer.k, &h)?;
			let v = self.project(first + 2, &layer.v, &h)?;
			self.rotate(&mut q, position);
			self.rotate(&mut k, position);
			cache.keys[index].extend_from_slice(&k);
			cache.values[index].extend_from_slice(&v);
			let attended = self.attend(&q, &cache.keys[index], &cache.values[index], position + 1);
			add(&mut x, &self.project(first + 3, &layer.o, &attended)?);
			let h = rms_norm(&x, &layer.mlp_norm, config.rms_norm_eps);
			let gate = self.project(first + 4, &layer.gate, &h)?;
			let up = self.project(first + 5, &layer.up, &h)?;
			let activated: Vec<f32> = gate.iter().zip(&up).map(|(g, u)| silu(*g) * u).collect();
			add(&mut x, &self.project(first + 6, &layer.down, &activated)?);
		}
		cache.len += 1;
		let x = rms_norm(&x, &self.weights.norm, config.rms_norm_eps);
		let head = self.weights.layers.len() * PER_LAYER;
		self.project(head, self.weights.output(), &x)
	}

	/// Rotates every head of `vector` by the angles of `position`.
	fn rotate(&self, vector: &mut [f32], position: usize) {
		let head_dim = self.config.head_dim();
		let half = head_dim / 2;
		let angles = &self.rope[position * half..(position + 1) * half];
		for head in vector.chunks_mut(head_dim) {
			let (first, second) = head.split_at_mut(half);
			for ((a, b), (cos, sin)) in first.iter_mut().zip(second.iter_mut()).zip(angles) {
				let (x, y) = (*a, *b);
				*a = x * cos - y * sin;
				*b = y * cos + x * sin;
			}
		}
	}

	/// Causal attention of the query heads `q` over the `positions` cached keys and values.
	fn attend(&self, q: &[f32], keys: &[f32], values: &[f32], positions: usize) -> Vec<f32> {
		let head_dim = self.config.head_dim();
		let kv_width = self.config.kv_heads() * head_dim;
		let group = self.config.num_attention_heads / self.config.kv_heads();
		let scale = 1.0 / (head_dim as f32).sqrt();
		let mut out = vec![0.0; q.len()];
		for (head, (query, output)) in q.chunks(head_dim).zip(out.chunks_mut(head_dim)).enumerate()
		{
			let offset = (head / group) * head_dim;
			let scores: Vec<f32> = (0..positions)
				.map(|p| {
					let key = &keys[p * kv_width + offset..p * kv_width + offset + head_dim];
					dot(query, key) * scale
				})
				.collect();
			let weights = softmax(&scores);
			for (p, weight) in weights.iter().enumerate() {
				let value = &values[p * kv_width + offset..p * kv_width + offset + head_dim];
				for (o, v) in output.iter_mut().zip(value) {
					*o += weight * v;
				}
			}
		}
		out
	}
}

fn rms_norm(x: &[f32], scale: &[f32], eps: f32) -> Vec<f32> {
	let mean_square = x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32;
	let factor = 1.0 / (mean_square + eps).sqrt();
	x.iter().zip(scale).map(|(v, s)| v * factor * s).collect()
}

fn silu(x: f32) -> f32 {
	x / (1.0 + (-x).exp())
}

fn add(x: &mut [f32], y: &[f32]) {
	for (a, b) in x.iter_mut().zip(y) {
		*a += b;
	}
}

/// The softmax of `scores`, computed from their maximum so that it never overflows.
pub fn softmax(scores: &[f32]) -> Vec<f32> {
	let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
	let exps: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
	let sum: f32 = exps.iter().sum();
	exps.iter().map(|e| e / sum).collect()
}
