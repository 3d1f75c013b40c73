//! The node's client, backend and transaction pool types: what the service builds and the
//! compute worker, the host's submitter, the RPC and the inference service share.

use gonka_runtime::{apis::RuntimeApi, opaque::Block};

/// The client type of this node.
pub type FullClient = sc_service::TFullClient<
	Block,
	RuntimeApi,
	sc_executor::WasmExecutor<sp_io::SubstrateHostFunctions>,
>;
/// Its database backend.
pub type FullBackend = sc_service::TFullBackend<Block>;
/// The transaction pool of this node.
pub type FullPool = sc_transaction_pool::TransactionPoolHandle<Block, FullClient>;
