//! The GGUF container (llama.cpp's model file, version 2 and 3): a header of typed key/value
//! metadata (architecture, shapes, tokenizer, chat template), then tensor descriptions (name,
//! dimensions innermost first, block type, offset), then the aligned tensor data.
//!
//! Our own reader, not a crate: the format is three small tables, and the maintained Rust
//! readers live inside whole tensor libraries (candle-core, ggml bindings) whose tensors we
//! would not use. Every length and offset is checked against the file, so a truncated or
//! hostile file gives [`InferenceError::Weights`], never a panic or an allocation it asked for.

use std::collections::BTreeMap;

use crate::{quant::BlockType, InferenceError};

/// `GGUF`, little-endian.
const MAGIC: u32 = 0x4655_4747;
/// The data alignment when `general.alignment` is absent.
const DEFAULT_ALIGNMENT: u64 = 32;
/// More dimensions than any tensor of a language model has.
const MAX_DIMENSIONS: u32 = 4;

/// A metadata value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
	/// Any unsigned integer type.
	Unsigned(u64),
	/// Any signed integer type.
	Signed(i64),
	/// `f32` or `f64`.
	Float(f64),
	/// A boolean.
	Bool(bool),
	/// A UTF-8 string (invalid sequences replaced).
	String(String),
	/// An array of values.
	Array(Vec<Value>),
}

impl Value {
	/// The value as an unsigned integer, if it is a non-negative integer.
	pub fn as_u64(&self) -> Option<u64> {
		match self {
			Value::Unsigned(value) => Some(*value),
			Value::Signed(value) => u64::try_from(*value).ok(),
			_ => None,
		}
	}

	/// The value as a float, if it is a number.
	pub fn as_f64(&self) -> Option<f64> {
		match self {
			Value::Float(value) => Some(*value),
			Value::Unsigned(value) => Some(*value as f64),
			Value::Signed(value) => Some(*value as f64),
			_ => None,
		}
	}

	/// The value as a string.
	pub fn as_str(&self) -> Option<&str> {
		match self {
			Value::String(text) => Some(text),
			_ => None,
		}
	}

	/// The value as an array.
	pub fn as_array(&self) -> Option<&[Value]> {
		match self {
			Value::Array(items) => Some(items),
			_ => None,
		}
	}
}

/// Where one tensor's data lies in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorInfo {
	/// Dimensions, innermost (contiguous) first: a matrix is `[columns, rows]`.
	pub dimensions: Vec<u64>,
	/// How its values are stored.
	pub block_type: BlockType,
	/// Byte offset of its data from the start of the file.
	pub start: usize,
	/// Byte length of its data.
	pub len: usize,
}

impl TensorInfo {
	/// Values in the tensor.
	pub fn elements(&self) -> u64 {
		self.dimensions.iter().product()
	}
}

/// A parsed GGUF header: metadata and tensor locations; the data stays in the caller's bytes.
#[derive(Clone, Debug, Default)]
pub struct Gguf {
	/// Metadata by key.
	pub metadata: BTreeMap<String, Value>,
	/// Tensors by name.
	pub tensors: BTreeMap<String, TensorInfo>,
}

impl Gguf {
	/// Parses the header of `bytes` (the whole file) and checks that every tensor lies within
	/// it.
	pub fn parse(bytes: &[u8]) -> Result<Self, InferenceError> {
		let mut reader = Reader { bytes, at: 0 };
		if reader.u32()? != MAGIC {
			return Err(bad("not a GGUF file (no GGUF magic)".into()));
		}
		let version = reader.u32()?;
		if !(2..=3).contains(&version) {
			return Err(bad(format!("GGUF version {version}; versions 2 and 3 are supported")));
		}
		let tensor_count = reader.count()?;
		let metadata_count = reader.count()?;
		let mut metadata = BTreeMap::new();
		for _ in 0..metadata_count {
			let key = reader.string()?;
			let kind = reader.u32()?;
			metadata.insert(key, reader.value(kind, 0)?);
		}
		let mut described = Vec::new();
		for _ in 0..tensor_count {
			let name = reader.string()?;
			let rank = reader.u32()?;
			if rank == 0 || rank > MAX_DIMENSIONS {
				return Err(bad(format!("tensor {name} has {rank} dimensions")));
			}
			let dimensions = (0..rank).map(|_| reader.u64()).collect::<Result<Vec<_>, _>>()?;
			let code = reader.u32()?;
			let block_type = BlockType::from_ggml(code)
				.ok_or_else(|| bad(format!("tensor {name} has unsupported block type {code}")))?;
			let offset = reader.u64()?;
			described.push((name, dimensions, block_type, offset));
		}
		let alignment = match metadata.get("general.alignment") {
			None => DEFAULT_ALIGNMENT,
			Some(value) => value
				.as_u64()
				.filter(|a| *a > 0 && a.is_power_of_two())
				.ok_or_else(|| bad("general.alignment is not a power of two".into()))?,
		};
		let data_start = (reader.at as u64).div_ceil(alignment) * alignment;
		let mut tensors = BTreeMap::new();
		for (name, dimensions, block_type, offset) in described {
			let info = locate(&name, dimensions, block_type, data_start, offset, bytes.len())?;
			tensors.insert(name, info);
		}
		Ok(Gguf { metadata, tensors })
	}

	/// Metadata value `key`.
	pub fn get(&self, key: &str) -> Option<&Value> {
		self.metadata.get(key)
	}

	/// Metadata `key` as an unsigned integer.
	pub fn u64(&self, key: &str) -> Result<u64, InferenceError> {
		self.get(key)
			.and_then(Value::as_u64)
			.ok_or_else(|| bad(format!("metadata {key} is missing or not an integer")))
	}

	/// Metadata `key` as a string.
	pub fn str(&self, key: &str) -> Result<&str, InferenceError> {
		self.get(key)
			.and_then(Value::as_str)
			.ok_or_else(|| bad(format!("metadata {key} is missing or not a string")))
	}

	/// Metadata `key` as an array of strings.
	pub fn strings(&self, key: &str) -> Result<Vec<&str>, InferenceError> {
		self.get(key)
			.and_then(Value::as_array)
			.and_then(|items| items.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
			.ok_or_else(|| bad(format!("metadata {key} is missing or not a list of strings")))
	}
}

fn locate(
	name: &str,
	dimensions: Vec<u64>,
	block_type: BlockType,
	data_start: u64,
	offset: u64,
	file_len: usize,
) -> Result<TensorInfo, InferenceError> {
	let elements = dimensions.iter().try_fold(1u64, |product, d| product.checked_mul(*d));
	let columns = dimensions.first().copied().unwrap_or(0);
	let elements =
		elements.filter(|_| columns.is_multiple_of(block_type.block_len() as u64)).ok_or_else(
			|| bad(format!("tensor {name}: dimensions {dimensions:?} do not fit blocks")),
		)?;
	let len = (elements / block_type.block_len() as u64)
		.checked_mul(block_type.block_bytes() as u64)
		.ok_or_else(|| bad(format!("tensor {name} is too large")))?;
	let start = data_start.checked_add(offset);
	let end = start.and_then(|start| start.checked_add(len));
	match (start, end) {
		(Some(start), Some(end)) if end <= file_len as u64 => {
			Ok(TensorInfo { dimensions, block_type, start: start as usize, len: len as usize })
		}
		_ => Err(bad(format!("tensor {name} lies beyond the end of the file"))),
	}
}

fn bad(why: String) -> InferenceError {
	InferenceError::Weights(format!("GGUF: {why}"))
}

/// Arrays nest at most this deep.
const MAX_NESTING: u32 = 2;

struct Reader<'a> {
	bytes: &'a [u8],
	at: usize,
}

impl Reader<'_> {
	fn take(&mut self, len: usize) -> Result<&[u8], InferenceError> {
		let end = self.at.checked_add(len).filter(|end| *end <= self.bytes.len());
		let end = end.ok_or_else(|| bad("the header runs past the end of the file".into()))?;
		let taken = &self.bytes[self.at..end];
		self.at = end;
		Ok(taken)
	}

	fn array<const N: usize>(&mut self) -> Result<[u8; N], InferenceError> {
		let mut out = [0u8; N];
		out.copy_from_slice(self.take(N)?);
		Ok(out)
	}

	fn u32(&mut self) -> Result<u32, InferenceError> {
		Ok(u32::from_le_bytes(self.array()?))
	}

	fn u64(&mut self) -> Result<u64, InferenceError> {
		Ok(u64::from_le_bytes(self.array()?))
	}

	/// A count of items that each take at least one byte: never more than the bytes left.
	fn count(&mut self) -> Result<usize, InferenceError> {
		let count = self.u64()?;
		usize::try_from(count)
			.ok()
			.filter(|count| *count <= self.bytes.len() - self.at)
			.ok_or_else(|| bad(format!("a count of {count} exceeds the file")))
	}

	fn string(&mut self) -> Result<String, InferenceError> {
		let len = self.count()?;
		Ok(String::from_utf8_lossy(self.take(len)?).into_owned())
	}

	fn value(&mut self, kind: u32, depth: u32) -> Result<Value, InferenceError> {
		Ok(match kind {
			0 => Value::Unsigned(self.array::<1>()?[0].into()),
			1 => Value::Signed(i8::from_le_bytes(self.array()?).into()),
			2 => Value::Unsigned(u16::from_le_bytes(self.array()?).into()),
			3 => Value::Signed(i16::from_le_bytes(self.array()?).into()),
			4 => Value::Unsigned(self.u32()?.into()),
			5 => Value::Signed(i32::from_le_bytes(self.array()?).into()),
			6 => Value::Float(f32::from_le_bytes(self.array()?).into()),
			7 => Value::Bool(self.array::<1>()?[0] != 0),
			8 => Value::String(self.string()?),
			9 if depth < MAX_NESTING => {
				let item_kind = self.u32()?;
				let len = self.count()?;
				let items =
					(0..len).map(|_| self.value(item_kind, depth + 1)).collect::<Result<_, _>>()?;
				Value::Array(items)
			}
			10 => Value::Unsigned(self.u64()?),
			11 => Value::Signed(i64::from_le_bytes(self.array()?)),
			12 => Value::Float(f64::from_le_bytes(self.array()?)),
			other => return Err(bad(format!("metadata value type {other} is not known"))),
		})
	}
}

/// Writes GGUF files (the test model's, and tests'): metadata and tensors already in their
/// stored bytes.
pub mod writer {
	use super::*;

	/// A metadata value to write.
	pub enum Meta<'a> {
		/// `u32`.
		U32(u32),
		/// `f32`.
		F32(f32),
		/// `bool`.
		Bool(bool),
		/// A string.
		Str(&'a str),
		/// An array of strings.
		Strs(Vec<String>),
		/// An array of `i32`.
		I32s(Vec<i32>),
	}

	fn string(out: &mut Vec<u8>, text: &str) {
		out.extend((text.len() as u64).to_le_bytes());
		out.extend(text.as_bytes());
	}

	/// The file of `metadata` and `tensors` (name, dimensions innermost first, type, bytes).
	pub fn write(
		metadata: &[(&str, Meta)],
		tensors: &[(&str, Vec<u64>, BlockType, Vec<u8>)],
	) -> Vec<u8> {
		let mut out = Vec::new();
		out.extend(MAGIC.to_le_bytes());
		out.extend(3u32.to_le_bytes());
		out.extend((tensors.len() as u64).to_le_bytes());
		out.extend((metadata.len() as u64).to_le_bytes());
		for (key, value) in metadata {
			string(&mut out, key);
			match value {
				Meta::U32(v) => {
					out.extend(4u32.to_le_bytes());
					out.extend(v.to_le_bytes());
				}
				Meta::F32(v) => {
					out.extend(6u32.to_le_bytes());
					out.extend(v.to_le_bytes());
				}
				Meta::Bool(v) => {
					out.extend(7u32.to_le_bytes());
					out.push(u8::from(*v));
				}
				Meta::Str(v) => {
					out.extend(8u32.to_le_bytes());
					string(&mut out, v);
				}
				Meta::Strs(items) => {
					out.extend(9u32.to_le_bytes());
					out.extend(8u32.to_le_bytes());
					out.extend((items.len() as u64).to_le_bytes());
					items.iter().for_each(|item| string(&mut out, item));
				}
				Meta::I32s(items) => {
					out.extend(9u32.to_le_bytes());
					out.extend(5u32.to_le_bytes());
					out.extend((items.len() as u64).to_le_bytes());
					items.iter().for_each(|item| out.extend(item.to_le_bytes()));
				}
			}
		}
		let mut offset = 0u64;
		let mut offsets = Vec::new();
		for (name, dimensions, block_type, bytes) in tensors {
			string(&mut out, name);
			out.extend((dimensions.len() as u32).to_le_bytes());
			dimensions.iter().for_each(|d| out.extend(d.to_le_bytes()));
			out.extend(block_type.ggml_code().to_le_bytes());
			out.extend(offset.to_le_bytes());
			offsets.push(offset);
			offset = (offset + bytes.len() as u64).div_ceil(DEFAULT_ALIGNMENT) * DEFAULT_ALIGNMENT;
		}
		let data_start = (out.len() as u64).div_ceil(DEFAULT_ALIGNMENT) * DEFAULT_ALIGNMENT;
		for ((_, _, _, bytes), offset) in tensors.iter().zip(offsets) {
			out.resize((data_start + offset) as usize, 0);
			out.extend(bytes);
		}
		out
	}
}

#[cfg(test)]
mod tests {
	use super::{writer::*, *};

	fn sample() -> Vec<u8> {
		write(
			&[
				("general.architecture", Meta::Str("llama")),
				("llama.block_count", Meta::U32(2)),
				("llama.rope.freq_base", Meta::F32(10_000.0)),
				("tokenizer.ggml.tokens", Meta::Strs(vec!["a".into(), "b".into()])),
			],
			&[
				("norm", vec![4], BlockType::F32, vec![0; 16]),
				("matrix", vec![32, 2], BlockType::Q8_0, vec![1; 68]),
			],
		)
	}

	#[test]
	fn reads_metadata_and_finds_every_tensor() {
		let bytes = sample();
		let gguf = Gguf::parse(&bytes).expect("parses");
		assert_eq!(gguf.str("general.architecture").expect("string"), "llama");
		assert_eq!(gguf.u64("llama.block_count").expect("count"), 2);
		assert_eq!(gguf.strings("tokenizer.ggml.tokens").expect("tokens"), ["a", "b"]);
		let matrix = &gguf.tensors["matrix"];
		assert_eq!((matrix.dimensions.clone(), matrix.len), (vec![32, 2], 68));
		assert_eq!(&bytes[matrix.start..matrix.start + matrix.len], &[1; 68][..]);
		assert_eq!(matrix.start % 32, 0, "tensor data is aligned");
	}

	#[test]
	fn every_truncation_is_an_error_not_a_panic() {
		let bytes = sample();
		for len in 0..bytes.len() {
			assert!(Gguf::parse(&bytes[..len]).is_err(), "truncated to {len} bytes");
		}
	}

	#[test]
	fn a_count_larger_than_the_file_is_refused_before_allocating() {
		let mut bytes = sample();
		bytes[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
		let error = Gguf::parse(&bytes).expect_err("refused").to_string();
		assert!(error.contains("exceeds the file"), "{error}");
	}
}
