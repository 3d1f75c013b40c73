//! Enacting passed proposals: only after the enactment delay, exactly once; a call that can no
//! longer be dispatched is closed as failed and frees its slot and deposit; upgrades and
//! governance's own timing are decided by compute.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec};
use sp_runtime::{traits::Hash, DispatchError};

use super::{close_after_vote, propose, propose_spend, ANY_WEIGHT};
use crate::{
	mock::*, EnactmentFailure, Error, Event, GovernanceParams, HoldReason, OpenProposals,
	OpenProposalsOf, Params, ProposalStage, Proposals, RawOrigin, VoteChoice,
	MAX_GOVERNANCE_PERIOD,
};

fn enact(index: u32) -> frame_support::dispatch::DispatchResultWithPostInfo {
	CommunityPool::enact(RuntimeOrigin::signed(3), index, ANY_WEIGHT)
}

fn enact_at(index: u32) -> u64 {
	match Proposals::<Test>::get(index).map(|proposal| proposal.stage) {
		Some(ProposalStage::Approved { enact_at }) => enact_at,
		other => panic!("not approved: {other:?}"),
	}
}

/// A proposal by host 1, alone at the 25% quorum, that it approves itself.
fn approved_by_one_host(call: RuntimeCall) -> u32 {
	Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
	let index = propose(1, call);
	assert_ok!(CommunityPool::vote(RuntimeOrigin::signed(1), index, VoteChoice::Aye));
	close_after_vote(index);
	index
}

/// The attack: a host at the vote cap proposed a spend to itself, voted for it, and closed it
/// once the five-minute vote was over: the pool paid at once. Now the vote lasts the voting
/// period and the call waits the enactment delay after it: the network sees it coming.
#[test]
fn a_lone_hosts_spend_waits_for_the_enactment_delay_and_is_paid_once() {
	new_test_ext().execute_with(|| {
		let spend = RuntimeCall::CommunityPool(crate::Call::spend { amount: 500, beneficiary: 1 });
		let index = approved_by_one_host(spend);
		let closed_at = 1 + VOTING_PERIOD + 1;
		assert_eq!(enact_at(index), closed_at + ENACTMENT_DELAY);
		assert_eq!(Balances::free_balance(1), 1_000 - DEPOSIT, "nothing paid when the vote closed");
		assert_noop!(enact(index), Error::<Test>::EnactmentDelayed);
		run_to_block(closed_at + ENACTMENT_DELAY);
		assert_ok!(enact(index));
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Executed {
			index,
			result: Ok(()),
		}));
		assert_eq!(Balances::free_balance(1), 1_500, "paid, deposit back");
		assert_noop!(enact(index), Error::<Test>::ProposalNotFound);
		assert_eq!(OpenProposals::<Test>::get(), 0);
	});
}

#[test]
fn only_a_passed_proposal_is_enacted_and_only_with_a_large_enough_witness() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
		let index = propose_spend(1, 10, 1);
		assert_noop!(enact(index), Error::<Test>::NotApproved);
		assert_ok!(CommunityPool::vote(RuntimeOrigin::signed(1), index, VoteChoice::Aye));
		close_after_vote(index);
		run_to_block(enact_at(index));
		assert_noop!(
			CommunityPool::enact(
				RuntimeOrigin::signed(3),
				index,
				frame_support::weights::Weight::zero()
			),
			Error::<Test>::WitnessTooSmall
		);
		assert_ok!(enact(index));
	});
}

/// The attack: a passed proposal whose call stopped decoding after a runtime change could
/// never be closed, and held its slot and its deposit forever.
#[test]
fn a_passed_call_that_no_longer_decodes_is_closed_as_failed() {
	new_test_ext().execute_with(|| {
		let spend = RuntimeCall::CommunityPool(crate::Call::spend { amount: 500, beneficiary: 1 });
		let index = approved_by_one_host(spend);
		// What a runtime upgrade that removed the call's pallet leaves behind.
		Proposals::<Test>::mutate(index, |proposal| {
			proposal.as_mut().expect("approved").call = BoundedVec::truncate_from(vec![0xff; 4]);
		});
		run_to_block(enact_at(index));
		assert_ok!(enact(index));
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Failed {
			index,
			reason: EnactmentFailure::Undecodable,
		}));
		assert_eq!(OpenProposals::<Test>::get(), 0);
		assert_eq!(OpenProposalsOf::<Test>::get(1), 0);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &1), 0);
		assert_eq!(Balances::free_balance(1), 1_000, "deposit back, nothing spent");
	});
}

/// The attack: a passed call heavier than any block can hold could never be closed either.
#[test]
fn a_passed_call_now_too_heavy_is_closed_as_failed() {
	new_test_ext().execute_with(|| {
		let spend = RuntimeCall::CommunityPool(crate::Call::spend { amount: 500, beneficiary: 1 });
		let index = approved_by_one_host(spend);
		MaxCallWeight::set(frame_support::weights::Weight::zero());
		run_to_block(enact_at(index));
		assert_ok!(enact(index));
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Failed {
			index,
			reason: EnactmentFailure::TooHeavy,
		}));
		assert_eq!(Balances::free_balance(1), 1_000, "deposit back, nothing spent");
		assert_eq!(OpenProposals::<Test>::get(), 0);
	});
}

/// The attack: on a chain without sudo, nothing could ever upgrade the runtime, not even to
/// fix a consensus bug. A passed proposal now authorises one code hash, and only that code
/// can be applied.
#[test]
fn compute_majority_alone_authorises_a_runtime_upgrade() {
	new_test_ext().execute_with(|| {
		let code_hash = <Test as frame_system::Config>::Hashing::hash(b"new runtime");
		for origin in [RuntimeOrigin::signed(WHALE), RuntimeOrigin::root()] {
			assert_noop!(
				CommunityPool::authorize_upgrade(origin, code_hash),
				DispatchError::BadOrigin
			);
		}
		let index =
			approved_by_one_host(RuntimeCall::CommunityPool(crate::Call::authorize_upgrade {
				code_hash,
			}));
		run_to_block(enact_at(index));
		assert_ok!(enact(index));
		System::assert_has_event(RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
			code_hash,
			check_version: true,
		}));
		assert_noop!(
			System::apply_authorized_upgrade(RuntimeOrigin::signed(2), b"other code".to_vec()),
			frame_system::Error::<Test>::Unauthorized
		);
	});
}

#[test]
fn governance_timing_is_set_by_compute_within_bounds_for_new_proposals() {
	new_test_ext().execute_with(|| {
		let day = GovernanceParams { voting_period: 14_400, enactment_delay: 14_400 };
		assert_noop!(
			CommunityPool::set_params(RuntimeOrigin::signed(1), day),
			DispatchError::BadOrigin
		);
		for bad in [
			GovernanceParams { voting_period: 0, ..day },
			GovernanceParams { enactment_delay: 0, ..day },
			GovernanceParams { voting_period: MAX_GOVERNANCE_PERIOD + 1, ..day },
		] {
			assert_noop!(
				CommunityPool::set_params(RawOrigin::ComputeMajority.into(), bad),
				Error::<Test>::InvalidParams
			);
		}
		assert_ok!(CommunityPool::set_params(RawOrigin::ComputeMajority.into(), day));
		assert_eq!(Params::<Test>::get(), day);
		Weights::set(vec![(1, 10)]);
		let index = propose_spend(1, 1, 1);
		assert_eq!(Proposals::<Test>::get(index).expect("open").ends, 1 + 14_400);
	});
}
