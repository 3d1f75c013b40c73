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
	/// Drawn from the distribution at `temperature`, cut to its nucleus of `top_p`, with the
	/// stream of `seed`.
	Seeded {
		/// The request's seed.
		seed: u64,
		/// Above 0; 1 is the model's own distribution.
		temperature: f32,
		/// In (0, 1]: the most likely tokens whose probabilities reach it are kept (1 keeps
		/// all).
		top_p: f32,
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

/// The lowest temperature a request may ask for: below it, logits divided by it overflow.
pub const MIN_TEMPERATURE: f32 = 0.01;

/// The distribution tokens are drawn from: the softmax at `temperature`, then (below a
/// `top_p` of 1) only the most likely tokens, most likely first and lower ids first among
/// equals, until their probabilities reach `top_p`, scaled to sum to 1.
pub fn distribution(logits: &[f32], temperature: f32, top_p: f32) -> Vec<f32> {
	let scaled: Vec<f32> = logits.iter().map(|l| l / temperature).collect();
	let mut probabilities = softmax(&scaled);
	if top_p >= 1.0 {
		return probabilities;
	}
	let mut ranked: Vec<usize> = (0..probabilities.len()).collect();
	ranked.sort_by(|a, b| probabilities[*b].total_cmp(&probabilities[*a]).then(a.cmp(b)));
	let mut kept = 0.0;
	let mut cut = ranked.len();
	for (rank, id) in ranked.iter().enumerate() {
		kept += probabilities[*id];
		if kept >= top_p {
			cut = rank + 1;
			break;
		}
	}
	for id in &ranked[cut..] {
		probabilities[*id] = 0.0;
	}
	probabilities.iter_mut().for_each(|p| *p /= kept);
	probabilities
}

/// The token `sampling` chooses from `logits` at generation step `step`.
pub fn choose(sampling: Sampling, logits: &[f32], step: usize) -> u32 {
	match sampling {
		Sampling::Greedy => top_k(logits, 1).first().map_or(0, |(id, _)| *id),
		Sampling::Seeded { seed, temperature, top_p } => {
			let u = draw(seed, step);
			let probabilities = distribution(logits, temperature, top_p);
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

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_nucleus_keeps_the_most_likely_tokens_until_top_p_and_rescales_them() {
		let logits = [2.0f32.ln(), 5.0f32.ln(), 3.0f32.ln()];
		let whole = distribution(&logits, 1.0, 1.0);
		assert!((whole[1] - 0.5).abs() < 1e-6);
		let nucleus = distribution(&logits, 1.0, 0.6);
		assert_eq!(nucleus[0], 0.0, "0.5 + 0.3 reach 0.6 without the least likely");
		assert!((nucleus[1] - 0.625).abs() < 1e-6 && (nucleus[2] - 0.375).abs() < 1e-6);
		let seeded = Sampling::Seeded { seed: 1, temperature: 1.0, top_p: 0.6 };
		assert!((0..200).all(|step| choose(seeded, &logits, step) != 0));
	}
}
