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
	if count <= 1 {
		return (0..count).collect();
	}
	let mut leaves = BTreeSet::new();
	for start in sample_starts(challenge_seed, account, count, k) {
		leaves.insert(start);
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
