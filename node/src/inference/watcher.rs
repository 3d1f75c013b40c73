//! What the host does for the marketplace as blocks arrive: it declares that it serves its
//! model once it has compute weight, and does what the runtime lists as its duties
//! (`InferenceApi::duties`): re-checks it was drawn for, verdicts in disputes it was drawn to
//! decide, and closing its own jobs whose re-check or dispute ran out. Working from the
//! runtime's state rather than from events, it misses nothing across re-orgs and restarts.
//! Re-computations run on blocking threads. Evidence of settled jobs is pruned.

use std::{
	collections::HashSet,
	sync::{Arc, Mutex},
	time::Duration,
};

use futures::StreamExt;
use gonka_runtime::{AccountId, Runtime};
use pallet_inference::{runtime_api::Duty, JobOf, Verdict};
use sc_client_api::BlockchainEvents;
use sp_runtime::traits::Header;

use super::{
	chain::{Chain, JobKey},
	evidence::{EvidenceStore, ServedRecord},
	executor::Executor,
	openai::CompletionBody,
};
use crate::client::FullClient;

/// Blocks between two attempts to declare the model served.
const SERVE_RETRY_BLOCKS: u32 = 10;
/// Blocks between two prunings of evidence.
const PRUNE_EVERY_BLOCKS: u32 = 20;
/// Blocks before a re-check's deadline from which an executor that does not give its
/// evidence is reported as withholding it; before them, it may be restarting, and is asked
/// again at the next block.
const UNREACHABLE_MARGIN_BLOCKS: u32 = 3;
/// The longest an executor may take to give its evidence.
const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// The most bytes of evidence read: a body of up to 2 MiB and a context of tokens with their
/// top log-probabilities.
const EVIDENCE_LIMIT: usize = 32 << 20;

/// Follows the best chain until the node stops.
pub async fn run(
	client: Arc<FullClient>,
	chain: Chain,
	executor: Arc<Executor>,
	evidence: Arc<EvidenceStore>,
	model: u32,
) {
	let http = match reqwest::Client::builder()
		.connect_timeout(Duration::from_secs(5))
		.timeout(FETCH_TIMEOUT)
		.build()
	{
		Ok(http) => http,
		Err(error) => {
			log::error!(target: "inference", "No re-checks: the HTTP client fails ({error})");
			return;
		}
	};
	let in_progress: Arc<Mutex<HashSet<Duty>>> = Arc::default();
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
		if number % PRUNE_EVERY_BLOCKS == 0 {
			prune(&chain, &evidence);
		}
		let duties = match chain.duties() {
			Ok(duties) => duties,
			Err(error) => {
				log::warn!(target: "inference", "{error}");
				continue;
			}
		};
		for duty in duties {
			let Ok(mut busy) = in_progress.lock() else { return };
			if !busy.insert(duty.clone()) {
				continue;
			}
			let (chain, executor, http, busy) =
				(chain.clone(), executor.clone(), http.clone(), in_progress.clone());
			tokio::spawn(async move {
				if let Err(error) = perform(&chain, &executor, &http, model, &duty).await {
					log::warn!(target: "inference", "{duty:?}: {error}");
				}
				if let Ok(mut busy) = busy.lock() {
					busy.remove(&duty);
				}
			});
		}
	}
}

/// Submits `serve(model)` when the host has weight and does not serve it yet; whether it
/// submitted.
async fn declare_serving(chain: &Chain, model: u32) -> bool {
	let Ok(me) = chain.host() else { return false };
	let serving = chain
		.models()
		.map(|models| models.iter().any(|info| info.id == model && info.servers.contains(&me)));
	if !matches!(serving, Ok(false)) || !matches!(chain.weight(&me), Ok(weight) if weight > 0) {
		return false;
	}
	match chain.submit(pallet_inference::Call::serve { model }).await {
		Ok(()) => {
			log::info!(target: "inference", "Serving model {model} from the next draw period on");
			true
		}
		Err(error) => {
			log::warn!(target: "inference", "Cannot declare model {model} served: {error}");
			false
		}
	}
}

/// Removes the evidence of jobs the chain no longer holds, once they can no longer be
/// reported.
fn prune(chain: &Chain, evidence: &EvidenceStore) {
	let Ok(params) = chain.params() else { return };
	let life =
		Duration::from_millis(params.job_life().saturating_mul(gonka_runtime::time::SLOT_DURATION));
	let removed = evidence.prune(life, |key| matches!(chain.job(*key), Ok(None)));
	if removed > 0 {
		log::debug!(target: "inference", "Pruned the evidence of {removed} settled job(s)");
	}
}

/// Does `duty`: re-checks and submits the verdict, or closes the host's expired job.
async fn perform(
	chain: &Chain,
	executor: &Arc<Executor>,
	http: &reqwest::Client,
	model: u32,
	duty: &Duty,
) -> Result<(), String> {
	let key = match duty {
		Duty::Close(key) => {
			return chain
				.submit(pallet_inference::Call::close_expired { job: *key })
				.await
				.map_err(|error| error.to_string());
		}
		Duty::Recheck(key) | Duty::Judge(key) => *key,
	};
	let Some(job) = chain.job(key).map_err(|error| error.to_string())? else { return Ok(()) };
	if job.model != model {
		return Ok(());
	}
	let verdict = match fetch(chain, http, &job.executor, &key).await {
		Ok(record) => {
			let executor = executor.clone();
			let passed =
				tokio::task::spawn_blocking(move || verify(&executor, &record, &job, &key))
					.await
					.map_err(|error| format!("the re-check task failed: {error}"))?;
			if passed {
				Verdict::Passed
			} else {
				Verdict::Failed
			}
		}
		Err(error)
			if chain.best_number().saturating_add(UNREACHABLE_MARGIN_BLOCKS) < job.deadline =>
		{
			return Err(format!("{error}; asking again at the next block"));
		}
		Err(error) => {
			log::info!(target: "inference", "Job 0x{}: {error}; its evidence is withheld", hex::encode(key));
			Verdict::Unavailable
		}
	};
	log::info!(
		target: "inference",
		"Job 0x{}: re-checked as {}: {:?}",
		hex::encode(key),
		if matches!(duty, Duty::Recheck(_)) { "its checker" } else { "a dispute's checker" },
		verdict
	);
	let call = match duty {
		Duty::Recheck(_) => pallet_inference::Call::<Runtime>::recheck { job: key, verdict },
		// A dispute's checker that cannot get the evidence finds it forged: the executor
		// gave it to the accuser, and withholds it now.
		_ => {
			pallet_inference::Call::<Runtime>::vote { job: key, valid: verdict == Verdict::Passed }
		}
	};
	chain.submit(call).await.map_err(|error| error.to_string())
}

/// What the executor of job `key` served, from its endpoint.
async fn fetch(
	chain: &Chain,
	http: &reqwest::Client,
	executor: &AccountId,
	key: &JobKey,
) -> Result<ServedRecord, String> {
	let endpoint = chain
		.endpoint(executor)
		.map_err(|error| error.to_string())?
		.ok_or("its executor has no endpoint")?;
	let url = format!("{endpoint}/gonka/v1/jobs/0x{}", hex::encode(key));
	let mut answer = http
		.get(&url)
		.send()
		.await
		.and_then(|answer| answer.error_for_status())
		.map_err(|error| format!("{url} did not give the served job: {error}"))?;
	let mut bytes = Vec::new();
	while let Some(chunk) =
		answer.chunk().await.map_err(|error| format!("{url} broke off: {error}"))?
	{
		if bytes.len().saturating_add(chunk.len()) > EVIDENCE_LIMIT {
			return Err(format!("{url} gave more than {EVIDENCE_LIMIT} bytes"));
		}
		bytes.extend_from_slice(&chunk);
	}
	serde_json::from_slice(&bytes).map_err(|error| format!("{url} gave no served job: {error}"))
}

/// Whether `record` is what job `key` was signed for and reported with, and holds when
/// re-computed. Evidence the model cannot even run (an unknown token, a prompt that does not
/// fit) fails: it is the executor's.
fn verify(executor: &Executor, record: &ServedRecord, job: &JobOf<Runtime>, key: &JobKey) -> bool {
	match recompute(executor, record, job, key) {
		Ok(passed) => passed,
		Err(error) => {
			log::info!(target: "inference", "Job 0x{}: {error}", hex::encode(key));
			false
		}
	}
}

fn recompute(
	executor: &Executor,
	record: &ServedRecord,
	job: &JobOf<Runtime>,
	key: &JobKey,
) -> Result<bool, String> {
	use codec::Decode;
	let Some(request) = record
		.request_bytes()
		.and_then(|bytes| pallet_inference::RequestOf::<Runtime>::decode(&mut &bytes[..]).ok())
	else {
		return Ok(false);
	};
	let completion = record.completion();
	if pallet_inference::Pallet::<Runtime>::job_key(&request) != *key
		|| sp_io::hashing::blake2_256(record.body.as_bytes()) != job.body_hash
		|| completion.output_hash() != job.served.output_hash
		|| record.tokens() != job.served.tokens
	{
		return Ok(false);
	}
	let body: CompletionBody = match serde_json::from_str(&record.body) {
		Ok(body) => body,
		Err(_) => return Ok(false),
	};
	let sampling = Executor::sampling(&body, request.nonce);
	executor.recheck(&body, record.prompt_tokens, &completion.tokens, sampling)
}
