//! What a validator attests and how the chain tells a validator that ran the model from one
//! that did not (DESIGN.md §5, revision 2).
//!
//! - **Check values.** Per revealed leaf, besides the recomputed distance to the epoch's target
//!   `t`, a validator gives the distance of the same output to a second unit target `t'`,
//!   drawn from [`check_key`]`(challenge_seed, host, leaf index)`. The host never publishes
//!   check values, so only a validator that ran the model knows them.
//! - **Seal, then open.** An attestation is first the hash [`seal`] of its author, its values
//!   and a salt (the validate phase), then the values and the salt (the open phase), so that
//!   no validator can copy another's values from the pool or a block: sealing is over before
//!   any value is public, and a copied seal cannot be opened by another account, not even with
//!   the values and salt its author published.
//! - **Outliers.** Per leaf, the check values are compared with their weighted median
//!   ([`judge_checks`]); a validator off by more than the tolerance, on a leaf where the values
//!   within it hold a strict majority of the weight and come from two validators at least, is
//!   an outlier: outvoted. A validator within it on every leaf is confirmed: only confirmed
//!   validators are paid.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{hash_concat, random, Distance, Hash32};

/// A validator's recomputation of one revealed leaf.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Recomputed {
	/// The distance to the epoch's target: compared with the host's claim.
	pub distance: Distance,
	/// The check value: the distance of the same output to the leaf's check target.
	pub check: Distance,
}

/// `key(challenge_seed, "check" ‖ host ‖ leaf_index (u32 LE))`: the key of the check target
/// `t'` of `host`'s leaf `leaf_index`, whose elements are `2·uniform(key, i) − 1`, normalised
/// to unit length like the epoch's target.
pub fn check_key(challenge_seed: &Hash32, host: &[u8], leaf_index: u32) -> u64 {
	random::key_of(&[challenge_seed, b"check", host, &leaf_index.to_le_bytes()])
}

/// `blake2_256(SCALE((validator, values, salt)))`: what `validator` submits first, in the
/// validate phase. The author is in the hash so that a seal copied from the pool is useless to
/// the copier (DESIGN.md §5 hashes only `(values, salt)`; docs/ARCHITECTURE.md says why this
/// departs from it).
pub fn seal<AccountId: Encode>(
	validator: &AccountId,
	values: &[Recomputed],
	salt: &Hash32,
) -> Hash32 {
	let encoded = (validator, values, salt).encode();
	hash_concat(&[&encoded])
}

/// What the other validators' check values say of one validator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckVerdict {
	/// On every leaf its value is within the tolerance of a median that a strict majority
	/// of the weight, from two validators at least, confirms: it ran the model.
	Confirmed,
	/// No leaf proves it wrong, but not every leaf confirms it (too few validators agreed).
	Unconfirmed,
	/// On some leaf such a majority holds a value it is not within the tolerance of, or it
	/// gave the wrong number of values: it did not run the model.
	Outlier,
}

/// Judges each validator's check values against the others'. `checks[v]` holds validator
/// `v`'s check values, which should be one per each of the `leaves` revealed leaves, and
/// `weights[v]` its say; when none of the validators with the right number of values has
/// weight, each of them counts 1.
///
/// Per leaf, the weighted (lower) median `m` is the smallest value whose cumulative weight
/// reaches half the total. The leaf decides when the values within `tolerance` of `m` hold
/// more than half the weight and come from at least two validators (so that no single
/// account, however heavy, condemns the others alone); then every value farther from `m` marks
/// its author an outlier, and every value within it counts towards its author's
/// confirmation. A validator is confirmed when every leaf decides in its favour.
pub fn judge_checks(
	checks: &[&[Distance]],
	weights: &[u64],
	leaves: usize,
	tolerance: u32,
) -> Vec<CheckVerdict> {
	let count = checks.len().min(weights.len());
	let mut outlier: Vec<bool> =
		checks.iter().take(count).map(|values| values.len() != leaves).collect();
	let weighted = weights.iter().zip(&outlier).any(|(weight, out)| *weight > 0 && !*out);
	// Each counted validator's say; the others' is 0.
	let say: Vec<u128> = weights
		.iter()
		.zip(&outlier)
		.map(|(weight, out)| match (*out, weighted) {
			(true, _) => 0,
			(false, true) => u128::from(*weight),
			(false, false) => 1,
		})
		.collect();
	let total: u128 = say.iter().sum();
	let mut confirmed_leaves = alloc::vec![0usize; count];
	for leaf in 0..leaves {
		let mut values: Vec<(Distance, u128)> = checks
			.iter()
			.zip(&say)
			.zip(&outlier)
			.filter(|(_, out)| !**out)
			.filter_map(|((values, say), _)| Some((*values.get(leaf)?, *say)))
			.collect();
		values.sort_unstable_by_key(|(value, _)| *value);
		let mut cumulative = 0u128;
		let Some(median) = values.iter().find_map(|(value, say)| {
			cumulative = cumulative.saturating_add(*say);
			(cumulative.saturating_mul(2) >= total).then_some(*value)
		}) else {
			continue;
		};
		let near = |value: &Distance| value.abs_diff(median) <= tolerance;
		let support: u128 = values.iter().filter(|(value, _)| near(value)).map(|(_, s)| s).sum();
		let supporters = values.iter().filter(|(value, _)| near(value)).count();
		if support.saturating_mul(2) <= total || supporters < 2 {
			continue;
		}
		for ((flag, confirmed), values) in
			outlier.iter_mut().zip(confirmed_leaves.iter_mut()).zip(checks)
		{
			match values.get(leaf) {
				Some(value) if near(value) => *confirmed = confirmed.saturating_add(1),
				Some(_) => *flag = true,
				None => {}
			}
		}
	}
	outlier
		.into_iter()
		.zip(confirmed_leaves)
		.map(|(outlier, confirmed)| match (outlier, confirmed == leaves) {
			(true, _) => CheckVerdict::Outlier,
			(false, true) => CheckVerdict::Confirmed,
			(false, false) => CheckVerdict::Unconfirmed,
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	const TOLERANCE: u32 = 100;

	fn values(list: &[u32]) -> Vec<Distance> {
		list.iter().map(|v| Distance(*v)).collect()
	}

	use CheckVerdict::{Confirmed, Outlier, Unconfirmed};

	fn judged(checks: &[&[Distance]], weights: &[u64]) -> Vec<CheckVerdict> {
		let leaves = checks.first().map_or(0, |first| first.len());
		judge_checks(checks, weights, leaves, TOLERANCE)
	}

	#[test]
	fn the_one_that_did_not_compute_is_the_outlier() {
		let honest = values(&[1_000, 2_000, 3_000, 4_000]);
		let near = values(&[1_050, 1_950, 3_000, 4_090]);
		let lazy = values(&[1_414_000, 1_414_000, 1_414_000, 1_414_000]);
		let checks = [honest.as_slice(), lazy.as_slice(), near.as_slice()];
		assert_eq!(judged(&checks, &[0, 0, 0]), vec![Confirmed, Outlier, Confirmed]);
		assert_eq!(judged(&checks, &[5, 5, 5]), vec![Confirmed, Outlier, Confirmed]);
	}

	#[test]
	fn two_that_disagree_say_nothing_and_earn_no_confirmation() {
		let a = values(&[1_000, 2_000]);
		let b = values(&[9_000, 9_000]);
		assert_eq!(judged(&[&a, &b], &[1, 1]), vec![Unconfirmed, Unconfirmed]);
		assert_eq!(judged(&[&b, &a], &[0, 0]), vec![Unconfirmed, Unconfirmed]);
	}

	#[test]
	fn weight_decides_not_numbers() {
		let heavy = values(&[5_000]);
		let light = values(&[1_000]);
		let checks = [light.as_slice(), light.as_slice(), heavy.as_slice(), heavy.as_slice()];
		assert_eq!(judged(&checks, &[1, 1, 10, 10]), vec![Outlier, Outlier, Confirmed, Confirmed]);
		let checks = [light.as_slice(), light.as_slice(), heavy.as_slice()];
		assert_eq!(judged(&checks, &[0, 0, 0]), vec![Confirmed, Confirmed, Outlier]);
	}

	/// A single heavy validator cannot condemn the unweighted ones beside it: a leaf decides
	/// only on the word of two validators at least.
	#[test]
	fn one_heavy_validator_alone_condemns_nobody() {
		let heavy = values(&[5_000, 6_000]);
		let light = values(&[1_000, 2_000]);
		let checks = [heavy.as_slice(), light.as_slice(), light.as_slice()];
		assert_eq!(judged(&checks, &[10, 0, 0]), vec![Unconfirmed; 3]);
	}

	/// Exactly half the weight is no majority: two echoing validators beside two honest ones
	/// are not outvoted, but nobody is confirmed (and so paid) either.
	#[test]
	fn half_is_no_majority() {
		let honest = values(&[1_000]);
		let echo = values(&[7_000]);
		let checks = [honest.as_slice(), honest.as_slice(), echo.as_slice(), echo.as_slice()];
		assert_eq!(judged(&checks, &[1, 1, 1, 1]), vec![Unconfirmed; 4]);
	}

	#[test]
	fn one_wrong_leaf_is_enough_and_a_wrong_length_is_an_outlier() {
		let honest = values(&[1_000, 2_000, 3_000]);
		let one_off = values(&[1_000, 2_000, 3_500]);
		let short = values(&[1_000, 2_000]);
		let checks = [short.as_slice(), honest.as_slice(), honest.as_slice(), one_off.as_slice()];
		assert_eq!(
			judge_checks(&checks, &[1, 1, 1, 1], 3, TOLERANCE),
			vec![Outlier, Confirmed, Confirmed, Outlier]
		);
	}

	#[test]
	fn a_seal_binds_author_values_and_salt() {
		let values = [Recomputed { distance: Distance(7), check: Distance(9) }];
		let seal_of = |values: &[Recomputed], salt: u8| seal(&[1u8; 32], values, &[salt; 32]);
		assert_eq!(seal_of(&values, 1), seal_of(&values, 1));
		assert_ne!(seal_of(&values, 1), seal_of(&values, 2));
		let other = [Recomputed { distance: Distance(7), check: Distance(10) }];
		assert_ne!(seal_of(&values, 1), seal_of(&other, 1));
		assert_ne!(seal_of(&values, 1), seal(&[2u8; 32], &values, &[1; 32]), "bound to its author");
	}

	#[test]
	fn check_targets_differ_by_host_and_leaf() {
		let seed = [3; 32];
		assert_ne!(check_key(&seed, &[1; 32], 0), check_key(&seed, &[1; 32], 1));
		assert_ne!(check_key(&seed, &[1; 32], 0), check_key(&seed, &[2; 32], 0));
		assert_ne!(check_key(&seed, &[1; 32], 0), check_key(&[4; 32], &[1; 32], 0));
	}
}
