//! A completion: the prompt run through the model, then tokens chosen one by one until the
//! end-of-sequence token or the limit.

use std::ops::ControlFlow;

use gonka_primitives::Hash32;

use crate::{
	sampling::{choose, log_softmax, top_k, Sampling, TokenLogprobs},
	InferenceError, Model,
};

/// Why a completion ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishReason {
	/// The model chose its end-of-sequence token (not part of the output), or the caller
	/// stopped it (a stop sequence).
	Stop,
	/// `max_tokens` were generated.
	Length,
}

/// What the executor returns and reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
	/// Tokens of the prompt, as run.
	pub prompt_tokens: usize,
	/// Generated tokens with their log-probabilities; the end-of-sequence token is not one.
	pub tokens: Vec<TokenLogprobs>,
	/// Why it ended.
	pub finish: FinishReason,
}

impl Completion {
	/// The generated token ids.
	pub fn token_ids(&self) -> Vec<u32> {
		self.tokens.iter().map(|t| t.token).collect()
	}

	/// The hash the executor puts on chain: BLAKE2b-256 over, per generated token, its id
	/// (u32), its log-probability (f32 bits) and its top-k as (u32, f32 bits), little-endian.
	pub fn output_hash(&self) -> Hash32 {
		let mut bytes = Vec::new();
		for token in &self.tokens {
			bytes.extend(token.token.to_le_bytes());
			bytes.extend(token.logprob.to_bits().to_le_bytes());
			for (id, logprob) in &token.top {
				bytes.extend(id.to_le_bytes());
				bytes.extend(logprob.to_bits().to_le_bytes());
			}
		}
		gonka_primitives::hash_concat(&[&bytes])
	}
}

/// Generates up to `max_tokens` after `prompt` (which should begin with the model's BOS
/// token), reporting the `top` most likely tokens at each step.
pub fn generate(
	model: &Model,
	prompt: &[u32],
	max_tokens: usize,
	sampling: Sampling,
	top: usize,
) -> Result<Completion, InferenceError> {
	generate_streaming(model, prompt, max_tokens, sampling, top, |_| ControlFlow::Continue(()))
}

/// [`generate`], handing each token to `on_token` as soon as it is chosen; the completion
/// ends with [`FinishReason::Stop`] after a token for which `on_token` breaks.
pub fn generate_streaming(
	model: &Model,
	prompt: &[u32],
	max_tokens: usize,
	sampling: Sampling,
	top: usize,
	mut on_token: impl FnMut(&TokenLogprobs) -> ControlFlow<()>,
) -> Result<Completion, InferenceError> {
	let (mut cache, mut logits) = model.prefill(prompt, max_tokens)?;
	let mut tokens = Vec::new();
	for step in 0..max_tokens {
		let logprobs = log_softmax(&logits);
		let token = choose(sampling, &logits, step);
		if model.config.is_end(token) {
			return Ok(Completion {
				prompt_tokens: prompt.len(),
				tokens,
				finish: FinishReason::Stop,
			});
		}
		let chosen =
			TokenLogprobs { token, logprob: logprobs[token as usize], top: top_k(&logprobs, top) };
		let flow = on_token(&chosen);
		tokens.push(chosen);
		if flow.is_break() {
			return Ok(Completion {
				prompt_tokens: prompt.len(),
				tokens,
				finish: FinishReason::Stop,
			});
		}
		if step + 1 < max_tokens {
			logits = model.forward(token, &mut cache)?;
		}
	}
	Ok(Completion { prompt_tokens: prompt.len(), tokens, finish: FinishReason::Length })
}
