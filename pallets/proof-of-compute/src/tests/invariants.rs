//! The proof's invariants (`do_try_state`): they hold at every block of three epochs of
//! commits, reveals, attestations, settlement and cleanup, and each corruption of the
//! proof's state a faulty upgrade or migration could leave is caught.

use crate::{
	mock::*, CleanupCursor, Commitments, Committers, EpochSummaries, Pallet, Participants, Results,
	SettlementCursor, SettlementStage, Settling, SnapshotChunks,
};

fn check() -> Result<(), &'static str> {
	Pallet::<Test>::do_try_state().map_err(|e| match e {
		sp_runtime::DispatchError::Other(message) => message,
		_ => "another error",
	})
}

/// Epoch 0 of three hosts, revealed; attested and settled when `settle`.
fn epoch_zero(settle: bool) {
	commit_and_reveal(0, &[(1, 20), (2, 20), (3, 20)]);
	if settle {
		for validator in 1..=3 {
			attest_duties(validator, honestly);
		}
		run_to_block(SETTLE + 1);
	}
}

#[test]
fn the_proof_keeps_its_invariants_at_every_block() {
	new_test_ext().execute_with(|| {
		for epoch in 0..3 {
			let start = phase_start(epoch, gonka_primitives::sprint::Phase::Sprint);
			for block in start..phase_start(epoch, gonka_primitives::sprint::Phase::Commit) {
				run_to_block(block);
				assert_eq!(check(), Ok(()), "block {block}");
			}
			commit_reveal_and_attest(epoch, &[(1, 20), (2, 20), (3, 20)]);
			assert_eq!(check(), Ok(()), "epoch {epoch} attested");
			let end = phase_start(epoch + 1, gonka_primitives::sprint::Phase::Sprint);
			for block in System::block_number()..end {
				run_to_block(block);
				assert_eq!(check(), Ok(()), "block {block}");
			}
		}
		assert_eq!(CleanupCursor::<Test>::get(), 1, "cleanup ran");
	});
}

#[test]
fn a_miscounted_committer_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		Committers::<Test>::insert(0, 4);
		assert_eq!(check(), Err("the committers are miscounted"));
	});
}

#[test]
fn a_reveal_whose_commitment_is_gone_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		Commitments::<Test>::remove(0, 2);
		Committers::<Test>::insert(0, 2);
		assert_eq!(check(), Err("a reveal without a commitment"));
	});
}

#[test]
fn a_host_out_of_its_place_in_the_snapshot_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		let first = Participants::<Test>::get(0, 0).expect("a first host");
		let second = Participants::<Test>::get(0, 1).expect("a second host");
		Participants::<Test>::insert(0, 0, second);
		Participants::<Test>::insert(0, 1, first);
		assert_eq!(check(), Err("a revealed host is not at its place in the snapshot"));
	});
}

#[test]
fn a_running_total_that_does_not_add_up_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		let mut ends = SnapshotChunks::<Test>::get(0, 0).into_inner();
		ends[0] += 1_000;
		SnapshotChunks::<Test>::insert(0, 0, frame_support::BoundedVec::truncate_from(ends));
		assert_eq!(check(), Err("a running total of the snapshot does not add up"));
	});
}

#[test]
fn a_result_for_a_host_that_did_not_reveal_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(true);
		let result = Results::<Test>::get(0, 1).expect("host 1 is settled");
		Results::<Test>::insert(0, 42, result);
		assert_eq!(check(), Err("a result for a host that did not reveal"));
	});
}

#[test]
fn a_summary_that_miscounts_the_results_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(true);
		EpochSummaries::<Test>::mutate(0, |summary| {
			if let Some(summary) = summary {
				summary.settled += 1;
			}
		});
		assert_eq!(check(), Err("the epoch's summary miscounts its results"));
	});
}

#[test]
fn a_settlement_cursor_past_its_snapshot_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		Settling::<Test>::put(SettlementCursor {
			epoch: 0,
			stage: SettlementStage::Judging,
			next: 4,
		});
		assert_eq!(check(), Err("the settlement cursor is past its snapshot"));
	});
}

#[test]
fn storage_left_of_a_cleaned_epoch_is_caught() {
	new_test_ext().execute_with(|| {
		epoch_zero(false);
		CleanupCursor::<Test>::put(1);
		assert_eq!(check(), Err("storage is left of an epoch cleanup has passed"));
	});
}
