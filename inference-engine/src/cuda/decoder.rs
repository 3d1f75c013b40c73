//! The decoder on one GPU. Per run: the tokens' embeddings go up once; per layer
//! `rms_norm_half` → cuBLAS q, k, v → `qkv_epilogue` (biases, rotary embeddings, the cache's new
//! keys and values) → `attention` → cuBLAS o added into the residual → `rms_norm` → cuBLAS
//! gate, up → `silu_mul` → cuBLAS down added into the residual; then `rms_norm_float`,
//! and the final states come down once. The output head ([`CudaDecoder::logits`]) is one more
//! product, a few positions at a time as the CPU path does it.
//!
//! A product is `cublasGemmEx` on the row-major `[out, in]` weights: in cuBLAS's
//! column-major terms `C (out × n) = Wᵀ (out × in) · X (in × n)` with `W` stored `in × out`,
//! f16 inputs, f32 accumulation and output (`beta = 1` adds into the residual stream).

use std::sync::{Arc, Mutex};

use cudarc::{
	cublas::{result::gemm_ex, sys as blas, CudaBlas},
	driver::{
		CudaContext, CudaFunction, CudaSlice, CudaStream, DevicePtr, DevicePtrMut, LaunchConfig,
		PushKernelArg,
	},
};
use half::f16;

use super::{compile, device_error, probe, KERNELS};
use crate::{config::RopePairs, weights::Matrix, InferenceError, LlamaConfig, Model};

/// Threads per block of the row kernels.
const THREADS: u32 = 256;

/// A weight matrix on the GPU, f16, row-major `rows × cols`.
struct DeviceMatrix {
	rows: usize,
	cols: usize,
	data: CudaSlice<f16>,
}

/// One decoder layer's weights on the GPU.
struct DeviceLayer {
	attention_norm: CudaSlice<f32>,
	q: DeviceMatrix,
	k: DeviceMatrix,
	v: DeviceMatrix,
	qkv_bias: Option<[CudaSlice<f32>; 3]>,
	o: DeviceMatrix,
	mlp_norm: CudaSlice<f32>,
	gate: DeviceMatrix,
	up: DeviceMatrix,
	down: DeviceMatrix,
}

/// The kernels of `kernels.cu`, in the order of [`KERNELS`].
struct Kernels {
	rms_norm_half: CudaFunction,
	rms_norm_float: CudaFunction,
	qkv_epilogue: CudaFunction,
	attention: CudaFunction,
	silu_mul: CudaFunction,
	to_half: CudaFunction,
}

/// A sequence's keys and values on the GPU, per layer, room for `capacity` positions.
pub struct DeviceCache {
	keys: Vec<CudaSlice<f16>>,
	values: Vec<CudaSlice<f16>>,
	capacity: usize,
}

/// A model's weights on one GPU, and what runs them.
pub struct CudaDecoder {
	stream: Arc<CudaStream>,
	blas: CudaBlas,
	kernels: Kernels,
	layers: Vec<DeviceLayer>,
	norm: CudaSlice<f32>,
	output: DeviceMatrix,
	frequencies: CudaSlice<f32>,
	/// The biases of a model without: zeros as wide as the queries.
	zero_bias: CudaSlice<f32>,
	config: LlamaConfig,
	/// One run at a time drives the stream.
	turn: Mutex<()>,
}

impl CudaDecoder {
	/// Uploads `model`'s weights to GPU `ordinal` (projections as f16).
	pub fn new(model: &Model, frequencies: &[f32], ordinal: usize) -> Result<Self, InferenceError> {
		let count = probe()?;
		if ordinal >= count {
			return Err(InferenceError::Device(format!(
				"GPU {ordinal} does not exist: this machine has {count}"
			)));
		}
		let config = model.config.clone();
		let head_dim = config.head_dim();
		if !head_dim.is_multiple_of(32) || head_dim > 256 {
			return Err(InferenceError::Device(format!(
				"heads of {head_dim} values: the CUDA attention takes multiples of 32 up to 256"
			)));
		}
		let context = CudaContext::new(ordinal).map_err(device_error)?;
		let stream = context.default_stream();
		let module = context.load_module(compile()?).map_err(device_error)?;
		let function = |name: &str| module.load_function(name).map_err(device_error);
		let [rms_norm_half, rms_norm_float, qkv_epilogue, attention, silu_mul, to_half] = KERNELS;
		let kernels = Kernels {
			rms_norm_half: function(rms_norm_half)?,
			rms_norm_float: function(rms_norm_float)?,
			qkv_epilogue: function(qkv_epilogue)?,
			attention: function(attention)?,
			silu_mul: function(silu_mul)?,
			to_half: function(to_half)?,
		};
		let floats = |values: &[f32]| stream.clone_htod(values).map_err(device_error);
		let matrix = |matrix: &Matrix| -> Result<DeviceMatrix, InferenceError> {
			let halves: Vec<f16> = matrix.to_f32().iter().map(|v| f16::from_f32(*v)).collect();
			Ok(DeviceMatrix {
				rows: matrix.rows,
				cols: matrix.cols,
				data: stream.clone_htod(&halves).map_err(device_error)?,
			})
		};
		let weights = &model.weights;
		let layers = weights
			.layers
			.iter()
			.map(|layer| {
				let qkv_bias = match &layer.qkv_bias {
					Some([q, k, v]) => Some([floats(q)?, floats(k)?, floats(v)?]),
					None => None,
				};
				Ok(DeviceLayer {
					attention_norm: floats(&layer.attention_norm)?,
					q: matrix(&layer.q)?,
					k: matrix(&layer.k)?,
					v: matrix(&layer.v)?,
					qkv_bias,
					o: matrix(&layer.o)?,
					mlp_norm: floats(&layer.mlp_norm)?,
					gate: matrix(&layer.gate)?,
					up: matrix(&layer.up)?,
					down: matrix(&layer.down)?,
				})
			})
			.collect::<Result<_, InferenceError>>()?;
		let blas = CudaBlas::new(stream.clone()).map_err(device_error)?;
		Ok(CudaDecoder {
			norm: floats(&weights.norm)?,
			output: matrix(weights.output())?,
			frequencies: floats(frequencies)?,
			zero_bias: stream
				.alloc_zeros::<f32>(config.num_attention_heads * head_dim)
				.map_err(device_error)?,
			stream,
			blas,
			kernels,
			layers,
			config,
			turn: Mutex::new(()),
		})
	}

	/// Makes room in `cache` for `positions` positions, keeping the `kept` already there.
	fn reserve(
		&self,
		cache: &mut Option<DeviceCache>,
		kept: usize,
		positions: usize,
	) -> Result<(), InferenceError> {
		let capacity = cache.as_ref().map_or(0, |cache| cache.capacity);
		if positions <= capacity {
			return Ok(());
		}
		let capacity = positions.max(2 * capacity).min(self.config.max_position_embeddings);
		let width = self.config.kv_heads() * self.config.head_dim();
		let mut grown = DeviceCache { keys: Vec::new(), values: Vec::new(), capacity };
		for layer in 0..self.config.num_hidden_layers {
			let mut keys =
				self.stream.alloc_zeros::<f16>(capacity * width).map_err(device_error)?;
			let mut values =
				self.stream.alloc_zeros::<f16>(capacity * width).map_err(device_error)?;
			if let Some(old) = cache.as_ref().filter(|_| kept > 0) {
				let used = kept * width;
				let stream = &self.stream;
				stream
					.memcpy_dtod(&old.keys[layer].slice(..used), &mut keys.slice_mut(..used))
					.map_err(device_error)?;
				stream
					.memcpy_dtod(&old.values[layer].slice(..used), &mut values.slice_mut(..used))
					.map_err(device_error)?;
			}
			grown.keys.push(keys);
			grown.values.push(values);
		}
		*cache = Some(grown);
		Ok(())
	}

	/// Runs the `n` tokens whose embeddings are `embeddings` (`n × hidden`) at positions
	/// `first ..` of `cache`, returning the final normalised states of those from index `from`
	/// on.
	pub fn final_states(
		&self,
		embeddings: &[f32],
		first: usize,
		cache: &mut Option<DeviceCache>,
		from: usize,
	) -> Result<Vec<f32>, InferenceError> {
		let _turn = self.turn.lock().map_err(|_| device_error("a GPU run panicked"))?;
		let config = &self.config;
		let hidden = config.hidden_size;
		let n = embeddings.len() / hidden;
		self.reserve(cache, first, first + n)?;
		let Some(cache) = cache.as_mut() else {
			return Err(device_error("the KV cache was not allocated"));
		};
		let (heads, kv_heads, head_dim) =
			(config.num_attention_heads, config.kv_heads(), config.head_dim());
		let stream = &self.stream;
		let alloc = |count: usize| stream.alloc_zeros::<f32>(count).map_err(device_error);
		let alloc_half = |count: usize| stream.alloc_zeros::<f16>(count).map_err(device_error);
		let mut x = stream.clone_htod(embeddings).map_err(device_error)?;
		let mut normed = alloc_half(n * hidden)?;
		let mut q = alloc(n * heads * head_dim)?;
		let mut k = alloc(n * kv_heads * head_dim)?;
		let mut v = alloc(n * kv_heads * head_dim)?;
		let mut attended = alloc_half(n * heads * head_dim)?;
		let mut gate = alloc(n * config.intermediate_size)?;
		let mut up = alloc(n * config.intermediate_size)?;
		let mut activated = alloc_half(n * config.intermediate_size)?;
		for (layer, weights) in self.layers.iter().enumerate() {
			self.rms_norm(
				&self.kernels.rms_norm_half,
				&x,
				&weights.attention_norm,
				&mut normed,
				n,
			)?;
			self.product(&weights.q, &normed, &mut q, n, false)?;
			self.product(&weights.k, &normed, &mut k, n, false)?;
			self.product(&weights.v, &normed, &mut v, n, false)?;
			let (first_i, heads_i, kv_heads_i, head_dim_i) =
				(first as i32, heads as i32, kv_heads as i32, head_dim as i32);
			let adjacent = i32::from(config.rope_pairs == RopePairs::Adjacent);
			let mut launch = stream.launch_builder(&self.kernels.qkv_epilogue);
			launch.arg(&mut q).arg(&k).arg(&v);
			match &weights.qkv_bias {
				Some([q_bias, k_bias, v_bias]) => launch.arg(q_bias).arg(k_bias).arg(v_bias),
				None => launch.arg(&self.zero_bias).arg(&self.zero_bias).arg(&self.zero_bias),
			};
			launch
				.arg(&self.frequencies)
				.arg(&mut cache.keys[layer])
				.arg(&mut cache.values[layer])
				.arg(&first_i)
				.arg(&heads_i)
				.arg(&kv_heads_i)
				.arg(&head_dim_i)
				.arg(&adjacent);
			// SAFETY: one block per token; `q`, `k`, `v` hold the `n` tokens' projections, the
			// biases (or nulls) and frequencies the model's widths, and the cache room for
			// `first + n` positions (`reserve`).
			unsafe { launch.launch(blocks(n, THREADS)) }.map_err(device_error)?;
			let scale = 1.0 / (head_dim as f32).sqrt();
			let mut launch = stream.launch_builder(&self.kernels.attention);
			launch
				.arg(&q)
				.arg(&cache.keys[layer])
				.arg(&cache.values[layer])
				.arg(&mut attended)
				.arg(&first_i)
				.arg(&heads_i)
				.arg(&kv_heads_i)
				.arg(&head_dim_i)
				.arg(&scale);
			// SAFETY: one warp per (token, head) reads positions up to `first + token`, all
			// written, and writes its head of `attended` (`n × heads × head_dim`).
			unsafe { launch.launch(blocks(n * heads, 32)) }.map_err(device_error)?;
			self.product(&weights.o, &attended, &mut x, n, true)?;
			self.rms_norm(&self.kernels.rms_norm_half, &x, &weights.mlp_norm, &mut normed, n)?;
			self.product(&weights.gate, &normed, &mut gate, n, false)?;
			self.product(&weights.up, &normed, &mut up, n, false)?;
			let count = (n * config.intermediate_size) as i32;
			let mut launch = stream.launch_builder(&self.kernels.silu_mul);
			launch.arg(&gate).arg(&up).arg(&mut activated).arg(&count);
			// SAFETY: `count` elements in each of the three buffers, one thread each.
			unsafe { launch.launch(spread(count as usize)) }.map_err(device_error)?;
			self.product(&weights.down, &activated, &mut x, n, true)?;
		}
		let mut states = alloc(n * hidden)?;
		self.rms_norm(&self.kernels.rms_norm_float, &x, &self.norm, &mut states, n)?;
		let from = from.min(n) * hidden;
		let mut out = vec![0f32; n * hidden - from];
		stream.memcpy_dtoh(&states.slice(from..), &mut out).map_err(device_error)?;
		Ok(out)
	}

	/// The logits of final states (`hidden` each), one after another.
	pub fn logits(&self, states: &[f32]) -> Result<Vec<f32>, InferenceError> {
		let _turn = self.turn.lock().map_err(|_| device_error("a GPU run panicked"))?;
		let n = states.len() / self.config.hidden_size;
		let stream = &self.stream;
		let input = stream.clone_htod(states).map_err(device_error)?;
		let mut halves = stream.alloc_zeros::<f16>(states.len()).map_err(device_error)?;
		let count = states.len() as i32;
		let mut launch = stream.launch_builder(&self.kernels.to_half);
		launch.arg(&input).arg(&mut halves).arg(&count);
		// SAFETY: `count` elements in both buffers, one thread each.
		unsafe { launch.launch(spread(states.len())) }.map_err(device_error)?;
		let mut logits = stream.alloc_zeros::<f32>(n * self.output.rows).map_err(device_error)?;
		self.product(&self.output, &halves, &mut logits, n, false)?;
		stream.clone_dtoh(&logits).map_err(device_error)
	}

	/// RMSNorm of the `n` rows of `x` with `scale` into `out`, by `kernel` (one of the two
	/// `rms_norm_*`, whose output type `out` has).
	fn rms_norm<T>(
		&self,
		kernel: &CudaFunction,
		x: &CudaSlice<f32>,
		scale: &CudaSlice<f32>,
		out: &mut CudaSlice<T>,
		n: usize,
	) -> Result<(), InferenceError> {
		let (width, eps) = (self.config.hidden_size as i32, self.config.rms_norm_eps);
		let mut launch = self.stream.launch_builder(kernel);
		launch.arg(x).arg(scale).arg(out).arg(&width).arg(&eps);
		// SAFETY: one block per row of `width` values; `out` holds `n` rows of the kernel's
		// output type.
		unsafe { launch.launch(blocks(n, THREADS)) }.map_err(device_error)?;
		Ok(())
	}

	/// `out (n × rows) = x (n × cols) · matrixᵀ`, added to `out` when `accumulate`.
	fn product(
		&self,
		matrix: &DeviceMatrix,
		x: &CudaSlice<f16>,
		out: &mut CudaSlice<f32>,
		n: usize,
		accumulate: bool,
	) -> Result<(), InferenceError> {
		let (alpha, beta) = (1.0f32, if accumulate { 1.0f32 } else { 0.0 });
		let (rows, cols) = (matrix.rows as i32, matrix.cols as i32);
		let (weights, _w) = matrix.data.device_ptr(&self.stream);
		let (input, _x) = x.device_ptr(&self.stream);
		let (output, _o) = out.device_ptr_mut(&self.stream);
		// SAFETY: the weights hold `rows × cols` halves, the input `n × cols`, the output
		// `n × rows` floats (the callers size them so); the handle runs on this stream.
		unsafe {
			gemm_ex(
				*self.blas.handle(),
				blas::cublasOperation_t::CUBLAS_OP_T,
				blas::cublasOperation_t::CUBLAS_OP_N,
				rows,
				n as i32,
				cols,
				(&alpha as *const f32).cast(),
				weights as *const _,
				blas::cudaDataType_t::CUDA_R_16F,
				cols,
				input as *const _,
				blas::cudaDataType_t::CUDA_R_16F,
				cols,
				(&beta as *const f32).cast(),
				output as *mut _,
				blas::cudaDataType_t::CUDA_R_32F,
				rows,
				blas::cublasComputeType_t::CUBLAS_COMPUTE_32F,
				blas::cublasGemmAlgo_t::CUBLAS_GEMM_DEFAULT,
			)
		}
		.map_err(device_error)
	}
}

/// `count` blocks of `threads`.
fn blocks(count: usize, threads: u32) -> LaunchConfig {
	LaunchConfig { grid_dim: (count as u32, 1, 1), block_dim: (threads, 1, 1), shared_mem_bytes: 0 }
}

/// One thread per element of `count`.
fn spread(count: usize) -> LaunchConfig {
	LaunchConfig {
		grid_dim: ((count as u32).div_ceil(THREADS), 1, 1),
		block_dim: (THREADS, 1, 1),
		shared_mem_bytes: 0,
	}
}
