//! A model's own tokenizer: Hugging Face's `tokenizers` built from the checkpoint's
//! `tokenizer.json` or from a GGUF file's `tokenizer.ggml.*` metadata ([`from_gguf`]), or the
//! byte-level tokenizer of the generated test model ([`bytes`]). [`StreamDecoder`] turns
//! tokens into text as they are generated without splitting a character.

pub mod bytes;
pub mod from_gguf;

use std::path::Path;

use crate::{
	load::{gguf::GgufModel, ModelFiles},
	InferenceError,
};

/// Text to tokens and back.
pub enum Tokenizer {
	/// The test model's bytes.
	Bytes,
	/// A model's own.
	HuggingFace {
		/// The tokenizer.
		inner: Box<tokenizers::Tokenizer>,
		/// The token put before a prompt, when the model wants one and the tokenizer's own
		/// post-processor does not add it.
		bos: Option<u32>,
	},
}

fn failed(what: &str, error: impl std::fmt::Display) -> InferenceError {
	InferenceError::Tokenizer(format!("{what}: {error}"))
}

impl Tokenizer {
	/// The tokenizer of the model at `path` (what [`crate::Model::load`] takes): a GGUF file's
	/// metadata, a checkpoint's `tokenizer.json`, or the bytes where a checkpoint has none
	/// (the generated test model).
	pub fn load(path: &Path) -> Result<Self, InferenceError> {
		match ModelFiles::find(path)? {
			ModelFiles::Gguf(file) => {
				let tokenizer = from_gguf::tokenizer(&GgufModel::open(&file)?.header);
				crate::release_freed_heap();
				tokenizer
			}
			ModelFiles::Checkpoint(folder) => {
				let file = folder.join("tokenizer.json");
				if !file.exists() {
					return Ok(Tokenizer::Bytes);
				}
				let inner = tokenizers::Tokenizer::from_file(&file)
					.map_err(|e| failed(&file.display().to_string(), e))?;
				Ok(Tokenizer::HuggingFace { inner: Box::new(inner), bos: None })
			}
		}
	}

	/// The tokens of `text`; special tokens written in the text (`<|im_start|>`) are those
	/// tokens. With `add_special`, the beginning-of-sequence token comes first where the model
	/// wants one (a completion's prompt); without, not (a rendered chat template, which
	/// writes its own).
	pub fn encode(&self, text: &str, add_special: bool) -> Result<Vec<u32>, InferenceError> {
		match self {
			Tokenizer::Bytes if add_special => Ok(bytes::encode(text)),
			Tokenizer::Bytes => Ok(bytes::encode(text)[1..].to_vec()),
			Tokenizer::HuggingFace { inner, bos } => {
				let encoding =
					inner.encode(text, add_special).map_err(|e| failed("encoding", e))?;
				let bos = bos.filter(|_| add_special);
				Ok(bos.into_iter().chain(encoding.get_ids().iter().copied()).collect())
			}
		}
	}

	/// The text of `tokens`, special tokens left out; bytes that are not UTF-8 become U+FFFD.
	pub fn decode(&self, tokens: &[u32]) -> Result<String, InferenceError> {
		match self {
			Tokenizer::Bytes => Ok(bytes::decode(tokens)),
			Tokenizer::HuggingFace { inner, .. } => {
				inner.decode(tokens, true).map_err(|e| failed("decoding", e))
			}
		}
	}

	/// The text of a special token, such as the chat template's `bos_token`.
	pub fn token_text(&self, id: u32) -> Option<String> {
		match self {
			Tokenizer::Bytes => None,
			Tokenizer::HuggingFace { inner, .. } => inner.id_to_token(id),
		}
	}
}

/// Text of generated tokens as they come: each step gives the text the new token completes,
/// holding back bytes of a character not yet whole (a multi-byte "é" split across tokens
/// streams as "é", not as two replacement characters).
#[derive(Default)]
pub struct StreamDecoder {
	/// The last token whose text was given, then the tokens since.
	pending: Vec<u32>,
	/// The text of the first of them, already given: a decoder that merges bytes or strips
	/// a leading space sees what came before.
	prefix: String,
}

impl StreamDecoder {
	/// The text `token` adds, if it completes any.
	pub fn step(&mut self, tokenizer: &Tokenizer, token: u32) -> Result<String, InferenceError> {
		self.pending.push(token);
		let text = tokenizer.decode(&self.pending)?;
		if text.ends_with('\u{FFFD}') {
			return Ok(String::new());
		}
		let added = text.strip_prefix(self.prefix.as_str()).unwrap_or(&text).to_string();
		self.pending.drain(..self.pending.len() - 1);
		self.prefix = tokenizer.decode(&self.pending)?;
		Ok(added)
	}

	/// What is still held back at the end of the stream (bytes that never became a
	/// character, as U+FFFD).
	pub fn finish(self, tokenizer: &Tokenizer) -> Result<String, InferenceError> {
		let text = tokenizer.decode(&self.pending)?;
		Ok(text.strip_prefix(self.prefix.as_str()).unwrap_or(&text).to_string())
	}
}
