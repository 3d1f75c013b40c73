//! The treasury's invariants (`do_try_state`): they hold through income and grants, and money
//! leaving the treasury other than by a grant, or a grant record lost, is caught.

use frame_support::{assert_ok, traits::fungible::Mutate};

use super::{pay_inference, purpose};
use crate::{mock::*, GrantCount, Grants, Pallet};

fn check() -> Result<(), &'static str> {
	Pallet::<Test>::do_try_state().map_err(|e| match e {
		sp_runtime::DispatchError::Other(message) => message,
		_ => "another error",
	})
}

fn funded_and_granted() {
	pay_inference(1, 5_000);
	assert_eq!(check(), Ok(()));
	assert_ok!(TreasuryForTraining::grant(
		RuntimeOrigin::signed(GOVERNANCE),
		300,
		3,
		purpose("data")
	));
	assert_eq!(check(), Ok(()));
}

#[test]
fn money_taken_from_the_treasury_without_a_grant_is_caught() {
	new_test_ext().execute_with(|| {
		funded_and_granted();
		assert_ok!(<Balances as Mutate<u64>>::burn_from(
			&TREASURY,
			500,
			frame_support::traits::tokens::Preservation::Expendable,
			frame_support::traits::tokens::Precision::Exact,
			frame_support::traits::tokens::Fortitude::Force,
		));
		assert_eq!(check(), Err("money left the treasury other than by a grant"));
	});
}

#[test]
fn a_lost_grant_record_is_caught() {
	new_test_ext().execute_with(|| {
		funded_and_granted();
		Grants::<Test>::remove(0);
		assert_eq!(check(), Err("the grants are miscounted"));
	});
}

#[test]
fn a_grant_beyond_the_count_is_caught() {
	new_test_ext().execute_with(|| {
		funded_and_granted();
		GrantCount::<Test>::put(0);
		assert_eq!(check(), Err("a grant's index is not below the count"));
	});
}
