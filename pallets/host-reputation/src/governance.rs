//! Compute weight as governance counts it: each host's weight in a settled epoch, within
//! that epoch's cap, remembered for [`WEIGHT_HISTORY`] epochs so that a vote can rest on the
//! epoch its proposal snapshotted.

use pallet_proof_of_compute::EpochSummary;

use crate::{
	Config, LastSettledEpoch, Pallet, RecentWeights, SettledEpoch, SettledEpochs, WEIGHT_HISTORY,
};

impl<T: Config> Pallet<T> {
	/// Remembers what `epoch` counted, and forgets the epoch [`WEIGHT_HISTORY`] before it.
	pub(crate) fn remember_epoch(epoch: u64, summary: &EpochSummary) {
		let counted = SettledEpoch {
			weight_cap: summary.weight_cap.unwrap_or(0),
			counted_weight: summary.counted_weight,
		};
		SettledEpochs::<T>::insert(epoch, counted);
		if let Some(forgotten) = epoch.checked_sub(WEIGHT_HISTORY.into()) {
			SettledEpochs::<T>::remove(forgotten);
		}
		LastSettledEpoch::<T>::put(epoch);
	}

	/// The weight `who` counted in `epoch`: its weight within the epoch's cap (0 when it
	/// earned none, or the epoch is forgotten).
	pub fn counted_weight_in(epoch: u64, who: &T::AccountId) -> u64 {
		let Some(settled) = SettledEpochs::<T>::get(epoch) else { return 0 };
		RecentWeights::<T>::get(who)
			.iter()
			.find(|earned| earned.epoch == epoch)
			.map_or(0, |earned| earned.weight.min(settled.weight_cap))
	}

	/// The total weight counted in `epoch` (0 when it is forgotten).
	pub fn counted_total(epoch: u64) -> u64 {
		SettledEpochs::<T>::get(epoch).map_or(0, |settled| settled.counted_weight)
	}

	/// Makes `who` count `weight` in the last settled epoch (epoch 0 if none), for other
	/// pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	pub fn record_weight_for_benchmarks(who: &T::AccountId, weight: u64) {
		let epoch = LastSettledEpoch::<T>::get().unwrap_or(0);
		LastSettledEpoch::<T>::put(epoch);
		SettledEpochs::<T>::mutate(epoch, |settled| {
			let settled =
				settled.get_or_insert(SettledEpoch { weight_cap: u64::MAX, counted_weight: 0 });
			settled.counted_weight = settled.counted_weight.saturating_add(weight);
		});
		RecentWeights::<T>::mutate(who, |recent| {
			recent.force_push(crate::EpochWeight { epoch, weight });
		});
	}
}
