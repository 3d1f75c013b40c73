//! How the next token is chosen, and the log-probabilities reported with it.
//!
//! Reported log-probabilities are those of the model's own distribution (`log_softmax` of the
//! logits, before any temperature), so a re-checker compares like with like. Seeded sampling
//! draws `u = uniform(key(seed, "sample"), step)` from the counter-based streams of DESIGN §4
//! and takes the first token whose cumulative probability (at the temperature, tokens in id
//! order) exceeds it: anyone with the seed reproduces the choice.

use gonka_primitives::random;

use crate::model::softmax;

/// How tokens are chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampling {
	/// The most likely token (the lowest id among equals).
	Greedy,
	/// Drawn from the distribution at `temperature` with the stream of `seed`.
	Seeded {
		/// The request's seed.
		seed: u64,
		/// Above 0; 1 is the model's own distribution.
		temperature: f32,
	},
}

/// One generated token with its log-probability and the `k` most likely tokens at its
/// position, most likely first.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenLogprobs {
	/// The token chosen.
	pub token: u32,
	/// Its log-probability.
	pub logprob: f32,
	/// The most likely tokens and their log-probabilities.
	pub top: Vec<(u32, f32)>,
}

/// `log_softmax(logits)`.
pub fn log_softmax(logits: &[f32]) -> Vec<f32> {
	let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
	let log_sum = logits.iter().map(|l| (l - max).exp()).sum::<f32>().ln();
	logits.iter().map(|l| l - max - log_sum).collect()
}

/// The `k` highest of `logprobs` with their ids, highest first, lower ids first among equals.
pub fn top_k(logprobs: &[f32], k: usize) -> Vec<(u32, f32)> {
	let mut ranked: Vec<(u32, f32)> =
		logprobs.iter().enumerate().map(|(id, lp)| (id as u32, *lp)).collect();
	ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
	ranked.truncate(k);
	ranked
}

/// The stream key of a seed's draws.
fn sample_key(seed: u64) -> u64 {
	random::key(&seed.to_le_bytes(), b"sample")
}

/// The draw of generation step `step` under `seed`, in `[0, 1)`.
pub fn draw(seed: u64, step: usize) -> f32 {
	random::uniform(sample_key(seed), step as u64)
}

/// The distribution tokens are drawn from at `temperature`.
pub fn tempered(logits: &[f32], temperature: f32) -> Vec<f32> {
	let scaled: Vec<f32> = logits.iter().map(|l| l / temperature).collect();
	softmax(&scaled)
}

/// The token `sampling` chooses from `logits` at generation step `step`.
pub fn choose(sampling: Sampling, logits: &[f32], step: usize) -> u32 {
	match sampling {
		Sampling::Greedy => top_k(logits, 1).first().map_or(0, |(id, _)| *id),
		Sampling::Seeded { seed, temperature } => {
			let u = draw(seed, step);
			let probabilities = tempered(logits, temperature);
			let mut cumulative = 0.0;
			for (id, p) in probabilities.iter().enumerate() {
				cumulative += p;
				if u < cumulative {
					return id as u32;
				}
			}
			// Rounding left the sum below u: the last token with any probability.
			probabilities.iter().rposition(|p| *p > 0.0).unwrap_or(0) as u32
		}
	}
}
