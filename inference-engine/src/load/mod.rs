//! Loading a model: a GGUF file ([`gguf`]) or a Hugging Face checkpoint folder
//! ([`hugging_face`]). Both give the same [`Weights`] through [`WeightSource`], which names
//! each part of the decoder in the source's own tensor names.

pub mod gguf;
pub mod hugging_face;

use std::path::{Path, PathBuf};

use crate::{
	weights::{Layer, Matrix, Weights},
	InferenceError, LlamaConfig,
};

/// A part of the decoder, to be named by a [`WeightSource`].
#[derive(Clone, Copy, Debug)]
pub enum Part {
	/// Token embeddings.
	Embedding,
	/// The final norm.
	Norm,
	/// The output projection (absent when tied to the embeddings).
	Output,
	/// Divisors of the rotary frequencies (optional).
	RopeDivisors,
	/// A layer's norm before attention.
	AttentionNorm,
	/// Query projection.
	Q,
	/// Key projection.
	K,
	/// Value projection.
	V,
	/// Query bias (optional).
	QBias,
	/// Key bias (optional).
	KBias,
	/// Value bias (optional).
	VBias,
	/// Attention output projection.
	O,
	/// A layer's norm before the feed-forward layer.
	MlpNorm,
	/// SwiGLU gate.
	Gate,
	/// SwiGLU up.
	Up,
	/// SwiGLU down.
	Down,
}

/// Where a model's tensors come from.
pub trait WeightSource {
	/// The source's name of `part` (of `layer`, for a layer's parts).
	fn name(&self, part: Part, layer: usize) -> String;
	/// Matrix `name` of `rows × cols` (outputs × inputs), `None` when absent.
	fn matrix(
		&self,
		name: &str,
		rows: usize,
		cols: usize,
	) -> Result<Option<Matrix>, InferenceError>;
	/// Vector `name` of `len` values, `None` when absent.
	fn vector(&self, name: &str, len: usize) -> Result<Option<Vec<f32>>, InferenceError>;
}

fn missing(name: String) -> InferenceError {
	InferenceError::Weights(format!("tensor {name} is missing"))
}

/// The weights of `config` from `source`.
pub fn weights(
	source: &impl WeightSource,
	config: &LlamaConfig,
) -> Result<Weights, InferenceError> {
	let hidden = config.hidden_size;
	let kv = config.kv_heads() * config.head_dim();
	let ffn = config.intermediate_size;
	let matrix = |part: Part, layer: usize, rows: usize, cols: usize| {
		let name = source.name(part, layer);
		source.matrix(&name, rows, cols)?.ok_or_else(|| missing(name))
	};
	let vector = |part: Part, layer: usize, len: usize| {
		let name = source.name(part, layer);
		source.vector(&name, len)?.ok_or_else(|| missing(name))
	};
	let optional =
		|part: Part, layer: usize, len: usize| source.vector(&source.name(part, layer), len);
	let layers = (0..config.num_hidden_layers)
		.map(|i| {
			let biases = (
				optional(Part::QBias, i, hidden)?,
				optional(Part::KBias, i, kv)?,
				optional(Part::VBias, i, kv)?,
			);
			let qkv_bias = match biases {
				(Some(q), Some(k), Some(v)) => Some([q, k, v]),
				(None, None, None) => None,
				_ => {
					return Err(InferenceError::Weights(format!(
						"layer {i} has biases for some of its q, k and v projections but not all"
					)))
				}
			};
			Ok(Layer {
				attention_norm: vector(Part::AttentionNorm, i, hidden)?,
				q: matrix(Part::Q, i, hidden, hidden)?,
				k: matrix(Part::K, i, kv, hidden)?,
				v: matrix(Part::V, i, kv, hidden)?,
				qkv_bias,
				o: matrix(Part::O, i, hidden, hidden)?,
				mlp_norm: vector(Part::MlpNorm, i, hidden)?,
				gate: matrix(Part::Gate, i, ffn, hidden)?,
				up: matrix(Part::Up, i, ffn, hidden)?,
				down: matrix(Part::Down, i, hidden, ffn)?,
			})
		})
		.collect::<Result<Vec<_>, InferenceError>>()?;
	let output_name = source.name(Part::Output, 0);
	let output = source.matrix(&output_name, config.vocab_size, hidden)?;
	if output.is_none() && !config.tie_word_embeddings {
		return Err(missing(output_name));
	}
	Ok(Weights {
		embedding: matrix(Part::Embedding, 0, config.vocab_size, hidden)?,
		layers,
		norm: vector(Part::Norm, 0, hidden)?,
		output: output.filter(|_| !config.tie_word_embeddings),
		rope_divisors: optional(Part::RopeDivisors, 0, config.head_dim() / 2)?,
	})
}

/// What `path` names: a GGUF file, a folder holding exactly one, or a checkpoint folder.
pub enum ModelFiles {
	/// A GGUF file.
	Gguf(PathBuf),
	/// A folder with `config.json` and safetensors files.
	Checkpoint(PathBuf),
}

impl ModelFiles {
	/// Finds the model at `path`.
	pub fn find(path: &Path) -> Result<Self, InferenceError> {
		if path.is_file() {
			return Ok(ModelFiles::Gguf(path.into()));
		}
		let entries = std::fs::read_dir(path).map_err(|e| InferenceError::Io(path.into(), e))?;
		let ggufs: Vec<PathBuf> = entries
			.filter_map(|entry| entry.ok().map(|entry| entry.path()))
			.filter(|file| file.extension().is_some_and(|ext| ext == "gguf"))
			.collect();
		match ggufs.as_slice() {
			[] => Ok(ModelFiles::Checkpoint(path.into())),
			[one] => Ok(ModelFiles::Gguf(one.clone())),
			_ => Err(InferenceError::Weights(format!(
				"{} holds {} GGUF files; name the one to serve",
				path.display(),
				ggufs.len()
			))),
		}
	}
}
