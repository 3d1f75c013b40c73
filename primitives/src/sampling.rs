//! Which committed leaves the chain challenges (DESIGN.md §5).
//!
//! `c = blake2_256(challenge_seed ‖ account)`; with `u64(c)` its first 8 bytes little-endian,
//! sample `j < k` starts at index `i = stream(u64(c), j) mod (count − 1)`, and the host
//! reveals leaves `i` and `i + 1` (a strict increase of their nonces proves that no nonce was
//! counted twice). With `count ≤ 1` the host reveals every leaf.

use alloc::{collections::BTreeSet, vec::Vec};

use crate::{
	random::{key_of, stream},
	Hash32,
};

/// The key of an account's challenge stream, `u64(blake2_256(challenge_seed ‖ account))`.
pub fn challenge_key(challenge_seed: &Hash32, account: &[u8]) -> u64 {
	key_of(&[challenge_seed, account])
}

/// The first index `i` of each of the `k` sampled pairs `(i, i + 1)`; empty when `count ≤ 1`.
pub fn sample_starts(challenge_seed: &Hash32, account: &[u8], count: u32, k: u32) -> Vec<u32> {
	let Some(pairs) = count.checked_sub(1).filter(|pairs| *pairs > 0) else {
		return Vec::new();
	};
	let key = challenge_key(challenge_seed, account);
	(0..u64::from(k))
		.map(|j| {
			let start = stream(key, j).checked_rem(u64::from(pairs)).unwrap_or(0);
			// `start < pairs ≤ u32::MAX`.
			u32::try_from(start).unwrap_or(0)
		})
		.collect()
}

/// Every leaf index the host must reveal, ascending and without repeats.
pub fn leaves_to_reveal(challenge_seed: &Hash32, account: &[u8], count: u32, k: u32) -> Vec<u32> {
	leaves_of(&sample_starts(challenge_seed, account, count, k), count)
}

/// The leaves to reveal for the pair starts `starts` (from [`sample_starts`]) of a tree of
/// `count` leaves: every leaf when `count ≤ 1`, else each `i` and `i + 1`, ascending, once.
pub fn leaves_of(starts: &[u32], count: u32) -> Vec<u32> {
	if count <= 1 {
		return (0..count).collect();
	}
	let mut leaves = BTreeSet::new();
	for start in starts {
		leaves.insert(*start);
		leaves.insert(start.saturating_add(1));
	}
	leaves.into_iter().collect()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn small_commitments_reveal_everything() {
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 0, 8), Vec::<u32>::new());
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 1, 8), vec![0]);
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 2, 8), vec![0, 1]);
	}

	#[test]
	fn samples_stay_inside_the_tree_and_pair_up() {
		for count in 2..200 {
			let starts = sample_starts(&[7; 32], b"bob", count, 16);
			assert_eq!(starts.len(), 16);
			assert!(starts.iter().all(|i| i + 1 < count));
			let reveal = leaves_to_reveal(&[7; 32], b"bob", count, 16);
			assert!(starts.iter().all(|i| reveal.contains(i) && reveal.contains(&(i + 1))));
			assert!(reveal.windows(2).all(|w| w[0] < w[1]));
		}
	}

	#[test]
	fn accounts_and_seeds_get_different_samples() {
		let a = sample_starts(&[7; 32], b"alice", 1_000_000, 8);
		assert_ne!(a, sample_starts(&[7; 32], b"bob", 1_000_000, 8));
		assert_ne!(a, sample_starts(&[8; 32], b"alice", 1_000_000, 8));
		assert_eq!(a, sample_starts(&[7; 32], b"alice", 1_000_000, 8));
	}
}

/// The probability that a host whose commitment of `count` leaves holds `fake` bad leaves,
/// placed as the host likes, passes `k` challenged pairs: at best the bad leaves form one run
/// at the end of the tree, leaving `count − 1 − fake` of the `count − 1` pairs clean, so
/// `((count − 1 − fake) / (count − 1))^k ≈ (1 − f)^k` (docs/STATISTICS.md).
#[cfg(feature = "std")]
pub fn escape_probability(count: u32, fake: u32, k: u32) -> f64 {
	let pairs = f64::from(count.saturating_sub(1).max(1));
	let clean = f64::from(count.saturating_sub(1).saturating_sub(fake));
	(clean / pairs).powi(k as i32)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_precision_loss)]
mod statistics {
	use super::*;

	/// The share of `trials` challenge seeds under which no challenged leaf is bad.
	fn escape_rate(count: u32, bad: impl Fn(u32) -> bool, k: u32, trials: u32) -> f64 {
		let escaped = (0..trials)
			.filter(|t| {
				let seed = crate::hash_concat(&[b"statistics", &t.to_le_bytes()]);
				leaves_to_reveal(&seed, b"host", count, k).iter().all(|i| !bad(*i))
			})
			.count();
		escaped as f64 / f64::from(trials)
	}

	#[test]
	fn clustered_fakes_escape_as_the_formula_says() {
		// 1000 leaves, the last 100 fake (f = 10%), k = 8: (899/999)^8 ≈ 0.430.
		let expected = escape_probability(1000, 100, 8);
		assert!((expected - 0.430).abs() < 0.001, "{expected}");
		let measured = escape_rate(1000, |i| i >= 900, 8, 20_000);
		assert!((measured - expected).abs() < 0.015, "measured {measured}, formula {expected}");
	}

	#[test]
	fn scattered_fakes_are_caught_more_often() {
		// Every tenth leaf fake: nearly every pair touches one only when it starts on one, so
		// a pair is clean with probability ≈ 0.8 and the host escapes ≈ 0.8^8 ≈ 0.17.
		let measured = escape_rate(1000, |i| i % 10 == 9, 8, 20_000);
		assert!(measured < escape_probability(1000, 100, 8) - 0.2, "scattered escape {measured}");
		assert!((measured - 0.8f64.powi(8)).abs() < 0.015, "scattered escape {measured}");
	}

	#[test]
	fn faking_never_pays() {
		// Faking a share f of the hits gains (1 + f) times the weight with probability
		// (1 − f)^k and loses everything otherwise: below the honest 1 for every f and k ≥ 1.
		for k in [1, 2, 4, 8, 16] {
			for percent in 1..=99 {
				let f = f64::from(percent) / 100.0;
				let count = 10_000;
				let fake = (f * f64::from(count)) as u32;
				let expected_gain = escape_probability(count, fake, k) * (1.0 + f);
				assert!(expected_gain < 1.0, "k={k} f={f}: {expected_gain}");
			}
		}
	}

	/// Distances of `hits` honest hits of the dev profile: `d = sqrt(2 − 2x)` with
	/// `x ~ N(0, 1/out)` (Box–Muller over the random stream), kept when below `r_target`.
	fn honest_hit_distances(hits: usize) -> Vec<f64> {
		let params = crate::sprint::SprintParams::DEV;
		let (r, sigma) = (params.r_target.as_f64(), 1.0 / f64::from(params.model.out).sqrt());
		let key = crate::random::key(b"statistics", b"distances");
		let mut found = Vec::with_capacity(hits);
		let mut draw = 0u64;
		while found.len() < hits {
			let u1 = f64::from(crate::random::uniform(key, draw)).max(1e-12);
			let u2 = f64::from(crate::random::uniform(key, draw + 1));
			draw += 2;
			let x = sigma * (-2.0 * u1.ln()).sqrt() * (2.0 * core::f64::consts::PI * u2).cos();
			let d = (2.0 - 2.0 * x).sqrt();
			if d < r {
				found.push(d);
			}
		}
		found
	}

	#[test]
	fn rounding_never_fails_an_honest_host_within_tolerance() {
		// A validator whose hardware rounds every distance up by δ = 3e-5 (worst case, CPU vs
		// GPU measured 2.8e-5): without the band, the hits within δ below the radius would be
		// mismatches, ≈ δ·ρ = 0.35% of hits (ρ ≈ 116, docs/STATISTICS.md), ≈ 5.5% of 16-leaf
		// reveals; with it, none is.
		let params = crate::sprint::SprintParams::DEV;
		let delta = 3e-5;
		let distances = honest_hit_distances(40_000);
		let r = params.r_target.as_f64();
		let borderline = distances.iter().filter(|d| **d + delta >= r).count();
		let share = borderline as f64 / distances.len() as f64;
		assert!((share - delta * 116.0).abs() < 0.0012, "borderline share {share}");
		let reveal_fails = 1.0 - (1.0 - share).powi(16);
		assert!(
			(reveal_fails - 0.055).abs() < 0.02,
			"reveals failing without the band {reveal_fails}"
		);
		let mismatches = distances
			.iter()
			.filter(|d| {
				let claimed = crate::Distance::from_f64(**d);
				let recomputed = crate::Distance::from_f64(**d + delta);
				params.is_mismatch(claimed, recomputed)
			})
			.count();
		assert_eq!(mismatches, 0);
	}
}
