//! `gonka-node`: the Gonka chain's node.

// Substrate's CLI and service APIs return `sc_cli::Error`, a large enum this crate cannot box.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod client;
mod command;
mod compute;
mod host;
mod host_cli;
mod inference;
mod operator_consent;
mod poc_rpc;
mod ports;
mod rpc;
mod secret_uri;
mod service;
mod signing;

use std::process::ExitCode;

fn main() -> ExitCode {
	match command::run() {
		Ok(()) => ExitCode::SUCCESS,
		Err(error) => {
			// One line that says what to fix: no debug dump, no backtrace.
			let message = error.to_string().replace('\n', " ");
			eprintln!("Error: {message}");
			ExitCode::FAILURE
		}
	}
}
