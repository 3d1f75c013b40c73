//! Several devices as one backend give what one device gives, and the GPUs a host opens are
//! the ones it has.

use std::{
	num::NonZeroUsize,
	sync::{Arc, Mutex},
};

use gonka_offchain_worker::engine::{
	cpu::CpuBackend,
	devices::{select, self_check, Device, Devices, OnFallback},
	Backend, EngineError, Model,
};
use gonka_primitives::ModelParams;

/// A small shape, quick on one core.
const SMALL: ModelParams = ModelParams { dim: 64, layers: 2, heads: 4, ffn: 172, seq: 8, out: 256 };

const ACCOUNT: [u8; 32] = [6; 32];

fn model() -> Arc<Model> {
	Arc::new(Model::build([4; 32], SMALL).expect("valid params"))
}

fn cpu(model: &Arc<Model>, threads: usize) -> CpuBackend {
	CpuBackend::new(model.clone(), NonZeroUsize::new(threads))
}

fn device(id: &str, backend: impl Backend + 'static) -> Device {
	Device { id: id.into(), backend: Ok(Box::new(backend)) }
}

/// A fallback report that keeps what it hears.
fn recorder() -> (OnFallback, Arc<Mutex<Vec<String>>>) {
	let heard = Arc::new(Mutex::new(Vec::new()));
	let report = {
		let heard = heard.clone();
		Box::new(move |device: &str, error: &EngineError| {
			heard.lock().expect("not poisoned").push(format!("{device}: {error}"))
		})
	};
	(report, heard)
}

/// Guards the commitment of a multi-GPU host: cutting a batch between devices of unequal
/// batch sizes must neither lose, repeat nor reorder a nonce's distance.
#[test]
fn several_devices_give_exactly_the_distances_of_one() {
	let model = model();
	let (report, heard) = recorder();
	let devices = Devices::new(
		vec![device("a", cpu(&model, 1)), device("b", cpu(&model, 2)), device("c", cpu(&model, 3))],
		cpu(&model, 1),
		report,
	)
	.expect("devices of one model");
	assert_eq!(
		devices.preferred_batch(),
		[1, 2, 3].map(|t| cpu(&model, t).preferred_batch()).iter().sum::<usize>()
	);

	let one = cpu(&model, 2);
	for nonces in [(0..1_000u64).collect::<Vec<_>>(), vec![7], Vec::new(), (500..503).collect()] {
		assert_eq!(
			devices.distances(&ACCOUNT, &nonces).expect("computes"),
			one.distances(&ACCOUNT, &nonces).expect("computes"),
			"{} nonces",
			nonces.len()
		);
	}
	assert!(heard.lock().expect("not poisoned").is_empty(), "no device failed");
}

/// Guards a host with a broken GPU: it still searches, on its other GPUs, instead of failing
/// every block, and the operator hears which GPU and why; the CPU, tens of times slower,
/// does not join them (it would hold every batch up).
#[test]
fn a_device_that_cannot_be_opened_leaves_its_share_to_the_devices_left() {
	let model = model();
	let (report, heard) = recorder();
	let devices = Devices::new(
		vec![
			device("cuda:0", cpu(&model, 1)),
			Device {
				id: "cuda:1".into(),
				backend: Err(EngineError::Device("out of memory".into())),
			},
		],
		cpu(&model, 2),
		report,
	)
	.expect("one device opened");
	assert_eq!(*heard.lock().expect("not poisoned"), ["cuda:1: device error: out of memory"]);
	assert_eq!(devices.preferred_batch(), cpu(&model, 1).preferred_batch(), "no CPU beside GPUs");
	assert_eq!(devices.name(), "cpu (1 threads)");
	let nonces: Vec<u64> = (0..300).collect();
	assert_eq!(
		devices.distances(&ACCOUNT, &nonces).expect("computes"),
		cpu(&model, 1).distances(&ACCOUNT, &nonces).expect("computes")
	);
}

/// Guards a host whose only GPU is broken: it searches on the CPU alone.
#[test]
fn a_host_whose_gpus_all_fail_computes_on_the_cpu() {
	let model = model();
	let (report, heard) = recorder();
	let broken =
		Device { id: "cuda:0".into(), backend: Err(EngineError::Unavailable("gone".into())) };
	let devices = Devices::new(vec![broken], cpu(&model, 2), report).expect("the CPU covers");
	assert_eq!(*heard.lock().expect("not poisoned"), ["cuda:0: backend unavailable: gone"]);
	assert_eq!(devices.name(), "cpu (2 threads)");
	let nonces: Vec<u64> = (0..100).collect();
	assert_eq!(
		devices.distances(&ACCOUNT, &nonces).expect("computes"),
		cpu(&model, 1).distances(&ACCOUNT, &nonces).expect("computes")
	);
}

/// Guards the commitment against a device computing another epoch's model, and a host
/// against searching with nothing to search on.
#[test]
fn devices_must_evaluate_the_model_and_be_at_least_one() {
	let (report, _) = recorder();
	let other = Arc::new(Model::build([5; 32], SMALL).expect("valid params"));
	let mismatched = Devices::new(vec![device("cuda:0", cpu(&other, 1))], cpu(&model(), 1), report);
	assert!(matches!(mismatched, Err(EngineError::Input(why)) if why.contains("cuda:0")));
	let (report, _) = recorder();
	assert!(matches!(
		Devices::new(Vec::new(), cpu(&model(), 1), report),
		Err(EngineError::Input(_))
	));
}

/// Guards `--compute-devices`: an ordinal the machine lacks, or one given twice, is refused
/// rather than searched on twice or failing later; none means every GPU.
#[test]
fn the_chosen_gpus_are_checked_against_the_machine() {
	assert_eq!(select(&[], 3), Ok(vec![0, 1, 2]));
	assert_eq!(select(&[2, 0], 3), Ok(vec![2, 0]));
	assert!(matches!(select(&[3], 3), Err(EngineError::Input(why)) if why.contains("GPU 3")));
	assert!(matches!(select(&[1, 1], 3), Err(EngineError::Input(why)) if why.contains("twice")));
	assert!(matches!(select(&[], 0), Err(EngineError::Unavailable(_))));
}

/// A device `by` off on the nonces at positions `wrong` of a call and right on the others: a
/// GPU whose captured CUDA graph (each lane's second full batch on) computes wrongly is wrong
/// on a call's later nonces only.
struct StraysLate {
	inner: CpuBackend,
	wrong: std::ops::Range<usize>,
	by: f32,
}

impl Backend for StraysLate {
	fn name(&self) -> String {
		"strays late".into()
	}

	fn model(&self) -> &Arc<Model> {
		self.inner.model()
	}

	fn preferred_batch(&self) -> usize {
		256
	}

	fn distances(&self, account: &[u8; 32], nonces: &[u64]) -> Result<Vec<f32>, EngineError> {
		let mut distances = self.inner.distances(account, nonces)?;
		for distance in distances.iter_mut().take(self.wrong.end).skip(self.wrong.start) {
			*distance += self.by;
		}
		Ok(distances)
	}
}

/// Guards the GPU check at start-up: it must run a whole call's worth of nonces, the CUDA
/// graphs' batches included, and compare nonces from the last batch, or a GPU that is right
/// only on its first batch opens and commits leaves its validators reject. (The old check
/// computed its 32 nonces in one small call, which such a device passes.)
#[test]
fn the_start_up_check_refuses_a_device_wrong_only_in_its_later_batches() {
	let model = model();
	let reference = cpu(&model, 1);
	let honest = StraysLate { inner: cpu(&model, 1), wrong: 0..0, by: 0.0 };
	self_check(&honest, &reference).expect("a device that matches the CPU passes");

	let late = StraysLate { inner: cpu(&model, 1), wrong: 192..256, by: 1e-3 };
	assert_eq!(
		late.distances(&[0; 32], &[1, 2, 3]).expect("computes"),
		reference.distances(&[0; 32], &[1, 2, 3]).expect("computes"),
		"right on a small call"
	);
	let refused = self_check(&late, &reference).expect_err("the last batch strays");
	assert!(refused.to_string().contains("from the CPU's"), "{refused}");

	let within = StraysLate { inner: cpu(&model, 1), wrong: 192..256, by: 5e-5 };
	self_check(&within, &reference).expect("within the 1e-4 contract");

	// One non-finite distance, at a nonce the CPU does not recompute.
	let one_nan = StraysLate { inner: cpu(&model, 1), wrong: 1..2, by: f32::NAN };
	let refused = self_check(&one_nan, &reference).expect_err("a non-finite distance");
	assert!(refused.to_string().contains("non-finite"), "{refused}");
}
