//! The `poc_*` JSON-RPC methods: the Proof-of-Compute clock, hosts and epoch results as
//! operators, dashboards and hosts' tools read them, without decoding runtime types.
//! Balances are decimal strings of base units (JSON numbers cannot hold them exactly).

use std::sync::Arc;

use gonka_primitives::runtime_api::{HostsApi, ProofOfComputeApi};
use gonka_runtime::{opaque::Block, AccountId, Balance};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
};
use pallet_host_reputation::{Host, HostStatus};
use pallet_proof_of_compute::{EpochSummary, HostResult, Outcome};
use serde::{Deserialize, Serialize};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{bytes::to_hex, crypto::Ss58Codec};
use sp_runtime::traits::Block as BlockT;

/// The runtime could not answer (e.g. the block's state was pruned).
pub const RUNTIME_ERROR: i32 = 8001;
/// The sprint clock has not started: the chain has no block yet.
pub const NO_EPOCH: i32 = 8002;
/// The account is not a registered host.
pub const NOT_A_HOST: i32 = 8003;
/// A page of results was asked for more than [`MAX_PAGE`] entries.
pub const PAGE_TOO_LARGE: i32 = 8004;

/// The epoch's results are no longer in the state read: the chain keeps the last settled
/// epoch's (and the one in progress, once settled).
pub const EPOCH_REMOVED: i32 = 8005;

/// Most results one `poc_epochResults` call returns.
pub const MAX_PAGE: u32 = 1_000;

/// The epoch in progress at a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocStatus {
	/// The epoch number.
	pub epoch: u64,
	/// Its first block.
	pub epoch_start: u32,
	/// Its length in blocks.
	pub epoch_length: u32,
	/// The phase: `Sprint`, `Commit`, `Reveal`, `Validate`, `Open`, `Settle` or `Inference`.
	pub phase: String,
	/// Blocks of the phase left, counting the block read.
	pub blocks_left_in_phase: u32,
	/// The sprint seed, hex with `0x`.
	pub seed: String,
	/// The challenge seed once fixed in the reveal phase (from its first two blocks' VRF
	/// outputs), hex with `0x`.
	pub challenge_seed: Option<String>,
	/// The validation seed once fixed in the validate phase, hex with `0x`.
	pub validation_seed: Option<String>,
}

/// Compute weight a host earned in one epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocEpochWeight {
	/// The epoch.
	pub epoch: u64,
	/// The weight its collateral backed.
	pub weight: u64,
}

/// A host's settled result in one epoch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocResult {
	/// The epoch.
	pub epoch: u64,
	/// The host, SS58.
	pub host: String,
	/// `Accepted`, `AcceptedOnReveal` (the epoch's only host: the on-chain checks decided),
	/// `Unvalidated` (no validator judged it: no weight, no punishment) or `Rejected`.
	pub outcome: String,
	/// Hits committed.
	pub hits: u32,
	/// Compute weight earned (0 when rejected).
	pub weight: u64,
	/// Validators that passed the host.
	pub passed_by: u32,
	/// Validators that failed the host.
	pub failed_by: u32,
	/// Its share of the epoch's emission, base units, once paid.
	pub reward: String,
	/// What it earned as a validator, base units, once paid.
	pub validator_reward: String,
}

/// A host as `poc_host` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocHost {
	/// The host, SS58.
	pub host: String,
	/// `Active`, `Leaving` or `Removed`.
	pub status: String,
	/// While leaving: the last epoch it takes part in.
	pub last_epoch: Option<u64>,
	/// When leaving or removed: the first epoch its collateral can be withdrawn.
	pub withdrawable_from: Option<u64>,
	/// Collateral on hold, base units.
	pub collateral: String,
	/// Reputation as the chain stores it, 0 to 10,000 (`MAX_REPUTATION`).
	pub reputation: u32,
	/// The epoch it registered in.
	pub registered_in: u64,
	/// The weight earned in its last settled epoch.
	pub last_weight: PocEpochWeight,
	/// Its weight in its most recent epochs that earned any, oldest first.
	pub recent_weights: Vec<PocEpochWeight>,
	/// Its results in the epochs the chain still stores, newest first.
	pub results: Vec<PocResult>,
}

/// An epoch's settlement totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocEpochSummary {
	/// Hosts settled so far.
	pub settled: u32,
	/// Of which accepted.
	pub accepted: u32,
	/// Weight earned by accepted hosts.
	pub total_weight: u64,
	/// The cap on one host's counted weight, once the settlement closed.
	pub weight_cap: Option<u64>,
	/// The weight that counts, within the cap.
	pub counted_weight: u64,
	/// Whether every host was settled.
	pub complete: bool,
	/// The epoch's emission, base units.
	pub emission: String,
	/// Paid out to hosts so far, base units.
	pub rewarded: String,
	/// Paid out to validators so far, base units.
	pub validators_rewarded: String,
}

/// A page of an epoch's results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PocEpochResults {
	/// The epoch.
	pub epoch: u64,
	/// Its settlement totals, while the chain stores them.
	pub summary: Option<PocEpochSummary>,
	/// Up to `count` results.
	pub results: Vec<PocResult>,
	/// Pass this as `after` for the next page; `null` on the last page.
	pub next: Option<String>,
}

/// `poc_*` methods.
#[rpc(server)]
pub trait PocApi<BlockHash> {
	/// The epoch in progress at block `at` (the best block when absent): its number, phase,
	/// the blocks left in the phase, and its seeds.
	#[method(name = "poc_status")]
	fn status(&self, at: Option<BlockHash>) -> RpcResult<PocStatus>;

	/// A host at block `at`: its status, collateral, reputation, recent weight and results (of
	/// the epochs still in that block's state: the last settled one, and the one in progress
	/// once settled).
	#[method(name = "poc_host")]
	fn host(&self, host: AccountId, at: Option<BlockHash>) -> RpcResult<PocHost>;

	/// Up to `count` (default and at most 1,000) results of `epoch` at block `at`, after the
	/// host `after` (from the first when absent), with the epoch's settlement totals. An epoch
	/// older than the last settled one is an error that says at which block to read it.
	#[method(name = "poc_epochResults")]
	fn epoch_results(
		&self,
		epoch: u64,
		after: Option<AccountId>,
		count: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<PocEpochResults>;
}

/// Serves [`PocApiServer`] from the client's runtime API.
pub struct Poc<C> {
	client: Arc<C>,
}

impl<C> Poc<C> {
	/// Serves the methods from `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn runtime_error(error: sp_api::ApiError) -> ErrorObjectOwned {
	ErrorObject::owned(RUNTIME_ERROR, format!("the runtime could not answer: {error}"), None::<()>)
}

fn result_json(epoch: u64, host: &AccountId, result: HostResult) -> PocResult {
	let outcome = match result.outcome {
		Outcome::Accepted => "Accepted",
		Outcome::AcceptedOnReveal => "AcceptedOnReveal",
		Outcome::Unvalidated => "Unvalidated",
		Outcome::Rejected => "Rejected",
	};
	PocResult {
		epoch,
		host: host.to_ss58check(),
		outcome: outcome.into(),
		hits: result.hits,
		weight: result.weight,
		passed_by: result.passed_by,
		failed_by: result.failed_by,
		reward: result.reward.to_string(),
		validator_reward: result.validator_reward.to_string(),
	}
}

fn summary_json(summary: EpochSummary) -> PocEpochSummary {
	PocEpochSummary {
		settled: summary.settled,
		accepted: summary.accepted,
		total_weight: summary.total_weight,
		weight_cap: summary.weight_cap,
		counted_weight: summary.counted_weight,
		complete: summary.complete,
		emission: summary.emission.to_string(),
		rewarded: summary.rewarded.to_string(),
		validators_rewarded: summary.validators_rewarded.to_string(),
	}
}

impl<C> PocApiServer<<Block as BlockT>::Hash> for Poc<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ProofOfComputeApi<Block, AccountId>
		+ HostsApi<Block, AccountId, Host<Balance>, HostResult, EpochSummary>,
{
	fn status(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<PocStatus> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let status =
			self.client.runtime_api().sprint_status(at).map_err(runtime_error)?.ok_or_else(
				|| ErrorObject::owned(NO_EPOCH, "the sprint clock has not started yet", None::<()>),
			)?;
		Ok(PocStatus {
			epoch: status.epoch.index,
			epoch_start: status.epoch.start,
			epoch_length: status.epoch.params.phases.total(),
			phase: format!("{:?}", status.phase),
			blocks_left_in_phase: status.blocks_left_in_phase,
			seed: to_hex(&status.epoch.seed, false),
			challenge_seed: status.epoch.challenge_seed.map(|seed| to_hex(&seed, false)),
			validation_seed: status.epoch.validation_seed.map(|seed| to_hex(&seed, false)),
		})
	}

	fn host(&self, host: AccountId, at: Option<<Block as BlockT>::Hash>) -> RpcResult<PocHost> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let record = api.host(at, host.clone()).map_err(runtime_error)?.ok_or_else(|| {
			ErrorObject::owned(
				NOT_A_HOST,
				format!("{} is not a registered host", host.to_ss58check()),
				None::<()>,
			)
		})?;
		let recent_weights = api.recent_weights(at, host.clone()).map_err(runtime_error)?;
		let results = api.host_results(at, host.clone()).map_err(runtime_error)?;
		let (status, last_epoch, withdrawable_from) = match record.status {
			HostStatus::Active => ("Active", None, None),
			HostStatus::Leaving { last_epoch, withdrawable_from } => {
				("Leaving", Some(last_epoch), Some(withdrawable_from))
			}
			HostStatus::Removed { withdrawable_from } => ("Removed", None, Some(withdrawable_from)),
		};
		Ok(PocHost {
			host: host.to_ss58check(),
			status: status.into(),
			last_epoch,
			withdrawable_from,
			collateral: record.collateral.to_string(),
			reputation: record.reputation,
			registered_in: record.registered_in,
			last_weight: PocEpochWeight {
				epoch: record.last_weight.epoch,
				weight: record.last_weight.weight,
			},
			recent_weights: recent_weights
				.into_iter()
				.map(|(epoch, weight)| PocEpochWeight { epoch, weight })
				.collect(),
			results: results
				.into_iter()
				.map(|(epoch, result)| result_json(epoch, &host, result))
				.collect(),
		})
	}

	fn epoch_results(
		&self,
		epoch: u64,
		after: Option<AccountId>,
		count: Option<u32>,
		at: Option<<Block as BlockT>::Hash>,
	) -> RpcResult<PocEpochResults> {
		let count = count.unwrap_or(MAX_PAGE);
		if count > MAX_PAGE {
			return Err(ErrorObject::owned(
				PAGE_TOO_LARGE,
				format!("count is {count}; ask for at most {MAX_PAGE} results per call"),
				None::<()>,
			));
		}
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let api = self.client.runtime_api();
		let current = api.sprint_status(at).map_err(runtime_error)?.map(|status| status.epoch);
		// Cleanup removes epoch n − 2 from the start of epoch n on, page by page: its results
		// may already be partial, so it is refused as soon as cleanup may have begun.
		if let Some(current) = current.filter(|current| epoch.saturating_add(2) <= current.index) {
			let epochs_back = current.index.saturating_sub(epoch).saturating_sub(1);
			let first_block_after = current.start.saturating_sub(
				current
					.params
					.phases
					.total()
					.saturating_mul(u32::try_from(epochs_back).unwrap_or(u32::MAX)),
			);
			return Err(ErrorObject::owned(
				EPOCH_REMOVED,
				format!(
					"epoch {epoch}'s results are no longer in this block's state (the chain keeps \
					 the last settled epoch's, here {}): read them with `at` set to a block of \
					 epoch {} (about #{first_block_after}) on a node that still has its state \
					 (an archive node: --state-pruning archive)",
					current.index - 1,
					epoch + 1,
				),
				None::<()>,
			));
		}
		let summary = api.epoch_summary(at, epoch).map_err(runtime_error)?;
		let page = api.epoch_results(at, epoch, after, count).map_err(runtime_error)?;
		let next = (count > 0 && page.len() == count as usize)
			.then(|| page.last().map(|(host, _)| host.to_ss58check()))
			.flatten();
		Ok(PocEpochResults {
			epoch,
			summary: summary.map(summary_json),
			results: page.iter().map(|(host, result)| result_json(epoch, host, *result)).collect(),
			next,
		})
	}
}
