//! Removal of old epochs' storage, a bounded number of keys per block.
//!
//! When epoch `n` starts, epoch `n − 2` is queued; `on_initialize` removes up to
//! `CleanupKeysPerBlock` of its keys per block until none are left. (Epoch `n − 1` stays: its
//! results are what the next settlement and the worker's RPC read.)

use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_sprint::{EpochInfo, OnPhaseChange, Phase};

use crate::{weights::WeightInfo, Commitments, Config, Event, Pallet, PendingCleanup, Revealed};

impl<T: Config> Pallet<T> {
	/// Removes up to `CleanupKeysPerBlock` keys of the oldest queued epoch.
	pub(crate) fn clean_up_old_epochs() -> Weight {
		let mut pending = PendingCleanup::<T>::get();
		let Some(epoch) = pending.first().copied() else {
			return T::DbWeight::get().reads(1);
		};
		let limit = T::CleanupKeysPerBlock::get();
		let commitments = Commitments::<T>::clear_prefix(epoch, limit, None);
		let left = limit.saturating_sub(commitments.unique);
		let reveals = Revealed::<T>::clear_prefix(epoch, left, None);
		let removed = commitments.unique.saturating_add(reveals.unique);
		if commitments.maybe_cursor.is_none() && reveals.maybe_cursor.is_none() {
			pending.remove(0);
			PendingCleanup::<T>::put(pending);
			Self::deposit_event(Event::EpochCleaned { epoch });
		}
		T::WeightInfo::clean_up(removed)
	}
}

impl<T: Config> OnPhaseChange<BlockNumberFor<T>> for Pallet<T> {
	fn on_phase_change(epoch: &EpochInfo<BlockNumberFor<T>>, phase: Phase) -> Weight {
		if phase != Phase::Sprint {
			return Weight::zero();
		}
		let Some(old) = epoch.index.checked_sub(2) else { return Weight::zero() };
		// The queue holds 8 epochs; cleanup removes hundreds of keys per block, so it never
		// lags that far behind. Were it full, the oldest entry stays queued and this one waits.
		let _ = PendingCleanup::<T>::try_mutate(|pending| pending.try_push(old));
		T::DbWeight::get().reads_writes(1, 1)
	}
}
