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
