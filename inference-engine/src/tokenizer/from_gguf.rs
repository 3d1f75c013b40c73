//! A GGUF file's tokenizer as Hugging Face's `tokenizers` runs it: llama.cpp's converter
//! stores a byte-level BPE tokenizer (`tokenizer.ggml.model = gpt2`) as its vocabulary,
//! merges, token types and the name of its pre-tokenizer (`tokenizer.ggml.pre`); we write the
//! `tokenizer.json` it came from back out of them.
//!
//! The pre-tokenizers are those of llama.cpp's `llama-vocab.cpp` for the same names, in
//! `tokenizers`' own terms. SentencePiece files (`tokenizer.ggml.model = llama`: Llama 2,
//! Mistral 7B v0.1) are refused with a message to serve the checkpoint and its
//! `tokenizer.json` instead: their scores cannot be turned into `tokenizers`' BPE merges
//! without the merge order the file does not keep.

use serde_json::{json, Value};

use super::Tokenizer;
use crate::{gguf::Gguf, InferenceError};

/// llama.cpp's token type of control tokens (`<|im_start|>`).
const CONTROL: u64 = 3;
/// llama.cpp's token type of user-defined tokens, matched in text like control tokens.
const USER_DEFINED: u64 = 4;

/// Llama 3's split: contractions, letters with one leading non-letter, digits in threes.
const LLAMA3_PATTERN: &str = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/// Qwen2's: as Llama 3's, digits one by one.
const QWEN2_PATTERN: &str = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

fn byte_level(use_regex: bool) -> Value {
	json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": use_regex})
}

fn split_then_bytes(pattern: &str) -> Value {
	json!({"type": "Sequence", "pretokenizers": [
		{"type": "Split", "pattern": {"Regex": pattern}, "behavior": "Isolated", "invert": false},
		byte_level(false),
	]})
}

/// The pre-tokenizer llama.cpp names `name`.
fn pre_tokenizer(name: &str) -> Result<Value, InferenceError> {
	Ok(match name {
		"default" | "gpt-2" | "gpt2" => byte_level(true),
		// SmolLM (and StarCoder): digits one by one, then GPT-2's split.
		"smollm" | "starcoder" => json!({"type": "Sequence", "pretokenizers": [
			{"type": "Digits", "individual_digits": true},
			byte_level(true),
		]}),
		"llama3" | "llama-bpe" | "llama-v3" | "smaug-bpe" => split_then_bytes(LLAMA3_PATTERN),
		"qwen2" => split_then_bytes(QWEN2_PATTERN),
		other => {
			return Err(InferenceError::Tokenizer(format!(
				"pre-tokenizer {other} of this GGUF file is not supported; serve the Hugging Face \
				 checkpoint with its tokenizer.json instead"
			)))
		}
	})
}

/// The tokenizer the metadata of `header` describes.
pub fn tokenizer(header: &Gguf) -> Result<Tokenizer, InferenceError> {
	let model = header.str("tokenizer.ggml.model")?;
	if model != "gpt2" {
		return Err(InferenceError::Tokenizer(format!(
			"tokenizer model {model} (SentencePiece) of this GGUF file is not supported; serve the \
			 Hugging Face checkpoint with its tokenizer.json instead"
		)));
	}
	let tokens = header.strings("tokenizer.ggml.tokens")?;
	let merges = header.strings("tokenizer.ggml.merges")?;
	let types: Vec<u64> = match header.get("tokenizer.ggml.token_type").and_then(|v| v.as_array()) {
		Some(types) => types.iter().map(|t| t.as_u64().unwrap_or(1)).collect(),
		None => vec![1; tokens.len()],
	};
	let pre = header.get("tokenizer.ggml.pre").and_then(|v| v.as_str()).unwrap_or("default");
	let vocab: serde_json::Map<String, Value> =
		tokens.iter().enumerate().map(|(id, token)| (token.to_string(), json!(id))).collect();
	let added: Vec<Value> = tokens
		.iter()
		.zip(&types)
		.enumerate()
		.filter(|(_, (_, kind))| **kind == CONTROL || **kind == USER_DEFINED)
		.map(|(id, (token, kind))| {
			json!({"id": id, "content": token, "single_word": false, "lstrip": false,
				"rstrip": false, "normalized": false, "special": *kind == CONTROL})
		})
		.collect();
	let description = json!({
		"version": "1.0",
		"truncation": null,
		"padding": null,
		"added_tokens": added,
		"normalizer": null,
		"pre_tokenizer": pre_tokenizer(pre)?,
		"post_processor": null,
		"decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
		"model": {"type": "BPE", "dropout": null, "unk_token": null,
			"continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": false,
			"byte_fallback": false, "ignore_merges": false, "vocab": vocab, "merges": merges},
	});
	let inner = tokenizers::Tokenizer::from_bytes(description.to_string().as_bytes())
		.map_err(|e| InferenceError::Tokenizer(format!("from the GGUF metadata: {e}")))?;
	let adds_bos = header
		.get("tokenizer.ggml.add_bos_token")
		.is_some_and(|v| v == &crate::gguf::Value::Bool(true));
	let bos =
		header.get("tokenizer.ggml.bos_token_id").and_then(|v| v.as_u64()).map(|id| id as u32);
	Ok(Tokenizer::HuggingFace { inner: Box::new(inner), bos: bos.filter(|_| adds_bos) })
}
