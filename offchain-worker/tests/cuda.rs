//! The CUDA backend. The kernels are compiled to PTX by NVRTC on every run (no GPU needed);
//! the tests that need a GPU run when one is present and otherwise say why they skip.
#![cfg(feature = "cuda")]

use std::{num::NonZeroUsize, sync::Arc};

use gonka_offchain_worker::engine::{
	cpu::CpuBackend,
	cuda::{self, kernels, CudaBackend},
	Backend, Model,
};
use gonka_primitives::ModelParams;

/// How far the GPU (f16 activations into cuBLAS) may stray from the CPU's f32 reference. An
/// H200 stayed within 2.8e-5 on both profiles (docs/PERFORMANCE.md).
const GPU_TOLERANCE: f32 = 1e-4;

#[test]
fn every_kernel_compiles_to_ptx() {
	if !kernels::nvrtc_present() && std::env::var_os("GONKA_REQUIRE_NVRTC").is_none() {
		eprintln!("SKIPPED: NVRTC (libnvrtc.so.12) not found; `make test` provides it");
		return;
	}
	let ptx = kernels::compile().expect("the kernels compile").to_src();
	for name in kernels::NAMES {
		assert!(ptx.contains(&format!(".entry {name}")), "no entry point `{name}` in the PTX");
	}
}

/// A GPU to test on, or `None` after saying why there is none.
fn gpu() -> Option<()> {
	match cuda::probe() {
		Ok(_) => Some(()),
		Err(why) => {
			eprintln!("SKIPPED: no usable GPU here ({why})");
			None
		}
	}
}

#[test]
fn gpu_matches_cpu_within_tolerance() {
	let Some(()) = gpu() else { return };
	for params in [ModelParams::DEV, ModelParams::TESTNET] {
		let model = Arc::new(Model::build([9; 32], params).expect("valid params"));
		let cpu = CpuBackend::new(model.clone(), NonZeroUsize::new(16));
		let gpu = CudaBackend::new(model, 0).expect("the GPU opens");
		let nonces: Vec<u64> = (0..257).collect();
		let expected = cpu.distances(&[3; 32], &nonces).expect("cpu");
		let got = gpu.distances(&[3; 32], &nonces).expect("gpu");
		let worst = expected.iter().zip(&got).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
		eprintln!("{params:?}: largest |gpu - cpu| over {} nonces = {worst:.2e}", nonces.len());
		assert!(worst <= GPU_TOLERANCE, "GPU strays {worst} from the CPU");
	}
}

#[test]
fn gpu_batches_are_independent() {
	let Some(()) = gpu() else { return };
	let model = Arc::new(Model::build([4; 32], ModelParams::DEV).expect("valid params"));
	let gpu = CudaBackend::new(model, 0).expect("the GPU opens");
	let many: Vec<u64> = (0..5000).collect();
	let all = gpu.distances(&[1; 32], &many).expect("gpu");
	let one = gpu.distances(&[1; 32], &[4321]).expect("gpu");
	assert_eq!(all[4321], one[0]);
}

#[test]
fn missing_gpu_is_an_error_not_a_panic() {
	if cuda::probe().is_ok() {
		eprintln!("SKIPPED: this machine has a GPU");
		return;
	}
	let model = Arc::new(Model::build([1; 32], ModelParams::DEV).expect("valid params"));
	let error = CudaBackend::new(model, 0).err().expect("no GPU, no backend");
	assert!(!error.to_string().is_empty());
}
