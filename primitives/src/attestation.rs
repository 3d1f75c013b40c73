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
//!   ([`outliers`]); a validator off by more than the tolerance, on a leaf where the values
//!   within it hold a strict majority of the weight, is an outlier: outvoted.

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

/// Which validators' check values are outliers. `checks[v]` holds validator `v`'s check
/// values, one per leaf, and `weights[v]` its say; when every weight is 0, each counts 1.
///
/// Per leaf, the weighted (lower) median `m` is the smallest value whose cumulative weight
/// reaches half the total. When the values within `tolerance` of `m` hold more than half the
/// weight, every value farther from `m` marks its author an outlier; without such a majority
/// (two validators that disagree, say) the leaf says nothing. Validators whose `checks` have
/// a different length from the first's are outliers.
pub fn outliers(checks: &[&[Distance]], weights: &[u64], tolerance: u32) -> Vec<bool> {
	let count = checks.len().min(weights.len());
	let leaves = checks.first().map_or(0, |first| first.len());
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
	for leaf in 0..leaves {
		let mut values: Vec<(Distance, u128)> = checks
			.iter()
			.zip(&say)
			.filter_map(|(values, say)| Some((*values.get(leaf)?, *say)))
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
		if support.saturating_mul(2) <= total {
			continue;
		}
		for (flag, values) in outlier.iter_mut().zip(checks) {
			if values.get(leaf).is_some_and(|value| !near(value)) {
				*flag = true;
			}
		}
	}
	outlier
}

#[cfg(test)]
mod tests {
	use super::*;

	const TOLERANCE: u32 = 100;

	fn values(list: &[u32]) -> Vec<Distance> {
		list.iter().map(|v| Distance(*v)).collect()
	}

	#[test]
	fn the_one_that_did_not_compute_is_the_outlier() {
		let honest = values(&[1_000, 2_000, 3_000, 4_000]);
		let near = values(&[1_050, 1_950, 3_000, 4_090]);
		let lazy = values(&[1_414_000, 1_414_000, 1_414_000, 1_414_000]);
		let checks = [honest.as_slice(), lazy.as_slice(), near.as_slice()];
		assert_eq!(outliers(&checks, &[0, 0, 0], TOLERANCE), vec![false, true, false]);
		assert_eq!(outliers(&checks, &[5, 5, 5], TOLERANCE), vec![false, true, false]);
	}

	#[test]
	fn two_that_disagree_say_nothing() {
		let a = values(&[1_000, 2_000]);
		let b = values(&[9_000, 9_000]);
		assert_eq!(outliers(&[&a, &b], &[1, 1], TOLERANCE), vec![false, false]);
		assert_eq!(outliers(&[&b, &a], &[0, 0], TOLERANCE), vec![false, false]);
	}

	#[test]
	fn weight_decides_not_numbers() {
		let heavy = values(&[5_000]);
		let light = values(&[1_000]);
		let checks = [light.as_slice(), light.as_slice(), heavy.as_slice()];
		assert_eq!(outliers(&checks, &[1, 1, 10], TOLERANCE), vec![true, true, false]);
		assert_eq!(outliers(&checks, &[0, 0, 0], TOLERANCE), vec![false, false, true]);
	}

	#[test]
	fn one_wrong_leaf_is_enough_and_a_short_list_is_an_outlier() {
		let honest = values(&[1_000, 2_000, 3_000]);
		let one_off = values(&[1_000, 2_000, 3_500]);
		let short = values(&[1_000, 2_000]);
		let checks = [honest.as_slice(), honest.as_slice(), one_off.as_slice(), short.as_slice()];
		assert_eq!(outliers(&checks, &[1, 1, 1, 1], TOLERANCE), vec![false, false, true, true]);
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
