//! Serving a request this host was drawn for, at once (DESIGN.md §6b): admitted against the
//! developer's deposit ([`super::admission`]), generated on a blocking thread and streamed as
//! it comes, then, from a task of its own that no client can cancel, kept on disk as evidence
//! and reported to the chain.

use std::{convert::Infallible, sync::Arc};

use axum::{
	http::StatusCode,
	response::{sse::Event, IntoResponse, Response, Sse},
	Json,
};
use codec::Encode;
use futures::{channel::oneshot, StreamExt};
use gonka_inference_engine::{Completion, FinishReason, TokenLogprobs};
use gonka_runtime::Balance;
use pallet_inference::Report;
use serde_json::{json, Value};

use super::{
	admission::Admissions,
	chain::{Chain, JobKey, ModelInfo},
	evidence::{EvidenceStore, ServedRecord},
	executor::{count, Executor},
	openai::{Api, ApiError, Logprobs, Usage},
	reporter::Reporter,
	server::SignedRequest,
};

/// The model this node serves and what serving it needs.
pub struct Serving {
	/// The model's registry id.
	pub model: u32,
	/// The model.
	pub executor: Arc<Executor>,
	/// What was served, until settled.
	pub evidence: Arc<EvidenceStore>,
	/// Requests admitted against deposits.
	pub admissions: Arc<Admissions>,
	/// Where reports go.
	pub reporter: Reporter,
	/// Generations running at once: one. The model already spreads each over every core;
	/// more at once only add threads that crowd out the node's block import and the compute
	/// worker (32 at once made a host miss its reveal and be removed). The others queue.
	pub generations: Arc<tokio::sync::Semaphore>,
}

impl Serving {
	/// What this host served for job `key`.
	pub fn evidence(&self, key: &JobKey) -> Option<ServedRecord> {
		self.evidence.get(key)
	}

	/// Serves `signed`, for which this host is the drawn executor.
	pub async fn serve(
		&self,
		chain: &Chain,
		api: Api,
		signed: SignedRequest,
		info: &ModelInfo,
	) -> Result<Response, ApiError> {
		let SignedRequest { request, signature, body, parsed } = signed;
		let logprobs = parsed.check_options(api)?;
		let executor = self.executor.clone();
		let prompt = executor.prompt_tokens(&parsed)?;
		let wanted = count(prompt.len()).saturating_add(parsed.completion_budget());
		let context = info.model.architecture.context;
		if count(prompt.len()) >= context || wanted > request.max_tokens {
			return Err(ApiError::new(
				StatusCode::BAD_REQUEST,
				"invalid_request_error",
				"context_length_exceeded",
				format!(
					"the prompt has {} tokens and asks for up to {} more: {wanted} in all, but \
					 the request pays for {} and the model's context is {context}",
					prompt.len(),
					parsed.completion_budget(),
					request.max_tokens
				),
			));
		}
		let turn = self.generations.clone().acquire_owned().await.map_err(|_| {
			ApiError::new(
				StatusCode::SERVICE_UNAVAILABLE,
				"api_error",
				"shutting_down",
				"the node is stopping",
			)
		})?;
		// Admitted only once it has its turn: a client that gives up while it waits leaves
		// no reservation behind.
		let price = info.price.min(request.max_price);
		let key = pallet_inference::Pallet::<gonka_runtime::Runtime>::job_key(&request);
		self.admissions.admit(chain, key, &request, info.price)?;
		let job = hex::encode(&key[..8]);
		let top = match logprobs {
			Logprobs::Top(top) => top,
			Logprobs::None => 0,
		};
		let budget = parsed.completion_budget() as usize;
		let sampling = Executor::sampling(&parsed, request.nonce);
		let stops = parsed.stops();
		let (pieces, received) = futures::channel::mpsc::unbounded::<(String, TokenLogprobs)>();
		let running = executor.clone();
		let generation = tokio::task::spawn_blocking(move || {
			let _turn = turn;
			running.complete(&prompt, budget, sampling, top, &stops, |piece, token| {
				let _ = pieces.unbounded_send((piece.to_string(), token.clone()));
			})
		});
		// Keeping the evidence and reporting run on their own: a client that goes away
		// mid-stream cancels its response, not the executor's pay.
		let (done, finished) = oneshot::channel();
		let settle = Settle {
			evidence: self.evidence.clone(),
			admissions: self.admissions.clone(),
			reporter: self.reporter.clone(),
			body: String::from_utf8_lossy(&body).into_owned(),
			price,
		};
		tokio::spawn(async move {
			let outcome = match generation.await {
				Ok(Ok((completion, text))) => {
					settle.record(
						key,
						Report { request, signature, tokens: 0, output_hash: [0; 32] },
						&completion,
					);
					Ok((completion, text))
				}
				Ok(Err(error)) => {
					settle.admissions.settle(&request.developer, key, None);
					Err(error)
				}
				Err(error) => {
					settle.admissions.settle(&request.developer, key, None);
					Err(format!("the model task failed: {error}"))
				}
			};
			let _ = done.send(outcome);
		});
		let finished = async move {
			finished.await.unwrap_or_else(|_| Err("the serving task stopped".to_string()))
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
		let model_name = parsed.model.clone();
		if !parsed.stream {
			drop(received);
			let (completion, text) = finished.await.map_err(ApiError::upstream)?;
			let logprobs = with_logprobs(&executor, &completion.tokens, 0);
			let response = api.response(
				&job,
				&model_name,
				&text,
				logprobs,
				finish_reason(&completion),
				usage_of(&completion),
			);
			return Ok(Json(response).into_response());
		}
		let streamed = executor.clone();
		let mut offset = 0;
		let head_name = model_name.clone();
		let head_job = job.clone();
		let head =
			received.map(move |(piece, token)| {
				let logprobs = with_logprobs(&streamed, std::slice::from_ref(&token), offset);
				offset += piece.len();
				Ok::<_, Infallible>(Event::default().data(
					api.chunk(&head_job, &head_name, &piece, logprobs, None, None).to_string(),
				))
			});
		let tail = futures::stream::once(async move {
			match finished.await {
				Ok((completion, _)) => {
					let chunk = api.chunk(
						&job,
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
}

/// What settling a served request needs, moved into its task.
struct Settle {
	evidence: Arc<EvidenceStore>,
	admissions: Arc<Admissions>,
	reporter: Reporter,
	body: String,
	price: Balance,
}

impl Settle {
	/// Keeps the evidence of `completion` and queues its report.
	fn record(
		self,
		key: JobKey,
		mut report: pallet_inference::ReportOf<gonka_runtime::Runtime>,
		completion: &Completion,
	) {
		let tokens = count(completion.prompt_tokens.saturating_add(completion.tokens.len()));
		report.tokens = tokens;
		report.output_hash = completion.output_hash();
		let record = ServedRecord::new(
			&report.request.encode(),
			&report.signature.encode(),
			self.body,
			completion,
		);
		if let Err(error) = self.evidence.keep(&key, &record) {
			// Without evidence a re-check would fail: better unpaid than slashed.
			log::error!(target: "inference", "Job 0x{}: cannot keep its evidence ({error}); not reported", hex::encode(key));
			self.admissions.settle(&report.request.developer, key, None);
			return;
		}
		let cost = self.price.saturating_mul(tokens.into());
		self.admissions.settle(&report.request.developer, key, Some(cost));
		self.reporter.report(report);
	}
}

fn usage_of(completion: &Completion) -> Usage {
	let prompt_tokens = count(completion.prompt_tokens);
	let completion_tokens = count(completion.tokens.len());
	Usage { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens }
}

fn finish_reason(completion: &Completion) -> &'static str {
	match completion.finish {
		FinishReason::Stop => "stop",
		FinishReason::Length => "length",
	}
}
