//! Making proposals: a deposit, a snapshot of the last settled epoch, bounds; and spending,
//! which only a passed proposal can do.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_runtime::DispatchError;

use super::propose_spend;
use crate::{mock::*, Error, Event, HoldReason, OpenProposals, Proposals, RawOrigin};

#[test]
fn a_proposal_holds_its_deposit_and_snapshots_the_last_settled_epoch() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 30), (2, 70)]);
		let index = propose_spend(WHALE, 500, WHALE);
		let proposal = Proposals::<Test>::get(index).expect("stored");
		assert_eq!((proposal.snapshot_epoch, proposal.total_weight), (EPOCH, 100));
		assert_eq!(proposal.ends, 1 + VOTING_PERIOD);
		assert_eq!(Balances::balance_on_hold(&HoldReason::ProposalDeposit.into(), &WHALE), DEPOSIT);
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Proposed {
			index,
			proposer: WHALE,
			snapshot_epoch: EPOCH,
			ends: 1 + VOTING_PERIOD,
		}));
	});
}

#[test]
fn bad_proposals_are_refused() {
	new_test_ext().execute_with(|| {
		let call = || {
			Box::new(RuntimeCall::CommunityPool(crate::Call::spend { amount: 1, beneficiary: 1 }))
		};
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), call()),
			Error::<Test>::NoSettledEpoch
		);
		Weights::set(vec![(1, 0)]);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), call()),
			Error::<Test>::NoComputeWeight
		);
		Weights::set(vec![(1, 10)]);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(77), call()),
			Error::<Test>::InsufficientDeposit
		);
		let long =
			Box::new(RuntimeCall::System(frame_system::Call::remark { remark: vec![0; 5 * 1024] }));
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), long),
			Error::<Test>::CallTooLong
		);
		for _ in 0..3 {
			assert_ok!(CommunityPool::propose(RuntimeOrigin::signed(1), call()));
		}
		assert_eq!(OpenProposals::<Test>::get(), 3);
		assert_noop!(
			CommunityPool::propose(RuntimeOrigin::signed(1), call()),
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
