//! The search on real backends: every batch it computes reaches the hits file, a restart
//! resumes from the file, and a device that fails costs no nonce.

use std::{
	num::NonZeroUsize,
	path::{Path, PathBuf},
	sync::{atomic::AtomicUsize, Mutex},
};

use gonka_primitives::ModelParams;
use substrate_prometheus_endpoint::{
	prometheus::{Encoder, TextEncoder},
	Registry,
};

use super::*;
use crate::{
	driver::report_fallback,
	engine::{
		cpu::CpuBackend,
		devices::{Device, Devices},
		EngineError, Model,
	},
};

/// A small shape, quick on one core.
const SMALL: ModelParams = ModelParams { dim: 64, layers: 2, heads: 4, ffn: 172, seq: 8, out: 256 };
const SEED: [u8; 32] = [3; 32];
const HOST: [u8; 32] = [1; 32];
/// Every nonce is a hit, so the hits file lists every nonce searched with its distance.
const EVERY_NONCE: Distance = Distance(u32::MAX);

fn model() -> Arc<Model> {
	Arc::new(Model::build(SEED, SMALL).expect("valid params"))
}

fn one_thread(model: &Arc<Model>) -> CpuBackend {
	CpuBackend::new(model.clone(), NonZeroUsize::new(1))
}

/// An empty folder for test `name`'s hits.
fn empty_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("gonka-search-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	dir
}

/// The hits file in `dir`, as a restarted node opens it.
fn hits_file(dir: &Path) -> HitsFile {
	HitsFile::open(dir, 4, &SEED, &HOST).expect("a writable temp dir")
}

/// What one CPU finds in nonces `0..end`.
fn cpu_hits(model: &Arc<Model>, end: u64) -> Vec<Leaf> {
	let nonces: Vec<u64> = (0..end).collect();
	engine::hits(&one_thread(model), &HOST, &nonces, EVERY_NONCE).expect("the CPU computes")
}

/// Waits until `search` has recorded nonces up to `to`.
fn searched_to(search: &Search, to: u64) {
	let deadline = Instant::now() + Duration::from_secs(120);
	while search.progress.searched.load(Ordering::Relaxed) < to {
		assert!(!search.has_ended(), "the search ended early");
		assert!(Instant::now() < deadline, "the search is stuck");
		std::thread::sleep(Duration::from_millis(20));
	}
}

/// A device that computes like the CPU for `good_calls` calls, then fails with `error` every
/// time, as a GPU that fell off the bus would; `calls` counts every call.
struct FailingDevice {
	cpu: CpuBackend,
	good_calls: usize,
	calls: Arc<AtomicUsize>,
	error: EngineError,
}

impl Backend for FailingDevice {
	fn name(&self) -> String {
		"failing device".into()
	}

	fn model(&self) -> &Arc<Model> {
		self.cpu.model()
	}

	fn preferred_batch(&self) -> usize {
		100
	}

	fn distances(&self, account: &Account, nonces: &[u64]) -> Result<Vec<f32>, EngineError> {
		if self.calls.fetch_add(1, Ordering::Relaxed) < self.good_calls {
			self.cpu.distances(account, nonces)
		} else {
			Err(self.error.clone())
		}
	}
}

/// Keeps the warnings logged while the tests run.
struct Warnings(Mutex<Vec<String>>);

static WARNINGS: Warnings = Warnings(Mutex::new(Vec::new()));

impl log::Log for Warnings {
	fn enabled(&self, metadata: &log::Metadata) -> bool {
		metadata.level() <= log::Level::Warn
	}

	fn log(&self, record: &log::Record) {
		if self.enabled(record.metadata()) {
			self.0.lock().expect("not poisoned").push(format!(
				"{}: {}",
				record.target(),
				record.args()
			));
		}
	}

	fn flush(&self) {}
}

/// Keeps the warnings logged from now on (in this process).
fn keep_warnings() {
	if log::set_logger(&WARNINGS).is_ok() {
		log::set_max_level(log::LevelFilter::Warn);
	}
}

/// The warnings kept so far, with their targets.
fn warnings() -> Vec<String> {
	WARNINGS.0.lock().expect("not poisoned").clone()
}

/// Guards the overlap of computing and recording: a batch computed but not on disk when the
/// search stops would be lost to the commitment, and a resumed search that skipped or repeated
/// nonces would commit a gap or a duplicate leaf.
#[test]
fn every_computed_batch_is_on_disk_when_the_search_stops_and_a_restart_resumes_there() {
	let model = model();
	let batch = one_thread(&model).preferred_batch() as u64;
	let dir = empty_dir("resume");

	let search =
		Search::start(Box::new(one_thread(&model)), HOST, EVERY_NONCE, hits_file(&dir), None)
			.expect("starts");
	let progress = search.progress.clone();
	searched_to(&search, 2 * batch);
	let file = search.stop().expect("no error");
	let first = file.searched_to();
	assert!(first >= 2 * batch && first.is_multiple_of(batch), "whole batches: {first}");
	assert_eq!(progress.searched.load(Ordering::Relaxed), first, "counted once on disk, all of it");
	assert_eq!(progress.hits.load(Ordering::Relaxed), first, "every nonce is a hit");

	drop(file);
	let file = hits_file(&dir);
	assert_eq!(file.searched_to(), first, "every recorded batch was synced");
	assert_eq!(file.hits(), cpu_hits(&model, first));

	let search = Search::start(Box::new(one_thread(&model)), HOST, EVERY_NONCE, file, None)
		.expect("restarts");
	searched_to(&search, first + batch);
	drop(search.stop().expect("no error"));
	let file = hits_file(&dir);
	assert!(file.searched_to() > first);
	assert_eq!(file.hits(), cpu_hits(&model, file.searched_to()), "no nonce skipped or repeated");
}

/// Guards the search's error path through the recording thread: an engine error must end the
/// search with its message, and the batches before it must still be on disk.
#[test]
fn an_engine_error_ends_the_search_with_it_after_recording_the_batches_before() {
	let model = model();
	let failing = FailingDevice {
		cpu: one_thread(&model),
		good_calls: 3,
		calls: Arc::default(),
		error: EngineError::Input("no such nonce".into()),
	};
	let dir = empty_dir("error");
	let search =
		Search::start(Box::new(failing), HOST, EVERY_NONCE, hits_file(&dir), None).expect("starts");
	let deadline = Instant::now() + Duration::from_secs(120);
	while !search.has_ended() {
		assert!(Instant::now() < deadline, "the search does not end");
		std::thread::sleep(Duration::from_millis(20));
	}
	assert_eq!(search.stop().err().as_deref(), Some("no such nonce"));
	let file = hits_file(&dir);
	assert_eq!(file.searched_to(), 300, "the three good batches");
	assert_eq!(file.hits(), cpu_hits(&model, 300));
}

/// Guards a multi-GPU host against a GPU that fails mid-Sprint: its part goes to the CPU, in
/// the batch where it failed and after, so the hits are exactly the all-CPU hits (no nonce
/// lost or repeated), the failing device is not asked again, and the operator sees one
/// warning and one count of the fallback.
#[test]
fn a_device_that_fails_is_replaced_by_the_cpu_without_losing_a_nonce() {
	keep_warnings();
	let model = model();
	let registry = Registry::new();
	let metrics = Metrics::register(&registry).expect("registers");
	let calls = Arc::new(AtomicUsize::new(0));
	let failing = FailingDevice {
		cpu: one_thread(&model),
		good_calls: 2,
		calls: calls.clone(),
		error: EngineError::Device("the GPU fell off the bus".into()),
	};
	let devices = Devices::new(
		vec![
			Device { id: "cuda:1".into(), backend: Ok(Box::new(failing)) },
			Device { id: "cuda:0".into(), backend: Ok(Box::new(one_thread(&model))) },
		],
		one_thread(&model),
		report_fallback(4, Some(metrics.clone())),
	)
	.expect("devices of one model");
	let cpu_batch = one_thread(&model).preferred_batch() as u64;
	let search = Search::start(
		Box::new(devices),
		HOST,
		EVERY_NONCE,
		hits_file(&empty_dir("fallback")),
		Some(metrics),
	)
	.expect("starts");
	// Two good batches, the one the device fails in (its part recomputed on the CPU), and two
	// on the device left.
	searched_to(&search, 3 * (100 + cpu_batch) + 2 * (2 * cpu_batch));
	let file = search.stop().expect("a device failure does not end the search");

	assert_eq!(file.hits(), cpu_hits(&model, file.searched_to()), "no nonce lost or repeated");
	assert_eq!(calls.load(Ordering::Relaxed), 3, "never asked again once failed");
	let mut text = Vec::new();
	TextEncoder::new().encode(&registry.gather(), &mut text).expect("encodes");
	let text = String::from_utf8(text).expect("utf-8");
	assert!(text.contains("gonka_compute_device_fallbacks_total{device=\"cuda:1\"} 1\n"), "{text}");
	assert!(!text.contains("device=\"cuda:0\""), "{text}");
	let warned: Vec<String> =
		warnings().into_iter().filter(|warning| warning.contains("cuda:1")).collect();
	assert_eq!(
		warned,
		["compute: Epoch 4: cuda:1 failed (device error: the GPU fell off the bus); the GPUs \
		  left take its share, or the CPU once none is left, for the rest of the Sprint"]
	);
}
