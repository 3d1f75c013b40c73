//! Removal of old epochs' storage, a bounded number of keys per block.
//!
//! When epoch `n` starts, epoch `n − 2` is queued; `on_initialize` removes up to
//! `CleanupKeysPerBlock` of its keys per block until none are left. (Epoch `n − 1` stays: its
//! results are the prior weights of epoch `n`'s snapshot, and what clients read.)

use frame_support::{traits::Get, weights::Weight};
use sp_io::MultiRemovalResults;

use crate::{
	weights::WeightInfo, Commitments, Config, EpochSummaries, Event, Outvoted, Pallet,
	Participants, PendingCleanup, Results, Revealed, SnapshotChunks, Snapshots, Verdicts,
};

impl<T: Config> Pallet<T> {
	/// Queues `epoch − 2` for cleanup when `epoch` starts.
	pub(crate) fn queue_cleanup(epoch: u64) -> Weight {
		let Some(old) = epoch.checked_sub(2) else { return Weight::zero() };
		// The queue holds 8 epochs; cleanup removes hundreds of keys per block, so it never
		// lags that far behind. Were it full, the oldest entry stays queued and this one waits.
		let _ = PendingCleanup::<T>::try_mutate(|pending| pending.try_push(old));
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// Removes up to `CleanupKeysPerBlock` keys of the oldest queued epoch.
	pub(crate) fn clean_up_old_epochs() -> Weight {
		let mut pending = PendingCleanup::<T>::get();
		let Some(epoch) = pending.first().copied() else {
			return T::DbWeight::get().reads(1);
		};
		let maps: [fn(u64, u32) -> MultiRemovalResults; 8] = [
			|e, limit| Commitments::<T>::clear_prefix(e, limit, None),
			|e, limit| Revealed::<T>::clear_prefix(e, limit, None),
			|e, limit| Participants::<T>::clear_prefix(e, limit, None),
			|e, limit| SnapshotChunks::<T>::clear_prefix(e, limit, None),
			|e, limit| Verdicts::<T>::clear_prefix(e, limit, None),
			|e, limit| Results::<T>::clear_prefix(e, limit, None),
			|e, limit| Outvoted::<T>::clear_prefix(e, limit, None),
			|e, _| {
				Snapshots::<T>::remove(e);
				EpochSummaries::<T>::remove(e);
				MultiRemovalResults { maybe_cursor: None, backend: 2, unique: 2, loops: 2 }
			},
		];
		let limit = T::CleanupKeysPerBlock::get();
		let mut removed = 0u32;
		let mut done = true;
		for clear in maps {
			let left = limit.saturating_sub(removed);
			if left == 0 {
				done = false;
				break;
			}
			let result = clear(epoch, left);
			removed = removed.saturating_add(result.unique);
			if result.maybe_cursor.is_some() {
				done = false;
				break;
			}
		}
		if done {
			pending.remove(0);
			PendingCleanup::<T>::put(pending);
			Self::deposit_event(Event::EpochCleaned { epoch });
		}
		T::WeightInfo::clean_up(removed)
	}
}
