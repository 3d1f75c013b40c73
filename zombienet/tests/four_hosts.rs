//! The network of `four-hosts.toml` on loopback, driven only through zombienet-sdk and the
//! subxt client: blocks finalise; every honest host earns weight in every epoch; Eve, a host
//! reporting fake hits, is rejected and slashed; Ferdie, a host committing his real hits eight
//! times over, fails his reveal and is slashed for fraud without ever earning weight; Dave,
//! who validates lazily (echoing claims as check values), is outvoted and earns nothing as a
//! validator, while his own honest hits are paid; with
//! Charlie stopped the other three keep finalising; Charlie, killed and restarted on its
//! database, catches up, earns weight again and stays an active host.

use std::time::Duration;

use gonka_epoch_watch::{
	gonka::{
		self,
		runtime_types::{
			bounded_collections::bounded_vec::BoundedVec,
			pallet_host_reputation::types::{Host, HostInfo, HostStatus},
		},
	},
	EpochWatcher, SettledEpoch,
};
use gonka_zombienet::{account, next_epoch, spawn, Error, Figures, NodeClient, Phase, EPOCH};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::{dev, Keypair};

/// The node that is stopped, then killed and restarted.
const RESTARTED: &str = "charlie";
/// The lazy validator.
const LAZY: &str = "dave";

fn honest_accounts() -> [(&'static str, AccountId32); 4] {
	[
		("alice", account(&dev::alice())),
		("bob", account(&dev::bob())),
		("charlie", account(&dev::charlie())),
		("dave", account(&dev::dave())),
	]
}

/// Every honest host was accepted in `epoch` and paid for the weight it earned. When one has
/// no result, the epoch's failed extrinsics are printed first, to say why.
async fn assert_honest_hosts_paid(epoch: &SettledEpoch, node: &NodeClient) {
	if honest_accounts().iter().any(|(_, host)| epoch.host(host).is_none()) {
		match gonka_zombienet::diagnosis::failed_extrinsics(&node.connection, epoch.block_hash)
			.await
		{
			Ok(failures) => failures.iter().for_each(|failure| println!("{failure}")),
			Err(error) => println!("the epoch's failed extrinsics cannot be read: {error}"),
		}
	}
	for (name, host) in honest_accounts() {
		let line = epoch
			.host(&host)
			.unwrap_or_else(|| panic!("{name} has no result in epoch {}", epoch.epoch));
		assert_eq!(line.outcome, "Accepted", "{name} in epoch {}: {line:?}", epoch.epoch);
		assert!(line.weight > 0 && line.reward > 0, "{name} in epoch {}: {line:?}", epoch.epoch);
		assert!(
			line.passed_by >= 2 && line.failed_by == 0,
			"{name} in epoch {}: {line:?}",
			epoch.epoch
		);
	}
}

/// `who`'s record in the host registry at the node's last finalised block.
async fn host_record(node: &NodeClient, who: AccountId32) -> Result<Host<u128>, Error> {
	let storage = node.connection.client.storage().at_latest().await?;
	let record = storage.fetch(&gonka::storage().host_reputation().hosts(who)).await?;
	Ok(record.ok_or("no host record")?)
}

/// Registers `who` as a host with ten times the minimum collateral; returns the collateral.
async fn register_host(node: &NodeClient, who: &Keypair, name: &str) -> Result<u128, Error> {
	let client = &node.connection.client;
	let params = gonka::storage().host_reputation().params();
	let min = client.storage().at_latest().await?.fetch_or_default(&params).await?.min_collateral;
	let collateral = min * 10;
	let info = HostInfo {
		name: BoundedVec(name.as_bytes().to_vec()),
		endpoint: BoundedVec(Vec::new()),
		hardware: BoundedVec(b"CPU".to_vec()),
	};
	let call = gonka::tx().host_reputation().register_host(collateral, info);
	client
		.tx()
		.sign_and_submit_then_watch_default(&call, who)
		.await?
		.wait_for_finalized_success()
		.await?;
	Ok(collateral)
}

/// Dave, the lazy validator, was outvoted in the `epochs` where he was drawn for a host that
/// other validators checked too (in one of them at least: whether he is drawn so in a given
/// epoch is up to the draw), and none of his attestations ever agreed with an outcome (as read
/// at the blocks that paid them).
async fn assert_lazy_validator_outvoted(
	epochs: &[SettledEpoch],
	node: &NodeClient,
) -> Result<(), Error> {
	let dave = account(&dev::dave());
	let poc = gonka::storage().proof_of_compute();
	let mut outvoted = 0;
	for epoch in epochs {
		let storage = node.connection.client.storage().at(epoch.block_hash);
		outvoted += storage.fetch_or_default(&poc.outvoted(epoch.epoch, dave.clone())).await?;
		let agreed = storage.fetch_or_default(&poc.agreed(epoch.epoch, dave.clone())).await?;
		assert_eq!(agreed, 0, "{LAZY} earns no validator reward in epoch {}", epoch.epoch);
	}
	let numbers: Vec<u64> = epochs.iter().map(|epoch| epoch.epoch).collect();
	assert!(outvoted > 0, "{LAZY} is outvoted in one of epochs {numbers:?}");
	Ok(())
}

/// The example client's output: the epoch the test read, and each host's line.
async fn assert_example_printed(
	example: tokio::process::Child,
	epoch: &SettledEpoch,
) -> Result<(), Error> {
	let output = tokio::time::timeout(Duration::from_secs(30), example.wait_with_output())
		.await
		.map_err(|_| "gonka-epoch-watch did not end after printing one epoch")??;
	let text = String::from_utf8_lossy(&output.stdout);
	assert!(output.status.success(), "gonka-epoch-watch failed:\n{text}");
	assert!(
		text.contains(&format!("epoch {} paid in block #{}", epoch.epoch, epoch.block_number)),
		"{text}"
	);
	for (name, host) in honest_accounts() {
		let line = text
			.lines()
			.find(|line| line.contains(&host.to_string()))
			.unwrap_or_else(|| panic!("no line for {name}:\n{text}"));
		assert!(line.contains("Accepted") && line.contains("reward"), "{line}");
	}
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn four_hosts_validate_each_other_catch_a_cheat_and_survive_a_node_down() -> Result<(), Error>
{
	let network = spawn(&gonka_zombienet::definition("four-hosts.toml")).await?;
	// Kept when the test fails: each node's log is `<folder>/<name>/<name>.log`.
	let folder = network.base_dir().map(std::path::PathBuf::from);
	println!("network folder: {folder:?}");
	let alice = NodeClient::connect(&network, "alice").await?;
	let mut watcher = EpochWatcher::start(&alice.connection.client).await?;
	let figures = Figures::start(&alice.connection).await?;
	let mut settled = Vec::new();
	// The example client, run as an operator runs it, prints the first epoch paid.
	let example = tokio::process::Command::new("gonka-epoch-watch")
		.args(["--url", network.get_node("alice")?.ws_uri(), "--epochs", "1"])
		.stdout(std::process::Stdio::piped())
		.kill_on_drop(true)
		.spawn()
		.map_err(|e| format!("gonka-epoch-watch (built with the node, on PATH): {e}"))?;

	// Blocks finalise on every validator.
	for (name, _) in honest_accounts() {
		NodeClient::connect(&network, name).await?.wait_for_finalized(3, EPOCH).await?;
	}

	// Eve registers as a host; her node then commits and reveals fake hits. Ferdie registers
	// too; his node commits his real hits eight times over.
	let eve = dev::eve();
	let eve_collateral = register_host(&alice, &eve, "eve").await?;
	let ferdie = dev::ferdie();
	let ferdie_collateral = register_host(&alice, &ferdie, "ferdie").await?;

	// Every epoch pays the four honest hosts, until one judges Eve.
	let first = next_epoch(&mut watcher, &alice).await?;
	assert_honest_hosts_paid(&first, &alice).await;
	assert_example_printed(example, &first).await?;
	settled.push(first.clone());
	// Eve registered in the first epoch, so she is judged in it or, if her registration came
	// after its Sprint, in the next.
	let mut epoch = first;
	let eve_result = loop {
		if let Some(line) = epoch.host(&account(&eve)) {
			break line.clone();
		}
		assert!(
			settled.len() < 2,
			"Eve has no result in epochs {:?}",
			settled.iter().map(|e| e.epoch).collect::<Vec<_>>()
		);
		epoch = next_epoch(&mut watcher, &alice).await?;
		assert_honest_hosts_paid(&epoch, &alice).await;
		settled.push(epoch.clone());
	};
	assert_eq!(eve_result.outcome, "Rejected", "{eve_result:?}");
	assert!(eve_result.failed_by >= 2 && eve_result.weight == 0 && eve_result.reward == 0);
	let record = host_record(&alice, account(&eve)).await?;
	assert!(
		matches!(record.status, HostStatus::Removed { .. }),
		"Eve is removed: {:?}",
		record.status
	);
	assert_eq!(record.collateral, eve_collateral * 80 / 100, "20% of Eve's collateral is slashed");
	assert_eq!(record.reputation, 0);

	// Ferdie's inflated commitment cannot pass its reveal: he is removed for fraud within an
	// epoch of committing, and no epoch ever counts him.
	let ferdie_record = loop {
		let record = host_record(&alice, account(&ferdie)).await?;
		if matches!(record.status, HostStatus::Removed { .. }) {
			break record;
		}
		assert!(settled.len() < 4, "Ferdie is still a host: {:?}", record.status);
		let epoch = next_epoch(&mut watcher, &alice).await?;
		assert_honest_hosts_paid(&epoch, &alice).await;
		settled.push(epoch);
	};
	assert_eq!(
		ferdie_record.collateral,
		ferdie_collateral * 80 / 100,
		"20% of Ferdie's collateral is slashed"
	);
	assert_eq!(ferdie_record.reputation, 0);
	assert!(
		settled.iter().all(|epoch| epoch.host(&account(&ferdie)).is_none()),
		"Ferdie never passed a reveal"
	);

	// Once the epoch's validation is over, Charlie stops; the other three keep finalising.
	let down = alice
		.wait_for_status("settlement phase", EPOCH, |s| {
			matches!(s.phase, Phase::Settle | Phase::Inference)
		})
		.await?;
	let charlie_node = network.get_node(RESTARTED)?;
	charlie_node.pause().await?;
	let finalized_at_stop = alice.finalized_number().await?;
	for name in ["alice", "bob", "dave"] {
		let node = NodeClient::connect(&network, name).await?;
		node.wait_for_finalized(finalized_at_stop + 4, Duration::from_secs(90)).await?;
	}

	// Charlie is killed and started again on its database: it catches up with the others.
	charlie_node.restart(None).await?;
	let target = alice.finalized_number().await?;
	let charlie = NodeClient::connect_when_up(&network, RESTARTED).await?;
	charlie.wait_for_finalized(target, Duration::from_secs(90)).await?;

	// It keeps earning: the epoch after its restart pays all four again.
	let restarted_in = down.epoch.index + 1;
	loop {
		let epoch = next_epoch(&mut watcher, &alice).await?;
		assert_honest_hosts_paid(&epoch, &alice).await;
		settled.push(epoch.clone());
		if epoch.epoch >= restarted_in {
			break;
		}
	}
	assert_lazy_validator_outvoted(&settled, &alice).await?;
	let charlie_record = host_record(&alice, account(&dev::charlie())).await?;
	assert!(matches!(charlie_record.status, HostStatus::Active), "{:?}", charlie_record.status);
	assert!(charlie_record.reputation > 0, "Charlie keeps his reputation");

	let nodes = network.node_names();
	let nodes: Vec<&str> = nodes.iter().map(String::as_str).collect();
	let figures = figures.report(&alice.connection, &settled, &nodes).await?;
	println!("Figures of this run (docs/PERFORMANCE.md):\n{figures}");
	network.destroy().await?;
	if let Some(folder) = folder {
		std::fs::remove_dir_all(&folder)?;
	}
	Ok(())
}
