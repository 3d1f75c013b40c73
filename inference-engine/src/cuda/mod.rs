//! The CUDA path: the whole decoder on an NVIDIA GPU ([`decoder::CudaDecoder`]). The weights
//! are uploaded once as f16 and the KV cache lives on the device; every projection is a cuBLAS
//! product (f16 inputs, f32 accumulation and output), and RMSNorm, biases, rotary embeddings,
//! the cache's update, attention and SwiGLU are kernels of `kernels.cu` between them. A run
//! uploads its tokens' embeddings and downloads its final states: no host round trip per
//! layer. Sampling stays on the CPU.
//!
//! cudarc loads libcuda, cuBLAS and NVRTC at run time, so this compiles and links with no
//! CUDA installed; [`probe`] says what is missing instead of panicking. The kernels compile
//! to PTX without a GPU (tested on every run).

pub mod decoder;

use cudarc::{
	driver::CudaContext,
	nvrtc::{self, CompileOptions, Ptx},
};

use crate::InferenceError;

/// The kernels' source.
pub const SOURCE: &str = include_str!("kernels.cu");

/// The kernels' entry points.
pub const KERNELS: [&str; 6] =
	["rms_norm_half", "rms_norm_float", "qkv_epilogue", "attention", "silu_mul", "to_half"];

/// PTX for this virtual architecture runs on every GPU from Turing (sm_75) on.
const ARCH: &str = "compute_75";

/// Whether libnvrtc can be loaded (cudarc panics on first use when it cannot).
pub fn nvrtc_present() -> bool {
	// SAFETY: only tries to open the library by its usual names.
	unsafe { nvrtc::sys::is_culib_present() }
}

/// Compiles [`SOURCE`] to PTX; needs NVRTC, not a GPU.
pub fn compile() -> Result<Ptx, InferenceError> {
	if !nvrtc_present() {
		return Err(InferenceError::Device(
			"NVRTC (libnvrtc.so) was not found: install the CUDA toolkit, or `pip install \
			 nvidia-cuda-nvrtc-cu12` and add its `nvidia/cuda_nvrtc/lib` folder to LD_LIBRARY_PATH"
				.into(),
		));
	}
	let options = CompileOptions { arch: Some(ARCH), ..Default::default() };
	nvrtc::compile_ptx_with_opts(SOURCE, options)
		.map_err(|e| InferenceError::Device(format!("NVRTC could not compile the kernels: {e:?}")))
}

/// Why this machine cannot run the CUDA path, or the number of GPUs it has.
pub fn probe() -> Result<usize, InferenceError> {
	// SAFETY: only tries to open the library by its usual names.
	if !unsafe { cudarc::driver::sys::is_culib_present() } {
		return Err(InferenceError::Device("no NVIDIA driver (libcuda.so) on this machine".into()));
	}
	compile()?;
	let count = CudaContext::device_count().map_err(device_error)?;
	if count < 1 {
		return Err(InferenceError::Device("the NVIDIA driver reports no GPU".into()));
	}
	Ok(count as usize)
}

pub(crate) fn device_error(e: impl std::fmt::Debug) -> InferenceError {
	InferenceError::Device(format!("{e:?}"))
}
