//! A model's weights: every `*.safetensors` file of its folder, in Hugging Face's Llama
//! tensor names, converted to f32 whatever their stored type (f32, f16, bf16).
//!
//! The weights hash, which the chain's model registry holds, is BLAKE2b-256 over the bytes of
//! the safetensors files in file-name order: a host can check a model it downloaded before
//! serving it, and nothing but the exact files passes.

use std::path::{Path, PathBuf};

use gonka_primitives::Hash32;
use rayon::prelude::*;
use safetensors::{tensor::TensorView, Dtype, SafeTensors};

use crate::{InferenceError, LlamaConfig};

/// A row-major matrix of `rows × cols` (Hugging Face stores projections as `[out, in]`).
#[derive(Clone, Debug)]
pub struct Matrix {
	/// Output size.
	pub rows: usize,
	/// Input size.
	pub cols: usize,
	/// `rows · cols` values, row after row.
	pub data: Vec<f32>,
}

/// Rows per parallel task in [`Matrix::apply`].
const ROWS_PER_TASK: usize = 64;

impl Matrix {
	/// `self · x`.
	pub fn apply(&self, x: &[f32]) -> Vec<f32> {
		debug_assert_eq!(x.len(), self.cols);
		self.data
			.par_chunks(self.cols * ROWS_PER_TASK)
			.flat_map_iter(|rows| rows.chunks(self.cols).map(|row| dot(row, x)))
			.collect()
	}

	/// Row `index` (an embedding).
	pub fn row(&self, index: usize) -> &[f32] {
		&self.data[index * self.cols..(index + 1) * self.cols]
	}
}

/// The dot product of two slices of one length.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
	a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// One decoder layer's weights.
#[derive(Clone, Debug)]
pub struct Layer {
	/// RMSNorm scale before attention.
	pub attention_norm: Vec<f32>,
	/// Query projection.
	pub q: Matrix,
	/// Key projection.
	pub k: Matrix,
	/// Value projection.
	pub v: Matrix,
	/// Output projection.
	pub o: Matrix,
	/// RMSNorm scale before the feed-forward layer.
	pub mlp_norm: Vec<f32>,
	/// SwiGLU gate projection.
	pub gate: Matrix,
	/// SwiGLU up projection.
	pub up: Matrix,
	/// Down projection.
	pub down: Matrix,
}

/// All of a model's weights.
#[derive(Clone, Debug)]
pub struct Weights {
	/// Token embeddings, `vocab × hidden`.
	pub embedding: Matrix,
	/// The decoder layers.
	pub layers: Vec<Layer>,
	/// The final RMSNorm scale.
	pub norm: Vec<f32>,
	/// The output projection, `vocab × hidden`; the embedding when tied.
	pub output: Option<Matrix>,
}

impl Weights {
	/// The output projection.
	pub fn output(&self) -> &Matrix {
		self.output.as_ref().unwrap_or(&self.embedding)
	}
}

/// The safetensors files of `folder`, in file-name order.
pub fn weight_files(folder: &Path) -> Result<Vec<PathBuf>, InferenceError> {
	let entries = std::fs::read_dir(folder).map_err(|e| InferenceError::Io(folder.into(), e))?;
	let mut files: Vec<PathBuf> = entries
		.filter_map(|entry| entry.ok().map(|entry| entry.path()))
		.filter(|path| path.extension().is_some_and(|ext| ext == "safetensors"))
		.collect();
	files.sort();
	if files.is_empty() {
		return Err(InferenceError::Weights(format!(
			"no .safetensors file in {}",
			folder.display()
		)));
	}
	Ok(files)
}

/// The weights hash of the files' contents, in order.
pub fn weights_hash(contents: &[Vec<u8>]) -> Hash32 {
	let parts: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
	gonka_primitives::hash_concat(&parts)
}

/// Loads the weights of `config` from `folder`, refusing them unless their hash is
/// `expected` (when given).
pub fn load(
	folder: &Path,
	config: &LlamaConfig,
	expected: Option<Hash32>,
) -> Result<(Weights, Hash32), InferenceError> {
	let files = weight_files(folder)?;
	let contents = files
		.iter()
		.map(|file| std::fs::read(file).map_err(|e| InferenceError::Io(file.clone(), e)))
		.collect::<Result<Vec<_>, _>>()?;
	let hash = weights_hash(&contents);
	if let Some(expected) = expected.filter(|expected| *expected != hash) {
		return Err(InferenceError::HashMismatch { expected, found: hash });
	}
	let parsed = contents
		.iter()
		.zip(&files)
		.map(|(bytes, file)| {
			SafeTensors::deserialize(bytes)
				.map_err(|e| InferenceError::Weights(format!("{}: {e}", file.display())))
		})
		.collect::<Result<Vec<_>, _>>()?;
	let tensors = Tensors(parsed);
	Ok((tensors.weights(config)?, hash))
}

/// The tensors of all files, found by name.
struct Tensors<'data>(Vec<SafeTensors<'data>>);

impl Tensors<'_> {
	fn find(&self, name: &str) -> Option<TensorView<'_>> {
		self.0.iter().find_map(|file| file.tensor(name).ok())
	}

	fn values(&self, name: &str, shape: &[usize]) -> Result<Vec<f32>, InferenceError> {
		let tensor = self
			.find(name)
			.ok_or_else(|| InferenceError::Weights(format!("tensor {name} is missing")))?;
		if tensor.shape() != shape {
			return Err(InferenceError::Weights(format!(
				"tensor {name} has shape {:?}, the configuration needs {shape:?}",
				tensor.shape()
			)));
		}
		to_f32(name, tensor.dtype(), tensor.data())
	}

	fn vector(&self, name: &str, len: usize) -> Result<Vec<f32>, InferenceError> {
		self.values(name, &[len])
	}

	fn matrix(&self, name: &str, rows: usize, cols: usize) -> Result<Matrix, InferenceError> {
		Ok(Matrix { rows, cols, data: self.values(name, &[rows, cols])? })
	}

	fn weights(&self, config: &LlamaConfig) -> Result<Weights, InferenceError> {
		let hidden = config.hidden_size;
		let kv = config.kv_heads() * config.head_dim();
		let ffn = config.intermediate_size;
		let layers = (0..config.num_hidden_layers)
			.map(|i| {
				let name = |suffix: &str| format!("model.layers.{i}.{suffix}.weight");
				Ok(Layer {
					attention_norm: self.vector(&name("input_layernorm"), hidden)?,
					q: self.matrix(&name("self_attn.q_proj"), hidden, hidden)?,
					k: self.matrix(&name("self_attn.k_proj"), kv, hidden)?,
					v: self.matrix(&name("self_attn.v_proj"), kv, hidden)?,
					o: self.matrix(&name("self_attn.o_proj"), hidden, hidden)?,
					mlp_norm: self.vector(&name("post_attention_layernorm"), hidden)?,
					gate: self.matrix(&name("mlp.gate_proj"), ffn, hidden)?,
					up: self.matrix(&name("mlp.up_proj"), ffn, hidden)?,
					down: self.matrix(&name("mlp.down_proj"), hidden, ffn)?,
				})
			})
			.collect::<Result<Vec<_>, InferenceError>>()?;
		let output = if config.tie_word_embeddings {
			None
		} else {
			Some(self.matrix("lm_head.weight", config.vocab_size, hidden)?)
		};
		Ok(Weights {
			embedding: self.matrix("model.embed_tokens.weight", config.vocab_size, hidden)?,
			layers,
			norm: self.vector("model.norm.weight", hidden)?,
			output,
		})
	}
}

fn to_f32(name: &str, dtype: Dtype, bytes: &[u8]) -> Result<Vec<f32>, InferenceError> {
	let words = |size: usize| bytes.chunks_exact(size);
	Ok(match dtype {
		Dtype::F32 => words(4).map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect(),
		Dtype::F16 => words(2).map(|w| half::f16::from_le_bytes([w[0], w[1]]).to_f32()).collect(),
		Dtype::BF16 => words(2).map(|w| half::bf16::from_le_bytes([w[0], w[1]]).to_f32()).collect(),
		other => {
			return Err(InferenceError::Weights(format!(
				"tensor {name} is {other:?}; f32, f16 and bf16 are supported"
			)))
		}
	})
}
