//! The operator's path to a computing node: the host key inserted with `key insert` is the
//! account the compute worker works for; a keystore with two host keys, or a key file that
//! cannot sign, is refused with the fix.

mod common;

use std::{path::PathBuf, time::Duration};

use common::{run_node, Node};

/// Charlie's SS58 address, the account of the secret `//Charlie`.
const CHARLIE: &str = "5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y";

fn base_path(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("gonka-host-key-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	dir
}

fn insert_host_key(base_path: &str, suri: &str) {
	let output = run_node(&[
		"key",
		"insert",
		"--chain",
		"dev",
		"--base-path",
		base_path,
		"--key-type",
		"gpoc",
		"--scheme",
		"sr25519",
		"--suri",
		suri,
	]);
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_inserted_host_key_is_the_account_the_worker_computes_for() {
	let dir = base_path("one");
	let base = dir.to_str().expect("utf-8 path");
	insert_host_key(base, "//Charlie");

	let mut node = Node::start(&["--chain", "dev", "--base-path", base, "--compute", "cpu"]);
	let line = node.wait_for("the compute worker", Duration::from_secs(120), |n| {
		n.log().lines().find(|line| line.contains("Compute worker for host")).map(str::to_string)
	});
	drop(node);
	let _ = std::fs::remove_dir_all(&dir);
	assert!(line.contains(CHARLIE), "{line}");
	assert!(line.contains("chains/dev/compute"), "hits are kept under the base path: {line}");
}

#[test]
fn two_host_keys_are_refused() {
	let dir = base_path("two");
	let base = dir.to_str().expect("utf-8 path");
	insert_host_key(base, "//Charlie");
	insert_host_key(base, "//Dave");

	let output = run_node(&["--chain", "dev", "--base-path", base, "--compute", "cpu"]);
	let _ = std::fs::remove_dir_all(&dir);
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "{stderr}");
	assert!(
		stderr.contains("holds 2 host keys") && stderr.contains("keep exactly one"),
		"{stderr}"
	);
}

#[test]
fn a_host_key_file_that_cannot_sign_is_named_with_the_fix() {
	let dir = base_path("corrupt");
	let base = dir.to_str().expect("utf-8 path");
	insert_host_key(base, "//Charlie");
	let keystore = dir.join("chains/dev/keystore");
	let file = std::fs::read_dir(&keystore)
		.expect("the keystore folder")
		.filter_map(Result::ok)
		.map(|entry| entry.path())
		.find(|path| {
			path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("67706f63"))
		})
		.expect("the gpoc key file");

	let mut lines = Vec::new();
	// Another account's secret under Charlie's name, then no secret at all.
	for secret in ["\"//Dave\"", "\"not a secret phrase\""] {
		std::fs::write(&file, secret).expect("overwrite the key file");
		let output = run_node(&["--chain", "dev", "--base-path", base, "--compute", "cpu"]);
		let stderr = String::from_utf8_lossy(&output.stderr).to_string();
		assert!(!output.status.success(), "{stderr}");
		lines.push(stderr);
	}
	let _ = std::fs::remove_dir_all(&dir);
	for stderr in lines {
		assert!(stderr.contains(CHARLIE) && stderr.contains("cannot sign"), "{stderr}");
		assert!(stderr.contains("key insert --key-type gpoc"), "{stderr}");
		assert!(!stderr.contains("panicked"), "{stderr}");
	}
}
