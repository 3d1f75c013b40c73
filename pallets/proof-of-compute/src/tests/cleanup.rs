//! Old epochs' storage is removed, a bounded number of keys per block, and no epoch is ever
//! skipped, however far cleanup falls behind.

use frame_support::assert_ok;

use crate::{
	mock::*, CleanupCursor, Commitments, EpochSummaries, Event, Participants, Results, Revealed,
	SnapshotChunks, Snapshots, Verdicts,
};

#[test]
fn epoch_storage_is_removed_two_epochs_later() {
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		run_to_block(COMMIT);
		for host in 1..=10 {
			assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(host), 0, root(host as u8), 3));
		}
		// Epoch 1 keeps epoch 0's data.
		run_to_block(NEXT_EPOCH + 24);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 10);
	});
	// Removal limits apply to stored keys, as in a real block's state.
	ext.commit_all().expect("commit the overlay");
	ext.execute_with(|| {
		CleanupKeysPerBlock::set(4);
		// Epoch 2 starts at block 51, and epoch 0 may go; each block removes 4 keys.
		run_to_block(2 * NEXT_EPOCH - 1);
		assert_eq!(CleanupCursor::<Test>::get(), 0);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 10 - 4);
	});
	ext.commit_all().expect("commit the overlay");
	ext.execute_with(|| {
		run_to_block(2 * NEXT_EPOCH);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 10 - 8);
	});
	ext.commit_all().expect("commit the overlay");
	ext.execute_with(|| {
		run_to_block(2 * NEXT_EPOCH + 1);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 0);
		System::assert_has_event(RuntimeEvent::ProofOfCompute(Event::EpochCleaned { epoch: 0 }));
		assert_eq!(CleanupCursor::<Test>::get(), 1);
	});
}

#[test]
fn every_map_of_a_settled_epoch_is_removed() {
	new_test_ext().execute_with(|| {
		commit_and_reveal(0, &[(1, 20), (2, 20), (3, 20)]);
		for validator in 1..=3 {
			attest_duties(validator, honestly);
		}
		run_to_block(NEXT_EPOCH);
		assert_eq!(Results::<Test>::iter_prefix(0).count(), 3);
		assert_eq!(Verdicts::<Test>::iter_prefix(0).count(), 3);
		// Epoch 2 starts at block 51.
		run_to_block(2 * NEXT_EPOCH - 1);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Revealed::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Participants::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(SnapshotChunks::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Verdicts::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(Results::<Test>::iter_prefix(0).count(), 0);
		assert!(!Snapshots::<Test>::contains_key(0));
		assert!(!EpochSummaries::<Test>::contains_key(0));
		System::assert_has_event(RuntimeEvent::ProofOfCompute(Event::EpochCleaned { epoch: 0 }));
	});
}

/// Revision 1 queued old epochs in a list of 8 and dropped the next one when it was full, so
/// an epoch's storage leaked for ever. Cleanup stalled for 12 epochs now catches up on every
/// one of them.
#[test]
fn no_epoch_is_skipped_however_far_cleanup_falls_behind() {
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		CleanupKeysPerBlock::set(0);
		for epoch in 0..12 {
			run_to_block(phase_start(epoch, gonka_primitives::sprint::Phase::Commit));
			assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(1), epoch, root(1), 3));
		}
		run_to_block(phase_start(12, gonka_primitives::sprint::Phase::Sprint));
		assert_eq!(CleanupCursor::<Test>::get(), 0);
	});
	ext.commit_all().expect("commit the overlay");
	ext.execute_with(|| {
		CleanupKeysPerBlock::set(1_000);
		run_to_block(System::block_number() + 12);
		for epoch in 0..=10 {
			assert_eq!(Commitments::<Test>::iter_prefix(epoch).count(), 0, "epoch {epoch}");
		}
		assert_eq!(Commitments::<Test>::iter_prefix(11).count(), 1, "epoch 11 is kept");
		assert_eq!(CleanupCursor::<Test>::get(), 11);
	});
}
