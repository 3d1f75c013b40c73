//! Making proposals: only hosts with compute weight, a deposit, a snapshot of the last settled
//! epoch, bounds on slots; and spending, which only a passed proposal can do.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;

use super::{close_after_vote, propose_spend};
use crate::{
	mock::*, Error, Event, HoldReason, OpenProposals, OpenProposalsOf, Proposals, RawOrigin, Tally,
	VoteChoice,
};

fn spend_call() -> Box<RuntimeCall> {
	Box::new(RuntimeCall::CommunityPool(crate::Call::spend { amount: 1, beneficiary: 1 }))
}

#[test]
fn a_proposal_holds_its_deposit_and_snapshots_the_last_settled_epoch() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 30), (2, 70)]);
		let index = propose_spend(1, 500, 1);
		let proposal = Proposals::<Test>::get(index).expect("stored");
		assert_eq!((proposal.snapshot_epoch, proposal.total_weight), (EPOCH, 100));
		assert_eq!(proposal.ends, 1 + VOTING_PERIOD);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &1), DEPOSIT);
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Proposed {
			index,
			proposer: 1,
			snapshot_epoch: EPOCH,
			ends: 1 + VOTING_PERIOD,
		}));
	});
}

/// The attack: capital alone filled every proposal slot (the deposit came back whatever
/// happened), so nobody who computes could propose. A proposer must now compute.
#[test]
fn capital_without_compute_cannot_propose() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 10)]);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(WHALE), spend_call()),
			Error::<Test>::ProposerWithoutWeight
		);
		assert_eq!(OpenProposals::<Test>::get(), 0);
	});
}

/// The attack: one host filled every slot with its own proposals. It holds at most two.
#[test]
fn one_proposer_holds_at_most_two_slots_until_one_closes() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
		let first = propose_spend(1, 1, 1);
		propose_spend(1, 1, 1);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), spend_call()),
			Error::<Test>::TooManyProposalsByProposer
		);
		assert_eq!(OpenProposalsOf::<Test>::get(1), 2);
		propose_spend(2, 1, 2);
		// Rejected by host 2's nay with the quorum met: host 1 gets a slot back.
		assert_ok!(CommunityPool::vote(RuntimeOrigin::signed(2), first, VoteChoice::Nay));
		close_after_vote(first);
		assert_eq!(OpenProposalsOf::<Test>::get(1), 1);
		assert_ok!(CommunityPool::propose(RuntimeOrigin::signed(1), spend_call()));
	});
}

/// The attack: proposals nobody votes on hold slots for a whole vote at no cost. Missing the
/// quorum now forfeits the deposit to the pool; a proposal voted down keeps it.
#[test]
fn a_proposal_that_misses_the_quorum_forfeits_its_deposit_to_the_pool() {
	new_test_ext().execute_with(|| {
		Weights::set((1..=10).map(|host| (host, 10)).collect());
		let ignored = propose_spend(1, 1, 1);
		assert_ok!(CommunityPool::vote(RuntimeOrigin::signed(1), ignored, VoteChoice::Aye));
		close_after_vote(ignored);
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Rejected {
			index: ignored,
			tally: Tally { aye: 10, nay: 0, abstain: 0 },
			forfeited: DEPOSIT,
		}));
		assert_eq!(Balances::free_balance(1), 1_000 - DEPOSIT);
		assert_eq!(Balances::free_balance(POOL), 10_000 + DEPOSIT);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &1), 0);

		let voted_down = propose_spend(1, 1, 1);
		for host in 2..=4 {
			assert_ok!(CommunityPool::vote(
				RuntimeOrigin::signed(host),
				voted_down,
				VoteChoice::Nay
			));
		}
		close_after_vote(voted_down);
		assert_eq!(Balances::free_balance(1), 1_000 - DEPOSIT, "a quorate rejection refunds");
		assert_eq!(OpenProposals::<Test>::get(), 0);
	});
}

/// The attack on the forfeit: a proposer with two proposals open lost one deposit to the pool
/// and had the other released with it, so its second proposal stood on nothing.
#[test]
fn a_forfeit_takes_one_deposit_and_leaves_the_proposer_s_other_on_hold() {
	new_test_ext().execute_with(|| {
		Weights::set((1..=10).map(|host| (host, 10)).collect());
		let first = propose_spend(1, 1, 1);
		let second = propose_spend(1, 1, 1);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &1), 2 * DEPOSIT);
		close_after_vote(first);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &1), DEPOSIT);
		close_after_vote(second);
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Rejected {
			index: second,
			tally: Tally::default(),
			forfeited: DEPOSIT,
		}));
		assert_eq!(Balances::free_balance(POOL), 10_000 + 2 * DEPOSIT);
		assert_eq!(Balances::free_balance(1), 1_000 - 2 * DEPOSIT);
	});
}

#[test]
fn bad_proposals_are_refused() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), spend_call()),
			Error::<Test>::NoSettledEpoch
		);
		Weights::set(vec![(1, 0)]);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), spend_call()),
			Error::<Test>::NoComputeWeight
		);
		// 77 computes but holds nothing.
		Weights::set(vec![(1, 10), (2, 10), (77, 10)]);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(77), spend_call()),
			Error::<Test>::InsufficientDeposit
		);
		let long =
			Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 5 * 1024] }));
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), long),
			Error::<Test>::CallTooLong
		);
		for proposer in [1, 1, 2] {
			assert_ok!(CommunityPool::propose(RuntimeOrigin::signed(proposer), spend_call()));
		}
		assert_eq!(OpenProposals::<Test>::get(), 3);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(2), spend_call()),
			Error::<Test>::TooManyProposals
		);
	});
}

#[test]
fn only_compute_majority_spends_the_pool() {
	new_test_ext().execute_with(|| {
		for origin in [RuntimeOrigin::signed(WHALE), RuntimeOrigin::root()] {
			assert_noop!(CommunityPool::spend(origin, 10, WHALE), DispatchError::BadOrigin);
		}
		assert_ok!(CommunityPool::spend(RawOrigin::ComputeMajority.into(), 10, 3));
		assert_eq!(Balances::free_balance(3), 1_010);
		assert_noop!(
			CommunityPool::spend(RawOrigin::ComputeMajority.into(), 10_000, 3),
			Error::<Test>::PoolTooLow
		);
	});
}
