//! The host's compute worker inside the node: the options that turn it on, and the steps of
//! the proof it has the host's [`HostSubmitter`] sign and submit.

use std::{num::NonZeroUsize, sync::Arc};

use gonka_offchain_worker::{
	driver::{self, metrics::Metrics, Cheat, Submission, Submitter, WorkerConfig},
	engine::{devices::select, BackendKind, EngineError},
};
use gonka_runtime::{AccountId, RuntimeCall};
use sc_service::{Configuration, TaskManager};
use sp_consensus::SyncOracle;
use sp_core::{sr25519, H256};
use sp_keystore::KeystorePtr;
use sp_runtime::BoundedVec;

use crate::{
	client::FullClient,
	host::{host_key, HostSubmitter},
};

/// What the compute worker runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ComputeMode {
	/// All CPU cores (or `--compute-threads`).
	Cpu,
	/// NVIDIA GPUs through CUDA: every one, or `--compute-devices`.
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

	/// The CUDA device ordinals `--compute cuda` searches on, comma-separated (`0,2`)
	/// [default: every GPU]. A GPU that fails hands its part to the CPU for the rest of the
	/// Sprint.
	#[arg(long, value_name = "ORDINALS", value_delimiter = ',')]
	pub compute_devices: Vec<usize>,

	/// Ways to cheat, for tests of the network's fraud detection (builds with the
	/// `test-cheats` feature only).
	#[cfg(feature = "test-cheats")]
	#[command(flatten)]
	pub cheats: CheatArgs,
}

/// Testing only: ways this host cheats, so that the network's fraud detection can be tried
/// on real nodes. Only in builds with the node's `test-cheats` feature (the test suite's);
/// a release build has none of these options. At most one at a time.
#[cfg(feature = "test-cheats")]
#[derive(Clone, Debug, clap::Args)]
#[group(multiple = false)]
pub struct CheatArgs {
	/// Testing only: make up this percentage of the committed hits (validators reject the
	/// host and it is slashed).
	#[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(1..=99))]
	pub compute_fake_hits: Option<u8>,

	/// Testing only: commit the real hits this many times over, in sorted runs (the reveal
	/// fails its range checks and the host is slashed for fraud).
	#[arg(long, value_name = "TIMES", value_parser = clap::value_parser!(u32).range(2..=64))]
	pub compute_repeat_hits: Option<u32>,

	/// Testing only: as a validator, attest the hosts' claimed distances, and echo them as
	/// check values, without recomputing them (the other validators outvote it).
	#[arg(long)]
	pub compute_lazy_validator: bool,
}

impl ComputeArgs {
	/// The cheat the options ask for; none without the `test-cheats` feature.
	fn cheat(&self) -> Cheat {
		#[cfg(feature = "test-cheats")]
		{
			let cheats = &self.cheats;
			if let Some(percent) = cheats.compute_fake_hits {
				return Cheat::FakeHits(percent);
			}
			if let Some(times) = cheats.compute_repeat_hits {
				return Cheat::RepeatHits(times);
			}
			if cheats.compute_lazy_validator {
				return Cheat::LazyValidator;
			}
		}
		Cheat::None
	}

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
		let public = host_key(config, keystore, "--compute", "start with --compute off")?;
		if backend == BackendKind::Cuda {
			let count = gonka_offchain_worker::engine::cuda::probe()
				.map_err(|error| format!("--compute cuda cannot run here: {error}"))?;
			select(&args.compute_devices, count).map_err(|error| match error {
				EngineError::Input(why) => format!("--compute-devices: {why}"),
				error => format!("--compute cuda cannot run here: {error}"),
			})?;
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
				devices: args.compute_devices.clone(),
				data_dir: config.base_path.config_dir(config.chain_spec.id()).join("compute"),
				cheat: args.cheat(),
			},
			public,
			metrics,
		})
	}

	/// The host key the worker signs with.
	pub fn host_key(&self) -> sr25519::Public {
		self.public
	}

	/// Spawns the worker as an essential task: if it ends, the node stops.
	pub fn spawn(
		self,
		task_manager: &TaskManager,
		client: Arc<FullClient>,
		sync: Arc<dyn SyncOracle + Send + Sync>,
		submitter: Arc<HostSubmitter>,
	) {
		if self.config.cheat != Cheat::None {
			log::warn!(
				target: "compute",
				"Fault injection: this host cheats ({:?}); it will be caught and slashed",
				self.config.cheat
			);
		}
		let signer = AccountId::from(self.public);
		let submitter = PocSubmitter(submitter);
		task_manager.spawn_essential_handle().spawn_blocking(
			"compute-worker",
			Some("compute"),
			driver::run(client, sync, submitter, signer, self.config, self.metrics),
		);
	}
}

/// The worker's steps, signed and submitted by the host's [`HostSubmitter`].
struct PocSubmitter(Arc<HostSubmitter>);

#[async_trait::async_trait]
impl Submitter for PocSubmitter {
	type TxHash = H256;

	async fn submit(&self, submission: &Submission) -> Result<H256, String> {
		self.0.submit_call(runtime_call(submission)?).await
	}

	fn in_pool(&self, tx: &H256) -> bool {
		self.0.in_pool(tx)
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
		Submission::Attest { epoch, host, seal } => Call::attest { epoch, host, seal },
		Submission::Open { epoch, host, values, salt } => Call::open_attestation {
			epoch,
			host,
			values: values.try_into().map_err(|_| too_long("attestation"))?,
			salt,
		},
	};
	Ok(RuntimeCall::ProofOfCompute(call))
}
