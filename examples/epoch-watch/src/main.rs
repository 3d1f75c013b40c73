//! `gonka-epoch-watch`: prints every host's outcome, compute weight and reward as each epoch of
//! a Gonka chain is paid.
//!
//! ```text
//! gonka-epoch-watch [--url ws://127.0.0.1:9944] [--epochs N]
//! ```

use clap::Parser;
use gonka_epoch_watch::{report, Connection, EpochWatcher};

/// Follows a Gonka node's finalised blocks and prints each epoch's settlement.
#[derive(Parser)]
#[command(version)]
struct Args {
	/// The node's RPC endpoint (`ws://` only on this machine; `wss://` anywhere).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// Stop after this many epochs (default: follow until the node goes away).
	#[arg(long)]
	epochs: Option<usize>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let args = Args::parse();
	match watch(&args).await {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("gonka-epoch-watch: {error}");
			std::process::ExitCode::FAILURE
		}
	}
}

async fn watch(args: &Args) -> Result<(), String> {
	let connection = Connection::open(&args.url)
		.await
		.map_err(|e| format!("cannot connect to {}: {e}", args.url))?;
	let mut watcher = EpochWatcher::start(&connection.client)
		.await
		.map_err(|e| format!("cannot follow finalised blocks: {e}"))?;
	println!("following finalised blocks of {}", args.url);
	let mut printed = 0;
	while args.epochs.is_none_or(|epochs| printed < epochs) {
		let Some(epoch) = watcher.next().await else {
			return Err("the node closed the subscription".into());
		};
		let epoch = epoch.map_err(|e| format!("reading the chain: {e}"))?;
		print!("{}", report(&epoch, &connection.token));
		printed += 1;
	}
	Ok(())
}
