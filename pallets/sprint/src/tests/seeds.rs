//! Seeds: `blake2_256(randomness ‖ parent_hash ‖ epoch_le)` at the epoch's first block, and the
//! same at the first block of the reveal phase for the challenges.

use codec::Encode;
use gonka_primitives::sprint::derive_seed;

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

#[test]
fn the_challenge_seed_is_fixed_when_reveal_begins() {
	new_test_ext().execute_with(|| {
		run_to_block(13);
		assert_eq!(CurrentEpoch::<Test>::get().and_then(|e| e.challenge_seed), None);
		run_to_block(14);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		let expected =
			derive_seed(&EpochRandomnessValue::get().encode(), &parent_hash_of(14).encode(), 0);
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
