//! The `poc` commands without the node, for quick use while developing the engine:
//! `cargo run --release -p gonka-offchain-worker --example poc -- calibrate --params dev`.

use clap::Parser;
use gonka_offchain_worker::cli::PocCmd;

#[derive(Parser)]
struct Args {
	#[command(subcommand)]
	command: PocCmd,
}

fn main() {
	if let Err(error) = Args::parse().command.run(&mut std::io::stdout()) {
		eprintln!("Error: {error}");
		std::process::exit(1);
	}
}
