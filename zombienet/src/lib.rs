//! Gonka networks on loopback, spawned with zombienet-sdk's native provider from the network
//! definitions in this folder, and what their tests read of them through the subxt client of
//! `examples/epoch-watch`.

pub mod diagnosis;
mod figures;

use std::{
	path::{Path, PathBuf},
	time::Duration,
};

use gonka_epoch_watch::{
	gonka::{self, runtime_types::gonka_primitives::runtime_api::SprintStatus},
	report, Connection, EpochWatcher, SettledEpoch,
};
use subxt::utils::{AccountId32, H256};
use subxt_signer::sr25519::Keypair;
use zombienet_sdk::{LocalFileSystem, Network, NetworkConfig, NetworkConfigExt};

pub use figures::Figures;
pub use gonka::runtime_types::gonka_primitives::sprint::Phase;

/// The network definition `file` (e.g. `four-hosts.toml`) of the checkout the test runs in.
/// Cargo names it when it runs a test; the directory the test was compiled in is only the
/// fallback, since a clone elsewhere may reuse the compiled binary.
pub fn definition(file: &str) -> PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
		.join(file)
}

/// The binary every network definition runs.
const NODE_COMMAND: &str = "gonka-node";

/// What a test can fail with: a message that says what went wrong.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Spawns the network of `definition` with the native provider. `gonka-node` must be on PATH.
pub async fn spawn(definition: &Path) -> Result<Network<LocalFileSystem>, Error> {
	let on_path = std::env::var_os("PATH").is_some_and(|path| {
		std::env::split_paths(&path).any(|dir| dir.join(NODE_COMMAND).is_file())
	});
	if !on_path {
		return Err(format!(
			"`{NODE_COMMAND}` is not on PATH: run `make test-network`, or build the node and put \
			 its folder first on PATH (PATH=$CARGO_TARGET_DIR/debug:$PATH)"
		)
		.into());
	}
	let shown = definition.display();
	let path = definition.to_str().ok_or_else(|| format!("{shown} is not UTF-8"))?;
	let config = NetworkConfig::load_from_toml(path)
		.map_err(|e| format!("network definition {shown}: {e}"))?;
	Ok(config.spawn_native().await.map_err(|e| format!("spawning {shown}: {e}"))?)
}

/// One epoch of the networks' chain (the runtime's): 25 blocks of 6 s.
pub const EPOCH: Duration = Duration::from_secs(150);

/// The account of a key pair.
pub fn account(keypair: &Keypair) -> AccountId32 {
	AccountId32(keypair.public_key().0)
}

/// The next epoch paid on `node`'s finalised chain (within two epochs), printed as the
/// example client prints it.
pub async fn next_epoch(
	watcher: &mut EpochWatcher,
	node: &NodeClient,
) -> Result<SettledEpoch, Error> {
	let next = tokio::time::timeout(2 * EPOCH, watcher.next())
		.await
		.map_err(|_| "no epoch was paid within two epochs")?
		.ok_or("the node closed its finalised-blocks subscription")??;
	print!("{}", report(&next, &node.connection.token));
	Ok(next)
}

/// One node of a running network, as a client sees it.
pub struct NodeClient {
	/// The node's name in the network definition.
	pub name: String,
	/// The typed client, RPC methods and token.
	pub connection: Connection,
}

impl NodeClient {
	/// Connects to `name` of `network`.
	pub async fn connect(network: &Network<LocalFileSystem>, name: &str) -> Result<Self, Error> {
		let url = network.get_node(name)?.ws_uri().to_owned();
		Ok(NodeClient { name: name.to_owned(), connection: Connection::open(&url).await? })
	}

	/// Connects to `name` of `network` once its RPC answers, for at most 60 s (after a
	/// restart, or while it starts).
	pub async fn connect_when_up(
		network: &Network<LocalFileSystem>,
		name: &str,
	) -> Result<Self, Error> {
		tokio::time::timeout(Duration::from_secs(60), async {
			loop {
				match Self::connect(network, name).await {
					Ok(node) => break node,
					Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
				}
			}
		})
		.await
		.map_err(|_| format!("{name}'s RPC did not come back within 60 s").into())
	}

	/// The number of the node's best block.
	pub async fn best_number(&self) -> Result<u32, Error> {
		let header = self.connection.rpc.chain_get_header(None).await?;
		Ok(header.ok_or("the node has no best block")?.number)
	}

	/// The number of the node's last finalised block.
	pub async fn finalized_number(&self) -> Result<u32, Error> {
		let hash = self.connection.rpc.chain_get_finalized_head().await?;
		let header = self.connection.rpc.chain_get_header(Some(hash)).await?;
		Ok(header.ok_or("the node lost its finalised block")?.number)
	}

	/// The epoch and phase at the node's best block.
	pub async fn sprint_status(&self) -> Result<SprintStatus, Error> {
		let best = self.connection.rpc.chain_get_block_hash(None).await?.ok_or("no best block")?;
		sprint_status_at(&self.connection, best).await
	}

	/// Polls the node every second until `condition` holds of its sprint status, for at most
	/// `timeout`.
	pub async fn wait_for_status(
		&self,
		what: &str,
		timeout: Duration,
		condition: impl Fn(&SprintStatus) -> bool,
	) -> Result<SprintStatus, Error> {
		poll_until(timeout, || async {
			let status = self.sprint_status().await?;
			Ok(if condition(&status) {
				Ok(status)
			} else {
				Err(format!("{}: no {what}", self.name))
			})
		})
		.await
	}

	/// Polls the node every second until its finalised block reaches `number`, for at most
	/// `timeout`.
	pub async fn wait_for_finalized(&self, number: u32, timeout: Duration) -> Result<u32, Error> {
		poll_until(timeout, || async {
			let finalized = self.finalized_number().await?;
			Ok(if finalized >= number {
				Ok(finalized)
			} else {
				Err(format!("{}: finalised block #{finalized}, not #{number}", self.name))
			})
		})
		.await
	}
}

/// The epoch and phase at block `at` of `connection`'s node.
pub async fn sprint_status_at(connection: &Connection, at: H256) -> Result<SprintStatus, Error> {
	let call = gonka::apis().proof_of_compute_api().sprint_status();
	let status = connection.client.runtime_api().at(at).call(call).await?;
	Ok(status.ok_or("no epoch has begun at this block")?)
}

/// Runs `probe` every second until it gives a value, for at most `timeout`. A probe answers
/// `Ok(Ok(value))` when done, `Ok(Err(state))` with what it saw when not yet.
async fn poll_until<T, Probe, Answer>(timeout: Duration, mut probe: Probe) -> Result<T, Error>
where
	Probe: FnMut() -> Answer,
	Answer: std::future::Future<Output = Result<Result<T, String>, Error>>,
{
	let deadline = tokio::time::Instant::now() + timeout;
	loop {
		match probe().await? {
			Ok(value) => return Ok(value),
			Err(state) if tokio::time::Instant::now() >= deadline => {
				return Err(format!("{state} after {timeout:?}").into())
			}
			Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
		}
	}
}
