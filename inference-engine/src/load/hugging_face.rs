//! A Hugging Face checkpoint: a folder with `config.json` and `*.safetensors` files in
//! Hugging Face's Llama tensor names (Mistral and Qwen2 use the same; Qwen2 adds q/k/v
//! biases). Tensors stay in their stored type (f32, f16, bf16) in the mapped files.

use std::{
	collections::HashMap,
	path::{Path, PathBuf},
};

use safetensors::{Dtype, SafeTensors};

use super::WeightSource;
use crate::{
	quant::BlockType,
	weights::{Matrix, Storage},
	InferenceError, LlamaConfig,
};

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

/// `config.json` of `folder`.
pub fn config(folder: &Path) -> Result<LlamaConfig, InferenceError> {
	let path = folder.join("config.json");
	let text = std::fs::read_to_string(&path).map_err(|e| InferenceError::Io(path, e))?;
	LlamaConfig::from_json(&text)
}

/// A tensor of the checkpoint: its file, where its data starts, its shape and type.
struct Located {
	storage: Storage,
	start: usize,
	shape: Vec<usize>,
	dtype: Dtype,
}

/// Where each tensor of the checkpoint lies.
pub struct Checkpoint {
	files: Vec<Storage>,
	tensors: HashMap<String, Located>,
}

impl Checkpoint {
	/// Maps the safetensors files of `folder` and reads their headers.
	pub fn open(folder: &Path) -> Result<Self, InferenceError> {
		let mut files = Vec::new();
		let mut tensors = HashMap::new();
		for path in weight_files(folder)? {
			let storage = Storage::map(&path)?;
			let bad = |e: safetensors::SafeTensorError| {
				InferenceError::Weights(format!("{}: {e}", path.display()))
			};
			// Checks every tensor's offsets against the file.
			SafeTensors::deserialize(storage.bytes()).map_err(bad)?;
			let (header, metadata) = SafeTensors::read_metadata(storage.bytes()).map_err(bad)?;
			for (name, info) in metadata.tensors() {
				let start = 8 + header + info.data_offsets.0;
				let located = Located {
					storage: storage.clone(),
					start,
					shape: info.shape.clone(),
					dtype: info.dtype,
				};
				tensors.insert(name, located);
			}
			files.push(storage);
		}
		Ok(Checkpoint { files, tensors })
	}

	/// The files' bytes, in order (what the weights hash covers).
	pub fn contents(&self) -> Vec<&[u8]> {
		self.files.iter().map(Storage::bytes).collect()
	}

	/// Tensor `name` as a matrix of its own shape (a vector is one row), checked to be `shape`.
	fn find(&self, name: &str, shape: &[usize]) -> Result<Option<Matrix>, InferenceError> {
		let Some(tensor) = self.tensors.get(name) else { return Ok(None) };
		if tensor.shape != shape {
			return Err(InferenceError::Weights(format!(
				"tensor {name} has shape {:?}, the configuration needs {shape:?}",
				tensor.shape
			)));
		}
		let block_type = match tensor.dtype {
			Dtype::F32 => BlockType::F32,
			Dtype::F16 => BlockType::F16,
			Dtype::BF16 => BlockType::BF16,
			other => {
				return Err(InferenceError::Weights(format!(
					"tensor {name} is {other:?}; f32, f16 and bf16 are supported"
				)))
			}
		};
		let (rows, cols) = match shape {
			[rows, cols] => (*rows, *cols),
			[len] => (1, *len),
			_ => return Err(InferenceError::Weights(format!("tensor {name} is not a matrix"))),
		};
		Matrix::new(tensor.storage.clone(), tensor.start, rows, cols, block_type).map(Some)
	}
}

impl WeightSource for Checkpoint {
	fn matrix(
		&self,
		name: &str,
		rows: usize,
		cols: usize,
	) -> Result<Option<Matrix>, InferenceError> {
		self.find(name, &[rows, cols])
	}

	fn vector(&self, name: &str, len: usize) -> Result<Option<Vec<f32>>, InferenceError> {
		Ok(self.find(name, &[len])?.map(|matrix| matrix.row(0)))
	}

	fn name(&self, part: super::Part, layer: usize) -> String {
		use super::Part::*;
		let layer_name = |suffix: &str| format!("model.layers.{layer}.{suffix}");
		match part {
			Embedding => "model.embed_tokens.weight".into(),
			Norm => "model.norm.weight".into(),
			Output => "lm_head.weight".into(),
			RopeDivisors => "rope_freqs".into(),
			AttentionNorm => layer_name("input_layernorm.weight"),
			Q => layer_name("self_attn.q_proj.weight"),
			K => layer_name("self_attn.k_proj.weight"),
			V => layer_name("self_attn.v_proj.weight"),
			QBias => layer_name("self_attn.q_proj.bias"),
			KBias => layer_name("self_attn.k_proj.bias"),
			VBias => layer_name("self_attn.v_proj.bias"),
			O => layer_name("self_attn.o_proj.weight"),
			MlpNorm => layer_name("post_attention_layernorm.weight"),
			Gate => layer_name("mlp.gate_proj.weight"),
			Up => layer_name("mlp.up_proj.weight"),
			Down => layer_name("mlp.down_proj.weight"),
		}
	}
}
