//! Commits: only hosts, only in the commit phase of the epoch in progress, once.

use frame_support::{assert_noop, assert_ok};

use crate::{mock::*, Commitment, Commitments, Error, Event};

#[test]
fn a_host_commits_once_in_the_commit_phase() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 42));
		assert_eq!(
			Commitments::<Test>::get(0, 1),
			Some(Commitment { root: root(7), count: 42, samples: PARAMS.samples })
		);
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::Committed {
			epoch: 0,
			host: 1,
			root: root(7),
			count: 42,
		}));
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(8), 43),
			Error::<Test>::AlreadyCommitted
		);
	});
}

#[test]
fn commits_outside_the_commit_phase_are_refused() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT - 1);
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 1),
			Error::<Test>::WrongPhase
		);
		// A late commit counts nothing: the reveal phase refuses it.
		run_to_block(REVEAL);
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 1),
			Error::<Test>::WrongPhase
		);
		assert_eq!(Commitments::<Test>::get(0, 1), None);
	});
}

#[test]
fn commits_for_another_epoch_are_refused() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 1, root(7), 1),
			Error::<Test>::WrongEpoch
		);
	});
}

#[test]
fn only_hosts_commit_and_only_with_hits() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(11), 0, root(7), 1),
			Error::<Test>::NotAHost
		);
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 0),
			Error::<Test>::NoHits
		);
	});
}

/// Inflating a count beyond what the root's nonce range can hold is refused at once: `count`
/// leaves with distinct nonces need at least `count` nonces between `lo` and `hi`.
#[test]
fn counts_beyond_the_roots_range_are_refused() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		let narrow = crate::Node { hash: [7; 32], lo: 100, hi: 109 };
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, narrow, 11),
			Error::<Test>::CountBeyondRange
		);
		let inverted = crate::Node { hash: [7; 32], lo: 109, hi: 100 };
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, inverted, 1),
			Error::<Test>::CountBeyondRange
		);
		assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, narrow, 10));
	});
}

#[test]
fn nothing_can_be_committed_before_the_first_epoch() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 1),
			Error::<Test>::NoEpoch
		);
	});
}
