//! The re-check passes honest completions, greedy and seeded, and fails altered tokens and
//! altered log-probabilities at the position they were altered.

mod common;

use gonka_inference_engine::{
	generate, recheck, test_model::StoredAs, tokenizer::bytes as tokenizer, RecheckVerdict,
	Sampling,
};

const PROMPT: &str = "Which host computed this?";

#[test]
fn honest_completions_pass() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	for sampling in [
		Sampling::Greedy,
		Sampling::Seeded { seed: 99, temperature: 0.8, top_p: 1.0 },
		Sampling::Seeded { seed: 99, temperature: 0.8, top_p: 0.3 },
	] {
		let completion = generate(&model, &prompt, 20, sampling, 5).unwrap();
		assert_eq!(
			recheck(&model, &prompt, &completion.tokens, sampling).unwrap(),
			RecheckVerdict::Pass
		);
	}
}

#[test]
fn an_altered_token_fails_where_it_was_altered() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let mut completion = generate(&model, &prompt, 20, Sampling::Greedy, 5).unwrap();
	// The executor returns another token, with the log-probability the model gives it.
	let altered = &mut completion.tokens[7];
	let (token, logprob) = altered.top[4];
	altered.token = token;
	altered.logprob = logprob;
	let verdict = recheck(&model, &prompt, &completion.tokens, Sampling::Greedy).unwrap();
	assert!(matches!(verdict, RecheckVerdict::Fail { position: 7, .. }), "{verdict:?}");
}

#[test]
fn a_seeded_token_other_than_the_draw_fails() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let sampling = Sampling::Seeded { seed: 5, temperature: 1.0, top_p: 1.0 };
	let mut completion = generate(&model, &prompt, 12, sampling, 5).unwrap();
	let position = 3;
	let chosen = completion.tokens[position].token;
	let (token, logprob) =
		completion.tokens[position].top.iter().copied().find(|(id, _)| *id != chosen).unwrap();
	completion.tokens[position].token = token;
	completion.tokens[position].logprob = logprob;
	let verdict = recheck(&model, &prompt, &completion.tokens, sampling).unwrap();
	assert!(matches!(verdict, RecheckVerdict::Fail { position: 3, .. }), "{verdict:?}");
}

#[test]
fn altered_logprobs_fail() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let mut completion = generate(&model, &prompt, 10, Sampling::Greedy, 5).unwrap();
	completion.tokens[2].top[1].1 += 0.5;
	let verdict = recheck(&model, &prompt, &completion.tokens, Sampling::Greedy).unwrap();
	assert!(matches!(verdict, RecheckVerdict::Fail { position: 2, .. }), "{verdict:?}");
}

/// `top_p` is part of what the re-checker reproduces: an executor that sampled from the whole
/// distribution while the request asked for its nucleus (cheaper for nothing, but a different
/// answer than the one paid for) is caught at the first token outside the nucleus.
#[test]
fn a_token_from_outside_the_requested_nucleus_fails() {
	let (model, _folder) = common::test_model(StoredAs::F32);
	let prompt = tokenizer::encode(PROMPT);
	let whole = Sampling::Seeded { seed: 3, temperature: 1.0, top_p: 1.0 };
	let completion = generate(&model, &prompt, 32, whole, 5).unwrap();
	let asked = Sampling::Seeded { seed: 3, temperature: 1.0, top_p: 0.1 };
	let verdict = recheck(&model, &prompt, &completion.tokens, asked).unwrap();
	assert!(matches!(verdict, RecheckVerdict::Fail { .. }), "{verdict:?}");
}
