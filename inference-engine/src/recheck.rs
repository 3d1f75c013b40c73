//! The re-check: another host runs the prompt and the executor's tokens through the same
//! model (teacher forcing, every position in one batch) and compares, position by position,
//! what the executor reported with what it computes.
//!
//! A position passes when
//! 1. the log-probability the executor reported for its token, and for each of its top-k
//!    tokens, is within [`LOGPROB_TOLERANCE`] of the re-computed one; and
//! 2. the token is the one the request's sampling chooses: under greedy sampling its
//!    log-probability is within the tolerance of the best; under seeded sampling the draw of
//!    that step falls within [`DRAW_TOLERANCE`] of the token's interval of the cumulative
//!    distribution.
//!
//! The tolerances absorb the differences between correct implementations (f16 weights
//! against f32, other summation orders: f16 weights moved the test model's log-probabilities
//! by at most 0.0007 nats, `tests/generation.rs`; GPU kernels computing in f16 move them more,
//! hence the margin); an altered token misses them by whole nats.

use crate::{
	sampling::{distribution, draw, log_softmax, Sampling, TokenLogprobs},
	InferenceError, Model,
};

/// Largest accepted difference between a reported and a re-computed log-probability, in nats.
pub const LOGPROB_TOLERANCE: f32 = 0.1;

/// Largest accepted distance of a seeded draw from the chosen token's interval.
pub const DRAW_TOLERANCE: f32 = 1e-3;

/// Positions whose logits a re-check holds at once: a multiple of the eight tokens the
/// products take side by side, and a sixteenth of the memory of 256 positions' logits.
const POSITIONS_AT_ONCE: usize = 16;

/// The outcome of a re-check.
#[derive(Clone, Debug, PartialEq)]
pub enum RecheckVerdict {
	/// Every position matched.
	Pass,
	/// The first position that did not, and why.
	Fail {
		/// Index of the generated token.
		position: usize,
		/// What did not match.
		reason: String,
	},
}

/// Re-checks `reported` (the executor's tokens after `prompt`, generated with `sampling`).
pub fn recheck(
	model: &Model,
	prompt: &[u32],
	reported: &[TokenLogprobs],
	sampling: Sampling,
) -> Result<RecheckVerdict, InferenceError> {
	let limit = model.config.max_position_embeddings;
	let needed = prompt.len() + reported.len();
	if prompt.is_empty() || needed > limit {
		return Err(InferenceError::ContextFull { needed, limit });
	}
	// One pass over the prompt and every reported token but the last, all positions at once:
	// the logits after the prompt's last token and after each reported token.
	let forced: Vec<u32> = prompt
		.iter()
		.copied()
		.chain(reported.iter().take(reported.len().saturating_sub(1)).map(|t| t.token))
		.collect();
	let mut cache = model.new_cache();
	let states = model.final_states(&forced, &mut cache, prompt.len() - 1)?;
	let hidden = model.config.hidden_size;
	for (chunk, (states, claimed)) in states
		.chunks(POSITIONS_AT_ONCE * hidden)
		.zip(reported.chunks(POSITIONS_AT_ONCE))
		.enumerate()
	{
		let logits = model.logits(states)?;
		let positions = claimed.iter().zip(logits.chunks_exact(model.config.vocab_size));
		for (offset, (claimed, logits)) in positions.enumerate() {
			let position = chunk * POSITIONS_AT_ONCE + offset;
			if let Some(reason) = mismatch(logits, claimed, sampling, position) {
				return Ok(RecheckVerdict::Fail { position, reason });
			}
		}
	}
	Ok(RecheckVerdict::Pass)
}

/// Why `claimed` does not match the re-computed `logits` of its position, if it does not.
fn mismatch(
	logits: &[f32],
	claimed: &TokenLogprobs,
	sampling: Sampling,
	step: usize,
) -> Option<String> {
	let logprobs = log_softmax(logits);
	let recomputed = |id: u32| logprobs.get(id as usize).copied();
	let Some(own) = recomputed(claimed.token) else {
		return Some(format!("token {} is not in the vocabulary", claimed.token));
	};
	let reported =
		std::iter::once((claimed.token, claimed.logprob)).chain(claimed.top.iter().copied());
	for (id, logprob) in reported {
		match recomputed(id) {
			Some(value) if (value - logprob).abs() <= LOGPROB_TOLERANCE => {}
			Some(value) => {
				return Some(format!(
					"token {id}: log-probability {logprob} reported, {value} re-computed"
				))
			}
			None => return Some(format!("token {id} is not in the vocabulary")),
		}
	}
	match sampling {
		Sampling::Greedy => {
			let best = logprobs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
			(own < best - LOGPROB_TOLERANCE)
				.then(|| format!("token {} ({own}) is not the most likely ({best})", claimed.token))
		}
		Sampling::Seeded { seed, temperature, top_p } => {
			let probabilities = distribution(logits, temperature, top_p);
			let before: f32 = probabilities.iter().take(claimed.token as usize).sum();
			let own_probability = probabilities.get(claimed.token as usize).copied().unwrap_or(0.0);
			let u = draw(seed, step);
			// A token the distribution gives nothing (cut from the nucleus) is never drawn,
			// however near its empty interval the draw falls.
			let inside = own_probability > 0.0
				&& u >= before - DRAW_TOLERANCE
				&& u <= before + own_probability + DRAW_TOLERANCE;
			(!inside).then(|| {
				format!(
					"token {}: the draw {u} is outside its interval [{before}, {})",
					claimed.token,
					before + own_probability
				)
			})
		}
	}
}
