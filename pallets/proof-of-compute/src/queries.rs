//! Read-only views for the runtime API: what a host's worker checks before it submits, and the
//! results operators and dashboards read.

use alloc::vec::Vec;
use gonka_primitives::runtime_api::HostSubmissions;
use pallet_sprint::EpochStatus;

use crate::HostRegistry;

use crate::{
	Commitments, Config, EpochSummaries, EpochSummary, HostResult, Pallet, Results, Revealed,
};

/// Most results one [`Pallet::epoch_results`] call returns.
pub const MAX_RESULTS_PER_PAGE: u32 = 1_000;

impl<T: Config> Pallet<T> {
	/// What `host` has committed and revealed in the epoch in progress.
	pub fn submissions(host: &T::AccountId) -> HostSubmissions {
		let Some((epoch, _)) = T::Sprint::status() else { return HostSubmissions::default() };
		HostSubmissions {
			host: T::Hosts::is_host(host),
			commitment: Commitments::<T>::get(epoch.index, host).map(|c| (c.root, c.count)),
			revealed: Revealed::<T>::contains_key(epoch.index, host),
		}
	}

	/// `host`'s results in the epochs still stored, newest first: the one in progress once
	/// settled, the one before it, and the one before that while cleanup (which starts with
	/// the epoch) has not yet removed it.
	pub fn host_results(host: &T::AccountId) -> Vec<(u64, HostResult)> {
		let Some((epoch, _)) = T::Sprint::status() else { return Vec::new() };
		(0..=2u64)
			.filter_map(|back| epoch.index.checked_sub(back))
			.filter_map(|e| Results::<T>::get(e, host).map(|result| (e, result)))
			.collect()
	}

	/// `epoch`'s settlement summary, while stored.
	pub fn epoch_summary(epoch: u64) -> Option<EpochSummary> {
		EpochSummaries::<T>::get(epoch)
	}

	/// Up to `count` (at most [`MAX_RESULTS_PER_PAGE`]) of `epoch`'s results in storage order,
	/// starting after `after`'s.
	pub fn epoch_results(
		epoch: u64,
		after: Option<T::AccountId>,
		count: u32,
	) -> Vec<(T::AccountId, HostResult)> {
		let count = count.min(MAX_RESULTS_PER_PAGE) as usize;
		match after {
			Some(after) => {
				Results::<T>::iter_prefix_from(epoch, Results::<T>::hashed_key_for(epoch, after))
					.take(count)
					.collect()
			}
			None => Results::<T>::iter_prefix(epoch).take(count).collect(),
		}
	}
}
