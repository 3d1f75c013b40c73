//! Gonka's inference engine (DESIGN.md §1, §6): what a host runs to serve a completion, and
//! what another host runs to re-check it.
//!
//! - [`config`]: the Llama-style architecture of a model (`config.json`, Hugging Face names);
//! - [`weights`]: its weights, loaded from safetensors (f32, f16 or bf16) and checked against
//!   the hash the chain's model registry holds;
//! - [`model`]: the decoder (RMSNorm, rotary attention with grouped key/value heads, SwiGLU)
//!   with a KV cache, on the CPU in f32;
//! - `cuda` (feature `cuda`): the whole decoder on an NVIDIA GPU (f16 weights and KV cache
//!   on the device, cuBLAS products, NVRTC kernels);
//! - [`attention`]: one query head's attention over the f16 cache, as llama.cpp computes it;
//! - [`sampling`]: greedy and seeded sampling, and the top-k log-probabilities reported with
//!   every token;
//! - [`generate`]: a completion, token by token, with the hash the executor reports on chain;
//! - [`recheck`]: the re-check, which teacher-forces the executor's tokens and compares
//!   log-probabilities within a documented threshold;
//! - [`tokenizer`]: the model's own tokenizer (Hugging Face's `tokenizers`, from
//!   `tokenizer.json` or a GGUF file's metadata), or the test model's bytes, and streaming
//!   decoding that never splits a character;
//! - [`chat`]: the model's own Jinja chat template;
//! - [`test_model`]: a small model with random weights that the project generates itself.

pub mod attention;
pub mod chat;
pub mod config;
#[cfg(feature = "cuda")]
pub mod cuda;
pub mod generate;
pub mod gguf;
pub mod load;
pub mod model;
pub mod quant;
pub mod recheck;
pub mod sampling;
pub mod test_model;
pub mod tokenizer;
pub mod weights;

pub use config::LlamaConfig;
pub use generate::{generate, generate_streaming, Completion, FinishReason};
pub use model::{KvCache, Model};
pub use recheck::{recheck, RecheckVerdict, LOGPROB_TOLERANCE};
pub use sampling::{Sampling, TokenLogprobs};
pub use tokenizer::Tokenizer;

/// Why a model could not be loaded or run.
#[derive(Debug)]
pub enum InferenceError {
	/// A file could not be read or written.
	Io(std::path::PathBuf, std::io::Error),
	/// `config.json` is not a Llama-style configuration this engine runs.
	Config(String),
	/// The safetensors file is malformed or lacks a tensor the configuration needs.
	Weights(String),
	/// The weights' hash is not the one the registry holds.
	HashMismatch {
		/// The registry's hash.
		expected: gonka_primitives::Hash32,
		/// The file's.
		found: gonka_primitives::Hash32,
	},
	/// The prompt and completion do not fit the model's context.
	ContextFull {
		/// Tokens asked for.
		needed: usize,
		/// The model's context length.
		limit: usize,
	},
	/// A token id outside the vocabulary.
	UnknownToken(u32),
	/// The GPU, its driver or NVRTC is missing or failed.
	Device(String),
	/// The model's tokenizer could not be built, or failed on a text.
	Tokenizer(String),
	/// The model's chat template could not be read or rendered.
	ChatTemplate(String),
}

impl std::fmt::Display for InferenceError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			InferenceError::Io(path, error) => write!(f, "{}: {error}", path.display()),
			InferenceError::Config(why) => write!(f, "model configuration: {why}"),
			InferenceError::Weights(why) => write!(f, "model weights: {why}"),
			InferenceError::HashMismatch { expected, found } => write!(
				f,
				"model weights hash 0x{} is not the registered 0x{}",
				hex(found),
				hex(expected)
			),
			InferenceError::ContextFull { needed, limit } => {
				write!(f, "{needed} tokens do not fit the model's context of {limit}")
			}
			InferenceError::UnknownToken(id) => write!(f, "token {id} is not in the vocabulary"),
			InferenceError::Device(why) => write!(f, "CUDA: {why}"),
			InferenceError::Tokenizer(why) => write!(f, "tokenizer: {why}"),
			InferenceError::ChatTemplate(why) => write!(f, "chat template: {why}"),
		}
	}
}

impl std::error::Error for InferenceError {}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Hands the heap that loading freed back to the system. Reading a GGUF file's metadata and
/// writing its tokenizer's description frees some 30 MiB (SmolLM2's 49,152 tokens and 48,900
/// merges) in small allocations that glibc keeps for reuse, and a serving node would hold
/// them all its life: measured with `llm-throughput`, resident memory after loading is
/// 125 MiB without this and 111 MiB with it.
pub(crate) fn release_freed_heap() {
	#[cfg(all(target_os = "linux", target_env = "gnu"))]
	// SAFETY: `malloc_trim` only returns memory the allocator holds free.
	unsafe {
		libc::malloc_trim(0);
	}
}
