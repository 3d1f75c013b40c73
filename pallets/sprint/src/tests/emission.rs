//! The mint: the schedule is set by the parameters origin within its bounds, and every unit
//! minted to hosts and to the pool is counted.

use frame_support::{assert_noop, assert_ok};
use sp_runtime::DispatchError;

use crate::{mock::*, Emission, EmissionSchedule, EpochRewards, Error, Event, TotalEmitted};

const SCHEDULE: EmissionSchedule = EmissionSchedule { initial: 1_000_000, decay_ppb: 500_000_000 };

#[test]
fn the_params_origin_sets_a_bounded_schedule() {
	new_test_ext().execute_with(|| {
		System::set_block_number(1);
		assert_noop!(
			Sprint::set_emission(RuntimeOrigin::signed(1), SCHEDULE),
			DispatchError::BadOrigin
		);
		assert_noop!(
			Sprint::set_emission(
				RuntimeOrigin::root(),
				EmissionSchedule { initial: u128::MAX, decay_ppb: 0 }
			),
			Error::<Test>::InitialEmissionTooLarge
		);
		assert_noop!(
			Sprint::set_emission(
				RuntimeOrigin::root(),
				EmissionSchedule { initial: 1, decay_ppb: 1_000_000_001 }
			),
			Error::<Test>::DecayAboveOne
		);
		assert_ok!(Sprint::set_emission(RuntimeOrigin::root(), SCHEDULE));
		assert_eq!(Emission::<Test>::get(), SCHEDULE);
		System::assert_last_event(RuntimeEvent::Sprint(Event::EmissionSet { schedule: SCHEDULE }));
		// Half each epoch: 1,000,000, 500,000, 250,000.
		assert_eq!(<Sprint as EpochRewards<u64>>::emission(2), 250_000);
	});
}

#[test]
fn every_unit_minted_is_counted() {
	new_test_ext().execute_with(|| {
		System::set_block_number(1);
		let issuance = Balances::total_issuance();
		assert_eq!(<Sprint as EpochRewards<u64>>::reward(3, &7, 600), 600);
		<Sprint as EpochRewards<u64>>::reward_pool(3, 400);
		assert_eq!((Balances::free_balance(7), Balances::free_balance(POOL)), (600, 400));
		assert_eq!(TotalEmitted::<Test>::get(), 1_000);
		assert_eq!(Balances::total_issuance(), issuance + 1_000);
		System::assert_has_event(RuntimeEvent::Sprint(Event::HostRewarded {
			epoch: 3,
			host: 7,
			amount: 600,
		}));
		System::assert_has_event(RuntimeEvent::Sprint(Event::PoolRewarded {
			epoch: 3,
			amount: 400,
		}));
		// Nothing minted, nothing counted.
		assert_eq!(<Sprint as EpochRewards<u64>>::reward(3, &8, 0), 0);
		assert_eq!(TotalEmitted::<Test>::get(), 1_000);
	});
}
