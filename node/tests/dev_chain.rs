//! `gonka-node --dev` produces and finalises blocks.

mod common;

use std::time::Duration;

use common::Node;

#[test]
fn dev_chain_imports_and_finalises_blocks() {
	let mut node = Node::start(&["--dev", "--tmp"]);

	let best = node.wait_for("3 imported blocks", Duration::from_secs(300), |n| {
		n.best_number().filter(|best| *best >= 3)
	});
	let (finalized, _) = node.wait_for("a finalised block", Duration::from_secs(120), |n| {
		n.finalized().filter(|(number, _)| *number >= 1)
	});

	assert!(best >= 3, "best block {best}");
	assert!(finalized >= 1, "finalised block {finalized}");
}

#[test]
fn dev_chain_exposes_gnk_token_properties() {
	let mut node = Node::start(&["--dev", "--tmp"]);

	let properties = node.wait_for("system_properties", Duration::from_secs(300), |n| {
		n.rpc("system_properties", serde_json::json!([]))
	});
	assert_eq!(properties["tokenSymbol"], "GNK");
	assert_eq!(properties["tokenDecimals"], 9);
	assert_eq!(properties["ss58Format"], 42);

	let version = node.wait_for("state_getRuntimeVersion", Duration::from_secs(60), |n| {
		n.rpc("state_getRuntimeVersion", serde_json::json!([]))
	});
	assert_eq!(version["specName"], "gonka");
}

#[test]
fn poc_status_reports_the_sprint_clock() {
	let mut node = Node::start(&["--dev", "--tmp"]);

	let status = node.wait_for("poc_status after block 1", Duration::from_secs(300), |n| {
		n.rpc("poc_status", serde_json::json!([])).filter(|status| status["epochStart"] == 1)
	});
	assert_eq!(status["epoch"], 0);
	assert_eq!(status["epochLength"], 25);
	let phases = ["Sprint", "Commit", "Reveal", "Validate", "Settle", "Inference"];
	assert!(phases.iter().any(|phase| status["phase"] == *phase), "{status}");
	assert!(status["blocksLeftInPhase"].as_u64().is_some_and(|left| (1..=10).contains(&left)));
	let seed = status["seed"].as_str().expect("a hex seed");
	assert!(seed.starts_with("0x") && seed.len() == 66, "{seed}");
}
