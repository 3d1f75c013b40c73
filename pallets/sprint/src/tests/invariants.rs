//! The clock's invariants (`do_try_state`): they hold at every block of two epochs, and each
//! corruption of the clock's state a faulty upgrade or migration could leave is caught.

use crate::{mock::*, CurrentEpoch, CurrentPhase, Pallet, Phase, PhaseEntropy};

fn check(block: u64) -> Result<(), &'static str> {
	Pallet::<Test>::do_try_state(block).map_err(|e| match e {
		sp_runtime::DispatchError::Other(message) => message,
		_ => "another error",
	})
}

#[test]
fn the_clock_keeps_its_invariants_at_every_block() {
	new_test_ext().execute_with(|| {
		assert_eq!(check(0), Ok(()));
		for block in 1..=60 {
			run_to_block(block);
			assert_eq!(check(block), Ok(()), "block {block}");
		}
	});
}

#[test]
fn a_phase_out_of_step_with_the_block_is_caught() {
	new_test_ext().execute_with(|| {
		run_to_block(9);
		CurrentPhase::<Test>::put(Phase::Reveal);
		assert_eq!(check(9), Err("the recorded phase is not the block's"));
	});
}

#[test]
fn an_epoch_that_overran_its_length_is_caught() {
	new_test_ext().execute_with(|| {
		run_to_block(3);
		// An epoch of 25 blocks that started at block 1 does not cover block 40.
		assert_eq!(check(40), Err("the recorded phase is not the block's"));
	});
}

#[test]
fn a_challenge_seed_fixed_before_the_reveal_phase_is_caught() {
	new_test_ext().execute_with(|| {
		run_to_block(9);
		CurrentEpoch::<Test>::mutate(|epoch| {
			if let Some(epoch) = epoch {
				epoch.challenge_seed = Some([7; 32]);
			}
		});
		assert_eq!(check(9), Err("the challenge seed is fixed too early or too late"));
	});
}

#[test]
fn a_validation_seed_missing_after_its_gathering_is_caught() {
	new_test_ext().execute_with(|| {
		// DEV: validate starts at block 16; its seed is fixed in block 18.
		run_to_block(19);
		CurrentEpoch::<Test>::mutate(|epoch| {
			if let Some(epoch) = epoch {
				epoch.validation_seed = None;
			}
		});
		assert_eq!(check(19), Err("the validation seed is fixed too early or too late"));
	});
}

#[test]
fn entropy_left_over_after_a_seed_is_fixed_is_caught() {
	new_test_ext().execute_with(|| {
		run_to_block(14);
		PhaseEntropy::<Test>::put([1; 32]);
		assert_eq!(check(14), Err("phase entropy is held outside a seed's gathering blocks"));
	});
}
