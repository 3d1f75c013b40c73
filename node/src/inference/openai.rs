//! OpenAI's wire format, as far as the endpoint speaks it: the request bodies of
//! `/v1/completions` and `/v1/chat/completions`, their responses and stream chunks, the model
//! list, and errors (`{"error": {"message", "type", "code"}}` with an HTTP status).

use axum::{
	http::StatusCode,
	response::{IntoResponse, Response},
	Json,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The completion budget when a request names none (OpenAI's default for completions).
pub const DEFAULT_MAX_TOKENS: u32 = 16;

/// What a body lacking a prompt is told.
pub const PROMPT_OR_MESSAGES: &str =
	"the body needs `prompt` (completions) or a non-empty `messages` list (chat completions), not both";

/// One message of a chat.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Message {
	/// `system`, `user` or `assistant`.
	pub role: String,
	/// Its text.
	pub content: String,
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
}

impl CompletionBody {
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
				let mut text: String =
					messages.iter().map(|m| format!("{}: {}\n", m.role, m.content)).collect();
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

	fn id(self, job: u64) -> String {
		match self {
			Api::Completions => format!("cmpl-gonka-{job}"),
			Api::Chat => format!("chatcmpl-gonka-{job}"),
		}
	}

	/// A choice holding `text`, ended by `finish` when it is the last.
	fn choice(self, text: &str, finish: Option<&str>, stream: bool) -> Value {
		match (self, stream) {
			(Api::Completions, _) => {
				json!({"index": 0, "text": text, "logprobs": null, "finish_reason": finish})
			}
			(Api::Chat, false) => json!({
				"index": 0,
				"message": {"role": "assistant", "content": text},
				"logprobs": null,
				"finish_reason": finish,
			}),
			(Api::Chat, true) => json!({
				"index": 0,
				"delta": {"role": "assistant", "content": text},
				"logprobs": null,
				"finish_reason": finish,
			}),
		}
	}

	/// The whole response of job `job`.
	pub fn response(self, job: u64, model: &str, text: &str, finish: &str, usage: Usage) -> Value {
		json!({
			"id": self.id(job),
			"object": self.object(false),
			"created": now(),
			"model": model,
			"choices": [self.choice(text, Some(finish), false)],
			"usage": usage,
		})
	}

	/// One chunk of a stream: a piece of text, or the end with its reason and the usage.
	pub fn chunk(
		self,
		job: u64,
		model: &str,
		text: &str,
		finish: Option<&str>,
		usage: Option<Usage>,
	) -> Value {
		let mut chunk = json!({
			"id": self.id(job),
			"object": self.object(true),
			"created": now(),
			"model": model,
			"choices": [self.choice(text, finish, true)],
		});
		if let Some(usage) = usage {
			chunk["usage"] = json!(usage);
		}
		chunk
	}
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
}

impl ApiError {
	/// 400: the body or a header is malformed.
	pub fn invalid(message: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", "invalid_request", message)
	}

	/// An error with every field given.
	pub fn new(
		status: StatusCode,
		kind: &'static str,
		code: &'static str,
		message: impl Into<String>,
	) -> Self {
		Self { status, kind, code, message: message.into() }
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
			"param": null,
			"code": self.code,
		}});
		(self.status, Json(body)).into_response()
	}
}
