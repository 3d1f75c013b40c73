//! The architecture of a Llama-style model, as its `config.json` (Hugging Face's names)
//! gives it.

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
	/// The token that ends one.
	#[serde(default)]
	pub eos_token_id: Option<u32>,
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
		for (name, id) in [("bos_token_id", self.bos_token_id), ("eos_token_id", self.eos_token_id)]
		{
			if id.is_some_and(|id| id as usize >= self.vocab_size) {
				return fail(format!("{name} is outside the vocabulary"));
			}
		}
		Ok(())
	}
}
