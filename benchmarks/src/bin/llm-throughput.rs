//! The inference engine on a real model, as `benchmarks/llama-cpp/compare.mjs` measures
//! llama.cpp: prefill of a `PROMPT`-token prompt and decoding of `DECODE` tokens after it,
//! greedy, on `THREADS` threads, best of `ROUNDS`. Prints one JSON object.
//!
//! usage: llm-throughput MODEL.gguf THREADS [ROUNDS]

use std::time::Instant;

use gonka_inference_engine::{Model, Tokenizer};

/// Tokens of the prompt, as in llama.cpp's `llama-bench -p`.
const PROMPT: usize = 256;
/// Tokens decoded, as in `llama-bench -n`.
const DECODE: usize = 128;

fn main() -> Result<(), String> {
	let args: Vec<String> = std::env::args().collect();
	let (Some(path), Some(threads)) = (args.get(1), args.get(2)) else {
		return Err("usage: llm-throughput MODEL.gguf THREADS [ROUNDS]".into());
	};
	let threads: usize = threads.parse().map_err(|e| format!("THREADS: {e}"))?;
	let rounds: usize =
		args.get(3).map_or(Ok(3), |r| r.parse()).map_err(|e| format!("ROUNDS: {e}"))?;
	rayon::ThreadPoolBuilder::new()
		.num_threads(threads)
		.build_global()
		.map_err(|e| e.to_string())?;
	let path = std::path::Path::new(path);
	let model = Model::load(path, None).map_err(|e| e.to_string())?;
	let tokenizer = Tokenizer::load(path).map_err(|e| e.to_string())?;
	let text = "The history of computing is a long story of people and machines. ".repeat(40);
	let mut prompt = tokenizer.encode(&text, true).map_err(|e| e.to_string())?;
	prompt.truncate(PROMPT);
	let (mut prefill, mut decode) = (f64::INFINITY, f64::INFINITY);
	for _ in 0..rounds {
		let start = Instant::now();
		let (mut cache, mut logits) = model.prefill(&prompt, DECODE).map_err(|e| e.to_string())?;
		prefill = prefill.min(start.elapsed().as_secs_f64());
		let start = Instant::now();
		for _ in 0..DECODE {
			let token = argmax(&logits);
			logits = model.forward(token, &mut cache).map_err(|e| e.to_string())?;
		}
		decode = decode.min(start.elapsed().as_secs_f64());
	}
	println!(
		"{}",
		serde_json::json!({
			"threads": threads,
			"prompt_tokens": prompt.len(),
			"prefill_tokens_per_s": prompt.len() as f64 / prefill,
			"decode_tokens": DECODE,
			"decode_tokens_per_s": DECODE as f64 / decode,
		})
	);
	Ok(())
}

fn argmax(logits: &[f32]) -> u32 {
	let best = logits.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (i, v)| {
		if *v > best.1 {
			(i, *v)
		} else {
			best
		}
	});
	best.0 as u32
}
