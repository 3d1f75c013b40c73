//! Which committed leaves the chain challenges (DESIGN.md §5, revision 2).
//!
//! `c = blake2_256(challenge_seed ‖ account)`; with `u64(c)` its first 8 bytes little-endian,
//! sample `j` is leaf `stream(u64(c), j) mod count`, the stream continuing past repeats until
//! `k` distinct leaves are drawn. `k` is never below [`MIN_SAMPLES`], so that doubling a
//! commitment with made-up leaves escapes with probability at most `(1/2)^4 = 1/16`. A
//! commitment of at most `k` leaves reveals every leaf.
//!
//! Only leaves that verify against the range-annotated tree count ([`crate::merkle`]), and
//! those have distinct nonces; so a commitment of `count` leaves over `H` true hits passes
//! the `k` distinct samples with probability at most `C(H, k) / C(count, k) ≤ (H/count)^k`
//! ([`escape_bound`], docs/STATISTICS.md).

use alloc::{collections::BTreeSet, vec::Vec};

use crate::{
	random::{key_of, stream},
	Hash32,
};

/// The fewest leaves any host is challenged for, whatever its reputation: `(1/2)^4 ≤ 1/16`.
pub const MIN_SAMPLES: u32 = 4;

/// How many stream values are drawn, per sample, before the remaining samples are taken as
/// the lowest leaves not yet drawn. With `count > k` a repeat has probability below
/// `k / count ≤ 64/65` per draw, so this bound is never reached in practice; it only keeps
/// the runtime's work bounded.
const DRAWS_PER_SAMPLE: u64 = 64;

/// The key of an account's challenge stream, `u64(blake2_256(challenge_seed ‖ account))`.
pub fn challenge_key(challenge_seed: &Hash32, account: &[u8]) -> u64 {
	key_of(&[challenge_seed, account])
}

/// The number of samples actually drawn for a requested `k`: at least [`MIN_SAMPLES`].
pub fn samples_floor(k: u32) -> u32 {
	k.max(MIN_SAMPLES)
}

/// Every leaf index the host must reveal, ascending and without repeats: `max(k, 4)` distinct
/// leaves drawn from the challenge stream, or every leaf when `count ≤ max(k, 4)`.
pub fn leaves_to_reveal(challenge_seed: &Hash32, account: &[u8], count: u32, k: u32) -> Vec<u32> {
	let k = samples_floor(k);
	if count <= k {
		return (0..count).collect();
	}
	let key = challenge_key(challenge_seed, account);
	let mut drawn = BTreeSet::new();
	let draws = u64::from(k).saturating_mul(DRAWS_PER_SAMPLE);
	for j in 0..draws {
		if drawn.len() >= k as usize {
			break;
		}
		// `stream mod count < count ≤ u32::MAX`.
		let index = stream(key, j).checked_rem(u64::from(count)).unwrap_or(0);
		drawn.insert(u32::try_from(index).unwrap_or(0));
	}
	let missing = (k as usize).saturating_sub(drawn.len());
	let lowest_unused: Vec<u32> =
		(0..count).filter(|index| !drawn.contains(index)).take(missing).collect();
	drawn.extend(lowest_unused);
	drawn.into_iter().collect()
}

/// The probability that `k` distinct samples of a commitment of `count` leaves, of which only
/// `true_hits` can verify as hits, all land on those: `C(true_hits, k) / C(count, k)`, at most
/// `(true_hits / count)^k` (docs/STATISTICS.md).
#[cfg(feature = "std")]
pub fn escape_bound(count: u32, true_hits: u32, k: u32) -> f64 {
	let k = samples_floor(k);
	if count <= k {
		return if true_hits >= count { 1.0 } else { 0.0 };
	}
	(0..k).fold(1.0, |p, i| {
		p * f64::from(true_hits.saturating_sub(i)) / f64::from(count.saturating_sub(i))
	})
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn small_commitments_reveal_everything() {
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 0, 8), Vec::<u32>::new());
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 1, 8), vec![0]);
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 8, 8), (0..8).collect::<Vec<_>>());
		assert_eq!(leaves_to_reveal(&[1; 32], b"alice", 3, 1), vec![0, 1, 2]);
	}

	#[test]
	fn samples_are_distinct_inside_the_tree_and_never_fewer_than_four() {
		for count in 1..300 {
			for k in [1, 2, 4, 8, 16, 64] {
				let reveal = leaves_to_reveal(&[7; 32], b"bob", count, k);
				assert_eq!(reveal.len() as u32, count.min(k.max(MIN_SAMPLES)), "{count} {k}");
				assert!(reveal.iter().all(|i| *i < count));
				assert!(reveal.windows(2).all(|w| w[0] < w[1]));
			}
		}
	}

	#[test]
	fn accounts_and_seeds_get_different_samples() {
		let a = leaves_to_reveal(&[7; 32], b"alice", 1_000_000, 8);
		assert_ne!(a, leaves_to_reveal(&[7; 32], b"bob", 1_000_000, 8));
		assert_ne!(a, leaves_to_reveal(&[8; 32], b"alice", 1_000_000, 8));
		assert_eq!(a, leaves_to_reveal(&[7; 32], b"alice", 1_000_000, 8));
	}

	#[test]
	fn the_bound_is_the_hypergeometric_tail() {
		// C(50, 4) / C(100, 4) = 230300 / 3921225.
		assert!((escape_bound(100, 50, 4) - 230_300.0 / 3_921_225.0).abs() < 1e-12);
		assert!(escape_bound(100, 50, 4) <= 0.5f64.powi(4));
		assert_eq!(escape_bound(100, 100, 8), 1.0);
		assert_eq!(escape_bound(3, 2, 8), 0.0);
		assert_eq!(escape_bound(100, 3, 1), 0.0, "k is at least 4");
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_precision_loss)]
mod statistics {
	/// Inflating never pays: `m` times the true hits count with probability at most
	/// `(1/m)^k`, so the expected weight stays below the honest one for every `m > 1` and
	/// `k ≥ 4`.
	#[test]
	fn inflating_never_pays() {
		for k in [super::MIN_SAMPLES, 8, 16] {
			for extra_percent in 1..=10_000u32 {
				let true_hits = 1_000u32;
				let count = true_hits + true_hits * extra_percent / 100;
				let gain = f64::from(count) / f64::from(true_hits);
				let expected = super::escape_bound(count, true_hits, k) * gain;
				assert!(expected <= 1.0, "k={k} +{extra_percent}%: {expected}");
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
		// mismatches, ≈ δ·ρ = 0.35% of hits (ρ ≈ 116, docs/STATISTICS.md), ≈ 2.8% of 8-leaf
		// reveals; with it, none is.
		let params = crate::sprint::SprintParams::DEV;
		let delta = 3e-5;
		let distances = honest_hit_distances(40_000);
		let r = params.r_target.as_f64();
		let borderline = distances.iter().filter(|d| **d + delta >= r).count();
		let share = borderline as f64 / distances.len() as f64;
		assert!((share - delta * 116.0).abs() < 0.0012, "borderline share {share}");
		let reveal_fails = 1.0 - (1.0 - share).powi(8);
		assert!(
			(reveal_fails - 0.028).abs() < 0.01,
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
