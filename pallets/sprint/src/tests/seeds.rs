//! Seeds: `blake2_256(randomness ‖ parent_hash ‖ epoch_le)` at the epoch's first block, and
//! `blake2_256(vrf ‖ epoch_le)` from the reveal phase's first block for the challenges.

use codec::Encode;
use gonka_primitives::sprint::{derive_challenge_seed, derive_seed};

use crate::{mock::*, CurrentEpoch, Event};

#[test]
fn the_sprint_seed_follows_the_formula() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		let expected =
			derive_seed(&EpochRandomnessValue::get().encode(), &parent_hash_of(1).encode(), 0);
		assert_eq!(epoch.seed, expected);
		System::assert_has_event(RuntimeEvent::Sprint(Event::EpochStarted {
			epoch: 0,
			seed: expected,
		}));
	});
}

#[test]
fn each_epoch_gets_a_fresh_seed() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		let first = CurrentEpoch::<Test>::get().expect("epoch 0").seed;
		run_to_block(26);
		let second = CurrentEpoch::<Test>::get().expect("epoch 1").seed;
		assert_ne!(first, second);
		let expected =
			derive_seed(&EpochRandomnessValue::get().encode(), &parent_hash_of(26).encode(), 1);
		assert_eq!(second, expected);
	});
}

#[test]
fn new_randomness_changes_the_seed() {
	let seed_with = |byte: u8| {
		new_test_ext().execute_with(|| {
			EpochRandomnessValue::set(sp_core::H256::repeat_byte(byte));
			run_to_block(1);
			CurrentEpoch::<Test>::get().expect("an epoch runs").seed
		})
	};
	assert_ne!(seed_with(1), seed_with(2));
}

/// The challenge seed expected from [`BlockVrf`] for `epoch`.
fn challenge_seed_from_vrf(epoch: u64) -> [u8; 32] {
	let vrf = BlockVrf::get().expect("a VRF output");
	let randomness = gonka_primitives::hash_concat(&[b"gonka/challenge", vrf.as_bytes()]);
	derive_challenge_seed(&randomness, epoch)
}

#[test]
fn the_challenge_seed_comes_from_the_first_reveal_blocks_vrf() {
	new_test_ext().execute_with(|| {
		// Reveal begins at block 14; its VRF output is read in block 15.
		run_to_block(14);
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), None);
		run_to_block(15);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		let expected = challenge_seed_from_vrf(0);
		assert_eq!(epoch.challenge_seed, Some(expected));
		assert_ne!(epoch.challenge_seed, Some(epoch.seed));
		System::assert_has_event(RuntimeEvent::Sprint(Event::ChallengeSeedFixed {
			epoch: 0,
			challenge_seed: expected,
		}));
		run_to_block(20);
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), Some(expected));
	});
}

/// The grinding attack of revision 1: the author of the block before the seed is fixed
/// reorders or drops extrinsics, which changes that block's hash, until its own fake leaves
/// are not challenged. Under revision 1's formula each ordering gives another seed; under
/// revision 2's, every ordering gives the same one.
#[test]
fn reordering_extrinsics_does_not_move_the_challenge_seed() {
	let seeds_with = |salt: u64| {
		new_test_ext().execute_with(|| {
			run_to_block(14);
			ParentHashSalt::set(salt);
			run_to_block(15);
			let revision_1 =
				derive_seed(&EpochRandomnessValue::get().encode(), &parent_hash_of(15).encode(), 0);
			ParentHashSalt::set(0);
			(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), revision_1)
		})
	};
	let orderings: Vec<_> = (0..8u64).map(|salt| seeds_with(salt * 7_919)).collect();
	let revision_1: std::collections::BTreeSet<_> = orderings.iter().map(|(_, r1)| *r1).collect();
	assert_eq!(revision_1.len(), 8, "each ordering moved revision 1's seed");
	assert!(orderings.iter().all(|(seed, _)| *seed == Some(challenge_seed_from_vrf(0))));
}

#[test]
fn another_vrf_output_gives_another_challenge_seed() {
	let seed_with = |vrf: Option<sp_core::H256>| {
		new_test_ext().execute_with(|| {
			BlockVrf::set(vrf);
			run_to_block(15);
			CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed)
		})
	};
	let (a, b) = (seed_with(Some([1; 32].into())), seed_with(Some([2; 32].into())));
	assert!(a.is_some() && b.is_some());
	assert_ne!(a, b);
	// Without a VRF output the sprint seed's formula stands in, so reveals can still happen.
	let fallback = seed_with(None);
	let expected =
		derive_seed(&EpochRandomnessValue::get().encode(), &parent_hash_of(15).encode(), 0);
	assert_eq!(fallback, Some(expected));
	BlockVrf::set(Some(sp_core::H256::repeat_byte(5)));
}
