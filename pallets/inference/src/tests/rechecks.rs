//! Re-checks: the sampling rate by reputation, the checker's verdict, the compute-weighted
//! vote on a failed re-check, refund and punishment of a forgery, and stages that run out.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use sp_runtime::Perbill;

use super::*;
use crate::{Error, Event, JobStatus, Jobs, Params, Served, Servers, Votes};

fn free(seed: &str) -> u64 {
	Balances::balance(&account(seed))
}

fn signed(seed: &str) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(seed))
}

/// Three servers of equal weight; the developer's request 0 for 100 tokens goes to
/// `HOSTS[0]` (the draw lands on 0), which serves 40 tokens and is sampled for a re-check by
/// `HOSTS[1]` (the first of the others).
fn served_and_sampled() -> ModelId {
	let model = register_model();
	serve(model, &HOSTS, 10);
	assert_eq!(relay(HOSTS[2], request(model, 100, 1)), account(HOSTS[0]));
	set_recheck_point(0);
	assert_ok!(Inference::finish(signed(HOSTS[0]), 0, 40, [2; 32]));
	System::assert_last_event(Event::RecheckRequested { id: 0, checker: account(HOSTS[1]) }.into());
	model
}

#[test]
fn the_recheck_rate_falls_with_reputation_but_never_below_one_percent() {
	new_test_ext().execute_with(|| {
		let host = account(HOSTS[0]);
		let rate = |reputation: u32| {
			set_reputation(&host, Perbill::from_percent(reputation));
			Inference::recheck_rate(&host)
		};
		assert_eq!(rate(0), Perbill::from_percent(50));
		assert_eq!(rate(50), Perbill::from_percent(25));
		assert_eq!(rate(96), Perbill::from_percent(2));
		assert_eq!(rate(99), Perbill::from_percent(1), "half a percent is below the floor");
		assert_eq!(rate(100), Perbill::from_percent(1));
	});
}

#[test]
fn a_request_below_the_rate_waits_for_its_checker_and_is_paid_when_it_passes() {
	new_test_ext().execute_with(|| {
		served_and_sampled();
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 100 * PRICE, "not paid yet");
		assert_noop!(Inference::recheck(signed(HOSTS[2]), 0, true), Error::<Test>::NotChecker);
		assert_noop!(
			Inference::finish(signed(HOSTS[0]), 0, 40, [2; 32]),
			Error::<Test>::WrongStage
		);
		let executor_before = free(HOSTS[0]);
		assert_ok!(Inference::recheck(signed(HOSTS[1]), 0, true));
		let cost = 40 * PRICE;
		assert_eq!(free(DEVELOPER), BALANCE - cost);
		assert_eq!(free(HOSTS[0]) - executor_before, cost * 80 / 100);
		assert_eq!(free(TREASURY), cost * 20 / 100);
		assert!(Jobs::<Test>::get(0).is_none());
		assert!(punished().is_empty());
	});
}

#[test]
fn a_request_above_the_rate_or_with_nobody_else_serving_is_paid_at_once() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..2], 10);
		// The draw's last point: above any rate but 100%.
		relay(HOSTS[2], request(model, 100, 1));
		assert_ok!(Inference::finish(signed(HOSTS[0]), 0, 40, [2; 32]));
		assert!(Jobs::<Test>::get(0).is_none(), "paid");

		assert_ok!(Inference::stop_serving(signed(HOSTS[1]), model));
		set_recheck_point(0);
		relay(HOSTS[2], request(model, 100, 2));
		assert_ok!(Inference::finish(signed(HOSTS[0]), 1, 40, [2; 32]));
		assert!(Jobs::<Test>::get(1).is_none(), "paid: no other server can check it");
		assert_eq!(free(DEVELOPER), BALANCE - 80 * PRICE);
	});
}

#[test]
fn a_forgery_the_vote_confirms_refunds_the_developer_and_punishes_the_executor() {
	new_test_ext().execute_with(|| {
		let model = served_and_sampled();
		assert_ok!(Inference::recheck(signed(HOSTS[1]), 0, false));
		let served = Served { tokens: 40, output_hash: [2; 32] };
		// Half of the eligible weight (20) is not a majority: the vote goes on.
		assert_eq!(
			Jobs::<Test>::get(0).expect("disputed").status,
			JobStatus::Disputed { served, valid: 0, forged: 10, eligible: 20 }
		);
		assert_noop!(Inference::vote(signed(HOSTS[0]), 0, true), Error::<Test>::NotAVoter);
		assert_noop!(Inference::vote(signed(HOSTS[1]), 0, false), Error::<Test>::AlreadyVoted);
		assert_noop!(Inference::vote(signed(DEVELOPER), 0, false), Error::<Test>::NotAVoter);

		let executor_before = free(HOSTS[0]);
		assert_ok!(Inference::vote(signed(HOSTS[2]), 0, false));
		System::assert_has_event(Event::DisputeDecided { id: 0, forged: true }.into());
		System::assert_last_event(Event::Refunded { id: 0, amount: 100 * PRICE }.into());
		assert_eq!(free(DEVELOPER), BALANCE, "everything back");
		assert_eq!(free(HOSTS[0]), executor_before, "the executor earns nothing");
		assert_eq!(free(TREASURY), 0);
		assert_eq!(punished(), vec![account(HOSTS[0])]);
		assert!(!Servers::<Test>::get(model).contains(&account(HOSTS[0])));
		assert!(Jobs::<Test>::get(0).is_none());
		assert_eq!(Votes::<Test>::iter_prefix(0).count(), 0, "the votes are cleared");
	});
}

#[test]
fn a_dispute_the_votes_do_not_uphold_is_paid_when_the_vote_ends() {
	new_test_ext().execute_with(|| {
		served_and_sampled();
		assert_ok!(Inference::recheck(signed(HOSTS[1]), 0, false));
		assert_ok!(Inference::vote(signed(HOSTS[2]), 0, true));
		let deadline = Jobs::<Test>::get(0).expect("disputed").deadline;
		assert_noop!(Inference::close_expired(signed(HOSTS[2]), 0), Error::<Test>::NotExpired);
		System::set_block_number(deadline + 1);
		assert_noop!(Inference::vote(signed(HOSTS[2]), 0, true), Error::<Test>::DeadlinePassed);
		assert_ok!(Inference::close_expired(signed(HOSTS[2]), 0));
		System::assert_has_event(Event::DisputeDecided { id: 0, forged: false }.into());
		assert_eq!(free(DEVELOPER), BALANCE - 40 * PRICE, "a tie pays the executor");
		assert!(punished().is_empty());
	});
}

#[test]
fn a_recheck_nobody_answers_is_paid_after_its_deadline() {
	new_test_ext().execute_with(|| {
		served_and_sampled();
		let deadline = 1 + Params::<Test>::get().recheck_blocks as u64;
		System::set_block_number(deadline + 1);
		assert_noop!(Inference::recheck(signed(HOSTS[1]), 0, false), Error::<Test>::DeadlinePassed);
		assert_ok!(Inference::close_expired(signed(HOSTS[2]), 0));
		assert_eq!(free(DEVELOPER), BALANCE - 40 * PRICE);
	});
}

#[test]
fn only_governance_sets_parameters_and_only_runnable_ones() {
	new_test_ext().execute_with(|| {
		let mut params = Params::<Test>::get();
		params.recheck_floor = Perbill::from_parts(9_999_999);
		assert_noop!(
			Inference::set_params(signed(GOVERNANCE), params),
			Error::<Test>::InvalidParams
		);
		params.recheck_floor = Perbill::from_percent(5);
		assert_noop!(
			Inference::set_params(signed(DEVELOPER), params),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Inference::set_params(signed(GOVERNANCE), params));
		assert_eq!(Params::<Test>::get().recheck_floor, Perbill::from_percent(5));
	});
}
