//! `gonka-node host …`: a host's life from the command line, as `btcli` gives Bittensor's
//! operators: register (collateral, description and the node's new session keys in one
//! batch), status, add collateral, unregister, withdraw. Each command signs with the **host
//! account's** key (the cold key: only it can touch the collateral; the node's `gpoc`
//! operator key cannot), prices the transaction, refuses before submitting when the account
//! cannot pay, and follows the transaction into a block, where the chain's events or its
//! error (by name, with its documentation) are printed. It talks to any node's JSON-RPC
//! (`--rpc`), so the host key need never be on the computing machine.

mod amount;
mod rpc;
mod status;
mod transaction;

use std::path::PathBuf;

use codec::Decode;
use gonka_runtime::{AccountId, Runtime, RuntimeCall};
use pallet_host_reputation::types::HostInfo;
use serde_json::json;
use sp_core::{crypto::Ss58Codec, sr25519, Bytes, Pair};

use crate::secret_uri::KeySource;
use amount::{format_gnk, parse_gnk};
use rpc::NodeRpc;
use transaction::submit;

/// The `host` commands.
#[derive(Debug, clap::Subcommand)]
pub enum HostCmd {
	/// Register the host account: hold `--collateral`, publish its name, endpoint and hardware,
	/// and set the session keys the node at `--session-node` generates for it, in one batch.
	Register(RegisterCmd),
	/// A host's registration, collateral, reputation, weight, results and what comes next.
	Status(StatusCmd),
	/// Hold more collateral (more weight can count; see `collateralPerWeight`).
	AddCollateral(AddCollateralCmd),
	/// Leave the registry at the end of the epoch in progress; the collateral stays held for
	/// the unbonding epochs, then `host withdraw` returns it.
	Unregister(SignedArgs),
	/// Return the collateral of a host that has left, once its unbonding epochs are over, and
	/// forget the host.
	Withdraw(SignedArgs),
}

/// The node to talk to and the host account's key.
#[derive(Debug, Clone, clap::Args)]
pub struct SignedArgs {
	/// The JSON-RPC endpoint of a node of the chain (`http://` or `ws://`).
	#[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9944")]
	pub rpc: String,

	/// The host account's secret URI (a mnemonic, `0x…` seed or `//Dev` path) [default: the
	/// environment's `GONKA_HOST_SURI`]. Prefer `--suri-file` or the environment: a command
	/// line is visible to other users.
	#[arg(long, value_name = "SURI")]
	pub suri: Option<String>,

	/// A file holding the host account's secret URI.
	#[arg(long, value_name = "PATH", conflicts_with = "suri")]
	pub suri_file: Option<PathBuf>,
}

/// `host register`.
#[derive(Debug, clap::Args)]
pub struct RegisterCmd {
	#[command(flatten)]
	pub signed: SignedArgs,

	/// Collateral to hold, in GNK (at least the chain's `minCollateral`).
	#[arg(long, value_name = "GNK")]
	pub collateral: String,

	/// The host's display name.
	#[arg(long)]
	pub name: String,

	/// Its inference endpoint (`http://` or `https://`), empty when it serves none.
	#[arg(long, default_value = "")]
	pub endpoint: String,

	/// Its declared hardware, e.g. "8x H100 80GB".
	#[arg(long, default_value = "CPU")]
	pub hardware: String,

	/// The JSON-RPC of the host's own node, which generates the session keys
	/// (`author_rotateKeysWithOwner`, an unsafe method: reachable on the node's machine or
	/// with `--rpc-methods unsafe`) [default: `--rpc`].
	#[arg(long, value_name = "URL")]
	pub session_node: Option<String>,
}

/// `host status`.
#[derive(Debug, clap::Args)]
pub struct StatusCmd {
	/// The JSON-RPC endpoint of a node of the chain.
	#[arg(long, value_name = "URL", default_value = "http://127.0.0.1:9944")]
	pub rpc: String,

	/// The host account, SS58.
	pub host: String,
}

/// `gonka-node transfer`: fund an account (a new host's, or its operator key's) from the
/// command line, as the rehearsal of docs/OPERATORS.md does.
#[derive(Debug, clap::Args)]
pub struct TransferCmd {
	#[command(flatten)]
	pub signed: SignedArgs,

	/// The account to fund, SS58.
	#[arg(long, value_name = "ADDRESS")]
	pub to: String,

	/// How much, in GNK.
	#[arg(long, value_name = "GNK")]
	pub amount: String,
}

impl TransferCmd {
	/// Sends the amount, keeping the sender's account alive, and prints the recipient's balance.
	pub fn run(&self) -> Result<(), String> {
		let amount = parse_gnk(&self.amount).map_err(|e| format!("--amount: {e}"))?;
		let to = AccountId::from_ss58check(&self.to)
			.map_err(|error| format!("--to {}: not an SS58 address ({error:?})", self.to))?;
		let call = pallet_balances::Call::<Runtime>::transfer_keep_alive {
			dest: to.clone().into(),
			value: amount,
		};
		block_on(async {
			let pair = self.signed.key_source("the sender's key").pair(None)?;
			let rpc = NodeRpc::new(&self.signed.rpc);
			submit(&rpc, &pair, call.into(), amount, "the transfer").await?;
			let funds = rpc.account(&to).await?;
			println!("{} now holds {}", to.to_ss58check(), format_gnk(funds.free));
			Ok(())
		})
	}
}

/// Runs `work` on a small async runtime of its own.
fn block_on<T>(work: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
	tokio::runtime::Builder::new_multi_thread()
		.worker_threads(1)
		.enable_all()
		.build()
		.map_err(|error| format!("cannot start the async runtime: {error}"))?
		.block_on(work)
}

/// `host add-collateral`.
#[derive(Debug, clap::Args)]
pub struct AddCollateralCmd {
	#[command(flatten)]
	pub signed: SignedArgs,

	/// Collateral to add, in GNK.
	#[arg(long, value_name = "GNK")]
	pub amount: String,
}

impl HostCmd {
	/// Runs the command to its end.
	pub fn run(&self) -> Result<(), String> {
		block_on(async {
			match self {
				Self::Register(cmd) => cmd.run().await,
				Self::Status(cmd) => status::show(&NodeRpc::new(&cmd.rpc), &cmd.host).await,
				Self::AddCollateral(cmd) => {
					let amount = parse_gnk(&cmd.amount).map_err(|e| format!("--amount: {e}"))?;
					let call = pallet_host_reputation::Call::<Runtime>::add_collateral { amount };
					cmd.signed.run(call.into(), amount, "adding collateral").await
				}
				Self::Unregister(signed) => {
					let call = pallet_host_reputation::Call::<Runtime>::unregister {};
					signed.run(call.into(), 0, "unregistering").await
				}
				Self::Withdraw(signed) => {
					let call = pallet_host_reputation::Call::<Runtime>::withdraw_collateral {};
					let pair = signed.pair()?;
					let rpc = NodeRpc::new(&signed.rpc);
					print_events(&submit(&rpc, &pair, call.into(), 0, "withdrawing").await?);
					println!("the collateral is back in the account's free balance; the host is forgotten");
					Ok(())
				}
			}
		})
	}
}

impl SignedArgs {
	/// Where the key comes from, for `what`.
	fn key_source<'a>(&'a self, what: &'a str) -> KeySource<'a> {
		KeySource {
			suri: self.suri.as_deref(),
			suri_flag: "--suri",
			file: self.suri_file.as_deref(),
			file_flag: "--suri-file",
			what,
			missing: "--suri-file PATH, GONKA_HOST_SURI or --suri SURI",
		}
	}

	/// The host account's key: from the flags, else from `GONKA_HOST_SURI`.
	fn pair(&self) -> Result<sr25519::Pair, String> {
		self.key_source("the host account's key")
			.pair(std::env::var("GONKA_HOST_SURI").ok().filter(|suri| !suri.is_empty()))
	}

	/// Signs and submits `call`, then prints its events and the host's status.
	async fn run(&self, call: RuntimeCall, spends: u128, what: &str) -> Result<(), String> {
		let pair = self.pair()?;
		let rpc = NodeRpc::new(&self.rpc);
		print_events(&submit(&rpc, &pair, call, spends, what).await?);
		status::show(&rpc, &AccountId::from(pair.public()).to_ss58check()).await
	}
}

impl RegisterCmd {
	async fn run(&self) -> Result<(), String> {
		let collateral = parse_gnk(&self.collateral).map_err(|e| format!("--collateral: {e}"))?;
		let pair = self.signed.pair()?;
		let account = AccountId::from(pair.public());
		let info = host_info(&self.name, &self.endpoint, &self.hardware)?;
		let rpc = NodeRpc::new(&self.signed.rpc);
		let params: pallet_host_reputation::types::ReputationParams<u128> = rpc
			.storage(pallet_host_reputation::Params::<Runtime>::hashed_key().to_vec(), None)
			.await?
			.unwrap_or_default();
		if collateral < params.min_collateral {
			return Err(format!(
				"--collateral {}: the chain's minimum is {}",
				format_gnk(collateral),
				format_gnk(params.min_collateral)
			));
		}
		// Refused before the node makes session keys that would never be used.
		let free = rpc.account(&account).await?.free;
		if free <= collateral {
			return Err(format!(
				"{} holds {}, less than the collateral {} and the fee: fund the account first \
				 (gonka-node transfer, or polkadot-js apps), then run this again",
				account.to_ss58check(),
				format_gnk(free),
				format_gnk(collateral)
			));
		}
		let session_node = NodeRpc::new(self.session_node.as_deref().unwrap_or(&self.signed.rpc));
		let generated: serde_json::Value = session_node
			.call("author_rotateKeysWithOwner", json!([Bytes(codec::Encode::encode(&account))]))
			.await
			.map_err(|error| {
				format!(
					"the host's node could not generate session keys ({error}); point \
					 --session-node at the host's own node, on its machine"
				)
			})?;
		let keys: Bytes = serde_json::from_value(generated["keys"].clone())
			.map_err(|error| format!("author_rotateKeysWithOwner: no keys ({error})"))?;
		let proof: Option<Bytes> =
			serde_json::from_value(generated["proof"].clone()).map_err(|error| {
				format!("author_rotateKeysWithOwner: a proof that is not hex ({error})")
			})?;
		let keys = gonka_runtime::SessionKeys::decode(&mut &keys[..])
			.map_err(|error| format!("the node's session keys are not this chain's ({error})"))?;
		let calls = vec![
			pallet_host_reputation::Call::<Runtime>::register_host { collateral, info }.into(),
			pallet_session::Call::<Runtime>::set_keys {
				keys,
				proof: proof.map(|proof| proof.0).unwrap_or_default(),
			}
			.into(),
		];
		let call = pallet_utility::Call::<Runtime>::batch_all { calls }.into();
		print_events(&submit(&rpc, &pair, call, collateral, "registering").await?);
		status::show(&rpc, &account.to_ss58check()).await
	}
}

/// The events a transaction caused, one a line.
fn print_events(events: &[gonka_runtime::RuntimeEvent]) {
	for event in events {
		println!("  {event:?}");
	}
	println!();
}

/// The description a host publishes, checked for what the chain would refuse.
fn host_info(name: &str, endpoint: &str, hardware: &str) -> Result<HostInfo, String> {
	fn bounded<const N: u32>(
		flag: &str,
		value: &str,
	) -> Result<frame_support::BoundedVec<u8, frame_support::traits::ConstU32<N>>, String> {
		value
			.as_bytes()
			.to_vec()
			.try_into()
			.map_err(|_| format!("--{flag} is too long (at most {N} bytes)"))
	}
	Ok(HostInfo {
		name: bounded("name", name)?,
		endpoint: bounded("endpoint", endpoint)?,
		hardware: bounded("hardware", hardware)?,
	})
}
