//! Old epochs' storage is removed, a bounded number of keys per block.

use frame_support::assert_ok;

use crate::{
	mock::*, Commitments, EpochSummaries, Event, Participants, PendingCleanup, Results, Revealed,
	SnapshotChunks, Snapshots, Verdicts,
};

#[test]
fn epoch_storage_is_removed_two_epochs_later() {
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		run_to_block(COMMIT);
		for host in 1..=10 {
			assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(host), 0, [host as u8; 32], 3));
		}
		// Epoch 1 keeps epoch 0's data.
		run_to_block(NEXT_EPOCH + 24);
		assert_eq!(Commitments::<Test>::iter_prefix(0).count(), 10);
	});
	// Removal limits apply to stored keys, as in a real block's state.
	ext.commit_all().expect("commit the overlay");
	ext.execute_with(|| {
		CleanupKeysPerBlock::set(4);
		// Epoch 2 starts at block 51 and queues epoch 0; each block removes 4 keys.
		run_to_block(2 * NEXT_EPOCH - 1);
		assert_eq!(PendingCleanup::<Test>::get().into_inner(), vec![0]);
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
		assert!(PendingCleanup::<Test>::get().is_empty());
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
