//! The engine expands every block type as llama.cpp's own `gguf` Python package does, on
//! random blocks that package expanded (`tests/ggml_blocks.py` wrote the fixtures).

use gonka_inference_engine::quant::{dequantize_row, BlockType};

#[test]
fn blocks_expand_as_llama_cpp_expands_them() {
	// The checkout the test runs in (Cargo names it), not necessarily the one it was built in.
	let folder = std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from)
		.join("tests/fixtures/ggml-blocks");
	for (name, block_type) in [
		("Q4_0", BlockType::Q4_0),
		("Q4_1", BlockType::Q4_1),
		("Q8_0", BlockType::Q8_0),
		("Q4_K", BlockType::Q4_K),
		("Q6_K", BlockType::Q6_K),
	] {
		let blocks = std::fs::read(folder.join(format!("{name}.blocks"))).expect("fixture");
		let expected: Vec<f32> = std::fs::read(folder.join(format!("{name}.values")))
			.expect("fixture")
			.chunks_exact(4)
			.map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
			.collect();
		let mut values = vec![0.0; expected.len()];
		dequantize_row(block_type, &blocks, &mut values);
		for (index, (value, expected)) in values.iter().zip(&expected).enumerate() {
			assert!(
				(value - expected).abs() <= 1e-6 * expected.abs().max(1.0),
				"{name} value {index}: {value}, llama.cpp's {expected}"
			);
		}
	}
}
