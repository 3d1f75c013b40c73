//! Replay protection: a signed request (its job key, the BLAKE2b-256 of the request) is
//! reported once while it can be reported, and forgotten after that, so that the chain's
//! storage stays bounded by the requests of the last `request_blocks + report_blocks` blocks.
//! Each distinct request is charged: two requests that share a nonce are two jobs. Expired
//! keys are pruned in `on_idle`, as far as the block's spare weight allows.

use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::Hash32;
use sp_runtime::traits::{One, Saturating};

use crate::{Config, JobExpiries, JobsPrunedTo, Pallet, ReportedJobs, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Whether job `key` was reported and can still be reported (and so not again).
	pub fn job_reported(key: &Hash32) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		ReportedJobs::<T>::get(key).is_some_and(|last| now <= last)
	}

	/// Marks job `key` reported until block `last`.
	pub(crate) fn mark_reported(key: Hash32, last: BlockNumberFor<T>) {
		ReportedJobs::<T>::insert(key, last);
		JobExpiries::<T>::insert(last, key, ());
	}

	/// Forgets reported jobs that can no longer be reported, within `limit`.
	pub(crate) fn prune_reported(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let per_key = T::WeightInfo::prune_nonce();
		let per_block = T::DbWeight::get().reads(1);
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		let mut block = JobsPrunedTo::<T>::get();
		// Keys expiring at block `b` are kept until `b`: prunable from `b + 1`.
		while block < now.saturating_sub(One::one()) {
			if limit.any_lt(used.saturating_add(per_block).saturating_add(per_key)) {
				break;
			}
			used = used.saturating_add(per_block);
			let next = block.saturating_add(One::one());
			let mut drained = true;
			for (key, ()) in JobExpiries::<T>::drain_prefix(next) {
				// A key is reported once: its record expires at this block.
				ReportedJobs::<T>::remove(key);
				used = used.saturating_add(per_key);
				if limit.any_lt(used.saturating_add(per_key)) {
					drained = JobExpiries::<T>::iter_prefix(next).next().is_none();
					break;
				}
			}
			if !drained {
				break;
			}
			block = next;
		}
		JobsPrunedTo::<T>::put(block);
		used
	}
}
