//! Completions of the test model: deterministic, reproducible from a seed, the same from f16
//! weights within the re-check's tolerance, and bounded by the context.

mod common;

use gonka_inference_engine::{
	generate, recheck::LOGPROB_TOLERANCE, test_model::StoredAs, tokenizer::bytes as tokenizer,
	InferenceError, Sampling,
};

const PROMPT: &str = "Gonka: compute you can verify.";

#[test]
fn greedy_completions_are_deterministic_and_report_consistent_logprobs() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let first = generate(&model, &prompt, 24, Sampling::Greedy, 5).unwrap();
	let second = generate(&model, &prompt, 24, Sampling::Greedy, 5).unwrap();
	assert_eq!(first, second);
	assert_eq!(first.output_hash(), second.output_hash());
	assert_eq!(first.prompt_tokens, prompt.len());
	assert!(!first.tokens.is_empty());
	for token in &first.tokens {
		assert_eq!(token.top.len(), 5);
		assert_eq!(token.top[0], (token.token, token.logprob), "greedy takes the most likely");
		assert!(token.top.windows(2).all(|pair| pair[0].1 >= pair[1].1), "most likely first");
		assert!(token.logprob <= 0.0);
	}
}

#[test]
fn a_seed_reproduces_a_sampled_completion_and_another_seed_changes_it() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let sampled = |seed| {
		generate(&model, &prompt, 32, Sampling::Seeded { seed, temperature: 1.0, top_p: 1.0 }, 3)
			.unwrap()
			.token_ids()
	};
	assert_eq!(sampled(11), sampled(11));
	assert_ne!(sampled(11), sampled(12));
}

#[test]
fn f16_weights_give_the_f32_logprobs_within_the_tolerance() {
	let (exact, _a) = common::test_model(StoredAs::F32);
	let (half, _b) = common::test_model(StoredAs::F16);
	let prompt = tokenizer::encode(PROMPT);
	let reference = generate(&exact, &prompt, 16, Sampling::Greedy, 5).unwrap();
	let verdict =
		gonka_inference_engine::recheck(&half, &prompt, &reference.tokens, Sampling::Greedy)
			.unwrap();
	assert_eq!(verdict, gonka_inference_engine::RecheckVerdict::Pass);
	let (mut cache, mut logits) = half.prefill(&prompt, reference.tokens.len()).unwrap();
	let mut largest: f32 = 0.0;
	for token in &reference.tokens {
		let logprobs = gonka_inference_engine::sampling::log_softmax(&logits);
		largest = largest.max((logprobs[token.token as usize] - token.logprob).abs());
		logits = half.forward(token.token, &mut cache).unwrap();
	}
	println!("largest f16 - f32 log-probability difference: {largest}");
	assert!(largest < LOGPROB_TOLERANCE / 5.0, "{largest}");
}

#[test]
fn a_completion_longer_than_the_context_is_refused() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let error = generate(&model, &prompt, 512, Sampling::Greedy, 1).unwrap_err();
	assert!(matches!(error, InferenceError::ContextFull { limit: 512, .. }), "{error}");
}

#[test]
fn text_round_trips_through_the_byte_tokenizer() {
	let tokens = tokenizer::encode("héllo, 世界");
	assert_eq!(tokens[0], tokenizer::BOS);
	assert_eq!(tokenizer::decode(&tokens), "héllo, 世界");
}
