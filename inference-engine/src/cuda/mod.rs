//! The CUDA path: the whole decoder on an NVIDIA GPU ([`decoder::CudaDecoder`]), on each GPU
//! a host serves from ([`replicas::Replicas`]). The weights
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
pub mod replicas;

use cudarc::nvrtc::Ptx;

use crate::InferenceError;

/// The kernels' source.
pub const SOURCE: &str = include_str!("kernels.cu");

/// The kernels' entry points.
pub const KERNELS: [&str; 6] =
	["rms_norm_half", "rms_norm_float", "qkv_epilogue", "attention", "silu_mul", "to_half"];

/// Compiles [`SOURCE`] to PTX; needs NVRTC, not a GPU.
pub fn compile() -> Result<Ptx, InferenceError> {
	gonka_cuda::compile(SOURCE).map_err(|e| InferenceError::Device(e.to_string()))
}

/// Why this machine cannot run the CUDA path, or the number of GPUs it has.
pub fn probe() -> Result<usize, InferenceError> {
	let count = gonka_cuda::probe().map_err(|e| InferenceError::Device(e.to_string()))?;
	compile()?;
	Ok(count)
}

pub(crate) fn device_error(e: impl std::fmt::Debug) -> InferenceError {
	InferenceError::Device(format!("{e:?}"))
}
