//! The architecture of a Llama-style model (Llama, Mistral, Qwen2), as its `config.json`
//! (Hugging Face's names) gives it, or as a GGUF file's metadata does (`crate::load::gguf`).

use serde::{Deserialize, Serialize};

use crate::InferenceError;

/// A Llama-style decoder's shape.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LlamaConfig {
	/// Tokens in the vocabulary.
	pub vocab_size: usize,
	/// Width of the residual stream.
	pub hidden_size: usize,
	/// Width of the SwiGLU feed-forward layer.
	pub intermediate_size: usize,
	/// Decoder layers.
	pub num_hidden_layers: usize,
	/// Query heads.
	pub num_attention_heads: usize,
	/// Key/value heads (grouped-query attention); equal to the query heads when absent.
	#[serde(default)]
	pub num_key_value_heads: Option<usize>,
	/// The RMSNorm epsilon.
	#[serde(default = "default_rms_norm_eps")]
	pub rms_norm_eps: f32,
	/// The rotary embedding base.
	#[serde(default = "default_rope_theta")]
	pub rope_theta: f32,
	/// The context length.
	pub max_position_embeddings: usize,
	/// Whether the output projection is the token embedding.
	#[serde(default)]
	pub tie_word_embeddings: bool,
	/// The token that begins a sequence.
	#[serde(default)]
	pub bos_token_id: Option<u32>,
	/// The tokens that end one (`config.json` gives one id or a list).
	#[serde(default, rename = "eos_token_id", deserialize_with = "one_or_many")]
	pub eos_token_ids: Vec<u32>,
	/// How the rotary angles are scaled for long contexts.
	#[serde(default)]
	pub rope_scaling: Option<RopeScaling>,
	/// Which dimensions the rotary embedding pairs.
	#[serde(skip)]
	pub rope_pairs: RopePairs,
}

/// Which dimensions of a head the rotary embedding rotates together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RopePairs {
	/// `(i, i + d/2)`: Hugging Face's Llama, Mistral and Qwen2, and GGUF's Qwen2.
	#[default]
	Halves,
	/// `(2i, 2i + 1)`: GGUF's Llama, whose converter permuted the q and k projections so.
	Adjacent,
}

/// `rope_scaling` of `config.json`. Read through [`RopeScalingFields`]: an internally tagged
/// enum cannot read numbers when serde_json keeps them exact (`arbitrary_precision`, which
/// the node's dependencies turn on).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rope_type", rename_all = "lowercase", try_from = "RopeScalingFields")]
pub enum RopeScaling {
	/// Every angle divided by `factor`.
	Linear {
		/// The divisor.
		factor: f32,
	},
	/// Llama 3.1's: low frequencies divided by `factor`, high ones kept, a smooth blend
	/// between.
	Llama3 {
		/// The divisor of the low frequencies.
		factor: f32,
		/// Wavelengths above `original / low_freq_factor` are divided.
		low_freq_factor: f32,
		/// Wavelengths below `original / high_freq_factor` are kept.
		high_freq_factor: f32,
		/// The context the model was trained on before scaling.
		original_max_position_embeddings: usize,
	},
}

/// The fields of `rope_scaling` (`type` is the older name of `rope_type`).
#[derive(Deserialize)]
struct RopeScalingFields {
	rope_type: Option<String>,
	#[serde(rename = "type")]
	older_type: Option<String>,
	factor: Option<f32>,
	low_freq_factor: Option<f32>,
	high_freq_factor: Option<f32>,
	original_max_position_embeddings: Option<usize>,
}

impl TryFrom<RopeScalingFields> for RopeScaling {
	type Error = String;

	fn try_from(fields: RopeScalingFields) -> Result<Self, String> {
		let kind = fields.rope_type.or(fields.older_type).unwrap_or_default();
		let needed = |value: Option<f32>, name: &str| {
			value.ok_or_else(|| format!("rope_scaling {kind} needs {name}"))
		};
		match kind.as_str() {
			"linear" => Ok(RopeScaling::Linear { factor: needed(fields.factor, "factor")? }),
			"llama3" => Ok(RopeScaling::Llama3 {
				factor: needed(fields.factor, "factor")?,
				low_freq_factor: needed(fields.low_freq_factor, "low_freq_factor")?,
				high_freq_factor: needed(fields.high_freq_factor, "high_freq_factor")?,
				original_max_position_embeddings: fields
					.original_max_position_embeddings
					.ok_or("rope_scaling llama3 needs original_max_position_embeddings")?,
			}),
			other => Err(format!("rope_scaling {other}: linear and llama3 are supported")),
		}
	}
}

impl RopeScaling {
	/// The divisor of the angle of inverse frequency `frequency`.
	pub fn divisor(&self, frequency: f32) -> f32 {
		match *self {
			RopeScaling::Linear { factor } => factor,
			RopeScaling::Llama3 {
				factor,
				low_freq_factor,
				high_freq_factor,
				original_max_position_embeddings,
			} => {
				let original = original_max_position_embeddings as f32;
				let wavelength = 2.0 * std::f32::consts::PI / frequency;
				if wavelength < original / high_freq_factor {
					1.0
				} else if wavelength > original / low_freq_factor {
					factor
				} else {
					let smooth = (original / wavelength - low_freq_factor)
						/ (high_freq_factor - low_freq_factor);
					1.0 / ((1.0 - smooth) / factor + smooth)
				}
			}
		}
	}
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
	#[derive(Deserialize)]
	#[serde(untagged)]
	enum OneOrMany {
		One(u32),
		Many(Vec<u32>),
		None,
	}
	Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
		Some(OneOrMany::One(id)) => vec![id],
		Some(OneOrMany::Many(ids)) => ids,
		Some(OneOrMany::None) | None => Vec::new(),
	})
}

fn default_rms_norm_eps() -> f32 {
	1e-5
}

fn default_rope_theta() -> f32 {
	10_000.0
}

impl LlamaConfig {
	/// Reads and checks `config.json`.
	pub fn from_json(text: &str) -> Result<Self, InferenceError> {
		let config: LlamaConfig =
			serde_json::from_str(text).map_err(|e| InferenceError::Config(e.to_string()))?;
		config.validate()?;
		Ok(config)
	}

	/// Key/value heads.
	pub fn kv_heads(&self) -> usize {
		self.num_key_value_heads.unwrap_or(self.num_attention_heads)
	}

	/// Width of one attention head.
	pub fn head_dim(&self) -> usize {
		self.hidden_size / self.num_attention_heads
	}

	/// Whether `token` ends a sequence.
	pub fn is_end(&self, token: u32) -> bool {
		self.eos_token_ids.contains(&token)
	}

	/// Checks that the shapes fit together.
	pub fn validate(&self) -> Result<(), InferenceError> {
		let fail = |why: String| Err(InferenceError::Config(why));
		if self.vocab_size == 0 || self.hidden_size == 0 || self.intermediate_size == 0 {
			return fail("vocab_size, hidden_size and intermediate_size must be positive".into());
		}
		if self.num_hidden_layers == 0 || self.max_position_embeddings == 0 {
			return fail("num_hidden_layers and max_position_embeddings must be positive".into());
		}
		let heads = self.num_attention_heads;
		if heads == 0 || !self.hidden_size.is_multiple_of(heads) {
			return fail(format!(
				"hidden_size {} is not a multiple of {heads} heads",
				self.hidden_size
			));
		}
		if !self.head_dim().is_multiple_of(2) {
			return fail(format!(
				"head size {} must be even for rotary embeddings",
				self.head_dim()
			));
		}
		let kv = self.kv_heads();
		if kv == 0 || !heads.is_multiple_of(kv) {
			return fail(format!("{heads} query heads are not a multiple of {kv} key/value heads"));
		}
		let ids = self.bos_token_id.iter().map(|id| ("bos_token_id", id));
		let ids = ids.chain(self.eos_token_ids.iter().map(|id| ("eos_token_id", id)));
		for (name, id) in ids {
			if *id as usize >= self.vocab_size {
				return fail(format!("{name} {id} is outside the vocabulary"));
			}
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const SHAPE: &str = r#""vocab_size": 32, "hidden_size": 8, "intermediate_size": 16,
		"num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 64"#;

	#[test]
	fn eos_is_one_id_or_a_list() {
		let one =
			LlamaConfig::from_json(&format!("{{{SHAPE}, \"eos_token_id\": 2}}")).expect("parses");
		assert_eq!(one.eos_token_ids, [2]);
		let list = LlamaConfig::from_json(&format!("{{{SHAPE}, \"eos_token_id\": [2, 5]}}"))
			.expect("parses");
		assert!(list.is_end(5) && list.is_end(2) && !list.is_end(3));
		let outside = LlamaConfig::from_json(&format!("{{{SHAPE}, \"eos_token_id\": [2, 40]}}"));
		assert!(outside.expect_err("refused").to_string().contains("eos_token_id 40 is outside"));
	}

	/// Hugging Face's `_compute_llama3_parameters` with Llama 3.1's numbers.
	#[test]
	fn llama3_scaling_keeps_short_wavelengths_divides_long_ones_and_blends_between() {
		let config = LlamaConfig::from_json(&format!(
			"{{{SHAPE}, \"rope_scaling\": {{\"rope_type\": \"llama3\", \"factor\": 8.0, \
			 \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \
			 \"original_max_position_embeddings\": 8192}}}}"
		))
		.expect("parses");
		let scaling = config.rope_scaling.expect("scaling");
		let frequency = |wavelength: f32| 2.0 * std::f32::consts::PI / wavelength;
		assert_eq!(scaling.divisor(frequency(1000.0)), 1.0);
		assert_eq!(scaling.divisor(frequency(20_000.0)), 8.0);
		assert!((scaling.divisor(frequency(4096.0)) - 2.4).abs() < 1e-4);
	}

	#[test]
	fn an_unknown_rope_scaling_is_refused() {
		let error = LlamaConfig::from_json(&format!(
			"{{{SHAPE}, \"rope_scaling\": {{\"rope_type\": \"yarn\", \"factor\": 4.0}}}}"
		))
		.expect_err("refused");
		assert!(error.to_string().contains("yarn"), "{error}");
	}
}
