//! Removal of old epochs' storage, a bounded number of keys per block.
//!
//! Once epoch `n` runs, epoch `n − 2` and every older one may go; `on_initialize` removes up
//! to `CleanupKeysPerBlock` keys per block, oldest epoch first, from [`CleanupCursor`] on.
//! The cursor only moves past an epoch whose keys are all gone, so an epoch is never skipped
//! however far cleanup falls behind. (Epoch `n − 1` stays: its results are the prior weights
//! of epoch `n`'s snapshot, and what clients read; its outvoted validators tell whether one
//! outvoted in epoch `n` is a repeat.)

use frame_support::{traits::Get, weights::Weight};
use sp_io::MultiRemovalResults;

use pallet_sprint::EpochStatus;

use crate::{
	weights::WeightInfo, Agreed, CleanupCursor, Commitments, Committers, Config, EpochSummaries,
	Event, Outvoted, Pallet, Participants, Results, Revealed, Silent, SnapshotChunks, Snapshots,
	Verdicts,
};

impl<T: Config> Pallet<T> {
	/// Removes up to `CleanupKeysPerBlock` keys of the oldest epoch not yet removed, if the
	/// epoch two after it has begun.
	pub(crate) fn clean_up_old_epochs() -> Weight {
		let epoch = CleanupCursor::<T>::get();
		let current = T::Sprint::status().map_or(0, |(info, _)| info.index);
		if epoch.saturating_add(2) > current {
			return T::DbWeight::get().reads(2);
		}
		let maps: [fn(u64, u32) -> MultiRemovalResults; 10] = [
			|e, limit| Commitments::<T>::clear_prefix(e, limit, None),
			|e, limit| Revealed::<T>::clear_prefix(e, limit, None),
			|e, limit| Participants::<T>::clear_prefix(e, limit, None),
			|e, limit| SnapshotChunks::<T>::clear_prefix(e, limit, None),
			|e, limit| Verdicts::<T>::clear_prefix(e, limit, None),
			|e, limit| Results::<T>::clear_prefix(e, limit, None),
			|e, limit| Outvoted::<T>::clear_prefix(e, limit, None),
			|e, limit| Silent::<T>::clear_prefix(e, limit, None),
			|e, limit| Agreed::<T>::clear_prefix(e, limit, None),
			|e, _| {
				Snapshots::<T>::remove(e);
				EpochSummaries::<T>::remove(e);
				Committers::<T>::remove(e);
				MultiRemovalResults { maybe_cursor: None, backend: 3, unique: 3, loops: 3 }
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
			CleanupCursor::<T>::put(epoch.saturating_add(1));
			Self::deposit_event(Event::EpochCleaned { epoch });
		}
		T::WeightInfo::clean_up(removed)
	}
}
