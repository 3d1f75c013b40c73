//! The CUDA backend: f16 weights on the GPU, cuBLAS GEMMs (f16 inputs, f32 accumulation and
//! output), NVRTC kernels for the rest of the forward pass and the distance.
//!
//! cudarc loads libcuda, cuBLAS and NVRTC at run time, so this compiles and links with no
//! CUDA installed; [`CudaBackend::new`] probes for each library first and reports what is
//! missing instead of panicking.

pub mod kernels;

use std::{ffi::c_void, sync::Arc, sync::Mutex};

use cudarc::{
	cublas::{self, CudaBlas},
	driver::{
		CudaContext, CudaFunction, CudaSlice, CudaStream, DevicePtr, DevicePtrMut, LaunchConfig,
		PushKernelArg,
	},
};
use half::f16;

use super::{
	model::{Matrix, Model},
	nonce::{input_key, perm_key, Account},
	Backend, EngineError,
};

/// The largest sequence the attention kernel takes: its `seq × seq` scores live in 48 KiB of
/// shared memory.
pub const MAX_SEQ: u32 = 96;

/// Why a CUDA machine is not usable, or `Ok` when libcuda, cuBLAS and NVRTC load and at least
/// one device answers.
pub fn probe() -> Result<usize, EngineError> {
	// SAFETY: these only try to open the libraries by their usual names.
	let (driver, blas) =
		unsafe { (cudarc::driver::sys::is_culib_present(), cublas::sys::is_culib_present()) };
	if !driver {
		return Err(EngineError::Unavailable(
			"no NVIDIA driver (libcuda.so) on this machine".into(),
		));
	}
	if !blas {
		return Err(EngineError::Unavailable(
			"cuBLAS (libcublas.so) was not found: install the CUDA toolkit or add its lib folder \
			 to LD_LIBRARY_PATH"
				.into(),
		));
	}
	if !kernels::nvrtc_present() {
		return kernels::compile().map(|_| 0);
	}
	let count = CudaContext::device_count().map_err(device_error)?;
	if count < 1 {
		return Err(EngineError::Unavailable("the NVIDIA driver reports no GPU".into()));
	}
	Ok(count as usize)
}

fn device_error(e: impl std::fmt::Debug) -> EngineError {
	EngineError::Device(format!("{e:?}"))
}

/// The compiled kernels.
struct Kernels {
	fill_input: CudaFunction,
	rms_rows: CudaFunction,
	rope: CudaFunction,
	attention: CudaFunction,
	swiglu: CudaFunction,
	distance: CudaFunction,
}

/// One layer's weights on the device (f16, the same row-major fused layouts as the CPU).
struct DeviceLayer {
	wqkv: DeviceMatrix,
	wo: DeviceMatrix,
	w13: DeviceMatrix,
	w2: DeviceMatrix,
}

/// A weight matrix on the device.
struct DeviceMatrix {
	rows: usize,
	cols: usize,
	data: CudaSlice<f16>,
}

/// Activations of one batch.
struct Buffers {
	input_keys: CudaSlice<u64>,
	perm_keys: CudaSlice<u64>,
	x: CudaSlice<f32>,
	h: CudaSlice<f16>,
	qkv: CudaSlice<f32>,
	attention: CudaSlice<f16>,
	gate: CudaSlice<f32>,
	act: CudaSlice<f16>,
	last: CudaSlice<f16>,
	z: CudaSlice<f32>,
	perm: CudaSlice<u32>,
	distances: CudaSlice<f32>,
}

/// The CUDA backend on one device.
pub struct CudaBackend {
	model: Arc<Model>,
	name: String,
	stream: Arc<CudaStream>,
	blas: CudaBlas,
	kernels: Kernels,
	layers: Vec<DeviceLayer>,
	head: DeviceMatrix,
	rope_cos: CudaSlice<f32>,
	rope_sin: CudaSlice<f32>,
	target: CudaSlice<f32>,
	batch: usize,
	buffers: Mutex<Buffers>,
}

// SAFETY: the cuBLAS handle is only used while `buffers` is locked, so one thread at a time
// drives the stream; cudarc's context and stream are thread-safe.
unsafe impl Send for CudaBackend {}
// SAFETY: see above.
unsafe impl Sync for CudaBackend {}

impl CudaBackend {
	/// Uploads `model` to GPU `ordinal` and compiles the kernels.
	pub fn new(model: Arc<Model>, ordinal: usize) -> Result<Self, EngineError> {
		let count = probe()?;
		if ordinal >= count {
			return Err(EngineError::Unavailable(format!(
				"GPU {ordinal} does not exist: this machine has {count}"
			)));
		}
		let p = model.params;
		if p.seq > MAX_SEQ {
			return Err(EngineError::Unavailable(format!(
				"the CUDA backend supports seq ≤ {MAX_SEQ}, this model has {}",
				p.seq
			)));
		}
		let ctx = CudaContext::new(ordinal).map_err(device_error)?;
		let name = format!("cuda:{ordinal} ({})", ctx.name().map_err(device_error)?);
		let stream = ctx.default_stream();
		let blas = CudaBlas::new(stream.clone()).map_err(device_error)?;
		let module = ctx.load_module(kernels::compile()?).map_err(device_error)?;
		let function = |name: &str| module.load_function(name).map_err(device_error);
		let kernels = Kernels {
			fill_input: function("fill_input")?,
			rms_rows: function("rms_rows")?,
			rope: function("rope")?,
			attention: function("attention")?,
			swiglu: function("swiglu")?,
			distance: function("distance")?,
		};
		let upload = |m: &Matrix| -> Result<DeviceMatrix, EngineError> {
			// Weights are f16-rounded by definition: the conversion is exact.
			let halves: Vec<f16> = m.data.iter().map(|v| f16::from_f32(*v)).collect();
			Ok(DeviceMatrix {
				rows: m.rows,
				cols: m.cols,
				data: stream.clone_htod(&halves).map_err(device_error)?,
			})
		};
		let layers = model
			.layers
			.iter()
			.map(|l| {
				Ok(DeviceLayer {
					wqkv: upload(&l.wqkv)?,
					wo: upload(&l.wo)?,
					w13: upload(&l.w13)?,
					w2: upload(&l.w2)?,
				})
			})
			.collect::<Result<Vec<_>, EngineError>>()?;
		let head = upload(&model.head)?;
		let (cos, sin): (Vec<f32>, Vec<f32>) = model.rope.iter().copied().unzip();
		let rope_cos = stream.clone_htod(&cos).map_err(device_error)?;
		let rope_sin = stream.clone_htod(&sin).map_err(device_error)?;
		let target = stream.clone_htod(&model.target).map_err(device_error)?;

		// About 1 GiB of activations per batch.
		let [dim, ffn, seq, out] = [p.dim, p.ffn, p.seq, p.out].map(|v| v as usize);
		let per_nonce_bytes = seq
			* (dim * 4 * 2 + dim * 2 * 2 + 3 * dim * 4 + 2 * ffn * 4 + ffn * 2)
			+ out * 8 + dim * 2
			+ 32;
		let batch = ((1usize << 30) / per_nonce_bytes).clamp(64, 65_536);
		let buffers = Mutex::new(Self::allocate(&stream, batch, dim, ffn, seq, out)?);
		Ok(Self {
			model,
			name,
			stream,
			blas,
			kernels,
			layers,
			head,
			rope_cos,
			rope_sin,
			target,
			batch,
			buffers,
		})
	}

	fn allocate(
		stream: &Arc<CudaStream>,
		batch: usize,
		dim: usize,
		ffn: usize,
		seq: usize,
		out: usize,
	) -> Result<Buffers, EngineError> {
		let rows = batch * seq;
		Ok(Buffers {
			input_keys: stream.alloc_zeros(batch).map_err(device_error)?,
			perm_keys: stream.alloc_zeros(batch).map_err(device_error)?,
			x: stream.alloc_zeros(rows * dim).map_err(device_error)?,
			h: stream.alloc_zeros(rows * dim).map_err(device_error)?,
			qkv: stream.alloc_zeros(rows * 3 * dim).map_err(device_error)?,
			attention: stream.alloc_zeros(rows * dim).map_err(device_error)?,
			gate: stream.alloc_zeros(rows * 2 * ffn).map_err(device_error)?,
			act: stream.alloc_zeros(rows * ffn).map_err(device_error)?,
			last: stream.alloc_zeros(batch * dim).map_err(device_error)?,
			z: stream.alloc_zeros(batch * out).map_err(device_error)?,
			perm: stream.alloc_zeros(batch * out).map_err(device_error)?,
			distances: stream.alloc_zeros(batch).map_err(device_error)?,
		})
	}

	/// `output (rows × w.cols) = input (rows × w.rows) · w`, or `+=` when `accumulate`.
	fn gemm(
		&self,
		input: &CudaSlice<f16>,
		w: &DeviceMatrix,
		output: &mut CudaSlice<f32>,
		rows: usize,
		accumulate: bool,
	) -> Result<(), EngineError> {
		use cublas::sys::{
			cublasComputeType_t::CUBLAS_COMPUTE_32F, cublasGemmAlgo_t::CUBLAS_GEMM_DFALT,
			cublasOperation_t::CUBLAS_OP_N, cudaDataType::*,
		};
		let (alpha, beta) = (1.0f32, if accumulate { 1.0f32 } else { 0.0f32 });
		let (k, n) = (w.rows as i32, w.cols as i32);
		let (a, _a) = w.data.device_ptr(&self.stream);
		let (b, _b) = input.device_ptr(&self.stream);
		let (c, _c) = output.device_ptr_mut(&self.stream);
		// Row-major `Y = X · W` is column-major `Yᵀ = Wᵀ · Xᵀ`: with no transposes, cuBLAS
		// computes C (n × rows) = A (n × k) · B (k × rows), leading dimensions n, k, n.
		// SAFETY: the pointers come from live allocations of at least the sizes given.
		unsafe {
			cublas::result::gemm_ex(
				*self.blas.handle(),
				CUBLAS_OP_N,
				CUBLAS_OP_N,
				n,
				rows as i32,
				k,
				(&alpha as *const f32).cast::<c_void>(),
				a as *const c_void,
				CUDA_R_16F,
				n,
				b as *const c_void,
				CUDA_R_16F,
				k,
				(&beta as *const f32).cast::<c_void>(),
				c as *mut c_void,
				CUDA_R_32F,
				n,
				CUBLAS_COMPUTE_32F,
				CUBLAS_GEMM_DFALT,
			)
		}
		.map_err(device_error)
	}

	/// `out[r] = f16(rms(x[r · step + offset]))` for `rows` output rows of width `dim`.
	fn rms_rows(
		&self,
		x: &CudaSlice<f32>,
		out: &mut CudaSlice<f16>,
		rows: u32,
		step: u32,
		offset: u32,
	) -> Result<(), EngineError> {
		let dim = self.model.params.dim;
		let config =
			LaunchConfig { grid_dim: (rows, 1, 1), block_dim: (256, 1, 1), shared_mem_bytes: 0 };
		// SAFETY: the argument types and order match `rms_rows` in kernels.cu, and `x` holds
		// `(rows − 1) · step + offset + 1` rows of `dim` values (the callers' buffers do).
		unsafe {
			self.stream
				.launch_builder(&self.kernels.rms_rows)
				.arg(x)
				.arg(out)
				.arg(&dim)
				.arg(&step)
				.arg(&offset)
				.launch(config)
				.map_err(device_error)?;
		}
		Ok(())
	}

	/// One batch of at most `self.batch` nonces.
	fn forward(
		&self,
		buffers: &mut Buffers,
		account: &Account,
		nonces: &[u64],
	) -> Result<Vec<f32>, EngineError> {
		let p = self.model.params;
		let [dim, ffn, seq, out, head_dim] = [p.dim, p.ffn, p.seq, p.out, p.head_dim()];
		let batch = nonces.len() as u32;
		let rows = batch * seq;
		let seed = &self.model.seed;
		let input_keys: Vec<u64> = nonces.iter().map(|n| input_key(seed, account, *n)).collect();
		let perm_keys: Vec<u64> = nonces.iter().map(|n| perm_key(seed, account, *n)).collect();
		self.stream.memcpy_htod(&input_keys, &mut buffers.input_keys).map_err(device_error)?;
		self.stream.memcpy_htod(&perm_keys, &mut buffers.perm_keys).map_err(device_error)?;

		let linear = |total: u32| LaunchConfig::for_num_elems(total);
		let per_row = |blocks: u32| LaunchConfig {
			grid_dim: (blocks, 1, 1),
			block_dim: (256, 1, 1),
			shared_mem_bytes: 0,
		};
		let s = &self.stream;
		let sqrt3 = 3.0f32.sqrt();
		// SAFETY (every launch below): argument types and order match the kernel signatures
		// in kernels.cu, and every buffer holds `self.batch` nonces' worth of data.
		unsafe {
			let per_nonce = seq * dim;
			s.launch_builder(&self.kernels.fill_input)
				.arg(&buffers.input_keys)
				.arg(&mut buffers.x)
				.arg(&per_nonce)
				.arg(&(rows * dim))
				.arg(&sqrt3)
				.launch(linear(rows * dim))
				.map_err(device_error)?;
		}
		for layer in &self.layers {
			self.rms_rows(&buffers.x, &mut buffers.h, rows, 1, 0)?;
			self.gemm(&buffers.h, &layer.wqkv, &mut buffers.qkv, rows as usize, false)?;
			unsafe {
				s.launch_builder(&self.kernels.rope)
					.arg(&mut buffers.qkv)
					.arg(&self.rope_cos)
					.arg(&self.rope_sin)
					.arg(&rows)
					.arg(&seq)
					.arg(&dim)
					.arg(&head_dim)
					.launch(linear(rows * dim))
					.map_err(device_error)?;
				s.launch_builder(&self.kernels.attention)
					.arg(&buffers.qkv)
					.arg(&mut buffers.attention)
					.arg(&seq)
					.arg(&dim)
					.arg(&head_dim)
					.launch(LaunchConfig {
						grid_dim: (dim / head_dim, batch, 1),
						block_dim: (128, 1, 1),
						shared_mem_bytes: seq * seq * 4,
					})
					.map_err(device_error)?;
			}
			self.gemm(&buffers.attention, &layer.wo, &mut buffers.x, rows as usize, true)?;
			self.rms_rows(&buffers.x, &mut buffers.h, rows, 1, 0)?;
			self.gemm(&buffers.h, &layer.w13, &mut buffers.gate, rows as usize, false)?;
			unsafe {
				s.launch_builder(&self.kernels.swiglu)
					.arg(&buffers.gate)
					.arg(&mut buffers.act)
					.arg(&ffn)
					.arg(&(rows * ffn))
					.launch(linear(rows * ffn))
					.map_err(device_error)?;
			}
			self.gemm(&buffers.act, &layer.w2, &mut buffers.x, rows as usize, true)?;
		}
		self.rms_rows(&buffers.x, &mut buffers.last, batch, seq, seq - 1)?;
		self.gemm(&buffers.last, &self.head, &mut buffers.z, batch as usize, false)?;
		unsafe {
			s.launch_builder(&self.kernels.distance)
				.arg(&buffers.z)
				.arg(&self.target)
				.arg(&buffers.perm_keys)
				.arg(&mut buffers.perm)
				.arg(&mut buffers.distances)
				.arg(&out)
				.launch(per_row(batch))
				.map_err(device_error)?;
		}
		let mut distances = self.stream.clone_dtoh(&buffers.distances).map_err(device_error)?;
		distances.truncate(nonces.len());
		Ok(distances)
	}
}

impl Backend for CudaBackend {
	fn name(&self) -> String {
		self.name.clone()
	}

	fn model(&self) -> &Arc<Model> {
		&self.model
	}

	fn preferred_batch(&self) -> usize {
		self.batch * 4
	}

	fn distances(&self, account: &Account, nonces: &[u64]) -> Result<Vec<f32>, EngineError> {
		let mut buffers = self
			.buffers
			.lock()
			.map_err(|_| EngineError::Device("a previous CUDA batch panicked".into()))?;
		let mut distances = Vec::with_capacity(nonces.len());
		for chunk in nonces.chunks(self.batch) {
			distances.extend(self.forward(&mut buffers, account, chunk)?);
		}
		Ok(distances)
	}
}
