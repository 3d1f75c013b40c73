//! Dispatches the command line to the node or to a subcommand.

use std::path::Path;

use gonka_runtime::opaque::Block;
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	ports, service,
};

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"Gonka Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/gonka/gonka-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		Ok(match id {
			"dev" => Box::new(chain_spec::development()?),
			"" | "local" => Box::new(chain_spec::local_testnet()?),
			"four-hosts" => Box::new(chain_spec::four_hosts()?),
			path => Box::new(load_spec_file(Path::new(path))?),
		})
	}
}

/// Reads a chain-spec file, with errors that say what went wrong and what to do about it.
fn load_spec_file(path: &Path) -> Result<chain_spec::ChainSpec, String> {
	if !path.exists() {
		return Err(format!(
			"unknown chain '{}': use `dev`, `local`, `four-hosts`, or the path of a chain-spec JSON file",
			path.display()
		));
	}
	chain_spec::ChainSpec::from_json_file(path.to_path_buf()).map_err(|e| {
		format!(
			"chain-spec file '{}' is not a valid chain spec ({e}); export a fresh one with \
			 `gonka-node export-chain-spec --chain dev`",
			path.display()
		)
	})
}

/// Parses the command line and runs what it asks for.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let spec = cli.load_spec(&cmd.chain)?;
			cmd.run(spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		Some(Subcommand::Poc(cmd)) => cmd.run(&mut std::io::stdout()).map_err(sc_cli::Error::Input),
		Some(Subcommand::Host(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::Transfer(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::WriteTestModel(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::Gateway(cmd)) => cmd.run().map_err(sc_cli::Error::Input),
		Some(Subcommand::OperatorConsent(cmd)) => cmd.run(&cli),
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let compute = cli
				.compute
				.backend(cli.run.shared_params.is_dev())
				.map(|backend| (cli.compute.clone(), backend));
			let inference = cli.inference.clone();
			runner.run_node_until_exit(|mut config| async move {
				ports::claim_listen_ports(&mut config).map_err(sc_cli::Error::Input)?;
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => {
						service::new_full::<
							sc_network::NetworkWorker<
								Block,
								<Block as sp_runtime::traits::Block>::Hash,
							>,
						>(config, compute, inference)
					}
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(
							config, compute, inference,
						)
					}
				}
				.map_err(sc_cli::Error::Service)
			})
		}
	}
}
