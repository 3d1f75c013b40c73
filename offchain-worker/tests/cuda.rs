//! The CUDA backend. The kernels are compiled to PTX by NVRTC on every run (no GPU needed);
//! the tests that need a GPU run when one is present and otherwise say why they skip, or fail
//! under `GONKA_REQUIRE_GPU=1` (`benchmarks/device-check.sh`). `GONKA_GPU_CHECK_NONCES` sets
//! how many nonces the GPU is compared with the CPU on (the device check: 100,000).
#![cfg(feature = "cuda")]

use std::sync::Arc;

use gonka_offchain_worker::engine::{
	cpu::CpuBackend,
	cuda::{self, kernels, CudaBackend, Options},
	Backend, Model,
};
use gonka_primitives::ModelParams;

/// How far the GPU (f16 activations into cuBLAS) may stray from the CPU's f32 reference. An
/// H200 stayed within 2.8e-5 on both profiles (docs/PERFORMANCE.md).
const GPU_TOLERANCE: f32 = 1e-4;

#[test]
fn every_kernel_compiles_to_ptx() {
	if !gonka_cuda::testing::nvrtc() {
		return;
	}
	let ptx = kernels::compile().expect("the kernels compile");
	gonka_cuda::has_entry_points(&ptx, &kernels::NAMES).expect("every kernel in the PTX");
}

/// A GPU to test on, or `None` after saying why there is none.
fn gpu() -> Option<()> {
	gonka_cuda::testing::gpus().map(|_| ())
}

/// The largest distance between the GPU's and the CPU's results for `nonces` of a model: on
/// the production batch size, and on batches of 64, which reach the CUDA graphs (captured
/// from each lane's second full batch) with few nonces.
fn worst_difference(params: ModelParams, nonces: &[u64]) -> f32 {
	let model = Arc::new(Model::build([9; 32], params).expect("valid params"));
	let expected = CpuBackend::new(model.clone(), None).distances(&[3; 32], nonces).expect("cpu");
	[None, Some(64)]
		.into_iter()
		.map(|batch| {
			let options = Options { batch, graphs: true };
			let gpu = CudaBackend::with_options(model.clone(), 0, options).expect("the GPU opens");
			let got = gpu.distances(&[3; 32], nonces).expect("gpu");
			assert_eq!(expected.len(), got.len());
			expected.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max)
		})
		.fold(0.0f32, f32::max)
}

#[test]
fn gpu_matches_cpu_within_tolerance() {
	let Some(()) = gpu() else { return };
	let count: u64 = std::env::var("GONKA_GPU_CHECK_NONCES")
		.ok()
		.and_then(|count| count.parse().ok())
		.unwrap_or(2_000);
	for params in [ModelParams::DEV, ModelParams::TESTNET] {
		// Past the first batches, so that the pipeline's lanes and the copies are exercised.
		let nonces: Vec<u64> = (0..count).map(|i| i * 7 + 11).collect();
		let worst = worst_difference(params, &nonces);
		eprintln!("{params:?}: largest |gpu - cpu| over {count} nonces = {worst:.2e}");
		assert!(worst <= GPU_TOLERANCE, "GPU strays {worst} from the CPU");
	}
}

/// The chain allows sequences of up to 1,024 positions; the old attention kernel stopped at 96.
#[test]
fn every_sequence_length_the_chain_allows_runs_on_the_gpu() {
	let Some(()) = gpu() else { return };
	for seq in [97, 1024] {
		let params = ModelParams { dim: 128, layers: 1, heads: 2, ffn: 256, seq, out: 512 };
		let worst = worst_difference(params, &(0..40).collect::<Vec<_>>());
		eprintln!("seq {seq}: largest |gpu - cpu| = {worst:.2e}");
		assert!(worst <= GPU_TOLERANCE, "seq {seq}: GPU strays {worst} from the CPU");
	}
}

/// Batches of 64 nonces on the two lanes: every lane is reused many times in one call, so
/// a pinned buffer overwritten too early or results collected out of order would show; and
/// the CUDA graphs, replayed from each lane's second full batch on, must give exactly what
/// launching kernel by kernel gives.
#[test]
fn gpu_batches_are_independent_and_graphs_change_nothing() {
	let Some(()) = gpu() else { return };
	let model = Arc::new(Model::build([4; 32], ModelParams::DEV).expect("valid params"));
	let open = |graphs| {
		CudaBackend::with_options(model.clone(), 0, Options { batch: Some(64), graphs })
			.expect("the GPU opens")
	};
	let many: Vec<u64> = (0..1000).collect();
	let all = open(true).distances(&[1; 32], &many).expect("gpu");
	// Alone, nonce 432 is a partial batch of one: cuBLAS may choose another algorithm for it.
	let one = open(true).distances(&[1; 32], &[432]).expect("gpu");
	assert!(
		(all[432] - one[0]).abs() <= GPU_TOLERANCE,
		"{} alone, {} in a batch",
		one[0],
		all[432]
	);
	let launched = open(false).distances(&[1; 32], &many).expect("gpu");
	assert_eq!(all, launched, "graph replays differ from kernel-by-kernel launches");
	let cpu = CpuBackend::new(model, None).distances(&[1; 32], &many).expect("cpu");
	let worst = cpu.iter().zip(&all).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
	assert!(worst <= GPU_TOLERANCE, "16 batches on two lanes stray {worst} from the CPU");
}

#[test]
fn missing_gpu_is_an_error_not_a_panic() {
	if cuda::probe().is_ok() || gonka_cuda::testing::gpu_required() {
		eprintln!("SKIPPED: this machine has a GPU");
		return;
	}
	let model = Arc::new(Model::build([1; 32], ModelParams::DEV).expect("valid params"));
	let error = CudaBackend::new(model, 0).err().expect("no GPU, no backend");
	assert!(!error.to_string().is_empty());
}
