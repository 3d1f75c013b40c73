//! A GGUF file as a model: the architecture from its metadata (`llama`, which llama.cpp also
//! uses for Mistral, and `qwen2`), tensors in llama.cpp's names, used in place in the mapped
//! file.
//!
//! llama.cpp's converter permutes a Llama's q and k projections so that the rotary embedding
//! turns adjacent pairs of dimensions, not Hugging Face's halves: the configuration says so
//! ([`RopePairs::Adjacent`]). Qwen2 files are not permuted.

use std::path::Path;

use super::{Part, WeightSource};
use crate::{
	config::{RopePairs, RopeScaling},
	gguf::Gguf,
	weights::{Matrix, Storage},
	InferenceError, LlamaConfig,
};

/// A mapped GGUF file and its parsed header.
pub struct GgufModel {
	/// The file.
	pub storage: Storage,
	/// Its header.
	pub header: Gguf,
}

impl GgufModel {
	/// Maps and parses the file at `path`.
	pub fn open(path: &Path) -> Result<Self, InferenceError> {
		let storage = Storage::map(path)?;
		let header = Gguf::parse(storage.bytes())
			.map_err(|e| InferenceError::Weights(format!("{}: {e}", path.display())))?;
		Ok(GgufModel { storage, header })
	}

	/// The architecture the metadata describes.
	pub fn config(&self) -> Result<LlamaConfig, InferenceError> {
		let header = &self.header;
		let architecture = header.str("general.architecture")?;
		let rope_pairs = match architecture {
			"llama" | "mistral" => RopePairs::Adjacent,
			"qwen2" => RopePairs::Halves,
			other => {
				return Err(InferenceError::Config(format!(
					"architecture {other}: llama, mistral and qwen2 are supported"
				)))
			}
		};
		let key = |name: &str| format!("{architecture}.{name}");
		let size = |name: &str| -> Result<usize, InferenceError> {
			Ok(usize::try_from(header.u64(&key(name))?).unwrap_or(usize::MAX))
		};
		let float = |name: &str, default: f32| {
			header.get(&key(name)).and_then(|value| value.as_f64()).map_or(default, |v| v as f32)
		};
		let token =
			|name: &str| header.get(name).and_then(|value| value.as_u64()).map(|id| id as u32);
		let vocab_size = match size("vocab_size") {
			Ok(size) => size,
			Err(_) => header.strings("tokenizer.ggml.tokens")?.len(),
		};
		let heads = size("attention.head_count")?;
		let rope_scaling = match header.get(&key("rope.scaling.type")).and_then(|v| v.as_str()) {
			None | Some("none") => None,
			Some("linear") => {
				Some(RopeScaling::Linear { factor: float("rope.scaling.factor", 1.0) })
			}
			Some(other) => {
				return Err(InferenceError::Config(format!(
					"rope scaling {other} is not supported"
				)))
			}
		};
		let mut eos_token_ids: Vec<u32> = [
			"tokenizer.ggml.eos_token_id",
			"tokenizer.ggml.eot_token_id",
			"tokenizer.ggml.eom_token_id",
		]
		.iter()
		.filter_map(|name| token(name))
		.collect();
		eos_token_ids.dedup();
		let config = LlamaConfig {
			vocab_size,
			hidden_size: size("embedding_length")?,
			intermediate_size: size("feed_forward_length")?,
			num_hidden_layers: size("block_count")?,
			num_attention_heads: heads,
			num_key_value_heads: Some(size("attention.head_count_kv").unwrap_or(heads)),
			rms_norm_eps: float("attention.layer_norm_rms_epsilon", 1e-5),
			rope_theta: float("rope.freq_base", 10_000.0),
			max_position_embeddings: size("context_length")?,
			tie_word_embeddings: !header.tensors.contains_key("output.weight"),
			bos_token_id: token("tokenizer.ggml.bos_token_id"),
			eos_token_ids,
			rope_scaling,
			rope_pairs,
		};
		config.validate()?;
		Ok(config)
	}
}

impl WeightSource for GgufModel {
	fn name(&self, part: Part, layer: usize) -> String {
		use Part::*;
		let layer_name = |suffix: &str| format!("blk.{layer}.{suffix}");
		match part {
			Embedding => "token_embd.weight".into(),
			Norm => "output_norm.weight".into(),
			Output => "output.weight".into(),
			RopeDivisors => "rope_freqs.weight".into(),
			AttentionNorm => layer_name("attn_norm.weight"),
			Q => layer_name("attn_q.weight"),
			K => layer_name("attn_k.weight"),
			V => layer_name("attn_v.weight"),
			QBias => layer_name("attn_q.bias"),
			KBias => layer_name("attn_k.bias"),
			VBias => layer_name("attn_v.bias"),
			O => layer_name("attn_output.weight"),
			MlpNorm => layer_name("ffn_norm.weight"),
			Gate => layer_name("ffn_gate.weight"),
			Up => layer_name("ffn_up.weight"),
			Down => layer_name("ffn_down.weight"),
		}
	}

	fn matrix(
		&self,
		name: &str,
		rows: usize,
		cols: usize,
	) -> Result<Option<Matrix>, InferenceError> {
		let Some(info) = self.header.tensors.get(name) else { return Ok(None) };
		if info.dimensions != [cols as u64, rows as u64] {
			return Err(InferenceError::Weights(format!(
				"tensor {name} has dimensions {:?}, the configuration needs [{cols}, {rows}]",
				info.dimensions
			)));
		}
		Matrix::new(self.storage.clone(), info.start, rows, cols, info.block_type).map(Some)
	}

	fn vector(&self, name: &str, len: usize) -> Result<Option<Vec<f32>>, InferenceError> {
		let Some(info) = self.header.tensors.get(name) else { return Ok(None) };
		if info.dimensions != [len as u64] {
			return Err(InferenceError::Weights(format!(
				"tensor {name} has dimensions {:?}, the configuration needs [{len}]",
				info.dimensions
			)));
		}
		Ok(Some(Matrix::new(self.storage.clone(), info.start, 1, len, info.block_type)?.row(0)))
	}
}
