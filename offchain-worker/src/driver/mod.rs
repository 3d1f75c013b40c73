//! The host's compute worker (DESIGN.md §7): it follows the node's best block, asks the
//! runtime what the epoch needs, and does it.
//!
//! - **Sprint**: builds the epoch's model from its seed and searches nonces on the engine (CPU
//!   threads, or every chosen CUDA device at once, a failing one replaced by the CPU),
//!   recording every batch's hits on disk ([`store`]).
//! - **Commit**: stops the search and commits the Merkle root and count of its hits.
//! - **Reveal**: reveals the leaves the chain challenged, with their proofs.
//! - **Validate**: recomputes, on the CPU reference, the leaves of every host it was assigned,
//!   with their check values, and seals them with a secret salt ([`salt`]).
//! - **Open**: opens each seal with its values and salt.
//!
//! The worker signs with the node's host key and works for the host that key acts for
//! ([`ProofOfComputeApi::acting_for`]): the key's own account when it is a host, or the host
//! that named it its operator. It asks at every block, so naming or removing an operator
//! takes effect without a restart (a search under way starts over for the new host, whose
//! account the hits depend on).
//!
//! Nothing is remembered but the hits and the salts' secret: before each step the worker
//! reads what the chain at the best block already holds ([`HostSubmissions`],
//! [`ValidationDuty::sealed`], [`ValidationDuty::opened`]) and
//! whether its last submission of the step is still in the transaction pool. A step that is
//! neither is submitted (again) while its phase lasts, so a dropped transaction is retried, a
//! restarted node picks up where it was, and a reorg never makes it submit a step twice (the
//! pool and the runtime refuse a second submission of a step anyway).

pub mod metrics;
mod salt;
mod search;
pub mod steps;
mod store;
#[cfg(test)]
mod tests;

use std::{
	collections::{HashMap, HashSet},
	num::NonZeroUsize,
	path::PathBuf,
	sync::Arc,
};

use futures::StreamExt;
use gonka_primitives::{
	attestation::{seal, Recomputed},
	runtime_api::{HostSubmissions, ProofOfComputeApi, SprintStatus, ValidationDuty},
	sprint::{EpochInfo, Phase},
	Hash32,
};
use sc_client_api::BlockchainEvents;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_consensus::{BlockOrigin, SyncOracle};
use sp_core::crypto::KeyTypeId;
use sp_runtime::{traits::Block as BlockT, AccountId32};

use crate::engine::{
	cpu::CpuBackend, devices::OnFallback, open_backend, Account, BackendKind, EngineError, Model,
};
use metrics::Metrics;
use salt::SaltSecret;
use search::Search;
use steps::RevealedLeaf;
use store::HitsFile;

/// The keystore key type of a host's signing key: its sr25519 public key is the host account.
pub const HOST_KEY_TYPE: KeyTypeId = KeyTypeId(*b"gpoc");

/// Log target of the worker.
const LOG: &str = "compute";

/// How the worker computes and where it keeps its hits.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
	/// The backend the Sprint search runs on (validation always recomputes on the CPU).
	pub backend: BackendKind,
	/// CPU threads (all cores when `None`).
	pub threads: Option<NonZeroUsize>,
	/// The CUDA device ordinals the search runs on (every GPU when empty).
	pub devices: Vec<usize>,
	/// Where the hits of each epoch are kept.
	pub data_dir: PathBuf,
	/// Fault injection for tests of fraud detection; [`Cheat::None`] on every real host.
	pub cheat: Cheat,
}

/// How a test host cheats, so that the network's fraud detection can be tried on real
/// nodes. The node offers these only when built with its `test-cheats` feature.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cheat {
	/// Honest.
	#[default]
	None,
	/// This share (percent, below 100) of the committed leaves is made up: nonces that are
	/// not hits, claimed just below `r_target`. Validators' recomputation rejects the host.
	FakeHits(u8),
	/// The real hits are committed this many times over, in sorted runs, under a tree
	/// joined without the range check (revision 1's periodic-repetition attack). The
	/// challenged leaves of the repeated runs fail their proofs, so the reveal fails and
	/// the host is punished for fraud.
	RepeatHits(u32),
	/// As a validator, attest the host's claimed distances without running the model, and
	/// echo them as check values. The other validators' check values outvote it.
	LazyValidator,
}

/// A signed transaction the worker asks its node to submit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submission {
	/// `ProofOfCompute::commit`.
	Commit {
		/// The epoch.
		epoch: u64,
		/// Root triple of the range-annotated Merkle tree over the committed leaves.
		root: gonka_primitives::merkle::Node,
		/// Number of leaves.
		count: u32,
	},
	/// `ProofOfCompute::reveal`.
	Reveal {
		/// The epoch.
		epoch: u64,
		/// The challenged leaves with proofs.
		leaves: Vec<RevealedLeaf>,
	},
	/// `ProofOfCompute::attest`: a sealed attestation.
	Attest {
		/// The epoch.
		epoch: u64,
		/// The host validated.
		host: AccountId32,
		/// `blake2_256(SCALE((validator, values, salt)))`.
		seal: Hash32,
	},
	/// `ProofOfCompute::open_attestation`.
	Open {
		/// The epoch.
		epoch: u64,
		/// The host validated.
		host: AccountId32,
		/// One recomputation per revealed leaf, in the reveal's order.
		values: Vec<Recomputed>,
		/// The salt it was sealed with.
		salt: Hash32,
	},
}

impl Submission {
	/// The step's name in logs and metrics.
	pub fn step(&self) -> &'static str {
		match self {
			Self::Commit { .. } => "commit",
			Self::Reveal { .. } => "reveal",
			Self::Attest { .. } => "attest",
			Self::Open { .. } => "open",
		}
	}
}

/// Signs submissions with the host key and puts them in the node's transaction pool.
#[async_trait::async_trait]
pub trait Submitter: Send + Sync {
	/// The pool's transaction hash.
	type TxHash: Clone + Send + Sync + std::fmt::Debug;

	/// Signs `submission` and submits it at the best block; the error says why the pool
	/// refused it.
	async fn submit(&self, submission: &Submission) -> Result<Self::TxHash, String>;

	/// Whether `tx` is still waiting in the pool.
	fn in_pool(&self, tx: &Self::TxHash) -> bool;
}

/// A submitted step of the epoch in progress.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
	Commit,
	Reveal,
	Attest(AccountId32),
	Open(AccountId32),
}

/// The Sprint's hits: being searched, or on disk.
enum Hits {
	Searching(Search),
	Stored(HitsFile),
}

/// What the worker holds for the epoch in progress.
struct EpochWork {
	info: EpochInfo<u32>,
	model: Arc<Model>,
	hits: Option<Hits>,
	validation_backend: Option<CpuBackend>,
	/// This epoch's recomputations by host, from sealing to opening.
	recomputed: HashMap<AccountId32, Vec<Recomputed>>,
	/// The attestation duties as last seen on chain, to log each change once.
	attestations: steps::AttestationProgress,
}

/// Follows best blocks and does what each epoch needs; see the module documentation.
pub struct Worker<Block: BlockT, Client, S: Submitter> {
	client: Arc<Client>,
	submitter: S,
	config: WorkerConfig,
	/// The account of the key that signs the submissions.
	signer: AccountId32,
	/// The host the signer acts for, as of the last block.
	account: AccountId32,
	metrics: Option<Metrics>,
	epoch: Option<EpochWork>,
	phase: Option<Phase>,
	pending: HashMap<Step, S::TxHash>,
	warned: HashSet<&'static str>,
	/// The salts' secret, read from disk (or made) on first use.
	salt_secret: Option<SaltSecret>,
	_block: std::marker::PhantomData<Block>,
}

/// The host `signer` submits for at `at` (`ProofOfComputeApi::acting_for`): itself on a
/// runtime older than the method (version 2 of the API).
pub fn acting_for<Block, Api>(
	api: &Api,
	at: Block::Hash,
	signer: AccountId32,
) -> Result<AccountId32, sp_api::ApiError>
where
	Block: BlockT,
	Api: ProofOfComputeApi<Block, AccountId32> + sp_api::ApiExt<Block>,
{
	let version = api.api_version::<dyn ProofOfComputeApi<Block, AccountId32>>(at)?;
	if version.is_some_and(|version| version >= 2) {
		api.acting_for(at, signer)
	} else {
		Ok(signer)
	}
}

/// Reports a device of epoch `epoch`'s search that failed, whose part the CPU computes for the
/// rest of the Sprint: one warning, and the device's fallback counter.
fn report_fallback(epoch: u64, metrics: Option<Metrics>) -> OnFallback {
	Box::new(move |device: &str, error: &EngineError| {
		log::warn!(
			target: LOG,
			"Epoch {epoch}: {device} failed ({error}); the GPUs left take its share, or the CPU \
			 once none is left, for the rest of the Sprint"
		);
		if let Some(metrics) = &metrics {
			metrics.device_fallback(device);
		}
	})
}

/// Runs the worker for the key of account `signer` until the node stops. Blocks imported
/// while `sync` reports a major sync are skipped: the worker acts at the chain's head only.
pub async fn run<Block, Client, S>(
	client: Arc<Client>,
	sync: Arc<dyn SyncOracle + Send + Sync>,
	submitter: S,
	signer: AccountId32,
	config: WorkerConfig,
	metrics: Option<Metrics>,
) where
	Block: BlockT,
	Client: ProvideRuntimeApi<Block> + BlockchainEvents<Block> + HeaderBackend<Block>,
	Client::Api: ProofOfComputeApi<Block, AccountId32>,
	S: Submitter,
{
	log::info!(
		target: LOG,
		"Compute worker for host key {signer} on {:?}, hits kept in {}",
		config.backend,
		config.data_dir.display()
	);
	let mut imports = client.import_notification_stream();
	let mut worker = Worker::new(client.clone(), submitter, signer, config, metrics);
	worker.on_best_block(client.info().best_hash).await;
	while let Some(imported) = imports.next().await {
		let syncing = imported.origin == BlockOrigin::NetworkInitialSync || sync.is_major_syncing();
		if imported.is_new_best && !syncing {
			worker.on_best_block(imported.hash).await;
		}
	}
}

impl<Block: BlockT, Client, S: Submitter> Worker<Block, Client, S> {
	/// A worker for the key of account `signer` that has done nothing yet.
	pub fn new(
		client: Arc<Client>,
		submitter: S,
		signer: AccountId32,
		config: WorkerConfig,
		metrics: Option<Metrics>,
	) -> Self {
		Self {
			client,
			submitter,
			config,
			account: signer.clone(),
			signer,
			metrics,
			epoch: None,
			phase: None,
			pending: HashMap::new(),
			warned: HashSet::new(),
			salt_secret: None,
			_block: Default::default(),
		}
	}
}

impl<Block, Client, S> Worker<Block, Client, S>
where
	Block: BlockT,
	Client: ProvideRuntimeApi<Block>,
	Client::Api: ProofOfComputeApi<Block, AccountId32>,
	S: Submitter,
{
	async fn on_best_block(&mut self, at: Block::Hash) {
		if let Err(error) = self.act(at).await {
			log::warn!(target: LOG, "{error}");
		}
	}

	async fn act(&mut self, at: Block::Hash) -> Result<(), String> {
		let client = self.client.clone();
		let api = client.runtime_api();
		let runtime_error =
			|error: sp_api::ApiError| format!("the runtime could not answer: {error}");
		let Some(status) = api.sprint_status(at).map_err(runtime_error)? else { return Ok(()) };
		let host = acting_for(&*api, at, self.signer.clone()).map_err(runtime_error)?;
		if host != self.account {
			self.act_for(host)?;
		}
		let submissions = api.submissions(at, self.account.clone()).map_err(runtime_error)?;
		self.follow(&status)?;
		if let Some(metrics) = &self.metrics {
			metrics.phase(status.epoch.index, status.phase);
		}
		if !submissions.host {
			self.stop_search()?;
			let account = self.account.clone();
			self.warn_once("not-a-host", || {
				format!(
					"{account} is not a registered host: the worker waits (register it with \
					 hostReputation.registerHost, or name this node's host key the operator \
					 of a host with hostReputation.setOperator from the host's account)"
				)
			});
			return Ok(());
		}
		let entered = self.phase.replace(status.phase) != Some(status.phase);
		if status.phase != Phase::Sprint {
			self.stop_search()?;
		}
		match status.phase {
			Phase::Sprint => self.sprint(&status, entered),
			Phase::Commit => self.commit(&status, submissions, entered).await,
			Phase::Reveal => {
				let challenged =
					api.challenged_leaves(at, self.account.clone()).map_err(runtime_error)?;
				self.reveal(&status, submissions, &challenged).await
			}
			Phase::Validate => {
				let duties =
					api.validation_duties(at, self.account.clone()).map_err(runtime_error)?;
				self.validate(&status, duties.clone(), entered).await?;
				// The pool admits openings for the open phase's first block from the validate
				// phase's last: the sooner they land, the fewer blocks they can miss.
				if status.blocks_left_in_phase <= 1 {
					self.open(&status, duties).await?;
				}
				Ok(())
			}
			Phase::Open => {
				let duties =
					api.validation_duties(at, self.account.clone()).map_err(runtime_error)?;
				self.open(&status, duties).await
			}
			Phase::Settle | Phase::Inference => Ok(()),
		}
	}

	/// Works for `host` from now on: what was done for the last one is dropped, and the
	/// epoch's work starts over at the next block.
	fn act_for(&mut self, host: AccountId32) -> Result<(), String> {
		if host == self.signer {
			log::info!(target: LOG, "The host key {host} submits for itself");
		} else {
			log::info!(target: LOG, "The host key {} submits for host {host} as its operator", self.signer);
		}
		self.stop_search()?;
		self.epoch = None;
		self.account = host;
		Ok(())
	}

	/// Moves to the epoch of `status` when it is a new one: the search of the last one ends,
	/// the model is built and old hits files are removed.
	fn follow(&mut self, status: &SprintStatus) -> Result<(), String> {
		let info = status.epoch;
		if self
			.epoch
			.as_ref()
			.is_some_and(|work| work.info.index == info.index && work.info.seed == info.seed)
		{
			if let Some(work) = &mut self.epoch {
				work.info = info;
			}
			return Ok(());
		}
		self.stop_search()?;
		let model = Model::build(info.seed, info.params.model).map_err(|error| {
			format!("epoch {}: the model cannot be built: {error:?}", info.index)
		})?;
		self.epoch = Some(EpochWork {
			info,
			model: Arc::new(model),
			hits: None,
			validation_backend: None,
			recomputed: HashMap::new(),
			attestations: steps::AttestationProgress::default(),
		});
		self.phase = None;
		self.pending.clear();
		self.warned.clear();
		store::prune(&self.config.data_dir, info.index.saturating_sub(1))
			.map_err(|error| format!("cannot remove old hits files: {error}"))
	}

	fn sprint(&mut self, status: &SprintStatus, entered: bool) -> Result<(), String> {
		let index = status.epoch.index;
		let work = self.epoch.as_mut().ok_or("no epoch")?;
		if let Some(Hits::Searching(search)) = &work.hits {
			if !search.has_ended() {
				if entered {
					log::info!(target: LOG, "Epoch {index}: searching");
				}
				return Ok(());
			}
			// The search failed: its error is reported and it starts again from the file.
			let Some(Hits::Searching(search)) = work.hits.take() else { return Ok(()) };
			if let Err(error) = search.stop() {
				log::warn!(target: LOG, "Epoch {index}: the search stopped: {error}; restarting it");
			}
		}
		let file = match work.hits.take() {
			Some(Hits::Stored(file)) => file,
			_ => {
				HitsFile::open(&self.config.data_dir, index, &work.info.seed, self.account.as_ref())
					.map_err(|error| format!("cannot open the hits file: {error}"))?
			}
		};
		let backend = open_backend(
			self.config.backend,
			work.model.clone(),
			self.config.threads,
			&self.config.devices,
			report_fallback(index, self.metrics.clone()),
		)
		.map_err(|error| {
			format!("epoch {index}: cannot open the {:?} backend: {error}", self.config.backend)
		})?;
		log::info!(
			target: LOG,
			"Epoch {index}: Sprint for {} blocks on {}, from nonce {} ({} hits on disk)",
			status.blocks_left_in_phase,
			backend.name(),
			file.searched_to(),
			file.hits().len()
		);
		if let Some(metrics) = &self.metrics {
			metrics.search_started(file.hits().len() as u64);
		}
		let account: Account = self.account.clone().into();
		let search =
			Search::start(backend, account, work.info.params.r_target, file, self.metrics.clone())
				.map_err(|error| format!("cannot start the search thread: {error}"))?;
		work.hits = Some(Hits::Searching(search));
		Ok(())
	}

	/// Ends the search, if one runs, keeping its hits.
	fn stop_search(&mut self) -> Result<(), String> {
		let Some(work) = self.epoch.as_mut() else { return Ok(()) };
		if let Some(Hits::Searching(search)) = work.hits.take() {
			let rate = search.rate();
			let file = search.stop().map_err(|error| {
				format!("epoch {}: the search failed: {error}", work.info.index)
			})?;
			log::info!(
				target: LOG,
				"Epoch {}: Sprint over, {} nonces searched, {} hits ({rate:.0} nonces/s)",
				work.info.index,
				file.searched_to(),
				file.hits().len()
			);
			work.hits = Some(Hits::Stored(file));
		}
		Ok(())
	}

	/// The leaves this host commits to, from the hits on disk (read once per epoch). The search
	/// has ended: [`Self::act`] stops it outside the Sprint.
	fn committed_leaves(&mut self) -> Result<Vec<gonka_primitives::merkle::Leaf>, String> {
		let Some(work) = self.epoch.as_mut() else { return Ok(Vec::new()) };
		if work.hits.is_none() {
			let file = HitsFile::open(
				&self.config.data_dir,
				work.info.index,
				&work.info.seed,
				self.account.as_ref(),
			)
			.map_err(|error| format!("cannot open the hits file: {error}"))?;
			work.hits = Some(Hits::Stored(file));
		}
		let hits = match &work.hits {
			Some(Hits::Stored(file)) => file.hits(),
			_ => &[],
		};
		Ok(steps::committed_leaves(hits, self.config.cheat, work.info.params.r_target))
	}

	async fn commit(
		&mut self,
		status: &SprintStatus,
		submissions: HostSubmissions,
		entered: bool,
	) -> Result<(), String> {
		if submissions.commitment.is_some() || self.is_pending(&Step::Commit) {
			return Ok(());
		}
		let epoch = status.epoch.index;
		let leaves = self.committed_leaves()?;
		let Some((root, count)) = steps::commitment(&leaves, self.config.cheat) else {
			self.warn_once("no-hits", || {
				format!("Epoch {epoch}: no hits to commit; this epoch earns nothing")
			});
			return Ok(());
		};
		if entered {
			log::info!(target: LOG, "Epoch {epoch}: committing {count} leaves");
		}
		self.submit(Step::Commit, Submission::Commit { epoch, root, count }).await
	}

	async fn reveal(
		&mut self,
		status: &SprintStatus,
		submissions: HostSubmissions,
		challenged: &[u32],
	) -> Result<(), String> {
		let epoch = status.epoch.index;
		let Some(commitment) = submissions.commitment else {
			self.warn_once("no-commit", || {
				format!("Epoch {epoch}: nothing was committed, so nothing to reveal")
			});
			return Ok(());
		};
		if submissions.revealed || challenged.is_empty() || self.is_pending(&Step::Reveal) {
			return Ok(());
		}
		let leaves = self.committed_leaves()?;
		let revealed = steps::reveal(&leaves, commitment, challenged, self.config.cheat)
			.map_err(|error| format!("Epoch {epoch}: cannot reveal: {error}"))?;
		if !self.pending.contains_key(&Step::Reveal) {
			log::info!(target: LOG, "Epoch {epoch}: revealing {} challenged leaves of {}", revealed.len(), commitment.1);
		}
		self.submit(Step::Reveal, Submission::Reveal { epoch, leaves: revealed }).await
	}

	async fn validate(
		&mut self,
		status: &SprintStatus,
		duties: Vec<ValidationDuty<AccountId32>>,
		entered: bool,
	) -> Result<(), String> {
		let epoch = status.epoch.index;
		if entered && !duties.is_empty() {
			log::info!(target: LOG, "Epoch {epoch}: validating {} hosts", duties.len());
		}
		self.report_attestations(epoch, &duties);
		for duty in duties {
			let step = Step::Attest(duty.host.clone());
			if duty.sealed || self.is_pending(&step) {
				continue;
			}
			let values = self.recomputation(status, &duty)?;
			let salt = self.salt(epoch, &duty.host)?;
			let seal = seal(&self.account, &values, &salt);
			log::info!(target: LOG, "Epoch {epoch}: sealing the attestation on {}", duty.host);
			self.submit(step, Submission::Attest { epoch, host: duty.host, seal }).await?;
		}
		Ok(())
	}

	async fn open(
		&mut self,
		status: &SprintStatus,
		duties: Vec<ValidationDuty<AccountId32>>,
	) -> Result<(), String> {
		let epoch = status.epoch.index;
		self.report_attestations(epoch, &duties);
		for duty in duties {
			let step = Step::Open(duty.host.clone());
			if !duty.sealed || duty.opened || self.is_pending(&step) {
				continue;
			}
			let values = self.recomputation(status, &duty)?;
			let salt = self.salt(epoch, &duty.host)?;
			log::info!(target: LOG, "Epoch {epoch}: opening the attestation on {}", duty.host);
			self.submit(step, Submission::Open { epoch, host: duty.host, values, salt }).await?;
		}
		Ok(())
	}

	/// Logs how many of the epoch's attestations are sealed and opened on chain, when that
	/// changes.
	fn report_attestations(&mut self, epoch: u64, duties: &[ValidationDuty<AccountId32>]) {
		let now = steps::AttestationProgress::of(duties);
		if let Some(work) = self.epoch.as_mut().filter(|work| work.attestations != now) {
			work.attestations = now;
			if now.duties > 0 {
				log::info!(target: LOG, "Epoch {epoch}: {now}");
			}
		}
	}

	/// This worker's recomputation of `duty`'s leaves, made once per epoch and host (again
	/// after a restart: it is deterministic).
	fn recomputation(
		&mut self,
		status: &SprintStatus,
		duty: &ValidationDuty<AccountId32>,
	) -> Result<Vec<Recomputed>, String> {
		let epoch = status.epoch.index;
		let challenge_seed = status
			.epoch
			.challenge_seed
			.ok_or_else(|| format!("Epoch {epoch}: validating without a challenge seed"))?;
		let cheat = self.config.cheat;
		let threads = self.config.threads;
		let work = self.epoch.as_mut().ok_or("no epoch")?;
		if let Some(values) = work.recomputed.get(&duty.host) {
			return Ok(values.clone());
		}
		let values = if cheat == Cheat::LazyValidator {
			steps::echo(&duty.leaves)
		} else {
			let backend = work
				.validation_backend
				.get_or_insert_with(|| CpuBackend::new(work.model.clone(), threads));
			let host: Account = duty.host.clone().into();
			steps::recompute(backend, &challenge_seed, &host, &duty.leaves).map_err(|error| {
				format!("Epoch {epoch}: cannot recompute {}'s leaves: {error}", duty.host)
			})?
		};
		work.recomputed.insert(duty.host.clone(), values.clone());
		Ok(values)
	}

	/// The salt of this worker's attestation on `host` in `epoch`.
	fn salt(&mut self, epoch: u64, host: &AccountId32) -> Result<Hash32, String> {
		let secret = match self.salt_secret.take() {
			Some(secret) => secret,
			None => SaltSecret::open(&self.config.data_dir)
				.map_err(|error| format!("cannot read or make the attestation secret: {error}"))?,
		};
		let salt = secret.salt(epoch, host.as_ref());
		self.salt_secret = Some(secret);
		Ok(salt)
	}

	fn is_pending(&self, step: &Step) -> bool {
		self.pending.get(step).is_some_and(|tx| self.submitter.in_pool(tx))
	}

	async fn submit(&mut self, step: Step, submission: Submission) -> Result<(), String> {
		let name = submission.step();
		let result = self.submitter.submit(&submission).await;
		if let Some(metrics) = &self.metrics {
			metrics.submitted(name, result.is_ok());
		}
		match result {
			Ok(tx) => {
				log::debug!(target: LOG, "Submitted {name}: {tx:?}");
				self.pending.insert(step, tx);
				Ok(())
			}
			Err(error) => {
				Err(format!("The {name} submission was refused (retried next block): {error}"))
			}
		}
	}

	fn warn_once(&mut self, what: &'static str, message: impl FnOnce() -> String) {
		if self.warned.insert(what) {
			log::warn!(target: LOG, "{}", message());
		}
	}
}
