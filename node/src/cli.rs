//! Command-line interface of `gonka-node`.

use sc_cli::RunCmd;

/// `gonka-node [SUBCOMMAND] [OPTIONS]`: without a subcommand, runs a node.
#[derive(Debug, clap::Parser)]
#[command(version, propagate_version = true, args_conflicts_with_subcommands = true)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	#[clap(flatten)]
	pub compute: crate::compute::ComputeArgs,

	#[clap(flatten)]
	pub inference: crate::inference::InferenceArgs,
}

/// The node's subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export a chain specification (`--chain dev|local|FILE`, `--raw` for genesis storage).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Proof-of-Compute tools: one nonce's distance, `r_target` calibration, throughput.
	#[command(subcommand)]
	Poc(gonka_offchain_worker::cli::PocCmd),

	/// A host's life on chain, signed with the host account's key: register (collateral,
	/// description, session keys), status, add-collateral, unregister, withdraw.
	#[command(subcommand)]
	Host(crate::host_cli::HostCmd),

	/// Send GNK from an account whose secret URI you give to another (e.g. to fund a new host
	/// or its operator key).
	Transfer(crate::host_cli::TransferCmd),

	/// Write the project's test model (a byte-level Llama with random weights, registered by
	/// the development presets) into a folder, for `--inference-model`; prints its hash.
	WriteTestModel(crate::inference::WriteTestModelCmd),

	/// Signs, with the node's host key, its consent to be a host's operator (the key submits
	/// the host's steps; the host's funds stay in the host's wallet): prints what
	/// `hostReputation.setOperator` takes.
	OperatorConsent(crate::operator_consent::OperatorConsentCmd),

	/// Runs a developer's OpenAI-compatible gateway: plain OpenAI requests (any API key) are
	/// signed with the developer's key and relayed to the network, answers streamed back.
	Gateway(crate::inference::gateway::GatewayCmd),
}
