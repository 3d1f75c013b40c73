//! Seeds: `blake2_256(randomness ‖ parent_hash ‖ epoch_le)` at the epoch's first block; the
//! challenge and validation seeds from the VRF outputs of the first two blocks of the reveal
//! and validate phases.

use codec::Encode;
use gonka_primitives::sprint::{derive_phase_seed, derive_seed, fold_entropy, SEED_BLOCKS};

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

/// The seed of the phase whose first block is `first`, expected from [`BlockVrf`]: the VRF
/// randomness of its first two blocks, read in the two after the first.
fn phase_seed(first: u64, label: &[u8], epoch: u64) -> [u8; 32] {
	let entropy = (first + 1..=first + u64::from(SEED_BLOCKS)).fold([0u8; 32], |entropy, n| {
		let randomness = vrf_randomness(b"gonka/phase-seed", n).expect("a VRF output");
		fold_entropy(&entropy, randomness.as_bytes())
	});
	derive_phase_seed(&entropy, label, epoch)
}

/// Epoch 0's reveal phase begins at block 11, its validate phase at block 16.
const REVEAL: u64 = 11;
const VALIDATE: u64 = 16;

#[test]
fn the_challenge_seed_comes_from_the_first_reveal_blocks_vrf_outputs() {
	new_test_ext().execute_with(|| {
		run_to_block(REVEAL + 1);
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), None);
		run_to_block(REVEAL + 2);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		let expected = phase_seed(REVEAL, b"challenge", 0);
		assert_eq!(epoch.challenge_seed, Some(expected));
		assert_ne!(epoch.challenge_seed, Some(epoch.seed));
		System::assert_has_event(RuntimeEvent::Sprint(Event::ChallengeSeedFixed {
			epoch: 0,
			challenge_seed: expected,
		}));
		run_to_block(VALIDATE + 1);
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), Some(expected));
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.validation_seed), None);
	});
}

#[test]
fn the_validation_seed_comes_from_the_first_validate_blocks_vrf_outputs() {
	new_test_ext().execute_with(|| {
		run_to_block(VALIDATE + 2);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		let expected = phase_seed(VALIDATE, b"validation", 0);
		assert_eq!(epoch.validation_seed, Some(expected));
		assert_ne!(epoch.validation_seed, epoch.challenge_seed);
		System::assert_has_event(RuntimeEvent::Sprint(Event::ValidationSeedFixed {
			epoch: 0,
			validation_seed: expected,
		}));
		// The next epoch starts without seeds.
		run_to_block(26);
		let next = CurrentEpoch::<Test>::get().expect("epoch 1");
		assert_eq!((next.index, next.challenge_seed, next.validation_seed), (1, None, None));
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
			run_to_block(REVEAL);
			ParentHashSalt::set(salt);
			run_to_block(REVEAL + 2);
			let revision_1 = derive_seed(
				&EpochRandomnessValue::get().encode(),
				&parent_hash_of(REVEAL).encode(),
				0,
			);
			ParentHashSalt::set(0);
			(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), revision_1)
		})
	};
	let orderings: Vec<_> = (0..8u64).map(|salt| seeds_with(salt * 7_919)).collect();
	let revision_1: std::collections::BTreeSet<_> = orderings.iter().map(|(_, r1)| *r1).collect();
	assert_eq!(revision_1.len(), 8, "each ordering moved revision 1's seed");
	let expected = phase_seed(REVEAL, b"challenge", 0);
	assert!(orderings.iter().all(|(seed, _)| *seed == Some(expected)));
}

#[test]
fn another_vrf_output_gives_another_challenge_seed() {
	let seed_with = |vrf: Option<sp_core::H256>| {
		new_test_ext().execute_with(|| {
			BlockVrf::set(vrf);
			run_to_block(REVEAL + 2);
			CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed)
		})
	};
	let (a, b) = (seed_with(Some([1; 32].into())), seed_with(Some([2; 32].into())));
	assert!(a.is_some() && b.is_some());
	assert_ne!(a, b);
	// Without VRF outputs the parent hashes stand in, so reveals can still happen.
	let fallback = seed_with(None);
	let entropy = (REVEAL + 1..=REVEAL + 2)
		.fold([0u8; 32], |entropy, n| fold_entropy(&entropy, parent_hash_of(n).as_bytes()));
	assert_eq!(fallback, Some(derive_phase_seed(&entropy, b"challenge", 0)));
}
