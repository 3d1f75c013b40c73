//! The Sprint's nonce search: a thread that evaluates batches of nonces on the engine, from
//! where the epoch's hits file stops, and records each batch on disk while the next one is
//! computed, so the device does not wait for the disk. A batch counts as searched once it is
//! on disk.

use std::{
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		mpsc::{sync_channel, Receiver, SyncSender},
		Arc,
	},
	thread::JoinHandle,
	time::{Duration, Instant},
};

use gonka_primitives::{merkle::Leaf, Distance};

use super::{metrics::Metrics, store::HitsFile};
use crate::engine::{self, Account, Backend};

/// Counters a running search updates after every batch.
#[derive(Default)]
pub struct Progress {
	/// Nonces searched in this epoch, including before a restart.
	pub searched: AtomicU64,
	/// Hits found in this epoch, including before a restart.
	pub hits: AtomicU64,
}

/// A search running on its own thread.
pub struct Search {
	stop: Arc<AtomicBool>,
	progress: Arc<Progress>,
	thread: Option<JoinHandle<(HitsFile, Result<(), String>)>>,
	started: Instant,
	searched_at_start: u64,
}

/// Lowers the calling thread's scheduling priority (Linux `nice` 10, inherited by the threads
/// it spawns), so that the search never delays block import, authoring or GRANDPA.
fn lower_priority() {
	#[cfg(target_os = "linux")]
	// SAFETY: `setpriority` with `who = 0` changes only the calling thread; no memory is passed.
	unsafe {
		libc::setpriority(libc::PRIO_PROCESS, 0, 10);
	}
}

impl Search {
	/// Starts searching for `account` on `backend` from `file.searched_to()` on.
	pub fn start(
		backend: Box<dyn Backend>,
		account: Account,
		r_target: Distance,
		file: HitsFile,
		metrics: Option<Metrics>,
	) -> std::io::Result<Self> {
		let stop = Arc::new(AtomicBool::new(false));
		let progress = Arc::new(Progress::default());
		let searched_at_start = file.searched_to();
		progress.searched.store(searched_at_start, Ordering::Relaxed);
		progress.hits.store(file.hits().len() as u64, Ordering::Relaxed);
		let thread = std::thread::Builder::new().name("compute-search".into()).spawn({
			let stop = stop.clone();
			let progress = progress.clone();
			move || {
				lower_priority();
				let mut file = file;
				let result =
					search(&*backend, &account, r_target, &mut file, &stop, &progress, metrics);
				(file, result)
			}
		})?;
		Ok(Self {
			stop,
			progress,
			thread: Some(thread),
			started: Instant::now(),
			searched_at_start,
		})
	}

	/// Nonces per second since this search started.
	pub fn rate(&self) -> f64 {
		let searched = self.progress.searched.load(Ordering::Relaxed);
		searched.saturating_sub(self.searched_at_start) as f64
			/ self.started.elapsed().as_secs_f64().max(1e-3)
	}

	/// Whether the search thread has ended (by an error) without being stopped.
	pub fn has_ended(&self) -> bool {
		self.thread.as_ref().is_none_or(JoinHandle::is_finished)
	}

	/// Stops the search after the batch in progress, once every computed batch is on disk, and
	/// returns the file with every hit.
	pub fn stop(mut self) -> Result<HitsFile, String> {
		self.stop.store(true, Ordering::Relaxed);
		let thread = self.thread.take().ok_or("the search was already stopped")?;
		let (file, result) = thread.join().map_err(|_| "the search thread panicked".to_string())?;
		result.map(|()| file)
	}
}

impl Drop for Search {
	fn drop(&mut self) {
		self.stop.store(true, Ordering::Relaxed);
	}
}

/// A computed batch on its way to disk.
struct Batch {
	/// The batch searched every nonce from the end of the one before it up to here.
	end: u64,
	hits: Vec<Leaf>,
	took: Duration,
}

/// Searches from `file.searched_to()` until `stop`: a thread computes the batches while this
/// one records each on disk, at most one batch ahead of it. Every computed batch is recorded
/// before this returns; an error on either side ends the search with it.
fn search(
	backend: &dyn Backend,
	account: &Account,
	r_target: Distance,
	file: &mut HitsFile,
	stop: &AtomicBool,
	progress: &Progress,
	metrics: Option<Metrics>,
) -> Result<(), String> {
	let from = file.searched_to();
	let (batches, computed) = sync_channel(1);
	std::thread::scope(|scope| {
		let computing = std::thread::Builder::new()
			.name("compute-batches".into())
			.spawn_scoped(scope, move || compute(backend, account, r_target, from, stop, batches))
			.map_err(|error| format!("cannot start the compute thread: {error}"))?;
		let recorded = record(file, computed, progress, metrics.as_ref());
		let computed = computing.join().map_err(|_| "the compute thread panicked".to_string())?;
		recorded.and(computed)
	})
}

/// Computes batch after batch from nonce `from` until `stop`, handing each to `batches`; ends
/// early when the recording side has ended.
fn compute(
	backend: &dyn Backend,
	account: &Account,
	r_target: Distance,
	from: u64,
	stop: &AtomicBool,
	batches: SyncSender<Batch>,
) -> Result<(), String> {
	let mut start = from;
	while !stop.load(Ordering::Relaxed) {
		let size = backend.preferred_batch().max(1) as u64;
		let end = start.checked_add(size).ok_or("the nonce space is exhausted")?;
		let nonces: Vec<u64> = (start..end).collect();
		let began = Instant::now();
		let hits = engine::hits(backend, account, &nonces, r_target).map_err(|e| e.to_string())?;
		if batches.send(Batch { end, hits, took: began.elapsed() }).is_err() {
			break;
		}
		start = end;
	}
	Ok(())
}

/// Records each batch from `batches` on disk, then counts it, until the computing side ends.
fn record(
	file: &mut HitsFile,
	batches: Receiver<Batch>,
	progress: &Progress,
	metrics: Option<&Metrics>,
) -> Result<(), String> {
	for Batch { end, hits, took } in batches {
		let searched = end - file.searched_to();
		file.append(end, &hits)
			.map_err(|e| format!("cannot record hits in {}: {e}", file.path().display()))?;
		progress.searched.store(end, Ordering::Relaxed);
		progress.hits.fetch_add(hits.len() as u64, Ordering::Relaxed);
		if let Some(metrics) = metrics {
			metrics.searched(searched, hits.len() as u64, took);
		}
	}
	Ok(())
}

#[cfg(test)]
mod tests;
