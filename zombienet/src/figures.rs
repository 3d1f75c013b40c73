//! The figures of a network run that docs/PERFORMANCE.md quotes: time to finality, the
//! blocks and extrinsics of each epoch, where in its epoch each settlement was paid, and the
//! nodes' memory.

use std::{
	collections::BTreeMap,
	fmt::Write,
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};

use gonka_epoch_watch::{gonka, Config, Connection, SettledEpoch};
use subxt::OnlineClient;

use crate::Error;

/// What one finalised block held.
#[derive(Clone, Copy, Debug)]
struct BlockFigures {
	epoch: u64,
	epoch_start: u32,
	extrinsics: usize,
	signed: usize,
	/// From the block first seen as best to the block seen finalised.
	time_to_finality: Option<Duration>,
}

/// One epoch's finalised blocks added up.
#[derive(Clone, Copy, Debug)]
struct EpochTotals {
	start: u32,
	blocks: u32,
	extrinsics: usize,
	signed: usize,
}

#[derive(Default)]
struct Recorded {
	best_seen: BTreeMap<u32, Instant>,
	finalized: BTreeMap<u32, BlockFigures>,
}

/// Follows one node's best and finalised blocks in the background and records their figures.
pub struct Figures {
	recorded: Arc<Mutex<Recorded>>,
	tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Figures {
	/// Starts recording from the blocks `connection`'s node sees from now on.
	pub async fn start(connection: &Connection) -> Result<Self, Error> {
		let recorded = Arc::new(Mutex::new(Recorded::default()));
		let mut best = connection.client.blocks().subscribe_best().await?;
		let mut finalized = connection.client.blocks().subscribe_finalized().await?;
		let best_recorded = recorded.clone();
		let best_task = tokio::spawn(async move {
			while let Some(Ok(block)) = best.next().await {
				let mut recorded = best_recorded.lock().unwrap_or_else(|e| e.into_inner());
				recorded.best_seen.entry(block.number()).or_insert_with(Instant::now);
			}
		});
		let client = connection.client.clone();
		let finalized_recorded = recorded.clone();
		let finalized_task = tokio::spawn(async move {
			while let Some(Ok(block)) = finalized.next().await {
				let seen = Instant::now();
				let Ok(figures) = block_figures(&client, &block).await else { continue };
				let mut recorded = finalized_recorded.lock().unwrap_or_else(|e| e.into_inner());
				let time_to_finality =
					recorded.best_seen.get(&block.number()).map(|best| seen.duration_since(*best));
				recorded
					.finalized
					.insert(block.number(), BlockFigures { time_to_finality, ..figures });
			}
		});
		Ok(Figures { recorded, tasks: vec![best_task, finalized_task] })
	}

	/// The figures so far, as a Markdown report: finality, each complete epoch's blocks and
	/// extrinsics, where each of `settled` was paid, and the memory of `nodes`.
	pub fn report(&self, settled: &[SettledEpoch], nodes: &[(&str, Option<u64>)]) -> String {
		let recorded = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
		let mut text = String::new();
		let mut delays: Vec<Duration> =
			recorded.finalized.values().filter_map(|block| block.time_to_finality).collect();
		delays.sort();
		if let (Some(median), Some(max)) = (delays.get(delays.len() / 2), delays.last()) {
			let _ = writeln!(
				text,
				"time to finality (best -> finalised, {} blocks): median {:.1} s, max {:.1} s",
				delays.len(),
				median.as_secs_f64(),
				max.as_secs_f64()
			);
		}
		let mut epochs: BTreeMap<u64, EpochTotals> = BTreeMap::new();
		for block in recorded.finalized.values() {
			let totals = epochs.entry(block.epoch).or_insert(EpochTotals {
				start: block.epoch_start,
				blocks: 0,
				extrinsics: 0,
				signed: 0,
			});
			totals.blocks += 1;
			totals.extrinsics += block.extrinsics;
			totals.signed += block.signed;
		}
		// The first and last epochs were seen in part.
		let first = epochs.keys().next().copied();
		let last = epochs.keys().next_back().copied();
		for (epoch, totals) in &epochs {
			if Some(*epoch) == first || Some(*epoch) == last {
				continue;
			}
			let _ = writeln!(
				text,
				"epoch {epoch}: {} blocks, {} extrinsics ({} signed)",
				totals.blocks, totals.extrinsics, totals.signed
			);
		}
		for epoch in settled {
			if let Some(EpochTotals { start, .. }) = epochs.get(&epoch.epoch) {
				let _ = writeln!(
					text,
					"epoch {}: {} hosts settled and paid in block #{}, block {} of the epoch",
					epoch.epoch,
					epoch.hosts.len(),
					epoch.block_number,
					epoch.block_number.saturating_sub(*start) + 1
				);
			}
		}
		for (name, rss) in nodes {
			match rss {
				Some(kib) => {
					let _ = writeln!(text, "{name}: resident memory {} MiB", kib / 1024);
				},
				None => {
					let _ = writeln!(text, "{name}: not running");
				},
			}
		}
		text
	}
}

impl Drop for Figures {
	fn drop(&mut self) {
		for task in &self.tasks {
			task.abort();
		}
	}
}

async fn block_figures(
	client: &OnlineClient<Config>,
	block: &subxt::blocks::Block<Config, OnlineClient<Config>>,
) -> Result<BlockFigures, Error> {
	let extrinsics = block.extrinsics().await?;
	let signed = extrinsics.iter().filter(|extrinsic| extrinsic.is_signed()).count();
	let call = gonka::apis().proof_of_compute_api().sprint_status();
	let status = client
		.runtime_api()
		.at(block.hash())
		.call(call)
		.await?
		.ok_or("no epoch at this block")?;
	Ok(BlockFigures {
		epoch: status.epoch.index,
		epoch_start: status.epoch.start,
		extrinsics: extrinsics.len(),
		signed,
		time_to_finality: None,
	})
}

/// The resident memory, in KiB, of the `gonka-node` process started with `--name <name>`;
/// `None` when there is none (or not on Linux).
pub fn node_resident_kib(name: &str) -> Option<u64> {
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
