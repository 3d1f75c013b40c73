//! The inference engine's own time to first token on a chat message, as the node serves it
//! (the model's chat template, its tokenizer, top-5 log-probabilities, greedy): from the
//! message to the first generated token, best of `ROUNDS`, on the process's default threads.
//! `tests/js/market-bench.mjs` runs it beside the same chat sent through the network.
//! Prints one JSON object.
//!
//! usage: llm-ttft MODEL MESSAGE [ROUNDS]

use std::{ops::ControlFlow, time::Instant};

use gonka_inference_engine::{
	chat::{ChatMessage, ChatTemplate},
	generate_streaming, Model, Sampling, Tokenizer,
};

fn main() -> Result<(), String> {
	let args: Vec<String> = std::env::args().collect();
	let (Some(path), Some(message)) = (args.get(1), args.get(2)) else {
		return Err("usage: llm-ttft MODEL MESSAGE [ROUNDS]".into());
	};
	let rounds: usize =
		args.get(3).map_or(Ok(5), |r| r.parse()).map_err(|e| format!("ROUNDS: {e}"))?;
	let path = std::path::Path::new(path);
	let model = Model::load(path, None).map_err(|e| e.to_string())?;
	let tokenizer = Tokenizer::load(path).map_err(|e| e.to_string())?;
	let template = ChatTemplate::load(path, &tokenizer)
		.map_err(|e| e.to_string())?
		.ok_or("the model has no chat template")?;
	let mut best = f64::INFINITY;
	for _ in 0..rounds {
		let start = Instant::now();
		let chat = [ChatMessage { role: "user".into(), content: message.clone() }];
		let text = template.render(&chat, true).map_err(|e| e.to_string())?;
		let prompt = tokenizer.encode(&text, false).map_err(|e| e.to_string())?;
		let mut first = None;
		generate_streaming(&model, &prompt, 1, Sampling::Greedy, 5, |_| {
			first.get_or_insert_with(|| start.elapsed().as_secs_f64());
			ControlFlow::Break(())
		})
		.map_err(|e| e.to_string())?;
		best = best.min(first.ok_or("no token was generated")?);
	}
	println!("{}", serde_json::json!({ "engine_ttft_ms": best * 1000.0, "rounds": rounds }));
	Ok(())
}
