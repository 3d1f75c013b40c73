//! The inference engine on a real model, as `benchmarks/llama-cpp/compare.mjs` measures
//! llama.cpp: prefill of a `PROMPT`-token prompt and decoding of `DECODE` tokens after it,
//! greedy, on `THREADS` threads, best of `ROUNDS`. Also the re-check of a `RECHECKED`-token
//! completion against serving it (sampled, top-5 log-probabilities, as the node serves),
//! and the process's peak resident memory while serving (from the end of loading on)
//! against the model file. Prints one JSON object.
//!
//! usage: llm-throughput MODEL.gguf THREADS [ROUNDS]

use std::time::Instant;

use gonka_inference_engine::{generate, recheck, Model, RecheckVerdict, Sampling, Tokenizer};

/// Tokens of the prompt, as in llama.cpp's `llama-bench -p`.
const PROMPT: usize = 256;
/// Tokens decoded, as in `llama-bench -n`.
const DECODE: usize = 128;
/// Tokens of the completion that is re-checked.
const RECHECKED: usize = 64;

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
	reset_peak_resident();
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
	let chat = "<|im_start|>user\nTell me about the history of computing.<|im_end|>\n<|im_start|>assistant\n";
	let request = tokenizer.encode(chat, false).map_err(|e| e.to_string())?;
	let sampling = Sampling::Seeded { seed: 1, temperature: 0.7, top_p: 1.0 };
	let (mut serve, mut check) = (f64::INFINITY, f64::INFINITY);
	for _ in 0..rounds {
		let start = Instant::now();
		let completion =
			generate(&model, &request, RECHECKED, sampling, 5).map_err(|e| e.to_string())?;
		serve = serve.min(start.elapsed().as_secs_f64());
		let start = Instant::now();
		let verdict =
			recheck(&model, &request, &completion.tokens, sampling).map_err(|e| e.to_string())?;
		check = check.min(start.elapsed().as_secs_f64());
		if verdict != RecheckVerdict::Pass {
			return Err(format!("the re-check of an honest completion failed: {verdict:?}"));
		}
	}
	let file = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
	println!(
		"{}",
		serde_json::json!({
			"threads": threads,
			"prompt_tokens": prompt.len(),
			"prefill_tokens_per_s": prompt.len() as f64 / prefill,
			"decode_tokens": DECODE,
			"decode_tokens_per_s": DECODE as f64 / decode,
			"recheck_tokens": RECHECKED,
			"recheck_to_completion": check / serve,
			"model_file_bytes": file,
			"peak_resident_bytes": peak_resident_bytes(),
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

/// Makes the current resident memory the peak (Linux's `clear_refs` with 5), so that the
/// peak read at the end is that of serving, not of loading.
fn reset_peak_resident() {
	// Without it (an old kernel) the peak is the whole run's, loading included: a bound.
	let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The most memory the process has held resident (`VmHWM` of `/proc/self/status`) since
/// [`reset_peak_resident`], in bytes.
fn peak_resident_bytes() -> Option<u64> {
	let status = std::fs::read_to_string("/proc/self/status").ok()?;
	let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
	let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
	Some(kilobytes * 1024)
}
