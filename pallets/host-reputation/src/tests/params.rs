//! Parameters: changed only by the parameters origin, and only to usable values.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::{DispatchError, Perbill};

use crate::{mock::*, Error, Event, Params, ReputationParams};

#[test]
fn the_params_origin_sets_usable_params() {
	run(|| {
		let new = ReputationParams { min_collateral: 7, ..params() };
		assert_noop!(
			HostReputation::set_params(RuntimeOrigin::signed(1), new),
			DispatchError::BadOrigin
		);
		assert_ok!(HostReputation::set_params(RuntimeOrigin::root(), new));
		assert_eq!(Params::<Test>::get(), new);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::ParamsSet { params: new }));
	});
}

#[test]
fn unusable_params_are_refused() {
	run(|| {
		let unusable = [
			ReputationParams { max_weight_share: Perbill::from_percent(9), ..params() },
			ReputationParams { reputation_gain: 10_001, ..params() },
			ReputationParams { reputation_loss: 10_001, ..params() },
			ReputationParams { min_sample_share: Perbill::zero(), ..params() },
			ReputationParams { unbonding_epochs: 0, ..params() },
			ReputationParams { unbonding_epochs: 10_001, ..params() },
		];
		for bad in unusable {
			assert_noop!(
				HostReputation::set_params(RuntimeOrigin::root(), bad),
				Error::<Test>::InvalidParams
			);
		}
	});
}
