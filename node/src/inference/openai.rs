//! OpenAI's wire format, as far as the endpoint speaks it: the request bodies of
//! `/v1/completions` and `/v1/chat/completions`, their responses and stream chunks, the model
//! list, and errors (`{"error": {"message", "type", "code"}}` with an HTTP status).

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use gonka_inference_engine::sampling::MIN_TEMPERATURE;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The completion budget when a request names none (OpenAI's default for completions).
pub const DEFAULT_MAX_TOKENS: u32 = 16;

/// What a body lacking a prompt is told.
pub const PROMPT_OR_MESSAGES: &str =
	"the body needs `prompt` (completions) or a non-empty `messages` list (chat completions), not both";

/// Most stop sequences a request may give, as OpenAI allows.
pub const MAX_STOPS: usize = 4;
/// Most log-probabilities per token a chat request may ask for, as OpenAI allows.
pub const MAX_TOP_LOGPROBS: u32 = 20;
/// Most log-probabilities per token a completion request may ask for, as OpenAI allows.
pub const MAX_COMPLETION_LOGPROBS: u64 = 5;

/// One message of a chat.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Message {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// Its text, or a list of parts of which the text ones count.
	pub content: Content,
}

/// A message's content: text, or OpenAI's list of typed parts.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Content {
	/// Plain text.
	Text(String),
	/// `[{"type": "text", "text": "…"}, …]`.
	Parts(Vec<ContentPart>),
}

/// One part of a message's content.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ContentPart {
	/// `text` (the only kind a language model reads).
	#[serde(rename = "type")]
	pub kind: String,
	/// The text of a `text` part.
	#[serde(default)]
	pub text: Option<String>,
}

impl Message {
	/// The message's text: its parts' texts joined; a part that is not text is refused.
	pub fn text(&self) -> Result<String, ApiError> {
		match &self.content {
			Content::Text(text) => Ok(text.clone()),
			Content::Parts(parts) => parts
				.iter()
				.map(|part| match (part.kind.as_str(), &part.text) {
					("text", Some(text)) => Ok(text.as_str()),
					(kind, _) => Err(ApiError::invalid(format!(
						"a message part of type '{kind}': this model reads text parts only"
					))),
				})
				.collect::<Result<Vec<_>, _>>()
				.map(|texts| texts.concat()),
		}
	}
}

/// `stop`: one sequence or a list.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Stop {
	/// One sequence.
	One(String),
	/// Up to [`MAX_STOPS`].
	Many(Vec<String>),
}

/// The body of a completion or chat completion request: the fields the endpoint uses (others
/// are ignored, as OpenAI-compatible servers do).
#[derive(Clone, Debug, Deserialize)]
pub struct CompletionBody {
	/// The registered model's name.
	pub model: String,
	/// The prompt of `/v1/completions`.
	pub prompt: Option<String>,
	/// The chat of `/v1/chat/completions`.
	pub messages: Option<Vec<Message>>,
	/// Most tokens to generate.
	pub max_tokens: Option<u32>,
	/// The same, under the chat API's newer name.
	pub max_completion_tokens: Option<u32>,
	/// 0 (or absent) for greedy decoding; above 0 samples with `seed`.
	pub temperature: Option<f32>,
	/// The seed of sampling; the request's id when absent.
	pub seed: Option<u64>,
	/// Whether to stream server-sent events.
	#[serde(default)]
	pub stream: bool,
	/// Nucleus sampling: keep the most likely tokens whose probabilities reach it (0, 1].
	pub top_p: Option<f32>,
	/// Sequences that end the completion, not part of its text.
	pub stop: Option<Stop>,
	/// Choices to generate: 1 only.
	pub n: Option<u32>,
	/// Chat: whether to return log-probabilities; completions: how many per token (0–5).
	pub logprobs: Option<Value>,
	/// Chat: how many of the most likely tokens to return per token (0–20).
	pub top_logprobs: Option<u32>,
}

/// How many log-probabilities a request wants with each token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logprobs {
	/// None.
	None,
	/// The chosen token's, and those of the `k` most likely.
	Top(usize),
}

impl CompletionBody {
	/// Checks the options OpenAI's clients send, and the log-probabilities asked for.
	pub fn check_options(&self, api: Api) -> Result<Logprobs, ApiError> {
		let param = |name: &'static str, message: String| ApiError::invalid_param(name, message);
		if self.n.is_some_and(|n| n != 1) {
			return Err(param("n", "only n = 1 is served: send one request per choice".into()));
		}
		if self.top_p.is_some_and(|p| !(p > 0.0 && p <= 1.0)) {
			return Err(param("top_p", "top_p must be above 0 and at most 1".into()));
		}
		if self.temperature.is_some_and(|t| !(t == 0.0 || (MIN_TEMPERATURE..=2.0).contains(&t))) {
			return Err(param(
				"temperature",
				format!("temperature must be 0 (greedy) or between {MIN_TEMPERATURE} and 2"),
			));
		}
		if self.stops().len() > MAX_STOPS {
			return Err(param("stop", format!("at most {MAX_STOPS} stop sequences")));
		}
		match (api, &self.logprobs, self.top_logprobs) {
			(_, None | Some(Value::Null), None) => Ok(Logprobs::None),
			(Api::Chat, Some(Value::Bool(false)) | None | Some(Value::Null), Some(_)) => Err(param(
				"top_logprobs",
				"top_logprobs needs logprobs: true".into(),
			)),
			(Api::Chat, Some(Value::Bool(false)), None) => Ok(Logprobs::None),
			(Api::Chat, Some(Value::Bool(true)), top) => match top.unwrap_or(0) {
				top if top <= MAX_TOP_LOGPROBS => Ok(Logprobs::Top(top as usize)),
				_ => Err(param("top_logprobs", format!("top_logprobs is at most {MAX_TOP_LOGPROBS}"))),
			},
			(Api::Completions, Some(Value::Number(k)), None) => match k.as_u64() {
				Some(k) if k <= MAX_COMPLETION_LOGPROBS => Ok(Logprobs::Top(k as usize)),
				_ => Err(param("logprobs", format!("logprobs is an integer from 0 to {MAX_COMPLETION_LOGPROBS}"))),
			},
			(Api::Chat, _, _) => Err(param("logprobs", "logprobs is true or false".into())),
			(Api::Completions, _, _) => Err(param(
				"logprobs",
				format!("logprobs is an integer from 0 to {MAX_COMPLETION_LOGPROBS}; top_logprobs is the chat API's"),
			)),
		}
	}

	/// The stop sequences asked for.
	pub fn stops(&self) -> Vec<String> {
		match &self.stop {
			None => Vec::new(),
			Some(Stop::One(stop)) => vec![stop.clone()],
			Some(Stop::Many(stops)) => stops.clone(),
		}
	}

	/// The completion budget the body asks for.
	pub fn completion_budget(&self) -> u32 {
		self.max_completion_tokens.or(self.max_tokens).unwrap_or(DEFAULT_MAX_TOKENS)
	}

	/// The text a model without a chat template continues: the prompt, or the chat as
	/// `role: content` lines followed by `assistant:`.
	pub fn prompt_text(&self) -> Result<String, ApiError> {
		match (&self.prompt, &self.messages) {
			(Some(prompt), None) => Ok(prompt.clone()),
			(None, Some(messages)) if !messages.is_empty() => {
				let mut text = String::new();
				for message in messages {
					text.push_str(&format!("{}: {}\n", message.role, message.text()?));
				}
				text.push_str("assistant:");
				Ok(text)
			}
			_ => Err(ApiError::invalid(PROMPT_OR_MESSAGES)),
		}
	}
}

/// Which API a request came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
	/// `/v1/completions`.
	Completions,
	/// `/v1/chat/completions`.
	Chat,
}

impl Api {
	fn object(self, stream: bool) -> &'static str {
		match (self, stream) {
			(Api::Completions, _) => "text_completion",
			(Api::Chat, false) => "chat.completion",
			(Api::Chat, true) => "chat.completion.chunk",
		}
	}

	fn id(self, job: &str) -> String {
		match self {
			Api::Completions => format!("cmpl-gonka-{job}"),
			Api::Chat => format!("chatcmpl-gonka-{job}"),
		}
	}

	/// A choice holding `text` (with `logprobs`, or null), ended by `finish` when it is the
	/// last.
	fn choice(self, text: &str, logprobs: Value, finish: Option<&str>, stream: bool) -> Value {
		match (self, stream) {
			(Api::Completions, _) => {
				json!({"index": 0, "text": text, "logprobs": logprobs, "finish_reason": finish})
			}
			(Api::Chat, false) => json!({
				"index": 0,
				"message": {"role": "assistant", "content": text},
				"logprobs": logprobs,
				"finish_reason": finish,
			}),
			(Api::Chat, true) => json!({
				"index": 0,
				"delta": {"role": "assistant", "content": text},
				"logprobs": logprobs,
				"finish_reason": finish,
			}),
		}
	}

	/// The `logprobs` of a choice: each of `tokens` with its `top` most likely alternatives,
	/// in this API's shape (chat: `content` entries with bytes; completions: parallel lists
	/// with text offsets from `offset`).
	pub fn logprobs(self, tokens: &[TokenReport], top: usize, offset: usize) -> Value {
		let bytes = |text: &str| text.as_bytes().to_vec();
		match self {
			Api::Chat => json!({
				"content": tokens.iter().map(|t| json!({
					"token": t.text,
					"logprob": t.logprob,
					"bytes": bytes(&t.text),
					"top_logprobs": t.top.iter().take(top).map(|(text, logprob)| json!({
						"token": text, "logprob": logprob, "bytes": bytes(text),
					})).collect::<Vec<_>>(),
				})).collect::<Vec<_>>(),
				"refusal": null,
			}),
			Api::Completions => {
				let mut offsets = Vec::with_capacity(tokens.len());
				let mut at = offset;
				for token in tokens {
					offsets.push(at);
					at += token.text.len();
				}
				json!({
					"tokens": tokens.iter().map(|t| &t.text).collect::<Vec<_>>(),
					"token_logprobs": tokens.iter().map(|t| t.logprob).collect::<Vec<_>>(),
					"top_logprobs": tokens.iter().map(|t| {
						t.top.iter().take(top).map(|(text, lp)| (text.clone(), json!(lp))).collect::<serde_json::Map<_, _>>()
					}).collect::<Vec<_>>(),
					"text_offset": offsets,
				})
			}
		}
	}

	/// The whole response of job `job`.
	pub fn response(
		self,
		job: &str,
		model: &str,
		text: &str,
		logprobs: Value,
		finish: &str,
		usage: Usage,
	) -> Value {
		json!({
			"id": self.id(job),
			"object": self.object(false),
			"created": now(),
			"model": model,
			"choices": [self.choice(text, logprobs, Some(finish), false)],
			"usage": usage,
		})
	}

	/// One chunk of a stream: a piece of text with its tokens' `logprobs` (or null), or the
	/// end with its reason and the usage.
	pub fn chunk(
		self,
		job: &str,
		model: &str,
		text: &str,
		logprobs: Value,
		finish: Option<&str>,
		usage: Option<Usage>,
	) -> Value {
		let mut chunk = json!({
			"id": self.id(job),
			"object": self.object(true),
			"created": now(),
			"model": model,
			"choices": [self.choice(text, logprobs, finish, true)],
		});
		if let Some(usage) = usage {
			chunk["usage"] = json!(usage);
		}
		chunk
	}
}

/// A generated token as log-probabilities report it: its text, its log-probability and the
/// most likely tokens' texts and log-probabilities.
pub struct TokenReport {
	/// Its text.
	pub text: String,
	/// Its log-probability.
	pub logprob: f32,
	/// The most likely tokens, most likely first.
	pub top: Vec<(String, f32)>,
}

/// Tokens a request used, as OpenAI reports them; the developer pays `total_tokens`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Usage {
	/// Tokens of the prompt.
	pub prompt_tokens: u32,
	/// Tokens generated.
	pub completion_tokens: u32,
	/// Both.
	pub total_tokens: u32,
}

fn now() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map_or(0, |elapsed| elapsed.as_secs())
}

/// An error as OpenAI's clients read it.
#[derive(Debug)]
pub struct ApiError {
	/// The HTTP status.
	pub status: StatusCode,
	/// OpenAI's error type, e.g. `invalid_request_error`.
	pub kind: &'static str,
	/// A machine-readable code, e.g. `model_not_found`.
	pub code: &'static str,
	/// What went wrong and what to do.
	pub message: String,
	/// The request parameter at fault, if one is.
	pub param: Option<&'static str>,
}

impl ApiError {
	/// 400: the body or a header is malformed.
	pub fn invalid(message: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", "invalid_request", message)
	}

	/// 400 naming the parameter at fault.
	pub fn invalid_param(param: &'static str, message: impl Into<String>) -> Self {
		Self { param: Some(param), ..Self::invalid(message) }
	}

	/// An error with every field given.
	pub fn new(
		status: StatusCode,
		kind: &'static str,
		code: &'static str,
		message: impl Into<String>,
	) -> Self {
		Self { status, kind, code, message: message.into(), param: None }
	}

	/// 502: the chain or another host failed the request.
	pub fn upstream(message: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_GATEWAY, "api_error", "upstream_error", message)
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let body = json!({"error": {
			"message": self.message,
			"type": self.kind,
			"param": self.param,
			"code": self.code,
		}});
		(self.status, Json(body)).into_response()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn body(json: Value) -> CompletionBody {
		serde_json::from_value(json).expect("a body")
	}

	#[test]
	fn options_outside_openai_s_ranges_name_their_parameter() {
		let cases = [
			(json!({"model": "m", "prompt": "p", "n": 2}), "n"),
			(json!({"model": "m", "prompt": "p", "top_p": 0.0}), "top_p"),
			(json!({"model": "m", "prompt": "p", "temperature": 2.5}), "temperature"),
			(json!({"model": "m", "prompt": "p", "temperature": 1e-30}), "temperature"),
			(json!({"model": "m", "prompt": "p", "stop": ["a", "b", "c", "d", "e"]}), "stop"),
			(json!({"model": "m", "prompt": "p", "logprobs": 6}), "logprobs"),
		];
		for (json, param) in cases {
			let error = body(json).check_options(Api::Completions).expect_err("refused");
			assert_eq!((error.status, error.param), (StatusCode::BAD_REQUEST, Some(param)));
		}
		let chat = |json| body(json).check_options(Api::Chat);
		let error =
			chat(json!({"model": "m", "messages": [], "top_logprobs": 3})).expect_err("refused");
		assert_eq!(error.param, Some("top_logprobs"), "top_logprobs without logprobs");
		let error =
			chat(json!({"model": "m", "messages": [], "logprobs": true, "top_logprobs": 21}))
				.expect_err("refused");
		assert_eq!(error.param, Some("top_logprobs"));
	}

	#[test]
	fn log_probabilities_follow_each_api_s_form() {
		let chat = body(json!({"model": "m", "messages": [], "logprobs": true, "top_logprobs": 3}));
		assert_eq!(chat.check_options(Api::Chat).expect("valid"), Logprobs::Top(3));
		let completion = body(json!({"model": "m", "prompt": "p", "logprobs": 2, "stop": "\n"}));
		assert_eq!(completion.check_options(Api::Completions).expect("valid"), Logprobs::Top(2));
		assert_eq!(completion.stops(), ["\n"]);
		let tokens = [
			TokenReport {
				text: "Hi".into(),
				logprob: -0.5,
				top: vec![("Hi".into(), -0.5), ("Yo".into(), -1.0)],
			},
			TokenReport { text: "!".into(), logprob: -0.1, top: vec![("!".into(), -0.1)] },
		];
		let completions = Api::Completions.logprobs(&tokens, 1, 0);
		assert_eq!(completions["text_offset"], json!([0, 2]));
		assert_eq!(completions["top_logprobs"][0], json!({"Hi": -0.5}));
		let chat = Api::Chat.logprobs(&tokens, 2, 0);
		assert_eq!(chat["content"][0]["bytes"], json!([72, 105]));
		assert_eq!(chat["content"][0]["top_logprobs"][1]["token"], "Yo");
	}

	#[test]
	fn message_content_is_text_or_text_parts() {
		let parts: Message = serde_json::from_value(json!({"role": "user", "content": [
			{"type": "text", "text": "Hello, "}, {"type": "text", "text": "world"}
		]}))
		.expect("a message");
		assert_eq!(parts.text().expect("text"), "Hello, world");
		let image: Message = serde_json::from_value(json!({"role": "user", "content": [
			{"type": "image_url", "image_url": {"url": "x"}}
		]}))
		.expect("a message");
		assert!(image.text().expect_err("refused").message.contains("image_url"));
	}
}
