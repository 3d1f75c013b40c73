//! `gonka-node host …` and `gonka-node transfer` against a real `--dev` node: what an operator
//! types, end to end through the node's RPC and transaction pool.

mod common;

use std::process::Output;

use common::{run_node, Node};

/// Runs `gonka-node` with `args` against the node's RPC and returns (success, stdout, stderr).
fn command(node: &Node, args: &[&str]) -> (bool, String, String) {
	let rpc = format!("http://127.0.0.1:{}", node.rpc_port);
	let mut all: Vec<&str> = args.to_vec();
	all.extend(["--rpc", &rpc]);
	let Output { status, stdout, stderr } = run_node(&all);
	(
		status.success(),
		String::from_utf8_lossy(&stdout).into_owned(),
		String::from_utf8_lossy(&stderr).into_owned(),
	)
}

/// The SS58 address of a development secret URI.
fn address(suri: &str) -> String {
	let output = run_node(&["key", "inspect", "--output-type", "json", suri]);
	let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("key inspect json");
	json["ss58Address"].as_str().expect("an address").to_string()
}

/// One operator's life on a dev chain: an unfunded account is told to fund itself before
/// anything is submitted; funded, it registers with session keys its node generated, is
/// shown, adds collateral, and leaves; a second registration, and a withdrawal while active,
/// are refused with the pallet's errors by name.
#[test]
fn an_operator_registers_a_host_with_the_node_s_commands() {
	let node = Node::start(&["--dev", "--tmp", "--compute", "off"]);
	let host = "//GonkaHostCommands";
	let host_address = address(host);

	let (ok, out, err) = command(
		&node,
		&["host", "register", "--suri", host, "--collateral", "100", "--name", "cli"],
	);
	assert!(!ok, "an unfunded account cannot register: {out}");
	assert!(err.contains("holds 0 GNK") && err.contains("fund the account first"), "{err}");
	assert!(!out.contains("submitted"), "nothing is submitted: {out}");

	let (ok, out, err) = command(
		&node,
		&["transfer", "--suri", "//Alice", "--to", &host_address, "--amount", "300"],
	);
	assert!(ok, "transfer: {out}{err}");
	assert!(out.contains(&format!("{host_address} now holds 300 GNK")), "{out}");

	let (ok, out, err) = command(
		&node,
		&["host", "register", "--suri", host, "--collateral", "100", "--name", "cli"],
	);
	assert!(ok, "register: {out}{err}");
	assert!(out.contains("registering: fee about"), "the fee is estimated: {out}");
	assert!(out.contains("HostRegistered"), "the event is shown: {out}");
	assert!(out.contains("status      Active") && out.contains("collateral  100 GNK"), "{out}");
	assert!(out.contains("its first reward comes in"), "what comes next: {out}");

	let (ok, _, err) = command(
		&node,
		&["host", "register", "--suri", host, "--collateral", "100", "--name", "cli"],
	);
	assert!(!ok);
	assert!(
		err.contains("HostReputation.AlreadyRegistered: The account is registered already"),
		"{err}"
	);

	let (ok, out, err) =
		command(&node, &["host", "add-collateral", "--suri", host, "--amount", "5.5"]);
	assert!(ok, "add-collateral: {out}{err}");
	assert!(out.contains("collateral  105.5 GNK"), "{out}");

	let (ok, _, err) = command(&node, &["host", "withdraw", "--suri", host]);
	assert!(!ok, "an active host keeps its collateral");
	assert!(
		err.contains("HostReputation.StillActive: The host is still active: unregister first"),
		"{err}"
	);

	let (ok, out, err) = command(&node, &["host", "unregister", "--suri", host]);
	assert!(ok, "unregister: {out}{err}");
	assert!(out.contains("status      Leaving") && out.contains("host withdraw"), "{out}");

	let (ok, _, err) = command(&node, &["host", "status", &address("//Bob//stash")]);
	assert!(!ok);
	assert!(
		err.contains("is not a registered host: register it with `gonka-node host register`"),
		"{err}"
	);
}

/// Without a key, or without a node to talk to, a `host` command says which is missing.
#[test]
fn the_host_commands_name_what_is_missing() {
	let output = run_node(&["host", "unregister", "--rpc", "http://127.0.0.1:9"]);
	let err = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success());
	assert!(err.contains("--suri-file PATH, GONKA_HOST_SURI or --suri SURI"), "{err}");
	let output = run_node(&[
		"host",
		"status",
		"--rpc",
		"http://127.0.0.1:9",
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
	]);
	let err = String::from_utf8_lossy(&output.stderr);
	assert!(err.contains("cannot reach the node's JSON-RPC") && err.contains("--rpc"), "{err}");
}
