//! The model this node serves: it runs completions and re-checks others' completions.

use std::{ops::ControlFlow, sync::Arc};

use gonka_inference_engine::{
	chat::{ChatMessage, ChatTemplate},
	generate_streaming, recheck,
	tokenizer::StreamDecoder,
	Completion, Model, RecheckVerdict, Sampling, TokenLogprobs, Tokenizer,
};
use gonka_primitives::Hash32;

use super::{
	openai::{Api, ApiError, CompletionBody, TokenReport},
	stop::StopScanner,
};

/// Log-probabilities reported with each generated token: the top 5 at least (more when the
/// request asks for more).
pub const TOP_LOGPROBS: usize = 5;

/// A token count as the chain counts tokens.
pub fn count(tokens: usize) -> u32 {
	u32::try_from(tokens).unwrap_or(u32::MAX)
}

/// The served model with its tokenizer and chat template, and whether to forge results
/// (testing only).
pub struct Executor {
	model: Arc<Model>,
	tokenizer: Tokenizer,
	template: Option<ChatTemplate>,
	forge: bool,
}

impl Executor {
	pub fn new(
		model: Model,
		tokenizer: Tokenizer,
		template: Option<ChatTemplate>,
		forge: bool,
	) -> Self {
		Self { model: Arc::new(model), tokenizer, template, forge }
	}

	/// The weights hash of the served model.
	pub fn weights_hash(&self) -> Hash32 {
		self.model.hash
	}

	/// The model's context length.
	pub fn context(&self) -> usize {
		self.model.config.max_position_embeddings
	}

	/// The tokens the model continues for `body`: a completion's prompt after the model's
	/// beginning-of-sequence token, or a chat rendered by the model's own template (a model
	/// without one reads `role: content` lines, then `assistant:`).
	pub fn prompt_tokens(&self, body: &CompletionBody) -> Result<Vec<u32>, ApiError> {
		let tokenized = match (&body.prompt, &body.messages, &self.template) {
			(Some(_), None, _) | (None, Some(_), None) => {
				self.tokenizer.encode(&body.prompt_text()?, true)
			}
			(None, Some(messages), Some(template)) if !messages.is_empty() => {
				let chat: Vec<ChatMessage> = messages
					.iter()
					.map(|m| Ok(ChatMessage { role: m.role.clone(), content: m.text()? }))
					.collect::<Result<_, ApiError>>()?;
				let text = template.render(&chat, true).map_err(|error| {
					ApiError::invalid(format!("the model's chat template: {error}"))
				})?;
				self.tokenizer.encode(&text, false)
			}
			_ => return Err(ApiError::invalid(super::openai::PROMPT_OR_MESSAGES)),
		};
		tokenized.map_err(|error| ApiError::invalid(error.to_string()))
	}

	/// How a request with `body` and `nonce` samples: greedy at temperature 0 (or none),
	/// else seeded with the body's seed or the request's nonce, within its `top_p`.
	pub fn sampling(body: &CompletionBody, nonce: u64) -> Sampling {
		match body.temperature {
			Some(temperature) if temperature > 0.0 => Sampling::Seeded {
				seed: body.seed.unwrap_or(nonce),
				temperature,
				top_p: body.top_p.unwrap_or(1.0),
			},
			_ => Sampling::Greedy,
		}
	}

	/// `token` as log-probabilities report it.
	pub fn report(&self, token: &TokenLogprobs) -> TokenReport {
		let text = |id: u32| self.tokenizer.decode(&[id]).unwrap_or_default();
		TokenReport {
			text: text(token.token),
			logprob: token.logprob,
			top: token.top.iter().map(|(id, logprob)| (text(*id), *logprob)).collect(),
		}
	}

	/// Runs a request: `budget` tokens at most after `prompt`, reporting the `top` most
	/// likely tokens at each (at least [`TOP_LOGPROBS`]), until a `stops` sequence. Each
	/// token is handed to `on_token` with the text it adds (whole characters, never part of a
	/// stop sequence); the completion and its whole text are returned. A forging executor
	/// alters every token after generating it.
	pub fn complete(
		&self,
		prompt: &[u32],
		budget: usize,
		sampling: Sampling,
		top: usize,
		stops: &[String],
		mut on_token: impl FnMut(&str, &TokenLogprobs),
	) -> Result<(Completion, String), String> {
		let forge = self.forge;
		let vocab = self.model.config.vocab_size as u32;
		let mut decoder = StreamDecoder::default();
		let mut scanner = StopScanner::new(stops);
		let mut text = String::new();
		let top = top.max(TOP_LOGPROBS);
		let mut completion =
			generate_streaming(&self.model, prompt, budget, sampling, top, |token| {
				let token = if forge { forged(token, vocab) } else { token.clone() };
				let piece = decoder.step(&self.tokenizer, token.token).unwrap_or_default();
				let (given, stopped) = scanner.push(&piece);
				text.push_str(&given);
				on_token(&given, &token);
				if stopped {
					ControlFlow::Break(())
				} else {
					ControlFlow::Continue(())
				}
			})
			.map_err(|error| format!("the model failed: {error:?}"))?;
		if forge {
			completion.tokens =
				completion.tokens.iter().map(|token| forged(token, vocab)).collect();
		}
		let (given, _) = scanner.push(&decoder.finish(&self.tokenizer).unwrap_or_default());
		text.push_str(&given);
		text.push_str(&scanner.finish());
		Ok((completion, text))
	}

	/// Re-computes what was served for `body` with the reported `tokens` forced: whether the
	/// prompt has `prompt_tokens` tokens and every reported log-probability and token holds.
	pub fn recheck(
		&self,
		body: &CompletionBody,
		prompt_tokens: u32,
		tokens: &[TokenLogprobs],
		sampling: Sampling,
	) -> Result<bool, String> {
		let prompt = self.prompt_tokens(body).map_err(|error| error.message)?;
		let api = if body.messages.is_some() { Api::Chat } else { Api::Completions };
		if count(prompt.len()) != prompt_tokens
			|| body.check_options(api).is_err()
			|| count(tokens.len()) > body.completion_budget()
			|| self.runs_past_its_end(body, tokens)
		{
			return Ok(false);
		}
		let verdict = recheck(&self.model, &prompt, tokens, sampling)
			.map_err(|error| format!("the model failed: {error:?}"))?;
		if let RecheckVerdict::Fail { position, reason } = &verdict {
			log::info!(target: "inference", "Re-check failed at token {position}: {reason}");
		}
		Ok(verdict == RecheckVerdict::Pass)
	}
}

impl Executor {
	/// Whether `tokens` go on after the completion should have ended: an end-of-sequence
	/// token is never reported, and a stop sequence ends the completion at the token that
	/// completes it. Padding past either would be paid for.
	fn runs_past_its_end(&self, body: &CompletionBody, tokens: &[TokenLogprobs]) -> bool {
		if tokens.iter().any(|token| self.model.config.is_end(token.token)) {
			return true;
		}
		let mut decoder = StreamDecoder::default();
		let mut scanner = StopScanner::new(&body.stops());
		tokens.iter().enumerate().any(|(index, token)| {
			let piece = decoder.step(&self.tokenizer, token.token).unwrap_or_default();
			scanner.push(&piece).1 && index + 1 < tokens.len()
		})
	}
}

/// `token` altered as a forging executor alters it: the next token of a vocabulary of
/// `vocab`, same log-probabilities.
fn forged(token: &TokenLogprobs, vocab: u32) -> TokenLogprobs {
	TokenLogprobs { token: (token.token + 1) % vocab.max(1), ..token.clone() }
}

#[cfg(test)]
mod tests {
	use super::*;
	use gonka_inference_engine::{
		test_model::{write_test_model, StoredAs},
		tokenizer::bytes,
	};

	fn executor() -> (Executor, tempfile::TempDir) {
		let folder = tempfile::tempdir().expect("a folder");
		write_test_model(folder.path(), 1, StoredAs::F32).expect("written");
		let model = Model::load(folder.path(), None).expect("loads");
		(Executor::new(model, Tokenizer::Bytes, None, false), folder)
	}

	fn reported(text: &[u8]) -> Vec<TokenLogprobs> {
		text.iter()
			.map(|byte| TokenLogprobs { token: u32::from(*byte), logprob: 0.0, top: Vec::new() })
			.collect()
	}

	#[test]
	fn tokens_after_a_stop_sequence_or_an_end_token_are_padding() {
		let (executor, _folder) = executor();
		let body: CompletionBody =
			serde_json::from_value(serde_json::json!({"model": "m", "prompt": "p", "stop": "ab"}))
				.expect("a body");
		assert!(!executor.runs_past_its_end(&body, &reported(b"xxab")), "ends at the stop");
		assert!(executor.runs_past_its_end(&body, &reported(b"xxaby")), "goes on after it");
		let mut with_end = reported(b"xy");
		with_end.insert(1, TokenLogprobs { token: bytes::EOS, logprob: 0.0, top: Vec::new() });
		assert!(executor.runs_past_its_end(&body, &with_end), "reports the end token");
	}
}
