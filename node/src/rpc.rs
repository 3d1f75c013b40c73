//! The node's JSON-RPC methods beyond Substrate's defaults: account nonces, fee queries, BABE,
//! GRANDPA and Proof of Compute (`poc_*`).

use std::sync::Arc;

use gonka_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_consensus_babe::BabeWorkerHandle;
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_consensus::SelectChain;
use sp_consensus_babe::BabeApi;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::{Block as BlockT, NumberFor};

/// What the BABE RPC (`babe_epochAuthorship`) needs.
pub struct BabeDeps {
	/// Handle to the BABE worker's epoch data.
	pub worker_handle: BabeWorkerHandle<Block>,
	/// The node's keystore, to find which slots it may author.
	pub keystore: KeystorePtr,
}

/// What the GRANDPA RPC (`grandpa_roundState`, `grandpa_proveFinality`, …) needs.
pub struct GrandpaDeps<B> {
	/// The voter's round state.
	pub shared_voter_state: SharedVoterState,
	/// The authority set.
	pub shared_authority_set: SharedAuthoritySet<<Block as BlockT>::Hash, NumberFor<Block>>,
	/// Stream of justifications for subscriptions.
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Runs subscription tasks.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Builds finality proofs.
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// Everything the node's RPC methods need.
pub struct FullDeps<C, P, SC, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The fork-choice rule.
	pub select_chain: SC,
	/// Where this node's inference endpoint listens, if it has one.
	pub inference_endpoint: Option<String>,
	/// BABE's parts.
	pub babe: BabeDeps,
	/// GRANDPA's parts.
	pub grandpa: GrandpaDeps<B>,
}

/// The RPC method that tells where this node's inference endpoint listens.
pub const INFERENCE_ENDPOINT_METHOD: &str = "gonka_inferenceEndpoint";

/// Builds the RPC module with every method of this node.
pub fn create_full<C, P, SC, B>(
	deps: FullDeps<C, P, SC, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BabeApi<Block>
		+ BlockBuilder<Block>
		+ gonka_primitives::runtime_api::ProofOfComputeApi<Block, AccountId>
		+ gonka_primitives::runtime_api::HostsApi<
			Block,
			AccountId,
			pallet_host_reputation::Host<gonka_runtime::Balance>,
			pallet_proof_of_compute::HostResult,
			pallet_proof_of_compute::EpochSummary,
		>,
	P: TransactionPool + 'static,
	SC: SelectChain<Block> + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: sc_client_api::StateBackend<sp_runtime::traits::HashingFor<Block>>,
{
	use crate::poc_rpc::PocApiServer;
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_babe_rpc::{Babe, BabeApiServer};
	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let FullDeps { client, pool, select_chain, inference_endpoint, babe, grandpa } = deps;
	let mut module = RpcModule::new(());

	// Where gateways send signed requests (`gonka-node gateway` asks this node): the URL of its
	// OpenAI-compatible endpoint, or null when it runs none.
	module.register_method(INFERENCE_ENDPOINT_METHOD, move |_, _, _| inference_endpoint.clone())?;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(crate::poc_rpc::Poc::new(client.clone()).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Babe::new(client, babe.worker_handle, babe.keystore, select_chain).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;

	Ok(module)
}
