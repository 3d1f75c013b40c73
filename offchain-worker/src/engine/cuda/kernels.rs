//! The NVRTC kernels (`kernels.cu`) and their compilation to PTX, which needs no GPU.

use cudarc::nvrtc::{self, CompileOptions, Ptx};

use crate::engine::EngineError;

/// The CUDA C source of every kernel.
pub const SOURCE: &str = include_str!("kernels.cu");

/// The kernels' entry points.
pub const NAMES: [&str; 6] = ["fill_input", "rms_rows", "rope", "attention", "swiglu", "distance"];

/// PTX for this virtual architecture runs on every GPU from Turing (sm_75) on; the driver
/// compiles it for the actual chip when the module loads.
const ARCH: &str = "compute_75";

/// Whether libnvrtc can be loaded (cudarc panics on first use when it cannot).
pub fn nvrtc_present() -> bool {
	// SAFETY: only tries to open the library by its usual names.
	unsafe { nvrtc::sys::is_culib_present() }
}

/// Compiles [`SOURCE`] to PTX.
pub fn compile() -> Result<Ptx, EngineError> {
	if !nvrtc_present() {
		return Err(EngineError::Unavailable(
			"NVRTC (libnvrtc.so) was not found: install the CUDA toolkit, or `pip install \
			 nvidia-cuda-nvrtc-cu12` and add its `nvidia/cuda_nvrtc/lib` folder to LD_LIBRARY_PATH"
				.into(),
		));
	}
	let options = CompileOptions { arch: Some(ARCH), ..Default::default() };
	nvrtc::compile_ptx_with_opts(SOURCE, options)
		.map_err(|e| EngineError::Device(format!("NVRTC could not compile the kernels: {e:?}")))
}
