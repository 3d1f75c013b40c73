//! One lane of the CUDA pipeline: a stream with its own cuBLAS handle and workspace, the
//! activations of one batch, the pinned host buffers its copies go through asynchronously,
//! and the CUDA graph that replays a full batch's launches.

use std::{ffi::c_void, sync::Arc};

use cudarc::{
	cublas::{self, CudaBlas},
	driver::{
		sys::CUevent_flags, CudaContext, CudaEvent, CudaGraph, CudaSlice, CudaStream, DevicePtrMut,
		PinnedHostSlice,
	},
};
use gonka_primitives::ModelParams;
use half::f16;

use super::{device_error, Shape};
use crate::engine::EngineError;

/// cuBLAS workspace of a lane, what NVIDIA advises for Hopper: with its own workspace set,
/// cuBLAS never allocates while a graph is being captured.
const BLAS_WORKSPACE: usize = 32 << 20;

/// The device buffers of one batch (row-major; kernels.cu describes each).
pub(super) struct Activations {
	pub account: CudaSlice<u8>,
	pub nonces: CudaSlice<u64>,
	pub input_keys: CudaSlice<u64>,
	pub perm_keys: CudaSlice<u64>,
	pub x: CudaSlice<f32>,
	pub h: CudaSlice<f16>,
	pub qkv: CudaSlice<f32>,
	pub attention: CudaSlice<f16>,
	pub gate: CudaSlice<f32>,
	pub act: CudaSlice<f16>,
	pub last: CudaSlice<f16>,
	pub z: CudaSlice<f32>,
	pub scratch: CudaSlice<u32>,
	pub distances: CudaSlice<f32>,
}

/// How a lane launches a full batch.
pub(super) enum Graph {
	/// Not captured yet. The lane's first full batch runs launch by launch (`warmed` is then
	/// set): cuBLAS sets itself up on first use, which a capture must not record. The next one
	/// is captured.
	Pending { warmed: bool },
	/// Captured: a full batch is one graph launch.
	Ready(CudaGraph),
	/// Launch by launch: graphs are switched off (`GONKA_CUDA_GRAPHS=0`), or capturing failed.
	Off,
}

/// One lane of the pipeline. Fields drop in order: the graph and the cuBLAS handle before the
/// workspace they use.
pub(super) struct Lane {
	pub stream: Arc<CudaStream>,
	pub graph: Graph,
	pub blas: CudaBlas,
	pub buffers: Activations,
	nonces_up: PinnedHostSlice<u64>,
	distances_down: PinnedHostSlice<f32>,
	/// Recorded after a batch's distances are copied down. The pinned buffers cannot order
	/// themselves: cudarc records their events only while it tracks events, which the backend
	/// turns off.
	copied_down: CudaEvent,
	_workspace: CudaSlice<u8>,
}

impl Lane {
	/// A lane on a new stream of `ctx` for batches of at most `batch` nonces of a model of
	/// shape `p`.
	pub fn new(
		ctx: &Arc<CudaContext>,
		batch: usize,
		p: ModelParams,
		shape: Shape,
		graphs: bool,
	) -> Result<Self, EngineError> {
		let [dim, ffn, seq, out] = [p.dim, p.ffn, p.seq, p.out].map(|v| v as usize);
		let rows = batch * seq;
		let stream = ctx.new_stream().map_err(device_error)?;
		let blas = CudaBlas::new(stream.clone()).map_err(device_error)?;
		let s = &stream;
		let mut workspace = s.alloc_zeros::<u8>(BLAS_WORKSPACE).map_err(device_error)?;
		{
			let (pointer, _record) = workspace.device_ptr_mut(s);
			// SAFETY: the workspace outlives the handle (field order) and only this lane's
			// stream, the handle's, uses it.
			unsafe {
				cublas::sys::cublasSetWorkspace_v2(
					*blas.handle(),
					pointer as *mut c_void,
					BLAS_WORKSPACE,
				)
			}
			.result()
			.map_err(device_error)?;
		}
		let scratch = if shape.shuffle_in_shared { 1 } else { batch * 2 * out };
		// SAFETY: the pinned buffers are written (nonces) or filled by a copy (distances)
		// before they are read.
		let (nonces_up, distances_down) = unsafe {
			(
				ctx.alloc_pinned::<u64>(batch).map_err(device_error)?,
				ctx.alloc_pinned_with_flags::<f32>(batch, 0).map_err(device_error)?,
			)
		};
		let buffers = Activations {
			account: s.alloc_zeros(32).map_err(device_error)?,
			nonces: s.alloc_zeros(batch).map_err(device_error)?,
			input_keys: s.alloc_zeros(batch).map_err(device_error)?,
			perm_keys: s.alloc_zeros(batch).map_err(device_error)?,
			x: s.alloc_zeros(rows * dim).map_err(device_error)?,
			h: s.alloc_zeros(rows * dim).map_err(device_error)?,
			qkv: s.alloc_zeros(rows * 3 * dim).map_err(device_error)?,
			attention: s.alloc_zeros(rows * dim).map_err(device_error)?,
			gate: s.alloc_zeros(rows * 2 * ffn).map_err(device_error)?,
			act: s.alloc_zeros(rows * ffn).map_err(device_error)?,
			last: s.alloc_zeros(batch * dim).map_err(device_error)?,
			z: s.alloc_zeros(batch * out).map_err(device_error)?,
			scratch: s.alloc_zeros(scratch).map_err(device_error)?,
			distances: s.alloc_zeros(batch).map_err(device_error)?,
		};
		// A blocking wait: the host thread sleeps rather than spin a core while the GPU works.
		let copied_down =
			ctx.new_event(Some(CUevent_flags::CU_EVENT_BLOCKING_SYNC)).map_err(device_error)?;
		Ok(Self {
			graph: if graphs { Graph::Pending { warmed: false } } else { Graph::Off },
			copied_down,
			blas,
			buffers,
			nonces_up,
			distances_down,
			_workspace: workspace,
			stream,
		})
	}

	/// Queues `nonces`' copy up to the device, once the lane's previous batch is done with
	/// the pinned buffer.
	pub fn send(&mut self, nonces: &[u64]) -> Result<(), EngineError> {
		self.copied_down.synchronize().map_err(device_error)?;
		self.nonces_up.as_mut_slice().map_err(device_error)?[..nonces.len()]
			.copy_from_slice(nonces);
		self.stream.memcpy_htod(&self.nonces_up, &mut self.buffers.nonces).map_err(device_error)
	}

	/// Queues the batch's distances' copy down to the pinned buffer.
	pub fn receive(&mut self) -> Result<(), EngineError> {
		self.stream
			.memcpy_dtoh(&self.buffers.distances, &mut self.distances_down)
			.map_err(device_error)?;
		self.copied_down.record(&self.stream).map_err(device_error)
	}

	/// Waits for the lane's batch of `count` nonces and returns their distances.
	pub fn collect(&self, count: usize) -> Result<Vec<f32>, EngineError> {
		self.copied_down.synchronize().map_err(device_error)?;
		Ok(self.distances_down.as_slice().map_err(device_error)?[..count].to_vec())
	}
}
