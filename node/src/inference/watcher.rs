//! What the host does for the marketplace as blocks arrive: it declares that it serves its
//! model once it has compute weight, re-checks the requests it is drawn to check, and votes
//! on disputed requests of its model.

use std::sync::Arc;

use futures::StreamExt;
use gonka_runtime::{Runtime, RuntimeEvent};
use pallet_inference::{Event, JobStatus};
use sc_client_api::BlockchainEvents;
use sp_runtime::traits::Header;

use super::{chain::Chain, executor::Executor, executor::ServedRecord, openai::CompletionBody};
use crate::service::FullClient;

/// Blocks between two attempts to declare the model served.
const SERVE_RETRY_BLOCKS: u32 = 10;

/// Follows the best chain until the node stops.
pub async fn run(client: Arc<FullClient>, chain: Chain, executor: Arc<Executor>, model: u32) {
	let http = reqwest::Client::new();
	let mut imports = client.import_notification_stream();
	let mut serve_from = 0;
	while let Some(block) = imports.next().await {
		if !block.is_new_best {
			continue;
		}
		let number = *block.header.number();
		if number >= serve_from && declare_serving(&chain, model).await {
			serve_from = number.saturating_add(SERVE_RETRY_BLOCKS);
		}
		let events = match chain.events(block.hash) {
			Ok(events) => events,
			Err(error) => {
				log::warn!(target: "inference", "{error}");
				continue;
			}
		};
		for event in events {
			let RuntimeEvent::Inference(event) = event else { continue };
			let me = chain.host();
			let verdict = match event {
				Event::RecheckRequested { id, checker } if checker == me => Some((id, true)),
				Event::Disputed { id, checker, .. } if checker != me => Some((id, false)),
				_ => None,
			};
			if let Some((id, drawn)) = verdict {
				let (chain, executor, http) = (chain.clone(), executor.clone(), http.clone());
				tokio::spawn(async move {
					if let Err(error) = judge(&chain, &executor, &http, model, id, drawn).await {
						log::warn!(target: "inference", "Request {id}: {error}");
					}
				});
			}
		}
	}
}

/// Submits `serve(model)` when the host has weight and does not serve it yet; whether it
/// submitted.
async fn declare_serving(chain: &Chain, model: u32) -> bool {
	let me = chain.host();
	let serving = chain
		.models()
		.map(|models| models.iter().any(|info| info.id == model && info.servers.contains(&me)));
	if !matches!(serving, Ok(false)) || !matches!(chain.weight(&me), Ok(weight) if weight > 0) {
		return false;
	}
	match chain.submit(pallet_inference::Call::serve { model }).await {
		Ok(()) => {
			log::info!(target: "inference", "Serving model {model} from now on");
			true
		}
		Err(error) => {
			log::warn!(target: "inference", "Cannot declare model {model} served: {error}");
			false
		}
	}
}

/// Re-checks request `id` and submits the verdict: as its checker (`drawn`), or as a voter
/// on its dispute when this host serves its model and did not execute it.
async fn judge(
	chain: &Chain,
	executor: &Executor,
	http: &reqwest::Client,
	model: u32,
	id: u64,
	drawn: bool,
) -> Result<(), String> {
	let Some(job) = chain.job(id)? else { return Ok(()) };
	if job.model != model || job.executor == chain.host() {
		return Ok(());
	}
	let served = match &job.status {
		JobStatus::Rechecking { served, .. } | JobStatus::Disputed { served, .. } => *served,
		JobStatus::Serving => return Ok(()),
	};
	let passed = match fetch(chain, http, &job.executor, id).await {
		Ok(record) => verify(executor, &record, &job, served, id)?,
		Err(error) => {
			log::info!(target: "inference", "Request {id}: {error}; it fails its re-check");
			false
		}
	};
	log::info!(
		target: "inference",
		"Request {id}: re-checked as {}, {}",
		if drawn { "its checker" } else { "a voter" },
		if passed { "passed" } else { "failed" }
	);
	let call = if drawn {
		pallet_inference::Call::<Runtime>::recheck { id, passed }
	} else {
		pallet_inference::Call::<Runtime>::vote { id, valid: passed }
	};
	chain.submit(call).await
}

/// What the executor of request `id` served, from its endpoint.
async fn fetch(
	chain: &Chain,
	http: &reqwest::Client,
	executor: &gonka_runtime::AccountId,
	id: u64,
) -> Result<ServedRecord, String> {
	let endpoint = chain.endpoint(executor)?.ok_or("its executor has no endpoint")?;
	let url = format!("{endpoint}/gonka/v1/jobs/{id}");
	let answer = http
		.get(&url)
		.send()
		.await
		.and_then(|answer| answer.error_for_status())
		.map_err(|error| format!("{url} did not give the served request: {error}"))?;
	answer.json().await.map_err(|error| format!("{url} gave no served request: {error}"))
}

/// Whether `record` is what request `id` was signed for and reported with, and holds when
/// re-computed.
fn verify(
	executor: &Executor,
	record: &ServedRecord,
	job: &pallet_inference::JobOf<Runtime>,
	served: pallet_inference::Served,
	id: u64,
) -> Result<bool, String> {
	let completion = record.completion();
	let total =
		record.prompt_tokens.saturating_add(super::executor::count(completion.tokens.len()));
	if sp_io::hashing::blake2_256(record.body.as_bytes()) != job.body_hash
		|| completion.output_hash() != served.output_hash
		|| total != served.tokens
	{
		return Ok(false);
	}
	let body: CompletionBody = match serde_json::from_str(&record.body) {
		Ok(body) => body,
		Err(_) => return Ok(false),
	};
	let sampling = Executor::sampling(&body, id);
	executor.recheck(&body, record.prompt_tokens, &completion.tokens, sampling)
}
