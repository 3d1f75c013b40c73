//! Parameters: validated, scheduled by the params origin, applied at the next epoch only.

use frame_support::{assert_noop, assert_ok};
use gonka_primitives::{sprint::PhaseLengths, Distance, ModelParams};
use sp_runtime::DispatchError;

use crate::{mock::*, CurrentEpoch, Error, Event, NextParams, SprintParams};

fn longer_sprint() -> SprintParams {
	SprintParams {
		phases: PhaseLengths { sprint: 20, ..SprintParams::DEV.phases },
		..SprintParams::DEV
	}
}

#[test]
fn root_schedules_parameters_for_the_next_epoch_not_this_one() {
	new_test_ext().execute_with(|| {
		run_to_block(5);
		assert_ok!(Sprint::set_params(RuntimeOrigin::root(), longer_sprint()));
		System::assert_last_event(RuntimeEvent::Sprint(Event::ParamsScheduled {
			params: longer_sprint(),
		}));
		assert_eq!(NextParams::<Test>::get(), Some(longer_sprint()));

		// The running epoch keeps its 25-block shape …
		run_to_block(25);
		assert_eq!(
			CurrentEpoch::<Test>::get().map(|e| (e.index, e.params)),
			Some((0, SprintParams::DEV))
		);
		// … and the next one starts with the new parameters, which are then consumed.
		run_to_block(26);
		assert_eq!(
			CurrentEpoch::<Test>::get().map(|e| (e.index, e.params)),
			Some((1, longer_sprint()))
		);
		assert_eq!(NextParams::<Test>::get(), None);
		// 38 blocks now: epoch 2 starts at block 26 + 38.
		run_to_block(63);
		assert_eq!(CurrentEpoch::<Test>::get().map(|e| e.index), Some(1));
		run_to_block(64);
		assert_eq!(
			CurrentEpoch::<Test>::get().map(|e| (e.index, e.params)),
			Some((2, longer_sprint()))
		);
	});
}

#[test]
fn only_the_params_origin_may_change_parameters() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		assert_noop!(
			Sprint::set_params(RuntimeOrigin::signed(1), longer_sprint()),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn invalid_parameters_are_rejected_with_their_own_error() {
	new_test_ext().execute_with(|| {
		run_to_block(1);
		let dev = SprintParams::DEV;
		let cases = [
			(
				SprintParams { model: ModelParams { heads: 3, ..dev.model }, ..dev },
				Error::<Test>::InvalidModel,
			),
			(SprintParams { r_target: Distance(0), ..dev }, Error::<Test>::RTargetOutOfRange),
			(
				SprintParams { r_target: Distance(2_000_000_001), ..dev },
				Error::<Test>::RTargetOutOfRange,
			),
			(SprintParams { samples: 65, ..dev }, Error::<Test>::SamplesOutOfRange),
			(SprintParams { validators_per_host: 0, ..dev }, Error::<Test>::ValidatorsOutOfRange),
			(SprintParams { tolerance: 1_000_001, ..dev }, Error::<Test>::ToleranceTooLarge),
			(SprintParams { max_mismatches: 16, ..dev }, Error::<Test>::MismatchesOutOfRange),
			(
				SprintParams { phases: PhaseLengths { reveal: 0, ..dev.phases }, ..dev },
				Error::<Test>::EmptyPhase,
			),
			(
				SprintParams { phases: PhaseLengths { inference: 200_000, ..dev.phases }, ..dev },
				Error::<Test>::EpochTooLong,
			),
		];
		for (params, error) in cases {
			assert_noop!(Sprint::set_params(RuntimeOrigin::root(), params), error);
		}
		assert_eq!(NextParams::<Test>::get(), None);
	});
}

#[test]
fn genesis_parameters_run_the_first_epoch() {
	new_test_ext_with(longer_sprint()).execute_with(|| {
		run_to_block(1);
		assert_eq!(CurrentEpoch::<Test>::get().map(|e| e.params), Some(longer_sprint()));
	});
}
