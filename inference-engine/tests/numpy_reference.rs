//! The decoder against an independent implementation: `llama_reference.py` runs the same
//! folder in numpy (float64, the whole sequence at once with a causal mask, its own
//! safetensors reader); the engine's logits, one token at a time through its KV cache, must
//! match at every position. numpy comes with `scripts/setup.sh`.

mod common;

use std::process::Command;

use gonka_inference_engine::{test_model::StoredAs, tokenizer::bytes as tokenizer};

/// Largest accepted difference of one logit: the engine computes in f32 and keeps its KV
/// cache in f16, as llama.cpp does (0.0013 measured; f32 alone stayed under 0.001); a wrong
/// rotation, mask or head grouping moves logits by tenths.
const TOLERANCE: f32 = 4e-3;

#[test]
fn logits_match_the_numpy_reference_at_every_position() {
	let (model, folder) = common::test_model(StoredAs::F32);
	let tokens = tokenizer::encode("The reference decides: numpy, float64.");
	// The checkout the test runs in (Cargo names it), not necessarily the one it was built in.
	let script = std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from)
		.join("tests/llama_reference.py");
	let output = Command::new("python3")
		.arg(script)
		.arg(folder.path())
		.args(tokens.iter().map(u32::to_string))
		.output()
		.expect("python3 runs (scripts/setup.sh installs it with numpy)");
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
	let reference: Vec<Vec<f32>> = serde_json::from_slice(&output.stdout).expect("JSON logits");
	assert_eq!(reference.len(), tokens.len());

	let mut cache = model.new_cache();
	let mut largest: f32 = 0.0;
	for (token, expected) in tokens.iter().zip(&reference) {
		let logits = model.forward(*token, &mut cache).unwrap();
		assert_eq!(logits.len(), expected.len());
		for (ours, theirs) in logits.iter().zip(expected) {
			largest = largest.max((ours - theirs).abs());
		}
	}
	println!("largest logit difference from numpy over {} positions: {largest:e}", tokens.len());
	assert!(largest < TOLERANCE, "{largest}");
}
