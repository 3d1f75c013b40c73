//! The figures of a network run that docs/PERFORMANCE.md quotes: time to finality, the
//! blocks and extrinsics of each epoch, where in its epoch each settlement was paid, and the
//! nodes' memory.

use std::{
	collections::BTreeMap,
	fmt::Write,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use gonka_epoch_watch::{Connection, SettledEpoch};

use crate::{sprint_status_at, Error};

/// When each block was first seen as best, and then as finalised.
#[derive(Default)]
struct Seen {
	best: BTreeMap<u32, Instant>,
	finalized: BTreeMap<u32, Instant>,
}

/// Follows one node's best and finalised blocks in the background, timing finality.
pub struct Figures {
	seen: Arc<Mutex<Seen>>,
	tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Figures {
	/// Starts timing the blocks `connection`'s node sees from now on.
	pub async fn start(connection: &Connection) -> Result<Self, Error> {
		let seen = Arc::new(Mutex::new(Seen::default()));
		let mut best = connection.client.blocks().subscribe_best().await?;
		let mut finalized = connection.client.blocks().subscribe_finalized().await?;
		let best_seen = seen.clone();
		let best_task = tokio::spawn(async move {
			while let Some(Ok(block)) = best.next().await {
				let mut seen = best_seen.lock().unwrap_or_else(|e| e.into_inner());
				seen.best.entry(block.number()).or_insert_with(Instant::now);
			}
		});
		let finalized_seen = seen.clone();
		let finalized_task = tokio::spawn(async move {
			while let Some(Ok(block)) = finalized.next().await {
				let mut seen = finalized_seen.lock().unwrap_or_else(|e| e.into_inner());
				seen.finalized.entry(block.number()).or_insert_with(Instant::now);
			}
		});
		Ok(Figures { seen, tasks: vec![best_task, finalized_task] })
	}

	/// The figures of the run, one per line: time to finality; for each of `settled`, its
	/// blocks and extrinsics and the block of its epoch that paid it (read from
	/// `connection`'s node); the resident memory of `nodes`.
	pub async fn report(
		&self,
		connection: &Connection,
		settled: &[SettledEpoch],
		nodes: &[&str],
	) -> Result<String, Error> {
		let mut text = String::new();
		let mut delays = self.time_to_finality();
		delays.sort();
		if let (Some(median), Some(max)) = (delays.get(delays.len() / 2), delays.last()) {
			writeln!(
				text,
				"time to finality (first seen best -> finalised, {} blocks): median {:.1} s, max {:.1} s",
				delays.len(),
				median.as_secs_f64(),
				max.as_secs_f64()
			)?;
		}
		for epoch in settled {
			let totals = epoch_totals(connection, epoch).await?;
			writeln!(
				text,
				"epoch {}: {} blocks{}, {} extrinsics ({} signed); {} hosts settled and paid in \
				 block {} of the epoch",
				epoch.epoch,
				totals.blocks,
				if totals.complete { "" } else { " finalised so far" },
				totals.extrinsics,
				totals.signed,
				epoch.hosts.len(),
				epoch.block_number.saturating_sub(totals.start) + 1,
			)?;
		}
		for name in nodes {
			match node_resident_kib(name) {
				Some(kib) => writeln!(text, "{name}: resident memory {} MiB", kib / 1024)?,
				None => writeln!(text, "{name}: not running")?,
			}
		}
		Ok(text)
	}

	/// For each block seen both ways, how long after it was first seen as best it was seen
	/// finalised.
	fn time_to_finality(&self) -> Vec<Duration> {
		let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
		seen.finalized
			.iter()
			.filter_map(|(number, finalized)| {
				seen.best.get(number).map(|best| finalized.saturating_duration_since(*best))
			})
			.collect()
	}
}

impl Drop for Figures {
	fn drop(&mut self) {
		for task in &self.tasks {
			task.abort();
		}
	}
}

/// One epoch's blocks added up.
struct EpochTotals {
	start: u32,
	/// Whether the next epoch's first block is final, so all of this one's are counted.
	complete: bool,
	blocks: u32,
	extrinsics: usize,
	signed: usize,
}

/// The blocks of `epoch` on the node's finalised chain, from its first to the last before
/// the next epoch (or the finalised head).
async fn epoch_totals(connection: &Connection, epoch: &SettledEpoch) -> Result<EpochTotals, Error> {
	let start = sprint_status_at(connection, epoch.block_hash).await?.epoch.start;
	let finalized = connection.rpc.chain_get_finalized_head().await?;
	let head = connection.client.blocks().at(finalized).await?.number();
	let mut totals = EpochTotals { start, complete: false, blocks: 0, extrinsics: 0, signed: 0 };
	for number in start..=head {
		let Some(hash) = connection.rpc.chain_get_block_hash(Some(number.into())).await? else {
			break;
		};
		if sprint_status_at(connection, hash).await?.epoch.index != epoch.epoch {
			totals.complete = true;
			break;
		}
		let extrinsics = connection.client.blocks().at(hash).await?.extrinsics().await?;
		totals.blocks += 1;
		totals.extrinsics += extrinsics.len();
		totals.signed += extrinsics.iter().filter(|extrinsic| extrinsic.is_signed()).count();
	}
	Ok(totals)
}

/// The resident memory, in KiB, of the `gonka-node` process started with `--name <name>`;
/// `None` when there is none (or not on Linux).
fn node_resident_kib(name: &str) -> Option<u64> {
	let processes = std::fs::read_dir("/proc").ok()?;
	for process in processes.flatten() {
		let Ok(cmdline) = std::fs::read(process.path().join("cmdline")) else { continue };
		let args: Vec<&[u8]> = cmdline.split(|byte| *byte == 0).collect();
		let is_node = args.first().is_some_and(|program| program.ends_with(b"gonka-node"));
		let named = args.windows(2).any(|pair| pair == [b"--name".as_slice(), name.as_bytes()]);
		if is_node && named {
			let status = std::fs::read_to_string(process.path().join("status")).ok()?;
			return status
				.lines()
				.find_map(|line| line.strip_prefix("VmRSS:"))
				.and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok());
		}
	}
	None
}
