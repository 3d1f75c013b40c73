//! Bad input ends the node with one line that says what to fix: no panic, no backtrace.

mod common;

use std::{net::TcpListener, process::Output};

use common::{free_port, run_node};

/// The error line of stderr, after checking the run failed cleanly. (The node's log, written
/// by a background thread, may still be flushing around it.)
fn failure_line(output: &Output) -> String {
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "the node should fail; stderr:\n{stderr}");
	assert!(!stderr.contains("panicked"), "the node panicked:\n{stderr}");
	assert!(!stderr.contains("backtrace"), "the node printed a backtrace:\n{stderr}");
	let errors: Vec<&str> = stderr.lines().filter(|line| line.starts_with("Error: ")).collect();
	assert_eq!(errors.len(), 1, "expected one error line:\n{stderr}");
	errors[0].to_string()
}

#[test]
fn unknown_chain_name_says_which_chains_exist() {
	let output = run_node(&["--chain", "no-such-chain", "--tmp"]);
	let line = failure_line(&output);
	assert!(line.contains("unknown chain 'no-such-chain'"), "{line}");
	assert!(line.contains("dev") && line.contains("local"), "{line}");
	assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

#[test]
fn corrupt_chain_spec_file_names_the_file_and_the_fix() {
	let dir = std::env::temp_dir().join(format!("gonka-bad-spec-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("temp dir");
	let spec = dir.join("corrupt.json");
	std::fs::write(&spec, "{ \"name\": \"half a chain spec\", ").expect("write spec");

	let output = run_node(&["--chain", spec.to_str().expect("utf-8 path"), "--tmp"]);
	let _ = std::fs::remove_dir_all(&dir);

	let line = failure_line(&output);
	assert!(line.contains("corrupt.json"), "{line}");
	assert!(line.contains("not a valid chain spec"), "{line}");
	assert!(line.contains("export-chain-spec"), "{line}");
	assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

/// Runs a node with `args` on free ports, so that the tests of this file, which run side by
/// side, never meet on the default ones.
fn run_on_free_ports(args: &[&str]) -> Output {
	let ports = [free_port(), free_port(), free_port()].map(|port| port.to_string());
	let mut all: Vec<&str> = args.to_vec();
	for (flag, port) in ["--rpc-port", "--port", "--prometheus-port"].iter().zip(&ports) {
		all.extend([*flag, port.as_str()]);
	}
	run_node(&all)
}

/// Runs a dev node with `flag` set to a port another socket holds, and returns its error line.
fn error_with_occupied(flag: &str, bind: &str) -> (String, String) {
	let listener = TcpListener::bind(bind).expect("bind a port");
	let port = listener.local_addr().expect("local addr").port().to_string();
	let mut args = vec!["--dev".to_string(), "--tmp".into(), "--no-telemetry".into()];
	for other in ["--rpc-port", "--port", "--prometheus-port"] {
		let value = if other == flag { port.clone() } else { free_port().to_string() };
		args.extend([other.to_string(), value]);
	}
	let args: Vec<&str> = args.iter().map(String::as_str).collect();
	let output = run_node(&args);
	drop(listener);
	(failure_line(&output), port)
}

#[test]
fn occupied_rpc_port_names_the_port() {
	let (line, port) = error_with_occupied("--rpc-port", "127.0.0.1:0");
	assert!(line.contains(&format!("JSON-RPC port {port}")), "{line}");
	assert!(line.contains("already in use") && line.contains("--rpc-port"), "{line}");
}

#[test]
fn occupied_p2p_port_names_the_port() {
	let (line, port) = error_with_occupied("--port", "0.0.0.0:0");
	assert!(line.contains(&format!("p2p port {port}")), "{line}");
	assert!(line.contains("--port"), "{line}");
}

#[test]
fn compute_without_a_host_key_says_how_to_insert_one() {
	let output = run_on_free_ports(&["--chain", "local", "--tmp", "--compute", "cpu"]);
	let line = failure_line(&output);
	assert!(line.contains("key insert --key-type gpoc"), "{line}");
	assert!(line.contains("--compute off"), "{line}");
}

/// The fault-injection options exist only in builds with the `test-cheats` feature.
#[cfg(feature = "test-cheats")]
#[test]
fn fake_hits_above_99_percent_are_refused() {
	let output = run_node(&["--dev", "--tmp", "--compute-fake-hits", "100"]);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success());
	assert!(stderr.contains("--compute-fake-hits"), "{stderr}");
	assert!(stderr.contains("1..=99"), "{stderr}");
}

#[test]
fn compute_cuda_without_a_usable_gpu_says_what_is_missing() {
	let Err(reason) = gonka_offchain_worker::engine::cuda::probe() else {
		eprintln!("skipped: this machine has a usable GPU, so --compute cuda starts");
		return;
	};
	let output = run_on_free_ports(&["--dev", "--tmp", "--compute", "cuda"]);
	let line = failure_line(&output);
	assert!(line.contains("--compute cuda cannot run here"), "{line}");
	assert!(line.contains(&reason.to_string()), "{line} should name: {reason}");
}

#[test]
fn an_inference_model_folder_without_a_model_is_named() {
	let dir = std::env::temp_dir().join(format!("gonka-no-model-{}", std::process::id()));
	std::fs::create_dir_all(&dir).expect("temp dir");
	let output =
		run_on_free_ports(&["--dev", "--tmp", "--inference-model", dir.to_str().expect("utf-8")]);
	let _ = std::fs::remove_dir_all(&dir);
	let line = failure_line(&output);
	assert!(line.contains("--inference-model") && line.contains("config.json"), "{line}");
}

#[test]
fn inference_cuda_without_a_usable_gpu_says_what_is_missing() {
	if gonka_inference_engine::cuda::probe().is_ok() {
		eprintln!("skipped: this machine has a usable GPU, so --inference-cuda starts");
		return;
	}
	let dir = std::env::temp_dir().join(format!("gonka-cuda-model-{}", std::process::id()));
	let folder = dir.to_str().expect("utf-8");
	assert!(run_node(&["write-test-model", "--out", folder]).status.success());
	let output = run_on_free_ports(&[
		"--dev",
		"--tmp",
		"--inference-model",
		folder,
		"--inference-cuda",
		"0",
	]);
	let _ = std::fs::remove_dir_all(&dir);
	let line = failure_line(&output);
	assert!(line.contains("--inference-cuda 0: CUDA:"), "{line}");
}

#[test]
fn a_gateway_without_a_usable_key_or_node_says_what_to_give() {
	let line = failure_line(&run_node(&["gateway"]));
	assert!(line.contains("--developer-key"), "{line}");
	let line = failure_line(&run_node(&["gateway", "--developer-key", "not a key"]));
	assert!(line.contains("not a valid secret URI"), "{line}");
	// Nobody listens on the port the node is looked for at.
	let node = format!("ws://127.0.0.1:{}", free_port());
	let line = failure_line(&run_node(&["gateway", "--developer-key", "//Alice", "--node", &node]));
	assert!(line.contains("--node") && line.contains("cannot reach"), "{line}");
}

#[test]
fn an_operator_consent_without_a_host_key_or_host_says_what_to_give() {
	let dir = std::env::temp_dir().join(format!("gonka-consent-{}", std::process::id()));
	let base = dir.to_str().expect("utf-8 path");
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let line = failure_line(&run_node(&[
		"operator-consent",
		"--chain",
		"dev",
		"--base-path",
		base,
		"--host",
		alice,
	]));
	let _ = std::fs::remove_dir_all(&dir);
	assert!(line.contains("key insert --key-type gpoc"), "{line}");
	let output = run_node(&["operator-consent", "--chain", "dev", "--host", "not an address"]);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success());
	assert!(stderr.contains("not an SS58 account address"), "{stderr}");
}
