//! The CUDA path: every projection of the decoder (queries, keys, values, attention output,
//! the feed-forward layer and the output head) runs on an NVIDIA GPU with f16 weights and f32
//! accumulation; normalisation, rotary embeddings, attention over the cache and sampling stay
//! on the CPU in f32. Decoding one token is a chain of matrix-vector products, bound by
//! reading the weights, which f16 halves.
//!
//! cudarc loads libcuda and NVRTC at run time, so this compiles and links with no CUDA
//! installed; [`CudaProjections::new`] probes for them first and says what is missing instead
//! of panicking. The kernel compiles to PTX without a GPU.

use std::sync::{Arc, Mutex};

use cudarc::{
	driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, LaunchConfig, PushKernelArg},
	nvrtc::{self, CompileOptions, Ptx},
};
use half::f16;

use crate::{weights::Matrix, InferenceError};

/// The kernel: one warp per output row, f16 weights, f32 input and accumulation.
pub const SOURCE: &str = r#"
typedef unsigned short f16;

__device__ __forceinline__ float from_f16(f16 h) {
    float value;
    asm("cvt.f32.f16 %0, %1;" : "=f"(value) : "h"(h));
    return value;
}

extern "C" __global__ void matvec_f16(const f16* w, const float* x, float* y, int rows, int cols) {
    int row = blockIdx.x * (blockDim.x / 32) + threadIdx.x / 32;
    int lane = threadIdx.x % 32;
    if (row >= rows) return;
    const f16* weights = w + (size_t)row * cols;
    float sum = 0.0f;
    for (int c = lane; c < cols; c += 32) sum += from_f16(weights[c]) * x[c];
    for (int offset = 16; offset > 0; offset >>= 1) sum += __shfl_down_sync(0xffffffff, sum, offset);
    if (lane == 0) y[row] = sum;
}
"#;

/// The kernel's entry point.
pub const KERNEL: &str = "matvec_f16";

/// PTX for this virtual architecture runs on every GPU from Turing (sm_75) on.
const ARCH: &str = "compute_75";

/// Threads per block: eight warps, eight rows.
const BLOCK: u32 = 256;

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
		.map_err(|e| InferenceError::Device(format!("NVRTC could not compile the kernel: {e:?}")))
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

fn device_error(e: impl std::fmt::Debug) -> InferenceError {
	InferenceError::Device(format!("{e:?}"))
}

/// A weight matrix on the GPU.
struct DeviceMatrix {
	rows: usize,
	cols: usize,
	data: CudaSlice<f16>,
}

/// The decoder's projections on one GPU, in the order [`CudaProjections::new`] was given them.
pub struct CudaProjections {
	stream: Arc<CudaStream>,
	kernel: CudaFunction,
	matrices: Vec<DeviceMatrix>,
	/// One product at a time drives the stream.
	turn: Mutex<()>,
}

impl CudaProjections {
	/// Uploads `matrices` to GPU `ordinal` as f16.
	pub fn new<'a>(
		matrices: impl IntoIterator<Item = &'a Matrix>,
		ordinal: usize,
	) -> Result<Self, InferenceError> {
		let count = probe()?;
		if ordinal >= count {
			return Err(InferenceError::Device(format!(
				"GPU {ordinal} does not exist: this machine has {count}"
			)));
		}
		let context = CudaContext::new(ordinal).map_err(device_error)?;
		let stream = context.default_stream();
		let module = context.load_module(compile()?).map_err(device_error)?;
		let kernel = module.load_function(KERNEL).map_err(device_error)?;
		let matrices = matrices
			.into_iter()
			.map(|matrix| {
				let halves: Vec<f16> = matrix.to_f32().iter().map(|v| f16::from_f32(*v)).collect();
				Ok(DeviceMatrix {
					rows: matrix.rows,
					cols: matrix.cols,
					data: stream.clone_htod(&halves).map_err(device_error)?,
				})
			})
			.collect::<Result<_, InferenceError>>()?;
		Ok(Self { stream, kernel, matrices, turn: Mutex::new(()) })
	}

	/// Matrix `index` times `x`.
	pub fn apply(&self, index: usize, x: &[f32]) -> Result<Vec<f32>, InferenceError> {
		let matrix = self
			.matrices
			.get(index)
			.ok_or_else(|| InferenceError::Device(format!("no matrix {index} on the GPU")))?;
		if x.len() != matrix.cols {
			return Err(InferenceError::Device(format!(
				"an input of {} for a matrix of {} columns",
				x.len(),
				matrix.cols
			)));
		}
		let _turn = self.turn.lock().map_err(|_| device_error("a GPU product panicked"))?;
		let input = self.stream.clone_htod(x).map_err(device_error)?;
		let mut output = self.stream.alloc_zeros::<f32>(matrix.rows).map_err(device_error)?;
		let (rows, cols) = (matrix.rows as i32, matrix.cols as i32);
		let warps = BLOCK / 32;
		let config = LaunchConfig {
			grid_dim: ((matrix.rows as u32).div_ceil(warps), 1, 1),
			block_dim: (BLOCK, 1, 1),
			shared_mem_bytes: 0,
		};
		// SAFETY: the kernel reads `rows · cols` weights and `cols` inputs and writes `rows`
		// outputs, the sizes of the three buffers.
		unsafe {
			self.stream
				.launch_builder(&self.kernel)
				.arg(&matrix.data)
				.arg(&input)
				.arg(&mut output)
				.arg(&rows)
				.arg(&cols)
				.launch(config)
		}
		.map_err(device_error)?;
		self.stream.clone_dtoh(&output).map_err(device_error)
	}
}
