//! The committed chain specs in `chain-specs/` match what the node exports from its presets.
//!
//! The runtime code (`:code`) is left out of the comparison: its bytes depend on the compiler
//! that built the WASM. Everything else (genesis accounts, authorities, properties, the raw
//! storage) must match exactly; `scripts/export-chain-specs.sh` regenerates the files.

mod common;

use serde_json::Value;

use common::{run_node, workspace_root};

/// `:code` as a hex storage key.
const CODE_KEY: &str = "0x3a636f6465";

fn without_code(mut spec: Value) -> Value {
	if let Some(top) = spec.pointer_mut("/genesis/raw/top").and_then(Value::as_object_mut) {
		top.remove(CODE_KEY);
	}
	if let Some(genesis) =
		spec.pointer_mut("/genesis/runtimeGenesis").and_then(Value::as_object_mut)
	{
		genesis.remove("code");
	}
	spec
}

fn exported(chain: &str, raw: bool) -> Value {
	let mut args = vec!["export-chain-spec", "--chain", chain];
	if raw {
		args.push("--raw");
	}
	let output = run_node(&args);
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	serde_json::from_slice(&output.stdout).expect("the node exports JSON")
}

fn committed(file: &str) -> Value {
	let path = workspace_root().join("chain-specs").join(file);
	let text = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("{}: {e}; run scripts/export-chain-specs.sh", path.display()));
	serde_json::from_str(&text).expect("committed chain specs are JSON")
}

fn assert_no_drift(chain: &str, raw: bool, file: &str) {
	assert_eq!(
		without_code(exported(chain, raw)),
		without_code(committed(file)),
		"chain-specs/{file} drifted from the node's `{chain}` preset; run scripts/export-chain-specs.sh"
	);
}

#[test]
fn dev_specs_match_the_preset() {
	assert_no_drift("dev", false, "dev.json");
	assert_no_drift("dev", true, "dev-raw.json");
}

#[test]
fn local_specs_match_the_preset() {
	assert_no_drift("local", false, "local.json");
	assert_no_drift("local", true, "local-raw.json");
}

#[test]
fn committed_specs_carry_runtime_code() {
	for file in ["dev.json", "dev-raw.json", "local.json", "local-raw.json"] {
		let spec = committed(file);
		let code = spec
			.pointer("/genesis/raw/top/0x3a636f6465")
			.or_else(|| spec.pointer("/genesis/runtimeGenesis/code"))
			.and_then(Value::as_str)
			.unwrap_or_default();
		assert!(code.len() > 1000, "chain-specs/{file} has no runtime code");
	}
}
