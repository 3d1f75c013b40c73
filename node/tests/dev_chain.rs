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
	let phases = ["Sprint", "Commit", "Reveal", "Validate", "Open", "Settle", "Inference"];
	assert!(phases.iter().any(|phase| status["phase"] == *phase), "{status}");
	assert!(status["blocksLeftInPhase"].as_u64().is_some_and(|left| (1..=10).contains(&left)));
	let seed = status["seed"].as_str().expect("a hex seed");
	assert!(seed.starts_with("0x") && seed.len() == 66, "{seed}");
}

#[test]
fn poc_host_and_epoch_results_describe_hosts_and_refuse_bad_requests() {
	let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	let bob = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
	let mut node = Node::start(&["--dev", "--tmp", "--compute", "off"]);

	let host = node.wait_for("poc_host", Duration::from_secs(300), |n| {
		n.rpc("poc_host", serde_json::json!([alice]))
	});
	assert_eq!(host["host"], alice);
	assert_eq!(host["status"], "Active");
	assert_eq!(host["collateral"], "100000000000000", "the genesis collateral, 100,000 GNK");
	assert_eq!(host["registeredIn"], 0);

	let missing = node.rpc_error("poc_host", serde_json::json!([bob])).expect("an error");
	assert_eq!(missing["code"], 8003);
	assert!(missing["message"].as_str().is_some_and(|m| m.contains(bob)), "{missing}");

	let too_many =
		node.rpc_error("poc_epochResults", serde_json::json!([0, null, 1001])).expect("an error");
	assert_eq!(too_many["code"], 8004);

	// Parameters of the wrong shape get JSON-RPC's invalid-params error, naming what is wrong.
	for (method, params) in [
		("poc_host", serde_json::json!(["not an address"])),
		("poc_host", serde_json::json!([alice, "0x1234"])),
		("poc_epochResults", serde_json::json!([-1])),
		("poc_epochResults", serde_json::json!(["zero"])),
	] {
		let error = node.rpc_error(method, params.clone()).expect("an error");
		assert_eq!(error["code"], -32602, "{method} {params}: {error}");
		assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
	}
	let unknown_block = node
		.rpc_error("poc_status", serde_json::json!([format!("0x{}", "ab".repeat(32))]))
		.expect("an error");
	assert_eq!(unknown_block["code"], 8001, "a block this node does not have: {unknown_block}");

	let page = node.rpc("poc_epochResults", serde_json::json!([0])).expect("a page");
	assert_eq!(page["epoch"], 0);
	assert!(page["results"].as_array().is_some_and(Vec::is_empty), "nobody computed: {page}");
	assert!(page["next"].is_null());
}
