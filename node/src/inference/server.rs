//! The OpenAI-compatible HTTP endpoint: `/v1/models`, `/v1/completions`,
//! `/v1/chat/completions` (JSON or server-sent events), and `/gonka/v1/jobs/{id}` for
//! re-checkers.
//!
//! A developer's request carries two headers besides the body: `X-Gonka-Request`, the
//! SCALE-encoded `InferenceRequest` (its `bodyHash` the body's BLAKE2b-256), and
//! `X-Gonka-Signature`, the SCALE-encoded `MultiSignature` of the developer over the request
//! on this chain. The node checks both, relays the request on chain and serves it when the
//! chain draws it as executor, or forwards it (with `X-Gonka-Job`) to the host that was drawn.

use std::{convert::Infallible, sync::Arc};

use axum::{
	body::{Body, Bytes},
	extract::{Path, State},
	http::{HeaderMap, StatusCode},
	response::{sse::Event, IntoResponse, Response, Sse},
	routing::{get, post},
	Json, Router,
};
use codec::Decode;
use futures::StreamExt;
use gonka_inference_engine::TokenLogprobs;
use gonka_runtime::{AccountId, Balance, Runtime};
use pallet_inference::{JobStatus, RequestOf};
use serde_json::{json, Value};
use sp_runtime::MultiSignature;

use super::{
	chain::{Chain, ModelInfo, RelayError},
	executor::{count, Executor},
	openai::{Api, ApiError, CompletionBody, Logprobs, Usage},
};

/// How long a forwarded request waits for its block: two 6-second blocks, in steps.
const JOB_WAIT_ROUNDS: u32 = 24;
const JOB_WAIT_STEP: std::time::Duration = std::time::Duration::from_millis(500);

/// What the handlers share.
pub struct Endpoint {
	pub chain: Chain,
	/// The model this node serves, with its registry id; none when it serves none.
	pub executor: Option<(u32, Arc<Executor>)>,
	pub http: reqwest::Client,
}

/// The endpoint's routes.
pub fn router(endpoint: Arc<Endpoint>) -> Router {
	Router::new()
		.route("/v1/models", get(models))
		.route("/v1/completions", post(completions))
		.route("/v1/chat/completions", post(chat_completions))
		.route("/gonka/v1/jobs/{id}", get(served_job))
		.fallback(unknown_route)
		.layer(axum::middleware::map_response(in_openai_shape))
		.with_state(endpoint)
}

/// Most bytes of a plain-text error read back to rewrite it.
const ERROR_TEXT_LIMIT: usize = 4096;

async fn unknown_route(uri: axum::http::Uri) -> ApiError {
	ApiError::new(
		StatusCode::NOT_FOUND,
		"invalid_request_error",
		"unknown_url",
		format!(
			"no route {}: the endpoint serves /v1/models, /v1/completions and \
			 /v1/chat/completions",
			uri.path()
		),
	)
}

/// Errors axum answers itself (a body over its limit, a malformed path, a wrong method)
/// come as plain text; clients of OpenAI's API read errors as JSON, so they are rewritten
/// in its shape.
async fn in_openai_shape(response: Response) -> Response {
	let status = response.status();
	let is_json = response
		.headers()
		.get(axum::http::header::CONTENT_TYPE)
		.is_some_and(|kind| kind.as_bytes().starts_with(b"application/json"));
	if !(status.is_client_error() || status.is_server_error()) || is_json {
		return response;
	}
	let text = axum::body::to_bytes(response.into_body(), ERROR_TEXT_LIMIT)
		.await
		.map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
		.unwrap_or_default();
	let (kind, code) = match status {
		StatusCode::PAYLOAD_TOO_LARGE => ("invalid_request_error", "request_too_large"),
		StatusCode::METHOD_NOT_ALLOWED => ("invalid_request_error", "method_not_allowed"),
		StatusCode::UNSUPPORTED_MEDIA_TYPE => ("invalid_request_error", "unsupported_media_type"),
		status if status.is_client_error() => ("invalid_request_error", "invalid_request"),
		_ => ("api_error", "server_error"),
	};
	let message = if text.is_empty() {
		status.canonical_reason().unwrap_or("error").to_string()
	} else {
		text
	};
	ApiError::new(status, kind, code, message).into_response()
}

async fn models(
	State(endpoint): State<Arc<Endpoint>>,
) -> Result<Json<serde_json::Value>, ApiError> {
	let models = endpoint.chain.models().map_err(ApiError::upstream)?;
	let data: Vec<_> = models
		.iter()
		.map(|info| {
			json!({
				"id": String::from_utf8_lossy(&info.model.name),
				"object": "model",
				"created": 0,
				"owned_by": "gonka",
				"gonka": {
					"modelId": info.id,
					"pricePerToken": info.price.to_string(),
					"context": info.model.architecture.context,
					"servers": info.servers.len(),
				},
			})
		})
		.collect();
	Ok(Json(json!({"object": "list", "data": data})))
}

async fn completions(
	State(endpoint): State<Arc<Endpoint>>,
	headers: HeaderMap,
	body: Bytes,
) -> Result<Response, ApiError> {
	endpoint.complete(Api::Completions, &headers, body).await
}

async fn chat_completions(
	State(endpoint): State<Arc<Endpoint>>,
	headers: HeaderMap,
	body: Bytes,
) -> Result<Response, ApiError> {
	endpoint.complete(Api::Chat, &headers, body).await
}

async fn served_job(
	State(endpoint): State<Arc<Endpoint>>,
	Path(id): Path<u64>,
) -> Result<Response, ApiError> {
	let record = endpoint.executor.as_ref().and_then(|(_, executor)| executor.served(id));
	match record {
		Some(record) => Ok(Json(record).into_response()),
		None => Err(ApiError::new(
			StatusCode::NOT_FOUND,
			"invalid_request_error",
			"job_not_found",
			format!("this host served no request {id}"),
		)),
	}
}

/// A header's value decoded from `0x`-hex SCALE.
fn scale_header<T: Decode>(headers: &HeaderMap, name: &str) -> Result<T, ApiError> {
	let value = headers.get(name).ok_or_else(|| {
		ApiError::new(
			StatusCode::UNAUTHORIZED,
			"authentication_error",
			"missing_signature",
			format!(
				"{name} is missing: a request carries X-Gonka-Request (the SCALE-encoded \
				 InferenceRequest, 0x-hex) and X-Gonka-Signature (the developer's \
				 MultiSignature over it)"
			),
		)
	})?;
	let text = value.to_str().map_err(|_| ApiError::invalid(format!("{name} is not text")))?;
	let bytes = hex::decode(text.trim_start_matches("0x"))
		.map_err(|error| ApiError::invalid(format!("{name} is not hex: {error}")))?;
	T::decode(&mut &bytes[..])
		.map_err(|error| ApiError::invalid(format!("{name} does not decode: {error}")))
}

fn bad_signature(message: impl Into<String>) -> ApiError {
	ApiError::new(StatusCode::UNAUTHORIZED, "authentication_error", "invalid_signature", message)
}

impl Endpoint {
	async fn complete(
		&self,
		api: Api,
		headers: &HeaderMap,
		body: Bytes,
	) -> Result<Response, ApiError> {
		let parsed: CompletionBody = serde_json::from_slice(&body).map_err(|error| {
			ApiError::invalid(format!("the body is not a valid request: {error}"))
		})?;
		parsed.check_options(api)?;
		let info = self.chain.model_named(&parsed.model).map_err(ApiError::upstream)?.ok_or_else(
			|| {
				ApiError::new(
					StatusCode::NOT_FOUND,
					"invalid_request_error",
					"model_not_found",
					format!("no model called '{}' is registered (see /v1/models)", parsed.model),
				)
			},
		)?;
		if let Some(job) = headers.get("x-gonka-job") {
			let id = job
				.to_str()
				.ok()
				.and_then(|text| text.parse::<u64>().ok())
				.ok_or_else(|| ApiError::invalid("X-Gonka-Job is not a request id"))?;
			return self.serve_forwarded(api, id, body, parsed, info).await;
		}
		let request: RequestOf<Runtime> = scale_header(headers, "x-gonka-request")?;
		let signature: MultiSignature = scale_header(headers, "x-gonka-signature")?;
		if request.body_hash != sp_io::hashing::blake2_256(&body) {
			return Err(bad_signature(
				"the signed request's bodyHash is not the BLAKE2b-256 of this body",
			));
		}
		if request.model != info.id {
			return Err(ApiError::invalid(format!(
				"the signed request is for model {}, the body names model {} ('{}')",
				request.model, info.id, parsed.model
			)));
		}
		if !self.chain.signature_matches(&request, &signature).map_err(ApiError::upstream)? {
			return Err(bad_signature(
				"the signature is not the developer's over this request on this chain",
			));
		}
		self.check_size(&parsed, &info, request.max_tokens)?;
		self.check_funds(&request, &info)?;
		let paid = request.max_tokens;
		let (id, executor) = self.chain.relay(request, signature).await.map_err(relay_error)?;
		log::info!(target: "inference", "Request {id} for {}: executor {executor}", parsed.model);
		if executor == self.chain.host() {
			self.execute(api, id, paid, body, parsed, &info).await
		} else {
			self.forward(api, executor, id, body).await
		}
	}

	/// Refuses a prompt that, with its completion budget, does not fit the paid tokens or the
	/// model's context (when this node can count its tokens).
	fn check_size(
		&self,
		body: &CompletionBody,
		info: &ModelInfo,
		paid: u32,
	) -> Result<(), ApiError> {
		// Only a node that runs the model has its tokenizer; another relays the request and
		// the executor refuses it if it does not fit.
		let prompt = match &self.executor {
			Some((model, executor)) if *model == info.id => {
				count(executor.prompt_tokens(body)?.len())
			}
			_ => 0,
		};
		let wanted = prompt.saturating_add(body.completion_budget());
		let context = info.model.architecture.context;
		if prompt >= context || wanted > paid {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				"invalid_request_error",
				"context_length_exceeded",
				format!(
					"the prompt has {prompt} tokens and asks for up to {} more: {wanted} in all, \
					 but the request pays for {paid} and the model's context is {context}",
					body.completion_budget()
				),
			));
		}
		Ok(())
	}

	/// Refuses a request whose price or maximum cost the developer's account cannot meet.
	fn check_funds(&self, request: &RequestOf<Runtime>, info: &ModelInfo) -> Result<(), ApiError> {
		if info.price > request.max_price {
			return Err(ApiError::new(
				StatusCode::PAYMENT_REQUIRED,
				"insufficient_quota",
				"price_too_high",
				format!(
					"the model's price is {} per token now, above the request's maxPrice {}",
					info.price, request.max_price
				),
			));
		}
		let escrow: Balance = info.price.saturating_mul(request.max_tokens.into());
		let free = self.chain.free_balance(&request.developer).map_err(ApiError::upstream)?;
		if free < escrow {
			return Err(ApiError::new(
				StatusCode::PAYMENT_REQUIRED,
				"insufficient_quota",
				"insufficient_funds",
				format!(
					"{} holds {free} but the request's maximum cost is {escrow} ({} tokens at {})",
					request.developer, request.max_tokens, info.price
				),
			));
		}
		Ok(())
	}

	/// Serves request `id` that a relaying host forwarded: only as its drawn executor, while
	/// it is unserved, and for the body the developer signed.
	async fn serve_forwarded(
		&self,
		api: Api,
		id: u64,
		body: Bytes,
		parsed: CompletionBody,
		info: ModelInfo,
	) -> Result<Response, ApiError> {
		let job = self.wait_for_job(id).await?.ok_or_else(|| {
			ApiError::new(
				StatusCode::NOT_FOUND,
				"invalid_request_error",
				"job_not_found",
				format!("request {id} is not in progress"),
			)
		})?;
		if job.executor != self.chain.host() || job.status != JobStatus::Serving {
			return Err(ApiError::new(
				StatusCode::CONFLICT,
				"invalid_request_error",
				"not_executor",
				format!("this host is not the executor of request {id}, or it was served"),
			));
		}
		if job.body_hash != sp_io::hashing::blake2_256(&body) {
			return Err(bad_signature(format!("this body is not the one request {id} signed")));
		}
		self.execute(api, id, job.max_tokens, body, parsed, &info).await
	}

	/// Request `id`, waiting a little for the block that holds it: the relaying host forwards
	/// as soon as its own node imported that block, which this node may not have yet.
	async fn wait_for_job(
		&self,
		id: u64,
	) -> Result<Option<pallet_inference::JobOf<Runtime>>, ApiError> {
		for _ in 0..JOB_WAIT_ROUNDS {
			if let Some(job) = self.chain.job(id).map_err(ApiError::upstream)? {
				return Ok(Some(job));
			}
			tokio::time::sleep(JOB_WAIT_STEP).await;
		}
		self.chain.job(id).map_err(ApiError::upstream)
	}

	/// Runs request `id`, which pays for `paid` tokens, on this node's model, reports it on
	/// chain, answers it.
	#[allow(clippy::too_many_arguments)]
	async fn execute(
		&self,
		api: Api,
		id: u64,
		paid: u32,
		body: Bytes,
		parsed: CompletionBody,
		info: &ModelInfo,
	) -> Result<Response, ApiError> {
		let executor = match &self.executor {
			Some((model, executor)) if *model == info.id => executor.clone(),
			_ => {
				return Err(ApiError::new(
					StatusCode::SERVICE_UNAVAILABLE,
					"api_error",
					"model_not_loaded",
					format!("this host was drawn for request {id} but does not run its model"),
				))
			}
		};
		let logprobs = parsed.check_options(api)?;
		let top = match logprobs {
			Logprobs::Top(top) => top,
			Logprobs::None => 0,
		};
		let with_logprobs =
			move |executor: &Executor, tokens: &[TokenLogprobs], offset: usize| match logprobs {
				Logprobs::None => Value::Null,
				Logprobs::Top(top) => {
					let reports: Vec<_> =
						tokens.iter().map(|token| executor.report(token)).collect();
					api.logprobs(&reports, top, offset)
				}
			};
		let prompt = executor.prompt_tokens(&parsed)?;
		let budget =
			parsed.completion_budget().min(paid.saturating_sub(count(prompt.len()))) as usize;
		let sampling = Executor::sampling(&parsed, id);
		let stops = parsed.stops();
		let body_text = String::from_utf8_lossy(&body).into_owned();
		let model_name = parsed.model.clone();
		let (pieces, received) = futures::channel::mpsc::unbounded::<(String, TokenLogprobs)>();
		let chain = self.chain.clone();
		let running = executor.clone();
		let run = tokio::task::spawn_blocking(move || {
			let (completion, text) =
				running.complete(&prompt, budget, sampling, top, &stops, |piece, token| {
					let _ = pieces.unbounded_send((piece.to_string(), token.clone()));
				})?;
			running.record(id, body_text, &completion);
			Ok::<_, String>((completion, text))
		});
		let finish = async move {
			let (completion, text) =
				run.await.map_err(|error| format!("the model task failed: {error}"))??;
			let tokens = count(completion.prompt_tokens.saturating_add(completion.tokens.len()));
			let output_hash = completion.output_hash();
			chain.submit(pallet_inference::Call::finish { id, tokens, output_hash }).await?;
			Ok::<_, String>((completion, text))
		};
		let usage_of = |completion: &gonka_inference_engine::Completion| {
			let prompt_tokens = count(completion.prompt_tokens);
			let completion_tokens = count(completion.tokens.len());
			Usage {
				prompt_tokens,
				completion_tokens,
				total_tokens: prompt_tokens + completion_tokens,
			}
		};
		if !parsed.stream {
			drop(received);
			let (completion, text) = finish.await.map_err(ApiError::upstream)?;
			let reason = finish_reason(&completion);
			let logprobs = with_logprobs(&executor, &completion.tokens, 0);
			let response =
				api.response(id, &model_name, &text, logprobs, reason, usage_of(&completion));
			return Ok(Json(response).into_response());
		}
		let streamed = executor.clone();
		let mut offset = 0;
		let head = received.map(move |(piece, token)| {
			let logprobs = with_logprobs(&streamed, std::slice::from_ref(&token), offset);
			offset += piece.len();
			Ok::<_, Infallible>(
				Event::default()
					.data(api.chunk(id, &model_name, &piece, logprobs, None, None).to_string()),
			)
		});
		let model_name = parsed.model;
		let tail = futures::stream::once(async move {
			match finish.await {
				Ok((completion, _)) => {
					let chunk = api.chunk(
						id,
						&model_name,
						"",
						Value::Null,
						Some(finish_reason(&completion)),
						Some(usage_of(&completion)),
					);
					Event::default().data(chunk.to_string())
				}
				Err(error) => {
					Event::default().data(json!({"error": {"message": error}}).to_string())
				}
			}
		})
		.chain(futures::stream::once(async { Event::default().data("[DONE]") }))
		.map(Ok::<_, Infallible>);
		Ok(Sse::new(head.chain(tail)).into_response())
	}

	/// Forwards request `id` to its executor's endpoint and passes the answer through.
	async fn forward(
		&self,
		api: Api,
		executor: AccountId,
		id: u64,
		body: Bytes,
	) -> Result<Response, ApiError> {
		let endpoint = self.chain.endpoint(&executor).map_err(ApiError::upstream)?.ok_or_else(
			|| ApiError::upstream(format!("the executor drawn, {executor}, has no endpoint; the request is refunded after its deadline")),
		)?;
		let path = match api {
			Api::Completions => "/v1/completions",
			Api::Chat => "/v1/chat/completions",
		};
		let answer = self
			.http
			.post(format!("{endpoint}{path}"))
			.header("content-type", "application/json")
			.header("x-gonka-job", id.to_string())
			.body(body)
			.send()
			.await
			.map_err(|error| {
				ApiError::upstream(format!(
					"the executor {executor} at {endpoint} did not answer: {error}"
				))
			})?;
		let mut response = Response::builder().status(answer.status().as_u16());
		if let Some(kind) = answer.headers().get("content-type") {
			response = response.header("content-type", kind.as_bytes());
		}
		response
			.body(Body::from_stream(answer.bytes_stream()))
			.map_err(|error| ApiError::upstream(error.to_string()))
	}
}

/// A refused relay as the developer should read it.
fn relay_error(error: RelayError) -> ApiError {
	use pallet_inference::Error;
	let refused = |status, kind, code, message: &str| ApiError::new(status, kind, code, message);
	match error {
		RelayError::Refused(Error::NoServer) => refused(
			StatusCode::SERVICE_UNAVAILABLE,
			"api_error",
			"no_server",
			"no host with compute weight serves this model yet; try again later",
		),
		RelayError::Refused(Error::InsufficientFunds) => refused(
			StatusCode::PAYMENT_REQUIRED,
			"insufficient_quota",
			"insufficient_funds",
			"the developer's account cannot hold the request's maximum cost",
		),
		RelayError::Refused(Error::PriceTooHigh) => refused(
			StatusCode::PAYMENT_REQUIRED,
			"insufficient_quota",
			"price_too_high",
			"the model's price rose above the request's maxPrice",
		),
		RelayError::Refused(Error::NonceUsed) => refused(
			StatusCode::CONFLICT,
			"invalid_request_error",
			"nonce_used",
			"the developer already used this request nonce; sign the request with a new one",
		),
		RelayError::Refused(Error::RequestExpired) => refused(
			StatusCode::BAD_REQUEST,
			"invalid_request_error",
			"request_expired",
			"the request's validUntil block has passed; sign it again with a later one",
		),
		RelayError::Refused(other) => {
			ApiError::upstream(format!("the chain refused the request: {other:?}"))
		}
		RelayError::Other(message) => ApiError::upstream(message),
	}
}

fn finish_reason(completion: &gonka_inference_engine::Completion) -> &'static str {
	match completion.finish {
		gonka_inference_engine::FinishReason::Stop => "stop",
		gonka_inference_engine::FinishReason::Length => "length",
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	async fn json_of(response: Response) -> (StatusCode, serde_json::Value) {
		let status = response.status();
		let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.expect("a body");
		(status, serde_json::from_slice(&bytes).expect("JSON"))
	}

	#[tokio::test]
	async fn axum_s_plain_text_errors_come_in_openai_s_shape() {
		let too_large = (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
		let (status, body) = json_of(in_openai_shape(too_large).await).await;
		assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
		assert_eq!(body["error"]["code"], "request_too_large");
		assert_eq!(body["error"]["message"], "length limit exceeded");
		let bad_path =
			(StatusCode::BAD_REQUEST, "Invalid URL: cannot parse `x` to a `u64`").into_response();
		let (_, body) = json_of(in_openai_shape(bad_path).await).await;
		assert_eq!(body["error"]["type"], "invalid_request_error");
		let (status, body) =
			json_of(unknown_route("/v2/nothing".parse().expect("a URI")).await.into_response())
				.await;
		assert_eq!(status, StatusCode::NOT_FOUND);
		assert_eq!(body["error"]["code"], "unknown_url");
		let fine = Json(json!({"ok": true})).into_response();
		assert_eq!(json_of(in_openai_shape(fine).await).await.1, json!({"ok": true}));
	}
}
