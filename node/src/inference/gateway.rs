//! `gonka-node gateway`: a developer's local OpenAI endpoint (DESIGN.md §6b "OpenAI clients
//! unmodified"). It holds the developer's key, takes plain OpenAI requests (any API key),
//! signs each (`SCALE(genesis, request)` with an anchor and a fresh nonce) and sends it to a
//! node's inference endpoint, which serves it or forwards it to the drawn executor; the answer,
//! streamed or whole, comes back unchanged. The node is asked once, over JSON-RPC
//! (`gonka_inferenceEndpoint`), where its endpoint listens; each request asks the endpoint for
//! a quote (`/gonka/v1/quote`: genesis hash, model id, price, context, anchor).

use std::{
	net::SocketAddr,
	path::PathBuf,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{SystemTime, UNIX_EPOCH},
};

use axum::{
	body::Bytes,
	extract::State,
	http::StatusCode,
	response::Response,
	routing::{get, post},
	Router,
};
use codec::Encode;
use gonka_runtime::{AccountId, Balance, BlockNumber, Runtime};
use pallet_inference::{InferenceRequest, RequestOf};
use serde::Deserialize;
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::MultiSignature;

use super::{
	openai::ApiError,
	server::{passed_through, REQUEST_HEADER, SIGNATURE_HEADER},
};
use crate::{rpc::INFERENCE_ENDPOINT_METHOD, secret_uri::KeySource};

/// `gonka-node gateway`.
#[derive(Debug, clap::Args)]
pub struct GatewayCmd {
	/// The developer's key, as a secret URI (`//Alice`, a mnemonic, `0x…` seed): it signs every
	/// request, and its inference deposit pays for them.
	#[arg(long, value_name = "SURI", conflicts_with = "developer_key_file")]
	pub developer_key: Option<String>,

	/// A file holding the developer's secret URI, instead of `--developer-key`.
	#[arg(long, value_name = "PATH")]
	pub developer_key_file: Option<PathBuf>,

	/// Where the gateway listens for OpenAI requests.
	#[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
	pub listen: SocketAddr,

	/// The node's JSON-RPC endpoint (ws:// or http://), asked where its inference endpoint
	/// listens.
	#[arg(long, value_name = "URL", default_value = "ws://127.0.0.1:9944")]
	pub node: String,

	/// The node's inference endpoint, when it is not where the node says (e.g. behind a
	/// proxy).
	#[arg(long, value_name = "URL")]
	pub relay: Option<String>,
}

impl GatewayCmd {
	/// Runs the gateway until it is stopped.
	pub fn run(&self) -> Result<(), String> {
		let developer = self.developer()?;
		let runtime = tokio::runtime::Builder::new_multi_thread()
			.enable_all()
			.build()
			.map_err(|error| format!("cannot start the gateway's runtime: {error}"))?;
		runtime.block_on(async {
			let http = reqwest::Client::new();
			let relay = match &self.relay {
				Some(relay) => relay.trim_end_matches('/').to_string(),
				None => discover_relay(&http, &self.node).await?,
			};
			let listener = tokio::net::TcpListener::bind(self.listen).await.map_err(|error| {
				format!("--listen {}: cannot listen there ({error}); pick a free port", self.listen)
			})?;
			let account = AccountId::from(developer.public());
			eprintln!(
				"Gonka gateway on http://{}/v1 for developer {}, relaying to {relay}",
				self.listen,
				account.to_ss58check()
			);
			let gateway =
				Arc::new(Gateway { developer, relay, http, last_nonce: AtomicU64::new(0) });
			axum::serve(listener, router(gateway))
				.await
				.map_err(|error| format!("the gateway stopped: {error}"))
		})
	}

	fn developer(&self) -> Result<sr25519::Pair, String> {
		KeySource {
			suri: self.developer_key.as_deref(),
			suri_flag: "--developer-key",
			file: self.developer_key_file.as_deref(),
			file_flag: "--developer-key-file",
			what: "the developer's key",
			missing: "--developer-key <SURI> (e.g. //Alice on a development chain) or \
			          --developer-key-file <PATH>",
		}
		.pair(None)
	}
}

/// Asks the node at `node` (JSON-RPC) where its inference endpoint listens.
async fn discover_relay(http: &reqwest::Client, node: &str) -> Result<String, String> {
	let url = node.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
	let reply: serde_json::Value = http
		.post(&url)
		.json(&serde_json::json!({
			"jsonrpc": "2.0", "id": 1, "method": INFERENCE_ENDPOINT_METHOD, "params": []
		}))
		.send()
		.await
		.and_then(|reply| reply.error_for_status())
		.map_err(|error| {
			format!("--node {node}: cannot reach the node's JSON-RPC ({error}); start it (make run) or point --node at it")
		})?
		.json()
		.await
		.map_err(|error| format!("--node {node}: not a JSON-RPC answer ({error})"))?;
	let endpoint = reply["result"].as_str().ok_or_else(|| {
		format!(
			"--node {node}: the node runs no inference endpoint; start it with --inference-model \
			 or --inference-listen, or give --relay"
		)
	})?;
	// A node listening on every interface is reached where its RPC is.
	let host = reqwest::Url::parse(&url).ok().and_then(|url| url.host_str().map(str::to_string));
	Ok(match host {
		Some(host) => endpoint.replace("0.0.0.0", &host).replace("[::]", &host),
		None => endpoint.to_string(),
	})
}

/// How many executors a request is drawn for before the gateway gives the relay's error back.
const DRAWS: u32 = 3;

/// The gateway's state.
struct Gateway {
	developer: sr25519::Pair,
	relay: String,
	http: reqwest::Client,
	last_nonce: AtomicU64,
}

/// What the relay quotes for a model.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Quote {
	genesis_hash: String,
	model: u32,
	price_per_token: String,
	context: u32,
	anchor: BlockNumber,
	valid_until: BlockNumber,
}

fn router(gateway: Arc<Gateway>) -> Router {
	Router::new()
		.route("/v1/models", get(models))
		.route("/v1/completions", post(|state, body| relay(state, "/v1/completions", body)))
		.route("/v1/chat/completions", post(|state, body| relay(state, "/v1/chat/completions", body)))
		.fallback(|uri: axum::http::Uri| async move {
			ApiError::new(
				StatusCode::NOT_FOUND,
				"invalid_request_error",
				"unknown_url",
				format!("no route {}: the gateway serves /v1/models, /v1/completions and /v1/chat/completions", uri.path()),
			)
		})
		.with_state(gateway)
}

async fn models(State(gateway): State<Arc<Gateway>>) -> Result<Response, ApiError> {
	let answer = gateway
		.http
		.get(format!("{}/v1/models", gateway.relay))
		.send()
		.await
		.map_err(|error| unreachable_relay(&gateway.relay, error))?;
	passed_through(answer)
}

async fn relay(
	State(gateway): State<Arc<Gateway>>,
	path: &'static str,
	body: Bytes,
) -> Result<Response, ApiError> {
	#[derive(Deserialize)]
	struct Named {
		model: String,
	}
	let named: Named = serde_json::from_slice(&body)
		.map_err(|error| ApiError::invalid(format!("the body is not a valid request: {error}")))?;
	let quote: Quote = {
		let answer = gateway
			.http
			.get(format!("{}/gonka/v1/quote", gateway.relay))
			.query(&[("model", named.model.as_str())])
			.send()
			.await
			.map_err(|error| unreachable_relay(&gateway.relay, error))?;
		if !answer.status().is_success() {
			return passed_through(answer);
		}
		answer
			.json()
			.await
			.map_err(|error| ApiError::upstream(format!("the relay's quote: {error}")))?
	};
	// An executor that does not answer loses only the job: signed again, with another nonce,
	// the request is drawn afresh, most likely to another host.
	let mut attempts = 0u32;
	loop {
		attempts = attempts.saturating_add(1);
		let (request, signature) = gateway.sign(&quote, &body)?;
		let answer = gateway
			.http
			.post(format!("{}{path}", gateway.relay))
			.header("content-type", "application/json")
			.header(REQUEST_HEADER, format!("0x{}", hex::encode(request.encode())))
			.header(SIGNATURE_HEADER, format!("0x{}", hex::encode(signature.encode())))
			.body(body.clone())
			.send()
			.await
			.map_err(|error| unreachable_relay(&gateway.relay, error))?;
		if answer.status() != reqwest::StatusCode::BAD_GATEWAY || attempts >= DRAWS {
			return passed_through(answer);
		}
	}
}

impl Gateway {
	/// A fresh nonce: the time in nanoseconds, always above the last one given.
	fn nonce(&self) -> u64 {
		let now = SystemTime::now()
			.duration_since(UNIX_EPOCH)
			.map_or(0, |elapsed| u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
		let mut last = self.last_nonce.load(Ordering::SeqCst);
		loop {
			let next = now.max(last.saturating_add(1));
			match self.last_nonce.compare_exchange(last, next, Ordering::SeqCst, Ordering::SeqCst) {
				Ok(_) => return next,
				Err(seen) => last = seen,
			}
		}
	}

	/// The developer's signed request for `body` at `quote`.
	fn sign(
		&self,
		quote: &Quote,
		body: &[u8],
	) -> Result<(RequestOf<Runtime>, MultiSignature), ApiError> {
		let genesis: H256 = quote
			.genesis_hash
			.trim_start_matches("0x")
			.parse()
			.map_err(|_| ApiError::upstream("the relay's quote has no valid genesis hash"))?;
		let price: Balance = quote
			.price_per_token
			.parse()
			.map_err(|_| ApiError::upstream("the relay's quote has no valid price"))?;
		let request = InferenceRequest {
			developer: AccountId::from(self.developer.public()),
			model: quote.model,
			body_hash: sp_io::hashing::blake2_256(body),
			nonce: self.nonce(),
			max_tokens: quote.context,
			max_price: price,
			valid_until: quote.valid_until,
			anchor: quote.anchor,
		};
		let signature = self.developer.sign(&(genesis, &request).encode());
		Ok((request, MultiSignature::Sr25519(signature)))
	}
}

fn unreachable_relay(relay: &str, error: reqwest::Error) -> ApiError {
	ApiError::upstream(format!("the node's inference endpoint at {relay} did not answer: {error}"))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_gateway_signs_what_the_runtime_verifies() {
		let gateway = Gateway {
			developer: sr25519::Pair::from_string("//Alice", None).expect("a key"),
			relay: String::new(),
			http: reqwest::Client::new(),
			last_nonce: AtomicU64::new(0),
		};
		let genesis = H256::repeat_byte(7);
		let quote = Quote {
			genesis_hash: format!("{genesis:?}"),
			model: 1,
			price_per_token: "10".into(),
			context: 512,
			anchor: 4,
			valid_until: 14,
		};
		let (request, signature) = gateway.sign(&quote, b"{}").expect("signed");
		use sp_runtime::traits::Verify;
		assert!(signature.verify(&(genesis, &request).encode()[..], &request.developer));
		assert_eq!(request.body_hash, sp_io::hashing::blake2_256(b"{}"));
		let (second, _) = gateway.sign(&quote, b"{}").expect("signed");
		assert!(second.nonce > request.nonce, "nonces never repeat");
	}
}
