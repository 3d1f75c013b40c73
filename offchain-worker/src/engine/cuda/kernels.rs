//! The NVRTC kernels (`kernels.cu`) and their compilation to PTX, which needs no GPU.

use cudarc::nvrtc::Ptx;

use crate::engine::EngineError;

/// The CUDA C source of every kernel.
pub const SOURCE: &str = include_str!("kernels.cu");

/// The kernels' entry points.
pub const NAMES: [&str; 6] =
	["nonce_keys", "fill_input", "rms_rows", "attention", "swiglu", "distance"];

/// Compiles [`SOURCE`] to PTX.
pub fn compile() -> Result<Ptx, EngineError> {
	Ok(gonka_cuda::compile(SOURCE)?)
}
