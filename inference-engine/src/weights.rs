//! A model's weights as they are stored: every matrix keeps its file's type (f32, f16, bf16 or
//! a ggml block format) and, where it can, stays in the memory-mapped file, so a model costs
//! its file size in memory, not four bytes a weight.
//!
//! Products ([`Matrix::matmul`]): block formats multiply the stored blocks by each token's
//! activations quantised to 8 bits, as llama.cpp does, rows split across threads, so a
//! prompt run at once and the same tokens run one by one give the same values; float
//! formats run several tokens through `gemm`, one panel of [`PANEL_ROWS`] rows expanded at a
//! time.
//!
//! The weights hash, which the chain's model registry holds, is BLAKE2b-256 over the bytes of
//! the weight files (the `.gguf` file, or the safetensors files in file-name order): a host
//! can check a model it downloaded before serving it, and nothing but the exact files passes.

use std::{path::Path, sync::Arc};

use gonka_primitives::Hash32;
use memmap2::Mmap;
use rayon::prelude::*;

use crate::{
	quant::{dequantize_row, dot_rows, BlockType, TokenBatch},
	InferenceError,
};

/// Rows expanded at a time by [`Matrix::matmul`].
pub const PANEL_ROWS: usize = 64;
/// Rows per parallel task in [`Matrix::apply`].
const ROWS_PER_TASK: usize = 32;

/// A weight file mapped into memory (or, for generated models, held in memory).
#[derive(Clone)]
pub struct Storage(Arc<StorageBytes>);

enum StorageBytes {
	Mapped(Mmap),
	Owned(Vec<u8>),
}

impl Storage {
	/// Maps `path` read-only.
	pub fn map(path: &Path) -> Result<Self, InferenceError> {
		let file = std::fs::File::open(path).map_err(|e| InferenceError::Io(path.into(), e))?;
		// SAFETY: the map is read-only; a model file changed while it is served changes the
		// weights (as replacing it on disk would on the next load), never memory safety of the
		// bytes, which stay mapped as long as any matrix holds them.
		let map = unsafe { Mmap::map(&file) }.map_err(|e| InferenceError::Io(path.into(), e))?;
		Ok(Storage(Arc::new(StorageBytes::Mapped(map))))
	}

	/// Bytes held in memory.
	pub fn owned(bytes: Vec<u8>) -> Self {
		Storage(Arc::new(StorageBytes::Owned(bytes)))
	}

	/// The whole file.
	pub fn bytes(&self) -> &[u8] {
		match &*self.0 {
			StorageBytes::Mapped(map) => map,
			StorageBytes::Owned(bytes) => bytes,
		}
	}
}

/// A row-major matrix of `rows × cols` as stored (Hugging Face and GGUF both store
/// projections as `[out, in]`).
#[derive(Clone)]
pub struct Matrix {
	/// Output size.
	pub rows: usize,
	/// Input size.
	pub cols: usize,
	/// How each row is stored.
	pub block_type: BlockType,
	storage: Storage,
	start: usize,
}

impl std::fmt::Debug for Matrix {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "Matrix({} × {}, {:?})", self.rows, self.cols, self.block_type)
	}
}

impl Matrix {
	/// The matrix of `rows × cols` stored as `block_type` at `start` of `storage`; the caller
	/// has checked that it lies within.
	pub fn new(
		storage: Storage,
		start: usize,
		rows: usize,
		cols: usize,
		block_type: BlockType,
	) -> Result<Self, InferenceError> {
		let len = rows.checked_mul(block_type.row_bytes(cols));
		let fits = cols.is_multiple_of(block_type.block_len())
			&& len
				.and_then(|len| start.checked_add(len))
				.is_some_and(|end| end <= storage.bytes().len());
		if !fits {
			return Err(InferenceError::Weights(format!(
				"a {rows} × {cols} {block_type:?} matrix does not fit its file"
			)));
		}
		Ok(Matrix { rows, cols, block_type, storage, start })
	}

	/// A matrix of f32 values held in memory.
	pub fn from_f32(rows: usize, cols: usize, values: &[f32]) -> Self {
		let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
		Matrix { rows, cols, block_type: BlockType::F32, storage: Storage::owned(bytes), start: 0 }
	}

	fn row_bytes(&self) -> usize {
		self.block_type.row_bytes(self.cols)
	}

	/// The stored bytes of every row.
	pub fn bytes(&self) -> &[u8] {
		&self.storage.bytes()[self.start..self.start + self.rows * self.row_bytes()]
	}

	/// Row `index` expanded to floats (an embedding).
	pub fn row(&self, index: usize) -> Vec<f32> {
		let row_bytes = self.row_bytes();
		let mut out = vec![0.0; self.cols];
		dequantize_row(self.block_type, &self.bytes()[index * row_bytes..][..row_bytes], &mut out);
		out
	}

	/// Every value, expanded to floats, row after row (for uploading to a GPU).
	pub fn to_f32(&self) -> Vec<f32> {
		let mut out = vec![0.0; self.rows * self.cols];
		for (bytes, out) in
			self.bytes().chunks_exact(self.row_bytes()).zip(out.chunks_exact_mut(self.cols))
		{
			dequantize_row(self.block_type, bytes, out);
		}
		out
	}

	/// `self · x` for one vector of `cols` values.
	pub fn apply(&self, x: &[f32]) -> Vec<f32> {
		self.matmul(x, 1)
	}

	/// `x · selfᵀ` for `n` vectors of `cols` values, row after row in `x`: `n × rows` values.
	/// Block formats multiply their stored blocks by each token's quantised activations;
	/// float formats multiply one token in place and several through `gemm`.
	pub fn matmul(&self, x: &[f32], n: usize) -> Vec<f32> {
		debug_assert_eq!(x.len(), n * self.cols);
		if n > 1 && !self.block_type.is_quantized() {
			return self.matmul_expanded(x, n);
		}
		let batch = TokenBatch::new(self.block_type, x, self.cols);
		let row_bytes = self.row_bytes();
		let rows = self.rows;
		let mut out = vec![0.0; n * rows];
		let out_address = out.as_mut_ptr() as usize;
		self.bytes().par_chunks(row_bytes * ROWS_PER_TASK).enumerate().for_each(|(task, bytes)| {
			let task_rows = bytes.len() / row_bytes;
			let mut by_row = vec![0.0; task_rows * n];
			dot_rows(self.block_type, bytes, row_bytes, &batch, &mut by_row);
			let first = task * ROWS_PER_TASK;
			for token in 0..n {
				// SAFETY: each task writes only columns `first .. first + task_rows` of the
				// `n × rows` output, so no two tasks write the same element, all within it;
				// `out` lives until every task has returned.
				let column = unsafe {
					std::slice::from_raw_parts_mut(
						(out_address as *mut f32).add(token * rows + first),
						task_rows,
					)
				};
				for (value, products) in column.iter_mut().zip(by_row.chunks_exact(n)) {
					*value = products[token];
				}
			}
		});
		out
	}

	/// [`Matrix::matmul`] for float formats: a panel of [`PANEL_ROWS`] rows expanded to f32 at a
	/// time and multiplied with `gemm`, panels split across threads.
	fn matmul_expanded(&self, x: &[f32], n: usize) -> Vec<f32> {
		let (rows, cols) = (self.rows, self.cols);
		let row_bytes = self.row_bytes();
		let mut out = vec![0.0; n * rows];
		let out_address = out.as_mut_ptr() as usize;
		self.bytes().par_chunks(row_bytes * PANEL_ROWS).enumerate().for_each(|(panel, bytes)| {
			let panel_rows = bytes.len() / row_bytes;
			let mut expanded = vec![0.0f32; panel_rows * cols];
			for (row, values) in bytes.chunks_exact(row_bytes).zip(expanded.chunks_exact_mut(cols))
			{
				dequantize_row(self.block_type, row, values);
			}
			let first = panel * PANEL_ROWS;
			// SAFETY: each task writes only columns `first .. first + panel_rows` of the
			// `n × rows` output, so no two tasks write the same element; `x` holds `n × cols`
			// values and `expanded` `panel_rows × cols`, the shapes given to gemm; `out` lives
			// until every task has returned.
			unsafe {
				gemm::gemm(
					n,
					panel_rows,
					cols,
					(out_address as *mut f32).add(first),
					1,
					rows as isize,
					false,
					x.as_ptr(),
					1,
					cols as isize,
					expanded.as_ptr(),
					cols as isize,
					1,
					1.0,
					1.0,
					false,
					false,
					false,
					gemm::Parallelism::None,
				);
			}
		});
		out
	}
}

/// A vector (a norm's scale, a bias), expanded to floats.
pub type Vector = Vec<f32>;

/// One decoder layer's weights.
#[derive(Clone, Debug)]
pub struct Layer {
	/// RMSNorm scale before attention.
	pub attention_norm: Vector,
	/// Query projection.
	pub q: Matrix,
	/// Key projection.
	pub k: Matrix,
	/// Value projection.
	pub v: Matrix,
	/// Query, key and value biases (Qwen2).
	pub qkv_bias: Option<[Vector; 3]>,
	/// Output projection.
	pub o: Matrix,
	/// RMSNorm scale before the feed-forward layer.
	pub mlp_norm: Vector,
	/// SwiGLU gate projection.
	pub gate: Matrix,
	/// SwiGLU up projection.
	pub up: Matrix,
	/// Down projection.
	pub down: Matrix,
}

/// All of a model's weights.
#[derive(Clone, Debug)]
pub struct Weights {
	/// Token embeddings, `vocab × hidden`.
	pub embedding: Matrix,
	/// The decoder layers.
	pub layers: Vec<Layer>,
	/// The final RMSNorm scale.
	pub norm: Vector,
	/// The output projection, `vocab × hidden`; the embedding when tied.
	pub output: Option<Matrix>,
	/// Per-frequency divisors of the rotary angles (GGUF's `rope_freqs`, Llama 3.1's
	/// scaling), when the file gives them.
	pub rope_divisors: Option<Vector>,
}

impl Weights {
	/// The output projection.
	pub fn output(&self) -> &Matrix {
		self.output.as_ref().unwrap_or(&self.embedding)
	}
}

/// The weights hash of the files' contents, in order.
pub fn weights_hash(contents: &[&[u8]]) -> Hash32 {
	gonka_primitives::hash_concat(contents)
}
