//! The `poc_*` JSON-RPC methods: the Proof-of-Compute clock as operators, dashboards and
//! hosts' tools read it, without decoding runtime types.

use std::sync::Arc;

use gonka_primitives::runtime_api::ProofOfComputeApi;
use gonka_runtime::{opaque::Block, AccountId};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{error::ErrorObjectOwned, ErrorObject},
};
use serde::Serialize;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

/// The runtime could not answer (e.g. the block's state was pruned).
pub const RUNTIME_ERROR: i32 = 8001;
/// The sprint clock has not started: the chain has no block yet.
pub const NO_EPOCH: i32 = 8002;

/// The epoch in progress at a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PocStatus {
	/// The epoch number.
	pub epoch: u64,
	/// Its first block.
	pub epoch_start: u32,
	/// Its length in blocks.
	pub epoch_length: u32,
	/// The phase: `Sprint`, `Commit`, `Reveal`, `Validate`, `Settle` or `Inference`.
	pub phase: String,
	/// Blocks of the phase left, counting the block read.
	pub blocks_left_in_phase: u32,
	/// The sprint seed, hex with `0x`.
	pub seed: String,
	/// The challenge seed once the reveal phase has begun, hex with `0x`.
	pub challenge_seed: Option<String>,
}

/// `poc_*` methods.
#[rpc(server)]
pub trait PocApi<BlockHash> {
	/// The epoch in progress at block `at` (the best block when absent): its number, phase,
	/// the blocks left in the phase, and its seeds.
	#[method(name = "poc_status")]
	fn status(&self, at: Option<BlockHash>) -> RpcResult<PocStatus>;
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

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

impl<C> PocApiServer<<Block as BlockT>::Hash> for Poc<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: ProofOfComputeApi<Block, AccountId>,
{
	fn status(&self, at: Option<<Block as BlockT>::Hash>) -> RpcResult<PocStatus> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let status = self
			.client
			.runtime_api()
			.sprint_status(at)
			.map_err(|error| -> ErrorObjectOwned {
				ErrorObject::owned(
					RUNTIME_ERROR,
					format!("the runtime could not answer: {error}"),
					None::<()>,
				)
			})?
			.ok_or_else(|| {
				ErrorObject::owned(NO_EPOCH, "the sprint clock has not started yet", None::<()>)
			})?;
		Ok(PocStatus {
			epoch: status.epoch.index,
			epoch_start: status.epoch.start,
			epoch_length: status.epoch.params.phases.total(),
			phase: format!("{:?}", status.phase),
			blocks_left_in_phase: status.blocks_left_in_phase,
			seed: hex(&status.epoch.seed),
			challenge_seed: status.epoch.challenge_seed.map(|seed| hex(&seed)),
		})
	}
}
