//! The network under faults (issue 21), on loopback with zombienet-sdk: the five nodes of
//! `network-faults.toml` (four validator-hosts and a full node) while epochs run.
//!
//! 1. **Partition**: in a Sprint phase Charlie and Dave stop (SIGSTOP) for 45 s. Two of four
//!    GRANDPA voters are gone, so finality stops while Alice and Bob go on building blocks;
//!    when the two come back (SIGCONT) finality resumes and covers every block built
//!    meanwhile. Alice and Bob, who kept computing, are paid for that epoch.
//! 2. **Restarts**: in the next epoch Bob is killed and restarted on his database in the
//!    commit phase, Charlie in the validate phase. Each catches up, and all four hosts are
//!    paid for that epoch and the next: nothing a host submitted was lost.
//! 3. **A node from scratch**: a sixth node joins with an empty database while epochs run and
//!    syncs to the finalised head.
//!
//! In every epoch settled, no Proof-of-Compute submission failed on chain: none was doubled
//! (a second commit, reveal, seal or opening would fail as already made). The run prints its
//! figures (time to resume finality, catch-up and sync times, the epochs a fault cost a host),
//! which docs/PERFORMANCE.md quotes. About 12 minutes: `make test-faults` runs it, not
//! `make test`.

use std::time::{Duration, Instant};

use gonka_epoch_watch::{EpochWatcher, SettledEpoch};
use gonka_zombienet::{account, definition, next_epoch, spawn, Error, NodeClient, Phase, EPOCH};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::dev;
use zombienet_sdk::{AddNodeOptions, LocalFileSystem, Network};

/// How long the partitioned validators stay stopped.
const PARTITION: Duration = Duration::from_secs(45);

fn hosts() -> [(&'static str, AccountId32); 4] {
	[
		("alice", account(&dev::alice())),
		("bob", account(&dev::bob())),
		("charlie", account(&dev::charlie())),
		("dave", account(&dev::dave())),
	]
}

/// The hosts of `hosts()` that `epoch` accepted and paid.
fn paid(epoch: &SettledEpoch) -> Vec<&'static str> {
	hosts()
		.into_iter()
		.filter(|(_, host)| {
			epoch.host(host).is_some_and(|line| {
				line.outcome.starts_with("Accepted") && line.weight > 0 && line.reward > 0
			})
		})
		.map(|(name, _)| name)
		.collect()
}

/// `epoch` paid each of `expected`, and no Proof-of-Compute submission failed in it.
async fn assert_paid_and_nothing_doubled(
	epoch: &SettledEpoch,
	expected: &[&str],
	node: &NodeClient,
) -> Result<(), Error> {
	let failures =
		gonka_zombienet::diagnosis::failed_extrinsics(&node.connection, epoch.block_hash).await?;
	let doubled: Vec<&String> =
		failures.iter().filter(|failure| failure.contains("ProofOfCompute.")).collect();
	assert!(doubled.is_empty(), "epoch {}: submissions failed on chain: {doubled:?}", epoch.epoch);
	let paid = paid(epoch);
	for name in expected {
		assert!(paid.contains(name), "{name} is not paid in epoch {}: {epoch:?}", epoch.epoch);
	}
	Ok(())
}

/// Kills `name` and starts it again on its database; returns how long it took to answer RPC
/// again at (at least) the finalised head `reference` had when it was killed.
async fn restart(
	network: &Network<LocalFileSystem>,
	name: &str,
	reference: &NodeClient,
) -> Result<Duration, Error> {
	let killed = Instant::now();
	let target = reference.finalized_number().await?;
	network.get_node(name)?.restart(None).await?;
	let node = NodeClient::connect_when_up(network, name).await?;
	node.wait_for_finalized(target, EPOCH).await?;
	Ok(killed.elapsed())
}

/// Waits on `node` for `phase` of `epoch`.
async fn wait_for_phase(node: &NodeClient, epoch: u64, phase: Phase) -> Result<(), Error> {
	let what = format!("the {phase:?} phase of epoch {epoch}");
	node.wait_for_status(&what, 2 * EPOCH, |s| {
		s.epoch.index == epoch && std::mem::discriminant(&s.phase) == std::mem::discriminant(&phase)
	})
	.await?;
	Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "about 12 minutes of live network: `make test-faults` runs it"]
async fn finality_and_payment_survive_a_partition_restarts_and_a_node_syncing_from_scratch(
) -> Result<(), Error> {
	let mut network = spawn(&definition("network-faults.toml")).await?;
	// Kept when the test fails: each node's log is `<folder>/<name>/<name>.log`.
	let folder = network.base_dir().map(std::path::PathBuf::from);
	println!("network folder: {folder:?}");
	let alice = NodeClient::connect(&network, "alice").await?;
	let mut watcher = EpochWatcher::start(&alice.connection.client).await?;
	let mut figures = Vec::new();
	let mut settled = Vec::new();
	let all: Vec<&str> = hosts().iter().map(|(name, _)| *name).collect();

	for (name, _) in hosts() {
		NodeClient::connect(&network, name).await?.wait_for_finalized(3, EPOCH).await?;
	}
	let baseline = next_epoch(&mut watcher, &alice).await?;
	assert_paid_and_nothing_doubled(&baseline, &all, &alice).await?;
	settled.push(baseline);

	// 1. Partition: two of four voters stop in a Sprint phase.
	let partitioned_in = alice
		.wait_for_status("a Sprint phase", 2 * EPOCH, |s| matches!(s.phase, Phase::Sprint))
		.await?
		.epoch
		.index;
	for name in ["charlie", "dave"] {
		network.get_node(name)?.pause().await?;
	}
	let stalled_at = alice.finalized_number().await?;
	tokio::time::sleep(PARTITION).await;
	let (best, finalized) = (alice.best_number().await?, alice.finalized_number().await?);
	assert!(best >= stalled_at + 3, "Alice and Bob go on building blocks: #{best}");
	assert!(finalized <= stalled_at + 2, "finality stops without two thirds: #{finalized}");
	let back = Instant::now();
	for name in ["charlie", "dave"] {
		network.get_node(name)?.resume().await?;
	}
	alice.wait_for_finalized(best, 2 * EPOCH).await?;
	figures.push(format!(
		"partition: Charlie and Dave stopped for {} s in the Sprint phase of epoch \
		 {partitioned_in}; Alice and Bob built {} blocks meanwhile, none finalised; finality \
		 reached the last of them {:.1} s after the two came back",
		PARTITION.as_secs(),
		best.saturating_sub(finalized),
		back.elapsed().as_secs_f64()
	));
	loop {
		let epoch = next_epoch(&mut watcher, &alice).await?;
		let number = epoch.epoch;
		let expected: &[&str] = if number == partitioned_in { &["alice", "bob"] } else { &all };
		assert_paid_and_nothing_doubled(&epoch, expected, &alice).await?;
		settled.push(epoch);
		if number >= partitioned_in {
			break;
		}
	}

	// 2. Restarts in two phases of one epoch.
	let restarted_in = partitioned_in + 1;
	wait_for_phase(&alice, restarted_in, Phase::Commit).await?;
	let bob_back = restart(&network, "bob", &alice).await?;
	wait_for_phase(&alice, restarted_in, Phase::Validate).await?;
	let charlie_back = restart(&network, "charlie", &alice).await?;
	figures.push(format!(
		"restarts in epoch {restarted_in}: Bob killed in the commit phase answered again at \
		 the finalised head he was killed at {:.1} s later, Charlie killed in the validate \
		 phase {:.1} s later",
		bob_back.as_secs_f64(),
		charlie_back.as_secs_f64()
	));

	// 3. A node from scratch, while the epoch runs on.
	let joined = Instant::now();
	let bootnode = network.get_node("alice")?.multiaddr().to_owned();
	let options = AddNodeOptions {
		args: vec!["--compute=off".into(), ("--bootnodes", bootnode.as_str()).into()],
		..Default::default()
	};
	network.add_node("ferdie", options).await?;
	let ferdie = NodeClient::connect_when_up(&network, "ferdie").await?;
	let head = alice.finalized_number().await?;
	ferdie.wait_for_finalized(head, 2 * EPOCH).await?;
	figures.push(format!(
		"a node from scratch synced to the finalised head #{head} in {:.1} s",
		joined.elapsed().as_secs_f64()
	));

	// Every host is paid for the epoch of the restarts and the next.
	loop {
		let epoch = next_epoch(&mut watcher, &alice).await?;
		let number = epoch.epoch;
		assert_paid_and_nothing_doubled(&epoch, &all, &alice).await?;
		settled.push(epoch);
		if number > restarted_in {
			break;
		}
	}
	let missed: Vec<String> = settled
		.iter()
		.filter_map(|epoch| {
			let paid = paid(epoch);
			let missing: Vec<&str> = all.iter().copied().filter(|n| !paid.contains(n)).collect();
			(!missing.is_empty()).then(|| format!("epoch {}: {}", epoch.epoch, missing.join(", ")))
		})
		.collect();
	figures.push(format!(
		"epochs settled {}–{}; hosts a fault left unpaid: {}",
		settled.first().map_or(0, |e| e.epoch),
		settled.last().map_or(0, |e| e.epoch),
		if missed.is_empty() { "none".to_string() } else { missed.join("; ") }
	));
	println!("Figures of this run (docs/PERFORMANCE.md):\n{}", figures.join("\n"));

	network.destroy().await?;
	if let Some(folder) = folder {
		std::fs::remove_dir_all(&folder)?;
	}
	Ok(())
}
