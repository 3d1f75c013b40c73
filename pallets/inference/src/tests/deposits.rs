//! Deposits: withdrawn only after a delay longer than any job lives, so that a developer
//! cannot take its deposit away from requests it already had served.

use frame_support::assert_noop;

use super::*;
use crate::{Error, Params};

#[test]
fn a_deposit_is_held_and_withdrawn_only_after_the_delay() {
	new_test_ext().execute_with(|| {
		assert_eq!(Balances::free_balance(account(DEVELOPER)), BALANCE - DEPOSIT);
		assert_ok!(Inference::deposit(RuntimeOrigin::signed(account(DEVELOPER)), 500));
		assert_eq!(Inference::available_deposit(&account(DEVELOPER)), DEPOSIT + 500);
		assert_noop!(
			Inference::deposit(RuntimeOrigin::signed(account(DEVELOPER)), BALANCE),
			Error::<Test>::InsufficientFunds
		);
		assert_noop!(
			Inference::unlock(RuntimeOrigin::signed(account(DEVELOPER)), DEPOSIT + 501),
			Error::<Test>::NotEnoughDeposit
		);
		assert_ok!(Inference::unlock(RuntimeOrigin::signed(account(DEVELOPER)), 500));
		assert_eq!(Inference::available_deposit(&account(DEVELOPER)), DEPOSIT, "no longer counted");
		assert_noop!(
			Inference::withdraw(RuntimeOrigin::signed(account(DEVELOPER))),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + u64::from(Params::<Test>::get().withdraw_delay));
		assert_ok!(Inference::withdraw(RuntimeOrigin::signed(account(DEVELOPER))));
		assert_eq!(Balances::free_balance(account(DEVELOPER)), BALANCE - DEPOSIT);
	});
}

#[test]
fn a_withdrawal_cannot_take_away_what_a_served_request_is_charged() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		// The developer has a request served, then asks for all of its deposit back at once.
		let request = request(model, 100, 1);
		assert_ok!(Inference::unlock(RuntimeOrigin::signed(account(DEVELOPER)), DEPOSIT));
		served(&request, 50);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 50 * PRICE, "still charged");
		run_to_block(3 + u64::from(Params::<Test>::get().withdraw_delay));
		assert_ok!(Inference::withdraw(RuntimeOrigin::signed(account(DEVELOPER))));
		assert_eq!(Balances::free_balance(account(DEVELOPER)), BALANCE - 50 * PRICE);
	});
}

#[test]
fn parameters_whose_withdrawal_delay_is_shorter_than_a_job_s_life_are_refused() {
	new_test_ext().execute_with(|| {
		let mut params = Params::<Test>::get();
		params.withdraw_delay = params.job_life() as u32;
		assert_noop!(
			Inference::set_params(RuntimeOrigin::signed(account(GOVERNANCE)), params),
			Error::<Test>::InvalidParams
		);
		params.withdraw_delay += 1;
		params.draw_period = params.request_blocks + params.report_blocks - 1;
		assert_noop!(
			Inference::set_params(RuntimeOrigin::signed(account(GOVERNANCE)), params),
			Error::<Test>::InvalidParams
		);
	});
}
