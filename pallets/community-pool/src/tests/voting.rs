//! Votes weighted by compute: a whale without compute has none, 51% of compute passes a
//! proposal, one host counts at most 25%, a quorum of 25% is needed, votes can be changed
//! exactly, and votes end with the period.

use frame_support::{assert_noop, assert_ok};

use super::{decide, propose_spend};
use crate::{mock::*, Error, Event, Proposals, Tally, VoteChoice, Votes};

use VoteChoice::{Abstain, Aye, Nay};

fn vote(who: u64, index: u32, choice: VoteChoice) {
	assert_ok!(CommunityPool::vote(RuntimeOrigin::signed(who), index, choice));
}

fn executed(index: u32) -> bool {
	System::events().iter().any(|record| {
		matches!(record.event, RuntimeEvent::CommunityPool(Event::Executed { index: i, result: Ok(()), .. }) if i == index)
	})
}

#[test]
fn a_whale_without_compute_can_neither_pass_nor_block() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
		let index = propose_spend(1, 1_000, 2);
		for host in 1..=3 {
			vote(host, index, Aye);
		}
		assert_noop!(
			CommunityPool::vote(RuntimeOrigin::signed(WHALE), index, Nay),
			Error::<Test>::NoVotingWeight
		);
		decide(index);
		assert!(executed(index), "the whale could not block it");
		assert_eq!(Balances::free_balance(2), 2_000);
	});
}

#[test]
fn fifty_one_percent_of_compute_passes_and_forty_nine_does_not() {
	new_test_ext().execute_with(|| {
		// 100 in all; hosts 1–5 hold 51, hosts 6–8 hold 49.
		Weights::set(vec![(1, 12), (2, 12), (3, 12), (4, 12), (5, 3), (6, 17), (7, 16), (8, 16)]);
		let index = propose_spend(1, 700, 9);
		for host in 1..=5 {
			vote(host, index, Aye);
		}
		for host in 6..=8 {
			vote(host, index, Nay);
		}
		assert_eq!(
			Proposals::<Test>::get(index).expect("open").tally,
			Tally { aye: 51, nay: 49, abstain: 0 }
		);
		decide(index);
		assert!(executed(index));
		assert_eq!(Balances::free_balance(9), 1_700);

		let index = propose_spend(1, 700, 9);
		for host in 1..=5 {
			vote(host, index, Nay);
		}
		for host in 6..=8 {
			vote(host, index, Aye);
		}
		decide(index);
		assert!(!executed(index));
		System::assert_has_event(RuntimeEvent::CommunityPool(Event::Rejected {
			index,
			tally: Tally { aye: 49, nay: 51, abstain: 0 },
			forfeited: 0,
		}));
		assert_eq!(Balances::free_balance(9), 1_700, "paid once");
	});
}

#[test]
fn one_host_counts_at_most_a_quarter() {
	new_test_ext().execute_with(|| {
		// Host 1 holds 60% of the weight, but votes with 25%.
		Weights::set(vec![(1, 60), (2, 20), (3, 20)]);
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		vote(2, index, Nay);
		assert_eq!(Votes::<Test>::get(index, 1), Some((Aye, 25)));
		decide(index);
		assert!(executed(index), "25 ayes against 20 nays");
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		vote(2, index, Nay);
		vote(3, index, Nay);
		decide(index);
		assert!(!executed(index), "25 ayes against 40 nays");
	});
}

#[test]
fn without_a_quorum_nothing_passes_and_abstaining_counts_towards_it() {
	new_test_ext().execute_with(|| {
		Weights::set((1..=10).map(|host| (host, 10)).collect());
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		vote(2, index, Aye);
		decide(index);
		assert!(!executed(index), "20% voted");
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		vote(2, index, Aye);
		vote(3, index, Nay);
		vote(4, index, Abstain);
		vote(5, index, Abstain);
		decide(index);
		assert!(executed(index), "50% voted, 20 ayes against 10 nays");
	});
}

#[test]
fn a_changed_vote_replaces_the_earlier_one_exactly() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 30)]);
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		vote(1, index, Nay);
		vote(1, index, Abstain);
		vote(2, index, Aye);
		let proposal = Proposals::<Test>::get(index).expect("open");
		// Host 2's 30 is capped at 25% of 40.
		assert_eq!(proposal.tally, Tally { aye: 10, nay: 0, abstain: 10 });
		assert_eq!(proposal.voters, 2);
	});
}

#[test]
fn votes_end_with_the_period_and_a_vote_closes_once() {
	new_test_ext().execute_with(|| {
		// Host 1 alone holds the 25% quorum.
		Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
		let index = propose_spend(1, 10, 1);
		vote(1, index, Aye);
		let close = |voters| CommunityPool::close(RuntimeOrigin::signed(2), index, voters);
		assert_noop!(close(1), Error::<Test>::VotingOpen);
		run_to_block(1 + VOTING_PERIOD + 1);
		assert_noop!(
			CommunityPool::vote(RuntimeOrigin::signed(2), index, Aye),
			Error::<Test>::VotingClosed
		);
		assert_noop!(close(0), Error::<Test>::WitnessTooSmall);
		assert_ok!(close(1));
		assert_eq!(Votes::<Test>::iter_prefix(index).count(), 0, "votes removed");
		assert_noop!(close(1), Error::<Test>::AlreadyApproved);
		assert_noop!(
			CommunityPool::vote(RuntimeOrigin::signed(2), index, Nay),
			Error::<Test>::VotingClosed
		);
	});
}

/// The attack: weight is remembered for 16 epochs (40 minutes of development epochs), the vote
/// lasts a day; once the snapshot epoch was forgotten nobody could vote any more, and a host
/// that had voted for its own proposal at the cap passed it unopposed. A later vote is cast
/// with the voter's share of the last settled epoch, in the snapshot's units.
#[test]
fn votes_go_on_once_the_snapshot_epoch_is_forgotten() {
	new_test_ext().execute_with(|| {
		Weights::set(vec![(1, 10), (2, 10), (3, 10), (4, 10)]);
		let index = propose_spend(1, 700, 1);
		vote(1, index, Aye);
		// Epochs later: the snapshot's weights are gone; host 2 now holds half of a total of 200.
		SettledEpoch::set(EPOCH + 16);
		Weights::set(vec![(1, 40), (2, 100), (3, 30), (4, 30)]);
		vote(2, index, Nay);
		vote(3, index, Nay);
		assert_eq!(
			Proposals::<Test>::get(index).expect("open").tally,
			// Host 2: 50% of 40 is 20, capped at 25%: 10. Host 3: 15% of 40: 6.
			Tally { aye: 10, nay: 16, abstain: 0 }
		);
		decide(index);
		assert!(!executed(index), "outvoted after the snapshot was forgotten");
	});
}
