//! SmolLM2-135M-Instruct (Q4_1 GGUF, `scripts/fetch-smollm2.sh`) against llama.cpp, the
//! reference implementation: `fixtures/llama-cpp/smollm2.json` holds what llama.cpp
//! (node-llama-cpp 3.21.1's CPU build, `make llama-cpp-reference`) made of a corpus of texts
//! and prompts: token ids, and greedy continuations.

use std::path::PathBuf;

use gonka_inference_engine::{
	chat::{ChatMessage, ChatTemplate},
	generate, recheck,
	tokenizer::StreamDecoder,
	Model, RecheckVerdict, Sampling, Tokenizer,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
	texts: Vec<Tokenized>,
	continuations: Vec<Continuation>,
}

#[derive(Deserialize)]
struct Tokenized {
	text: String,
	tokens: Vec<u32>,
}

#[derive(Deserialize)]
struct Continuation {
	prompt: String,
	tokens: Vec<u32>,
	generated: Vec<u32>,
}

/// The model `scripts/setup.sh` fetched (its path is in `.build-env`).
fn smollm2() -> PathBuf {
	let path = std::env::var_os("GONKA_SMOLLM2").map(PathBuf::from).unwrap_or_else(|| {
		PathBuf::from(std::env::var("HOME").unwrap_or_default())
			.join(".cache/gonka/models/SmolLM2-135M-Instruct.Q4_1.gguf")
	});
	assert!(path.exists(), "{} is missing: run scripts/setup.sh (make test does)", path.display());
	path
}

fn reference() -> Reference {
	// The checkout the test runs in (Cargo names it), not necessarily the one it was built in.
	let path = std::env::var_os("CARGO_MANIFEST_DIR")
		.map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
		.join("tests/fixtures/llama-cpp/smollm2.json");
	serde_json::from_slice(&std::fs::read(path).expect("the fixture")).expect("its JSON")
}

#[test]
fn the_tokenizer_gives_llama_cpp_s_ids() {
	let tokenizer = Tokenizer::load(&smollm2()).expect("the GGUF tokenizer");
	for case in reference().texts {
		assert_eq!(
			tokenizer.encode(&case.text, true).expect("encodes"),
			case.tokens,
			"{:?}",
			case.text
		);
		assert_eq!(
			tokenizer.decode(&case.tokens).expect("decodes"),
			case.text.replace("<|im_start|>", "").replace("<|im_end|>", "")
		);
	}
}

/// The bar: the first 8 tokens agree on at least 18 of the 20 prompts.
#[test]
fn greedy_continuations_agree_with_llama_cpp() {
	let path = smollm2();
	let (model, tokenizer) =
		(Model::load(&path, None).expect("loads"), Tokenizer::load(&path).expect("tokenizer"));
	let reference = reference();
	let mut first_eight = 0;
	let mut whole = 0;
	for case in &reference.continuations {
		let prompt = tokenizer.encode(&case.prompt, true).expect("encodes");
		assert_eq!(prompt, case.tokens, "{:?}", case.prompt);
		let ours = generate(&model, &prompt, case.generated.len(), Sampling::Greedy, 0)
			.expect("generates")
			.token_ids();
		let agreeing = ours.iter().zip(&case.generated).take_while(|(a, b)| a == b).count();
		first_eight += usize::from(agreeing >= 8);
		whole += usize::from(agreeing == case.generated.len());
		println!("{agreeing:2}/{} tokens agree: {:?}", case.generated.len(), case.prompt);
	}
	println!(
		"{first_eight} of {} agree on 8 tokens, {whole} on all",
		reference.continuations.len()
	);
	assert_eq!(reference.continuations.len(), 20);
	assert!(first_eight >= 18, "{first_eight} of 20 agree on their first 8 tokens");
}

#[test]
fn a_completion_served_on_one_thread_passes_its_re_check_on_two() {
	let path = smollm2();
	let (model, tokenizer) =
		(Model::load(&path, None).expect("loads"), Tokenizer::load(&path).expect("tokenizer"));
	let prompt = tokenizer
		.encode("<|im_start|>user\nName a colour.<|im_end|>\n<|im_start|>assistant\n", false)
		.expect("encodes");
	let sampling = Sampling::Seeded { seed: 7, temperature: 0.8, top_p: 1.0 };
	let pool =
		|threads| rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a pool");
	let completion =
		pool(1).install(|| generate(&model, &prompt, 24, sampling, 5)).expect("generates");
	let verdict = pool(2)
		.install(|| recheck(&model, &prompt, &completion.tokens, sampling))
		.expect("re-checks");
	assert_eq!(verdict, RecheckVerdict::Pass);
	let mut forged = completion.tokens.clone();
	forged[3].token = (forged[3].token + 1) % 49_152;
	let verdict =
		pool(2).install(|| recheck(&model, &prompt, &forged, sampling)).expect("re-checks");
	assert!(matches!(verdict, RecheckVerdict::Fail { position: 3, .. }), "{verdict:?}");
}

#[test]
fn streaming_never_splits_a_character() {
	let tokenizer = Tokenizer::load(&smollm2()).expect("tokenizer");
	let text = "Crème brûlée, 日本語, 🦀🇫🇷 done";
	let tokens = tokenizer.encode(text, false).expect("encodes");
	let mut stream = StreamDecoder::default();
	let mut pieces = Vec::new();
	for token in &tokens {
		pieces.push(stream.step(&tokenizer, *token).expect("decodes"));
	}
	pieces.push(stream.finish(&tokenizer).expect("decodes"));
	assert!(pieces.iter().all(|piece| !piece.contains('\u{FFFD}')), "{pieces:?}");
	assert!(
		tokens.len() > pieces.iter().filter(|p| !p.is_empty()).count(),
		"some token held a part of a character back"
	);
	assert_eq!(pieces.concat(), text);
}

#[test]
fn the_model_s_chat_template_writes_its_chat_format() {
	let path = smollm2();
	let tokenizer = Tokenizer::load(&path).expect("tokenizer");
	let template = ChatTemplate::load(&path, &tokenizer).expect("reads").expect("SmolLM2 has one");
	let message =
		|role: &str, content: &str| ChatMessage { role: role.into(), content: content.into() };
	let chat =
		[message("system", "You are a helpful assistant."), message("user", "Name three fruits.")];
	assert_eq!(
		template.render(&chat, true).expect("renders"),
		"<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nName three fruits.<|im_end|>\n<|im_start|>assistant\n"
	);
	let without_system = template.render(&chat[1..], true).expect("renders");
	assert!(
		without_system
			.starts_with("<|im_start|>system\nYou are a helpful AI assistant named SmolLM"),
		"{without_system}"
	);
}
