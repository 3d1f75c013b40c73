//! The host's compute worker inside the node: the options that turn it on, the host key from
//! the keystore, and the signed submissions it puts in the transaction pool.

use std::{num::NonZeroUsize, sync::Arc};

use codec::Encode;
use gonka_offchain_worker::{
	driver::{self, metrics::Metrics, Submission, Submitter, WorkerConfig, HOST_KEY_TYPE},
	engine::BackendKind,
};
use gonka_runtime::{opaque::Block, AccountId, Nonce, RuntimeCall};
use pallet_proof_of_compute::extension::{ALREADY_SUBMITTED, NOT_A_HOST, WRONG_EPOCH_OR_PHASE};
use sc_service::{Configuration, TaskManager};
use sc_transaction_pool_api::{
	error::{Error as PoolError, IntoPoolError},
	InPoolTransaction, TransactionPool, TransactionSource,
};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_consensus::SyncOracle;
use sp_core::{sr25519, H256};
use sp_keystore::KeystorePtr;
use sp_runtime::{
	generic::Era, transaction_validity::InvalidTransaction, BoundedVec, MultiAddress,
	MultiSignature,
};
use substrate_frame_rpc_system::AccountNonceApi;

use crate::service::{FullClient, FullPool};

/// Blocks a submission stays valid: longer than any phase of the development chain, short
/// enough that a stale one leaves the pool soon.
const MORTALITY: u64 = 64;

/// What the compute worker runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ComputeMode {
	/// All CPU cores (or `--compute-threads`).
	Cpu,
	/// An NVIDIA GPU through CUDA (`--compute-device`).
	Cuda,
	/// No compute: the node does not take part in the Sprint.
	Off,
}

/// The compute worker's options.
#[derive(Clone, Debug, clap::Args)]
pub struct ComputeArgs {
	/// Where this node computes its host's Proof-of-Compute work: `cpu`, `cuda` or `off`
	/// [default: `cpu` with `--dev`, else `off`]. The host key (key type `gpoc`, sr25519) must be
	/// in the keystore; `--dev`, `--alice`, `--bob`, ... insert that account's key themselves.
	#[arg(long, value_enum)]
	pub compute: Option<ComputeMode>,

	/// CPU threads the Sprint search and validation use [default: all cores].
	#[arg(long, value_name = "N")]
	pub compute_threads: Option<NonZeroUsize>,

	/// The CUDA device ordinal for `--compute cuda`.
	#[arg(long, value_name = "ORDINAL", default_value_t = 0)]
	pub compute_device: usize,

	/// Testing only: make up this percentage of the committed hits, so the network's fraud
	/// detection can be tried (the host is rejected and slashed). Never set on a real host.
	#[arg(long, value_name = "PERCENT", default_value_t = 0,
		value_parser = clap::value_parser!(u8).range(0..=99))]
	pub compute_fake_hits: u8,
}

impl ComputeArgs {
	/// The backend to compute on, or `None` when the worker is off.
	pub fn backend(&self, dev: bool) -> Option<BackendKind> {
		match self.compute.unwrap_or(if dev { ComputeMode::Cpu } else { ComputeMode::Off }) {
			ComputeMode::Cpu => Some(BackendKind::Cpu),
			ComputeMode::Cuda => Some(BackendKind::Cuda),
			ComputeMode::Off => None,
		}
	}
}

/// Everything the worker needs from the node, gathered before the configuration is consumed.
pub struct ComputeSetup {
	config: WorkerConfig,
	public: sr25519::Public,
	metrics: Option<Metrics>,
}

impl ComputeSetup {
	/// Finds the host key (inserting a development key first when the node was started with
	/// one, e.g. `--dev`), checks the backend can run here, and registers the metrics.
	pub fn new(
		args: &ComputeArgs,
		backend: BackendKind,
		config: &Configuration,
		keystore: &KeystorePtr,
	) -> Result<Self, String> {
		if let Some(seed) = &config.dev_key_seed {
			keystore
				.sr25519_generate_new(HOST_KEY_TYPE, Some(seed))
				.map_err(|error| format!("cannot insert the development host key: {error}"))?;
		}
		let public = match keystore.sr25519_public_keys(HOST_KEY_TYPE).as_slice() {
			[public] => *public,
			[] => {
				return Err("--compute needs the host key in the keystore: insert it with \
				            `gonka-node key insert --key-type gpoc --scheme sr25519 --suri <SECRET> \
				            --base-path <BASE PATH> --chain <CHAIN>`, or start with --compute off"
					.into())
			}
			several => {
				return Err(format!(
					"the keystore holds {} host keys (key type gpoc); keep exactly one",
					several.len()
				))
			}
		};
		if backend == BackendKind::Cuda {
			gonka_offchain_worker::engine::cuda::probe()
				.map_err(|error| format!("--compute cuda cannot run here: {error}"))?;
		}
		let metrics = config
			.prometheus_registry()
			.map(Metrics::register)
			.transpose()
			.map_err(|error| format!("cannot register the compute metrics: {error}"))?;
		Ok(Self {
			config: WorkerConfig {
				backend,
				threads: args.compute_threads,
				device: args.compute_device,
				data_dir: config.base_path.config_dir(config.chain_spec.id()).join("compute"),
				fake_hits_percent: args.compute_fake_hits,
			},
			public,
			metrics,
		})
	}

	/// Spawns the worker as an essential task: if it ends, the node stops.
	pub fn spawn(
		self,
		task_manager: &TaskManager,
		client: Arc<FullClient>,
		sync: Arc<dyn SyncOracle + Send + Sync>,
		pool: Arc<FullPool>,
		keystore: KeystorePtr,
	) {
		if self.config.fake_hits_percent > 0 {
			log::warn!(
				target: "compute",
				"Fault injection: {}% of this host's committed hits are made up; it will be slashed",
				self.config.fake_hits_percent
			);
		}
		let account = AccountId::from(self.public);
		let submitter =
			HostSubmitter { client: client.clone(), pool, keystore, public: self.public };
		task_manager.spawn_essential_handle().spawn_blocking(
			"compute-worker",
			Some("compute"),
			driver::run(client, sync, submitter, account, self.config, self.metrics),
		);
	}
}

/// Signs the worker's submissions with the host key and submits them to the local pool.
struct HostSubmitter {
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	keystore: KeystorePtr,
	public: sr25519::Public,
}

#[async_trait::async_trait]
impl Submitter for HostSubmitter {
	type TxHash = H256;

	async fn submit(&self, submission: &Submission) -> Result<H256, String> {
		let call = runtime_call(submission)?;
		let info = self.client.info();
		let extrinsic = self.sign(call, &info)?;
		self.pool
			.submit_one(info.best_hash, TransactionSource::Local, extrinsic.into())
			.await
			.map_err(|error| match error.into_pool_error() {
				Ok(error) => describe(error),
				Err(error) => error.to_string(),
			})
	}

	fn in_pool(&self, tx: &H256) -> bool {
		self.pool.ready_transaction(tx).is_some()
	}
}

impl HostSubmitter {
	/// Signs `call` at the best block of `chain`, mortal from there.
	fn sign(
		&self,
		call: RuntimeCall,
		chain: &sp_blockchain::Info<Block>,
	) -> Result<gonka_runtime::UncheckedExtrinsic, String> {
		let (at, number) = (chain.best_hash, chain.best_number);
		let account = AccountId::from(self.public);
		let nonce = self.next_nonce(at, &account)?;
		let version = self
			.client
			.runtime_api()
			.version(at)
			.map_err(|error| format!("cannot read the runtime version: {error}"))?;
		let extension =
			gonka_runtime::tx_extension(nonce, Era::mortal(MORTALITY, u64::from(number)));
		let implicit = (
			(),
			version.spec_version,
			version.transaction_version,
			chain.genesis_hash,
			at,
			(),
			(),
			(),
			(),
			None,
			(),
		);
		let payload =
			gonka_runtime::SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
		let signature = payload
			.using_encoded(|bytes| self.keystore.sr25519_sign(HOST_KEY_TYPE, &self.public, bytes))
			.map_err(|error| format!("the keystore cannot sign: {error}"))?
			.ok_or("the host key is no longer in the keystore")?;
		Ok(gonka_runtime::UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(account),
			MultiSignature::Sr25519(signature),
			extension,
		))
	}

	/// The account's nonce at `at`, after every transaction of it waiting in the pool (its own
	/// submissions, or what its operator sent from a wallet).
	fn next_nonce(&self, at: H256, account: &AccountId) -> Result<Nonce, String> {
		let mut nonce = self
			.client
			.runtime_api()
			.account_nonce(at, account.clone())
			.map_err(|error| format!("cannot read the account nonce: {error}"))?;
		let mut tag = (account, nonce).encode();
		for tx in self.pool.ready() {
			if tx.provides().first() == Some(&tag) {
				nonce = nonce.saturating_add(1);
				tag = (account, nonce).encode();
			}
		}
		Ok(nonce)
	}
}

fn runtime_call(submission: &Submission) -> Result<RuntimeCall, String> {
	use pallet_proof_of_compute::{Call, RevealedLeaf};
	let too_long = |what: &str| format!("the {what} is longer than the runtime allows");
	let call = match submission.clone() {
		Submission::Commit { epoch, root, count } => Call::commit { epoch, root, count },
		Submission::Reveal { epoch, leaves } => Call::reveal {
			epoch,
			leaves: leaves
				.into_iter()
				.map(|leaf| {
					Ok(RevealedLeaf {
						index: leaf.index,
						leaf: leaf.leaf,
						proof: BoundedVec::try_from(leaf.proof).map_err(|_| too_long("proof"))?,
					})
				})
				.collect::<Result<Vec<_>, String>>()?
				.try_into()
				.map_err(|_| too_long("reveal"))?,
		},
		Submission::Attest { epoch, host, distances } => Call::attest {
			epoch,
			host,
			distances: distances.try_into().map_err(|_| too_long("attestation"))?,
		},
	};
	Ok(RuntimeCall::ProofOfCompute(call))
}

/// The pool's refusal in words, with Proof-of-Compute's own reasons.
fn describe(error: PoolError) -> String {
	match error {
		PoolError::InvalidTransaction(InvalidTransaction::Custom(NOT_A_HOST)) => {
			"the account is not a registered host".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(WRONG_EPOCH_OR_PHASE)) => {
			"the epoch or phase has moved on".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(ALREADY_SUBMITTED)) => {
			"this step is already on chain".into()
		}
		other => other.to_string(),
	}
}
