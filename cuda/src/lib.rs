//! What the Proof-of-Compute engine and the inference engine share on NVIDIA GPUs: finding
//! libcuda, cuBLAS, NVRTC and the GPUs ([`probe`]), compiling a kernel source to PTX
//! ([`compile`]), and the switch that turns the GPU tests' skip into a failure ([`testing`]).
//!
//! cudarc loads every CUDA library at run time, so this compiles and links with no CUDA
//! installed; each function says what is missing instead of panicking.

pub mod testing;

use cudarc::{
	driver::CudaContext,
	nvrtc::{self, CompileOptions, Ptx},
};

/// PTX for this virtual architecture runs on every GPU from Turing (sm_75) on; the driver
/// compiles it for the actual chip when the module loads.
const ARCH: &str = "compute_75";

/// Why CUDA cannot be used here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CudaError {
	/// A library or a GPU is missing; the message says which and how to get it.
	Unavailable(String),
	/// NVRTC refused a kernel source (a bug in the source, with NVRTC's log).
	Compile(String),
	/// The driver failed.
	Driver(String),
}

impl std::fmt::Display for CudaError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			Self::Unavailable(why) => write!(f, "{why}"),
			Self::Compile(log) => write!(f, "NVRTC could not compile the kernels: {log}"),
			Self::Driver(why) => write!(f, "the CUDA driver failed: {why}"),
		}
	}
}

impl std::error::Error for CudaError {}

/// Whether libnvrtc can be loaded (cudarc panics on first use when it cannot).
pub fn nvrtc_present() -> bool {
	// SAFETY: only tries to open the library by its usual names.
	unsafe { nvrtc::sys::is_culib_present() }
}

/// Why NVRTC cannot be used, and how to install it.
fn nvrtc_missing() -> CudaError {
	CudaError::Unavailable(
		"NVRTC (libnvrtc.so) was not found: install the CUDA toolkit, or `pip install \
		 nvidia-cuda-nvrtc-cu12` and add its `nvidia/cuda_nvrtc/lib` folder to LD_LIBRARY_PATH"
			.into(),
	)
}

/// Compiles a CUDA C `source` to PTX; needs NVRTC, not a GPU.
pub fn compile(source: &str) -> Result<Ptx, CudaError> {
	if !nvrtc_present() {
		return Err(nvrtc_missing());
	}
	let options = CompileOptions { arch: Some(ARCH), ..Default::default() };
	nvrtc::compile_ptx_with_opts(source, options).map_err(|e| CudaError::Compile(format!("{e:?}")))
}

/// The number of GPUs this machine can compute on, or why it can compute on none: the NVIDIA
/// driver, cuBLAS and NVRTC must load, and the driver must report a device.
pub fn probe() -> Result<usize, CudaError> {
	// SAFETY: these only try to open the libraries by their usual names.
	let (driver, blas) = unsafe {
		(cudarc::driver::sys::is_culib_present(), cudarc::cublas::sys::is_culib_present())
	};
	if !driver {
		return Err(CudaError::Unavailable("no NVIDIA driver (libcuda.so) on this machine".into()));
	}
	if !blas {
		return Err(CudaError::Unavailable(
			"cuBLAS (libcublas.so) was not found: install the CUDA toolkit or add its lib folder \
			 to LD_LIBRARY_PATH"
				.into(),
		));
	}
	if !nvrtc_present() {
		return Err(nvrtc_missing());
	}
	let count = CudaContext::device_count().map_err(|e| CudaError::Driver(format!("{e:?}")))?;
	if count < 1 {
		return Err(CudaError::Unavailable("the NVIDIA driver reports no GPU".into()));
	}
	Ok(count as usize)
}

/// Checks that every one of `names` is an entry point of `ptx`.
pub fn has_entry_points(ptx: &Ptx, names: &[&str]) -> Result<(), String> {
	let source = ptx.to_src();
	match names.iter().find(|name| !source.contains(&format!(".entry {name}("))) {
		Some(missing) => Err(format!("no entry point `{missing}` in the PTX")),
		None => Ok(()),
	}
}
