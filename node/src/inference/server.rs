//! The OpenAI-compatible HTTP endpoint: `/v1/models`, `/v1/completions`,
//! `/v1/chat/completions` (JSON or server-sent events), `/gonka/v1/quote` for gateways and
//! `/gonka/v1/jobs/0x{key}` for re-checkers.
//!
//! A developer's request carries two headers besides the body: `X-Gonka-Request`, the
//! SCALE-encoded `InferenceRequest` (its `bodyHash` the body's BLAKE2b-256), and
//! `X-Gonka-Signature`, the SCALE-encoded `MultiSignature` of the developer over
//! `SCALE(genesis, request)`. `gonka-node gateway` adds them to plain OpenAI requests. The
//! node checks both, finds the request's executor from the signature and the anchor's VRF
//! output, and serves the request at once when it is that executor, or forwards it, headers
//! and all, to the executor's endpoint and streams the answer back (DESIGN.md §6b).

use std::sync::Arc;

use axum::{
	body::{Body, Bytes},
	extract::{Path, RawQuery, State},
	http::{HeaderMap, StatusCode},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use codec::Decode;
use gonka_runtime::{AccountId, Runtime, Signature};
use pallet_inference::RequestOf;
use serde_json::json;

use super::{
	chain::{Chain, JobKey},
	openai::{Api, ApiError, CompletionBody},
	serve::Serving,
};

/// Headers a signed request carries, and a forwarded one keeps.
pub const REQUEST_HEADER: &str = "x-gonka-request";
/// See [`REQUEST_HEADER`].
pub const SIGNATURE_HEADER: &str = "x-gonka-signature";
/// Marks a request a relay forwarded: it is served or refused, never forwarded again (an
/// endpoint on chain that points back at a relay would loop).
pub const FORWARDED_HEADER: &str = "x-gonka-forwarded";

/// What the handlers share.
pub struct Endpoint {
	pub chain: Chain,
	/// The model this node serves, and what serving it needs; none when it serves none.
	pub serving: Option<Serving>,
	pub http: reqwest::Client,
}

/// The endpoint's routes.
pub fn router(endpoint: Arc<Endpoint>) -> Router {
	Router::new()
		.route("/v1/models", get(models))
		.route("/v1/completions", post(completions))
		.route("/v1/chat/completions", post(chat_completions))
		.route("/gonka/v1/quote", get(quote))
		.route("/gonka/v1/jobs/{key}", get(served_job))
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
	let models = endpoint.chain.models().map_err(upstream)?;
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

/// What a gateway needs to sign a request for a model: the chain's genesis hash, the model's
/// id, price and context, and an anchor with the last block a request on it may be served.
async fn quote(
	State(endpoint): State<Arc<Endpoint>>,
	RawQuery(query): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
	let chain = &endpoint.chain;
	let model = reqwest::Url::parse(&format!("http://quote/?{}", query.unwrap_or_default()))
		.ok()
		.and_then(|url| {
			url.query_pairs().find(|(name, _)| name == "model").map(|(_, v)| v.into_owned())
		})
		.ok_or_else(|| ApiError::invalid_param("model", "ask for a quote with ?model=<name>"))?;
	let info = chain.model_named(&model).map_err(upstream)?.ok_or_else(|| unknown_model(&model))?;
	let params = chain.params().map_err(upstream)?;
	// The anchor's VRF output is recorded in the block after it: a finalised block with a
	// finalised successor is known to every node.
	let anchor = chain.finalized_number().saturating_sub(1);
	Ok(Json(json!({
		"genesisHash": format!("0x{}", hex::encode(chain.genesis_hash())),
		"model": info.id,
		"pricePerToken": info.price.to_string(),
		"context": info.model.architecture.context,
		"anchor": anchor,
		"validUntil": anchor.saturating_add(params.request_blocks),
	})))
}

async fn served_job(
	State(endpoint): State<Arc<Endpoint>>,
	Path(key): Path<String>,
) -> Result<Response, ApiError> {
	let key: Option<JobKey> =
		hex::decode(key.trim_start_matches("0x")).ok().and_then(|bytes| bytes.try_into().ok());
	let key = key.ok_or_else(|| ApiError::invalid("a job's key is 32 bytes, 0x-hex"))?;
	match endpoint.serving.as_ref().and_then(|serving| serving.evidence(&key)) {
		Some(record) => Ok(Json(record).into_response()),
		None => Err(ApiError::new(
			StatusCode::NOT_FOUND,
			"invalid_request_error",
			"job_not_found",
			format!("this host served no job 0x{}", hex::encode(key)),
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
				"{name} is missing: a request is signed by the developer. Run `gonka-node \
				 gateway --developer-key <SURI>` and send plain OpenAI requests to it, or add \
				 X-Gonka-Request (the SCALE-encoded InferenceRequest, 0x-hex) and \
				 X-Gonka-Signature (the developer's MultiSignature over it)"
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

fn unknown_model(name: &str) -> ApiError {
	ApiError::new(
		StatusCode::NOT_FOUND,
		"invalid_request_error",
		"model_not_found",
		format!("no model called '{name}' is registered (see /v1/models)"),
	)
}

/// `answer` (status, content type and body, streamed) as the client's response.
pub fn passed_through(answer: reqwest::Response) -> Result<Response, ApiError> {
	let mut response = Response::builder().status(answer.status().as_u16());
	if let Some(kind) = answer.headers().get("content-type") {
		response = response.header("content-type", kind.as_bytes());
	}
	response
		.body(Body::from_stream(answer.bytes_stream()))
		.map_err(|error| ApiError::upstream(error.to_string()))
}

/// The chain failed the request: 502 with what failed.
pub fn upstream(error: impl std::fmt::Display) -> ApiError {
	ApiError::upstream(error.to_string())
}

/// A request as its headers and body carry it, checked.
pub struct SignedRequest {
	/// What the developer signed.
	pub request: RequestOf<Runtime>,
	/// The developer's signature.
	pub signature: Signature,
	/// The body it signed.
	pub body: Bytes,
	/// The body, parsed.
	pub parsed: CompletionBody,
}

impl Endpoint {
	async fn complete(
		&self,
		api: Api,
		headers: &HeaderMap,
		body: Bytes,
	) -> Result<Response, ApiError> {
		// The evidence keeps the body as text: bytes that are not UTF-8 (which JSON fields the
		// endpoint ignores may carry) would not hash back to what was signed.
		std::str::from_utf8(&body)
			.map_err(|error| ApiError::invalid(format!("the body is not UTF-8: {error}")))?;
		let parsed: CompletionBody = serde_json::from_slice(&body).map_err(|error| {
			ApiError::invalid(format!("the body is not a valid request: {error}"))
		})?;
		// The re-check tells the API from the body: a chat has `messages`, a completion a
		// `prompt`; each route takes its own.
		match (api, parsed.prompt.is_some(), parsed.messages.is_some()) {
			(Api::Chat, false, true) | (Api::Completions, true, false) => {}
			(Api::Chat, ..) => {
				return Err(ApiError::invalid_param(
					"messages",
					"a chat completion takes `messages`, not `prompt`",
				))
			}
			(Api::Completions, ..) => {
				return Err(ApiError::invalid_param(
					"prompt",
					"a completion takes `prompt`, not `messages`",
				))
			}
		}
		parsed.check_options(api)?;
		let info = self
			.chain
			.model_named(&parsed.model)
			.map_err(upstream)?
			.ok_or_else(|| unknown_model(&parsed.model))?;
		let request: RequestOf<Runtime> = scale_header(headers, REQUEST_HEADER)?;
		let signature: Signature = scale_header(headers, SIGNATURE_HEADER)?;
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
		if !self.chain.signature_matches(&request, &signature).map_err(upstream)? {
			return Err(bad_signature(
				"the signature is not the developer's over this request on this chain",
			));
		}
		let executor = self.chain.executor_for(&request).map_err(upstream)?.ok_or_else(|| {
			ApiError::new(
				StatusCode::SERVICE_UNAVAILABLE,
				"api_error",
				"no_executor",
				format!(
					"no executor for this request: either no host with compute weight \
						 serves '{}' yet, or this node does not know block {}'s VRF output \
						 (anchor a recent finalised block)",
					parsed.model, request.anchor
				),
			)
		})?;
		let signed = SignedRequest { request, signature, body, parsed };
		let drawn_here = executor == self.chain.host().map_err(upstream)?;
		match &self.serving {
			Some(serving) if drawn_here && serving.model == info.id => {
				serving.serve(&self.chain, api, signed, &info).await
			}
			_ if drawn_here => Err(ApiError::new(
				StatusCode::SERVICE_UNAVAILABLE,
				"api_error",
				"model_not_loaded",
				"this host was drawn for the request but does not run its model",
			)),
			_ if headers.contains_key(FORWARDED_HEADER) => Err(ApiError::upstream(format!(
				"a relay forwarded this request here, but the executor is {executor}: its \
				 endpoint on chain points at another host's"
			))),
			_ => self.forward(api, executor, headers, signed.body).await,
		}
	}

	/// Forwards a signed request to its executor's endpoint and passes the answer through.
	async fn forward(
		&self,
		api: Api,
		executor: AccountId,
		headers: &HeaderMap,
		body: Bytes,
	) -> Result<Response, ApiError> {
		let endpoint = self.chain.endpoint(&executor).map_err(upstream)?.ok_or_else(|| {
			ApiError::upstream(format!(
				"the executor drawn, {executor}, has no endpoint on chain; nothing is charged: \
				 sign the request again (another nonce draws another executor)"
			))
		})?;
		let path = match api {
			Api::Completions => "/v1/completions",
			Api::Chat => "/v1/chat/completions",
		};
		let mut forwarded = self
			.http
			.post(format!("{endpoint}{path}"))
			.header("content-type", "application/json")
			.header(FORWARDED_HEADER, "1")
			.body(body);
		for name in [REQUEST_HEADER, SIGNATURE_HEADER] {
			if let Some(value) = headers.get(name) {
				forwarded = forwarded.header(name, value.as_bytes());
			}
		}
		let answer = forwarded.send().await.map_err(|error| {
			ApiError::upstream(format!(
				"the executor {executor} at {endpoint} did not answer: {error}; nothing is \
				 charged: sign the request again"
			))
		})?;
		passed_through(answer)
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
