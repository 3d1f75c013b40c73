//! The clock: phases in order, at the blocks their lengths say, with an event each.

use crate::{mock::*, CurrentEpoch, CurrentPhase, Event, Phase, SprintParams};

#[test]
fn the_first_block_starts_epoch_zero_in_the_sprint_phase() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		assert_eq!((epoch.index, epoch.start), (0, 1));
		assert_eq!(CurrentPhase::<Test>::get(), Phase::Sprint);
		assert_eq!(epoch.params, SprintParams::DEV);
		assert_eq!((epoch.challenge_seed, epoch.validation_seed), (None, None));
	});
}

#[test]
fn phases_change_at_their_boundaries_and_epochs_roll_over() {
	new_test_ext().execute_with(|| {
		// DEV: sprint 7, commit 3, reveal 5, validate 5, open 3, settle 1, inference 1 = 25.
		let expected = [
			(1, Phase::Sprint),
			(8, Phase::Commit),
			(11, Phase::Reveal),
			(16, Phase::Validate),
			(21, Phase::Open),
			(24, Phase::Settle),
			(25, Phase::Inference),
		];
		for (block, phase) in expected {
			run_to_block(block - 1);
			if block > 1 {
				assert_ne!(
					CurrentPhase::<Test>::get(),
					phase,
					"block {} already in {phase:?}",
					block - 1
				);
			}
			run_to_block(block);
			assert_eq!(CurrentPhase::<Test>::get(), phase, "block {block}");
		}
		run_to_block(26);
		let epoch = CurrentEpoch::<Test>::get().expect("an epoch runs");
		assert_eq!((epoch.index, epoch.start), (1, 26));
		assert_eq!(CurrentPhase::<Test>::get(), Phase::Sprint);
	});
}

#[test]
fn every_phase_change_is_an_event_and_reaches_the_handler() {
	new_test_ext().execute_with(|| {
		let mut changes = Vec::new();
		for block in 1..=50u64 {
			run_to_block(block);
			for record in System::events() {
				if let RuntimeEvent::Sprint(Event::PhaseChanged { epoch, phase }) = record.event {
					changes.push((epoch, phase));
				}
			}
		}
		let one_epoch: Vec<Phase> = Phase::ALL.to_vec();
		let mut expected: Vec<(u64, Phase)> = one_epoch.iter().map(|p| (0, *p)).collect();
		expected.extend(one_epoch.iter().map(|p| (1, *p)));
		assert_eq!(changes, expected);
		assert_eq!(PhaseLog::get(), expected);
	});
}

#[test]
fn an_empty_inference_phase_is_skipped() {
	let mut params = SprintParams::DEV;
	params.phases.inference = 0;
	new_test_ext_with(params).execute_with(|| {
		run_to_block(24);
		assert_eq!(CurrentPhase::<Test>::get(), Phase::Settle);
		run_to_block(25);
		assert_eq!(CurrentEpoch::<Test>::get().map(|e| e.index), Some(1));
		assert_eq!(CurrentPhase::<Test>::get(), Phase::Sprint);
	});
}

#[test]
fn blocks_left_count_down_within_a_phase() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		assert_eq!(Sprint::blocks_left_in_phase(1), 7);
		run_to_block(7);
		assert_eq!(Sprint::blocks_left_in_phase(7), 1);
		run_to_block(8);
		assert_eq!(Sprint::blocks_left_in_phase(8), 3);
	});
}
