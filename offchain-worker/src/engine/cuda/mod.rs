//! The CUDA backend: f16 weights on the GPU, cuBLAS GEMMs (f16 inputs, f32 accumulation and
//! output), NVRTC kernels for the rest of the forward pass and the distance.
//!
//! cudarc loads libcuda, cuBLAS and NVRTC at run time, so this compiles and links with no
//! CUDA installed; [`CudaBackend::new`] probes for each library first and reports what is
//! missing instead of panicking.

#[cfg(test)]
mod host_emulation;
pub mod kernels;
mod lane;

use std::{
	collections::VecDeque,
	ffi::c_void,
	sync::{Arc, Mutex, PoisonError},
};

use cudarc::{
	cublas::{self, CudaBlas},
	driver::{
		sys::{CUgraphInstantiate_flags, CUstreamCaptureMode},
		CudaContext, CudaFunction, CudaGraph, CudaSlice, CudaStream, DevicePtr, DevicePtrMut,
		LaunchConfig, PushKernelArg,
	},
};
use gonka_cuda::CudaError;
use half::f16;

use self::lane::{Activations, Graph, Lane};
use super::{
	model::{Matrix, Model},
	nonce::Account,
	Backend, EngineError,
};

/// Batches in flight on one device: while one lane's batch computes, the other's results
/// come back and its next nonces go up.
const LANES: usize = 2;

/// Threads per block of the key derivation.
const KEY_THREADS: u32 = 128;

/// Dynamic shared memory a block may take without opting in (48 KiB on every GPU since Kepler).
const SHARED_LIMIT: u32 = 48 * 1024;

/// Why a CUDA machine is not usable, or the number of GPUs when libcuda, cuBLAS and NVRTC
/// load and at least one device answers.
pub fn probe() -> Result<usize, EngineError> {
	gonka_cuda::probe().map_err(EngineError::from)
}

impl From<CudaError> for EngineError {
	fn from(error: CudaError) -> Self {
		match error {
			CudaError::Unavailable(why) => EngineError::Unavailable(why),
			other => EngineError::Device(other.to_string()),
		}
	}
}

fn device_error(e: impl std::fmt::Debug) -> EngineError {
	EngineError::Device(format!("{e:?}"))
}

/// The compiled kernels.
struct Kernels {
	nonce_keys: CudaFunction,
	fill_input: CudaFunction,
	rms_rows: CudaFunction,
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

/// How the kernels are launched for this model's shape.
#[derive(Clone, Copy)]
struct Shape {
	/// Warps (query positions) per attention block.
	attention_warps: u32,
	/// Whether the distance kernel keeps the permutation and its draws in shared memory.
	shuffle_in_shared: bool,
}

impl Shape {
	fn of(params: gonka_primitives::ModelParams) -> Self {
		let per_warp = 2 * params.head_dim() * 4;
		Self {
			attention_warps: (SHARED_LIMIT / per_warp).clamp(1, 4),
			// The permutation and the draws, beside the kernel's 2 KiB of partial sums.
			shuffle_in_shared: 2 * params.out * 4 + 2048 <= SHARED_LIMIT,
		}
	}
}

/// How a [`CudaBackend`] launches its work.
#[derive(Clone, Copy, Debug)]
pub struct Options {
	/// At most this many nonces per lane; about 1 GiB of activations when `None`. (The tests'
	/// small batches reach the pipeline's lane reuse and its graphs with few nonces.)
	pub batch: Option<usize>,
	/// Whether full batches run as a CUDA graph captured from their launches (from each lane's
	/// second full batch on), or launch by launch.
	pub graphs: bool,
}

/// The CUDA backend on one device.
pub struct CudaBackend {
	/// The lanes, with the buffers and graphs they own; `Drop` waits for their streams
	/// before the weights they read are freed.
	lanes: Mutex<Vec<Lane>>,
	model: Arc<Model>,
	name: String,
	kernels: Kernels,
	layers: Vec<DeviceLayer>,
	head: DeviceMatrix,
	rope_cos: CudaSlice<f32>,
	rope_sin: CudaSlice<f32>,
	target: CudaSlice<f32>,
	seed: CudaSlice<u8>,
	shape: Shape,
	batch: usize,
}

// SAFETY: each lane's cuBLAS handle and graph are only used while `lanes` is locked, so one
// thread at a time drives the streams; cudarc's context and streams are thread-safe.
unsafe impl Send for CudaBackend {}
// SAFETY: see above.
unsafe impl Sync for CudaBackend {}

impl CudaBackend {
	/// Uploads `model` to GPU `ordinal` and compiles the kernels; full batches run as CUDA
	/// graphs unless the environment sets `GONKA_CUDA_GRAPHS=0`.
	pub fn new(model: Arc<Model>, ordinal: usize) -> Result<Self, EngineError> {
		let graphs = std::env::var("GONKA_CUDA_GRAPHS").map_or(true, |value| value != "0");
		Self::with_options(model, ordinal, Options { batch: None, graphs })
	}

	/// [`CudaBackend::new`] with its launch options given.
	pub fn with_options(
		model: Arc<Model>,
		ordinal: usize,
		options: Options,
	) -> Result<Self, EngineError> {
		let count = probe()?;
		if ordinal >= count {
			return Err(EngineError::Unavailable(format!(
				"GPU {ordinal} does not exist: this machine has {count}"
			)));
		}
		let p = model.params;
		let ctx = CudaContext::new(ordinal).map_err(device_error)?;
		// SAFETY: the backend orders its streams itself, which a graph capture needs (cudarc's
		// per-buffer events would be recorded into the graph): the weights are uploaded and
		// synchronised before any lane reads them, each lane's buffers are only used on its
		// stream, and `Drop` waits for every lane before a buffer is freed.
		unsafe { ctx.disable_event_tracking() };
		let name = format!("cuda:{ordinal} ({})", ctx.name().map_err(device_error)?);
		let stream = ctx.default_stream();
		let module = ctx.load_module(kernels::compile()?).map_err(device_error)?;
		let function = |name: &str| module.load_function(name).map_err(device_error);
		let kernels = Kernels {
			nonce_keys: function("nonce_keys")?,
			fill_input: function("fill_input")?,
			rms_rows: function("rms_rows")?,
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
		let seed = stream.clone_htod(&model.seed).map_err(device_error)?;
		let shape = Shape::of(p);

		let [dim, ffn, seq, out] = [p.dim, p.ffn, p.seq, p.out].map(|v| v as usize);
		let scratch = if shape.shuffle_in_shared { 0 } else { 2 * out * 4 };
		let per_nonce_bytes = seq
			* (dim * 4 * 2 + dim * 2 * 2 + 3 * dim * 4 + 2 * ffn * 4 + ffn * 2)
			+ out * 4 + scratch
			+ dim * 2 + 36;
		// A grid's y dimension (the attention's nonces) is at most 65,535.
		let batch = options.batch.unwrap_or((1usize << 30) / per_nonce_bytes).clamp(1, 65_535);
		let lanes = (0..LANES)
			.map(|_| Lane::new(&ctx, batch, p, shape, options.graphs))
			.collect::<Result<Vec<_>, EngineError>>()?;
		stream.synchronize().map_err(device_error)?;
		Ok(Self {
			lanes: Mutex::new(lanes),
			model,
			name,
			kernels,
			layers,
			head,
			rope_cos,
			rope_sin,
			target,
			seed,
			shape,
			batch,
		})
	}

	/// `output (rows × w.cols) = input (rows × w.rows) · w`, or `+=` when `accumulate`.
	fn gemm(
		blas: &CudaBlas,
		stream: &Arc<CudaStream>,
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
		let (a, _a) = w.data.device_ptr(stream);
		let (b, _b) = input.device_ptr(stream);
		let (c, _c) = output.device_ptr_mut(stream);
		// Row-major `Y = X · W` is column-major `Yᵀ = Wᵀ · Xᵀ`: with no transposes, cuBLAS
		// computes C (n × rows) = A (n × k) · B (k × rows), leading dimensions n, k, n.
		// SAFETY: the pointers come from live allocations of at least the sizes given.
		unsafe {
			cublas::result::gemm_ex(
				*blas.handle(),
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
		stream: &Arc<CudaStream>,
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
			stream
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

	/// Queues one batch of at most `self.batch` nonces on `lane`: the nonces go up, the keys
	/// are derived on the device, and the distances come back into the lane's pinned buffer,
	/// all asynchronously; [`Lane::collect`] waits for them.
	fn launch(&self, lane: &mut Lane, nonces: &[u64]) -> Result<(), EngineError> {
		lane.send(nonces)?;
		if nonces.len() == self.batch {
			self.full_batch(lane)?;
		} else {
			self.enqueue(lane, nonces.len() as u32)?;
		}
		lane.receive()
	}

	/// Queues a full batch: from the lane's second one on, one launch of the graph captured
	/// from its launches, which spares the CPU a hundred-odd launches per batch.
	fn full_batch(&self, lane: &mut Lane) -> Result<(), EngineError> {
		match &lane.graph {
			Graph::Ready(graph) => return graph.launch().map_err(device_error),
			Graph::Off => return self.enqueue(lane, self.batch as u32),
			Graph::Pending { warmed: false } => {
				self.enqueue(lane, self.batch as u32)?;
				lane.graph = Graph::Pending { warmed: true };
				return Ok(());
			}
			Graph::Pending { warmed: true } => {}
		}
		match self.capture(lane) {
			Ok(graph) => {
				graph.launch().map_err(device_error)?;
				lane.graph = Graph::Ready(graph);
				Ok(())
			}
			Err(why) => {
				log::warn!(
					target: "compute",
					"{}: capturing a CUDA graph failed ({why}); this lane launches kernel by kernel",
					self.name
				);
				lane.graph = Graph::Off;
				self.enqueue(lane, self.batch as u32)
			}
		}
	}

	/// Records a full batch's launches on `lane` into a graph, without running them.
	fn capture(&self, lane: &mut Lane) -> Result<CudaGraph, EngineError> {
		lane.stream
			.begin_capture(CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
			.map_err(device_error)?;
		let recorded = self.enqueue(lane, self.batch as u32);
		// The capture ends even when recording failed, so that the stream leaves capture mode.
		let graph = lane.stream.end_capture(CUgraphInstantiate_flags(0));
		recorded?;
		graph
			.map_err(device_error)?
			.ok_or_else(|| EngineError::Device("the capture recorded nothing".into()))
	}

	/// Queues the forward pass and the distance of `batch` nonces, already on the device, on
	/// `lane`'s stream.
	fn enqueue(&self, lane: &mut Lane, batch: u32) -> Result<(), EngineError> {
		let p = self.model.params;
		let [dim, ffn, seq, out, head_dim] = [p.dim, p.ffn, p.seq, p.out, p.head_dim()];
		let rows = batch * seq;
		let Lane { stream: s, blas, buffers, .. } = lane;
		let Activations {
			account,
			nonces: device_nonces,
			input_keys,
			perm_keys,
			x,
			h,
			qkv,
			attention: mixed,
			gate,
			act,
			last,
			z,
			scratch,
			distances,
		} = buffers;

		let linear = |total: u32| LaunchConfig::for_num_elems(total);
		// The key derivation holds a BLAKE2b state of 16 words per thread: small blocks keep it
		// in registers (1,024-thread blocks allow 64 registers a thread).
		let keys = LaunchConfig {
			grid_dim: (batch.div_ceil(KEY_THREADS), 1, 1),
			block_dim: (KEY_THREADS, 1, 1),
			shared_mem_bytes: 0,
		};
		let sqrt3 = 3.0f32.sqrt();
		let warps = self.shape.attention_warps;
		let attention = LaunchConfig {
			grid_dim: (dim / head_dim, batch, seq.div_ceil(warps)),
			block_dim: (32 * warps, 1, 1),
			shared_mem_bytes: warps * 2 * head_dim * 4,
		};
		let in_shared = u32::from(self.shape.shuffle_in_shared);
		let distance = LaunchConfig {
			grid_dim: (batch, 1, 1),
			block_dim: (256, 1, 1),
			shared_mem_bytes: in_shared * 2 * out * 4,
		};
		// SAFETY (every launch below): argument types and order match the kernel signatures
		// in kernels.cu, and every buffer holds `self.batch` nonces' worth of data.
		unsafe {
			s.launch_builder(&self.kernels.nonce_keys)
				.arg(&self.seed)
				.arg(&*account)
				.arg(&*device_nonces)
				.arg(&batch)
				.arg(&mut *input_keys)
				.arg(&mut *perm_keys)
				.launch(keys)
				.map_err(device_error)?;
			let per_nonce = seq * dim;
			s.launch_builder(&self.kernels.fill_input)
				.arg(&*input_keys)
				.arg(&mut *x)
				.arg(&per_nonce)
				.arg(&(rows * dim))
				.arg(&sqrt3)
				.launch(linear(rows * dim))
				.map_err(device_error)?;
		}
		for layer in &self.layers {
			self.rms_rows(s, &*x, &mut *h, rows, 1, 0)?;
			Self::gemm(blas, s, &*h, &layer.wqkv, &mut *qkv, rows as usize, false)?;
			unsafe {
				s.launch_builder(&self.kernels.attention)
					.arg(&*qkv)
					.arg(&self.rope_cos)
					.arg(&self.rope_sin)
					.arg(&mut *mixed)
					.arg(&seq)
					.arg(&dim)
					.arg(&head_dim)
					.launch(attention)
					.map_err(device_error)?;
			}
			Self::gemm(blas, s, &*mixed, &layer.wo, &mut *x, rows as usize, true)?;
			self.rms_rows(s, &*x, &mut *h, rows, 1, 0)?;
			Self::gemm(blas, s, &*h, &layer.w13, &mut *gate, rows as usize, false)?;
			unsafe {
				s.launch_builder(&self.kernels.swiglu)
					.arg(&*gate)
					.arg(&mut *act)
					.arg(&ffn)
					.arg(&(rows * ffn))
					.launch(linear(rows * ffn))
					.map_err(device_error)?;
			}
			Self::gemm(blas, s, &*act, &layer.w2, &mut *x, rows as usize, true)?;
		}
		self.rms_rows(s, &*x, &mut *last, batch, seq, seq - 1)?;
		Self::gemm(blas, s, &*last, &self.head, &mut *z, batch as usize, false)?;
		unsafe {
			s.launch_builder(&self.kernels.distance)
				.arg(&*z)
				.arg(&self.target)
				.arg(&*perm_keys)
				.arg(&mut *scratch)
				.arg(&mut *distances)
				.arg(&out)
				.arg(&in_shared)
				.launch(distance)
				.map_err(device_error)?;
		}
		Ok(())
	}
}

impl Drop for CudaBackend {
	fn drop(&mut self) {
		let lanes = self.lanes.get_mut().unwrap_or_else(PoisonError::into_inner);
		for lane in lanes.iter() {
			if let Err(e) = lane.stream.synchronize() {
				log::warn!(target: "compute", "{}: a lane failed while closing: {e:?}", self.name);
			}
		}
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
		let mut lanes = self
			.lanes
			.lock()
			.map_err(|_| EngineError::Device("a previous CUDA batch panicked".into()))?;
		for lane in lanes.iter_mut() {
			lane.stream.memcpy_htod(account, &mut lane.buffers.account).map_err(device_error)?;
		}
		let mut distances = Vec::with_capacity(nonces.len());
		// (lane, nonces) of the batches in flight, oldest first.
		let mut in_flight: VecDeque<(usize, usize)> = VecDeque::with_capacity(LANES);
		for (index, chunk) in nonces.chunks(self.batch).enumerate() {
			let lane = index % LANES;
			if in_flight.len() == LANES {
				let (oldest, count) = in_flight.pop_front().expect("LANES batches in flight");
				distances.extend(lanes[oldest].collect(count)?);
			}
			self.launch(&mut lanes[lane], chunk)?;
			in_flight.push_back((lane, chunk.len()));
		}
		for (lane, count) in in_flight {
			distances.extend(lanes[lane].collect(count)?);
		}
		Ok(distances)
	}
}
