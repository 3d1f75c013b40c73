//! An example client of a Gonka chain, written with subxt and nothing else: its types are
//! generated from the runtime metadata in `metadata/gonka.scale` (kept equal to the runtime's
//! own by `runtime/tests/metadata.rs`; `make metadata` rewrites it).
//!
//! [`EpochWatcher`] follows the finalised blocks. Each epoch ends its settlement with a
//! `ProofOfCompute::EpochRewarded` event; at that block the watcher reads every host's result
//! through the `HostsApi::epoch_results` runtime API, a page at a time, and yields a
//! [`SettledEpoch`]: each host's outcome, compute weight and reward.

use std::collections::VecDeque;

use subxt::{
	backend::{legacy::LegacyRpcMethods, rpc::RpcClient, StreamOfResults},
	utils::{AccountId32, H256},
	OnlineClient, SubstrateConfig,
};

#[subxt::subxt(runtime_metadata_path = "metadata/gonka.scale")]
pub mod gonka {}

use gonka::{
	proof_of_compute::events::EpochRewarded,
	runtime_types::pallet_proof_of_compute::types::{HostResult, Outcome},
};

/// The chain configuration: Substrate's defaults (32-byte accounts, multi-signatures, u32
/// block numbers, BLAKE2 hashing) are Gonka's.
pub type Config = SubstrateConfig;

/// A block of the chain, as the client reads it.
type Block = subxt::blocks::Block<Config, OnlineClient<Config>>;

/// Results read per `HostsApi::epoch_results` call (the runtime's page limit).
const RESULTS_PAGE: u32 = 1_000;

/// A connection to a node: the typed client, the node's RPC methods and the token properties
/// wallets show.
pub struct Connection {
	/// The subxt client.
	pub client: OnlineClient<Config>,
	/// The node's own RPC methods (`chain_*`, `system_*`), on the same connection.
	pub rpc: LegacyRpcMethods<Config>,
	/// How balances are shown: decimals and symbol from `system_properties`.
	pub token: Token,
}

/// The chain's token as its chain spec names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
	/// Decimal places of one token.
	pub decimals: u32,
	/// Its symbol.
	pub symbol: String,
}

impl Token {
	/// `amount` base units as a decimal number of tokens, e.g. `560.760000000 GNK`.
	pub fn format(&self, amount: u128) -> String {
		let unit = 10u128.saturating_pow(self.decimals);
		let fraction = amount % unit;
		format!(
			"{}.{fraction:0width$} {}",
			amount / unit,
			self.symbol,
			width = self.decimals as usize
		)
	}
}

impl Connection {
	/// Connects to the node at `url` (`ws://` only to this machine; `wss://` anywhere).
	pub async fn open(url: &str) -> Result<Self, subxt::Error> {
		let rpc = RpcClient::from_url(url).await?;
		let methods = LegacyRpcMethods::<Config>::new(rpc.clone());
		let properties = methods.system_properties().await?;
		let token = Token {
			decimals: properties
				.get("tokenDecimals")
				.and_then(|value| value.as_u64())
				.and_then(|value| u32::try_from(value).ok())
				.unwrap_or(0),
			symbol: properties
				.get("tokenSymbol")
				.and_then(|value| value.as_str())
				.unwrap_or("units")
				.to_owned(),
		};
		let client = OnlineClient::<Config>::from_rpc_client(rpc).await?;
		Ok(Connection { client, rpc: methods, token })
	}
}

/// One host's settled epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostLine {
	/// The host's account.
	pub host: AccountId32,
	/// `Accepted`, `AcceptedOnReveal`, `Unvalidated` or `Rejected`.
	pub outcome: &'static str,
	/// Hits it committed.
	pub hits: u32,
	/// Compute weight it earned.
	pub weight: u64,
	/// Validators that passed it, and that failed it.
	pub passed_by: u32,
	/// Validators that failed it.
	pub failed_by: u32,
	/// Its share of the epoch's emission, in base units.
	pub reward: u128,
}

/// An epoch whose settlement and payout ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettledEpoch {
	/// The epoch.
	pub epoch: u64,
	/// The finalised block that paid it.
	pub block_number: u32,
	/// That block's hash.
	pub block_hash: H256,
	/// What the epoch emitted.
	pub emission: u128,
	/// Of it, to the community pool.
	pub to_pool: u128,
	/// Every host's result, in the chain's storage order.
	pub hosts: Vec<HostLine>,
}

impl SettledEpoch {
	/// The line of `host`, if it took part.
	pub fn host(&self, host: &AccountId32) -> Option<&HostLine> {
		self.hosts.iter().find(|line| &line.host == host)
	}
}

fn outcome_name(outcome: &Outcome) -> &'static str {
	match outcome {
		Outcome::Accepted => "Accepted",
		Outcome::AcceptedOnReveal => "AcceptedOnReveal",
		Outcome::Unvalidated => "Unvalidated",
		Outcome::Rejected => "Rejected",
	}
}

fn host_line(host: AccountId32, result: HostResult) -> HostLine {
	HostLine {
		host,
		outcome: outcome_name(&result.outcome),
		hits: result.hits,
		weight: result.weight,
		passed_by: result.passed_by,
		failed_by: result.failed_by,
		reward: result.reward,
	}
}

/// Follows finalised blocks and yields each epoch as its payout ends.
pub struct EpochWatcher {
	client: OnlineClient<Config>,
	blocks: StreamOfResults<Block>,
	/// Epochs paid in blocks read and not yet returned.
	pending: VecDeque<SettledEpoch>,
}

impl EpochWatcher {
	/// Starts following the finalised blocks of `client` from the newest one on.
	pub async fn start(client: &OnlineClient<Config>) -> Result<Self, subxt::Error> {
		let blocks = client.blocks().subscribe_finalized().await?;
		Ok(EpochWatcher { client: client.clone(), blocks, pending: Default::default() })
	}

	/// The next settled epoch; `None` when the node closed the subscription.
	pub async fn next(&mut self) -> Option<Result<SettledEpoch, subxt::Error>> {
		loop {
			if let Some(epoch) = self.pending.pop_front() {
				return Some(Ok(epoch));
			}
			let block = match self.blocks.next().await? {
				Ok(block) => block,
				Err(error) => return Some(Err(error)),
			};
			if let Err(error) = self.read_block(&block).await {
				return Some(Err(error));
			}
		}
	}

	async fn read_block(&mut self, block: &Block) -> Result<(), subxt::Error> {
		let events = block.events().await?;
		for rewarded in events.find::<EpochRewarded>() {
			let rewarded = rewarded?;
			let hosts = self.results(block.hash(), rewarded.epoch).await?;
			self.pending.push_back(SettledEpoch {
				epoch: rewarded.epoch,
				block_number: block.number(),
				block_hash: block.hash(),
				emission: rewarded.emission,
				to_pool: rewarded.to_pool,
				hosts,
			});
		}
		Ok(())
	}

	/// Every host's result of `epoch` at block `at`, read a page at a time.
	async fn results(&self, at: H256, epoch: u64) -> Result<Vec<HostLine>, subxt::Error> {
		let runtime = self.client.runtime_api().at(at);
		let mut lines = Vec::new();
		let mut after = None;
		loop {
			let call = gonka::apis().hosts_api().epoch_results(epoch, after, RESULTS_PAGE);
			let page = runtime.call(call).await?;
			let full = page.len() == RESULTS_PAGE as usize;
			after = page.last().map(|(host, _)| host.clone());
			lines.extend(page.into_iter().map(|(host, result)| host_line(host, result)));
			if !full {
				return Ok(lines);
			}
		}
	}
}

/// The report of one epoch, as the example prints it.
pub fn report(epoch: &SettledEpoch, token: &Token) -> String {
	let mut text = format!(
		"epoch {} paid in block #{} ({:?}): emission {}, to the community pool {}\n",
		epoch.epoch,
		epoch.block_number,
		epoch.block_hash,
		token.format(epoch.emission),
		token.format(epoch.to_pool),
	);
	for line in &epoch.hosts {
		text.push_str(&format!(
			"  {} {:<19} hits {:>6} weight {:>6} passed/failed {}/{} reward {}\n",
			line.host,
			line.outcome,
			line.hits,
			line.weight,
			line.passed_by,
			line.failed_by,
			token.format(line.reward),
		));
	}
	text
}
