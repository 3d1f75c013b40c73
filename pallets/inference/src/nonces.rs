//! Request nonces: a developer's nonce is used once while its request can be reported, and
//! forgotten after that, so that the chain's storage stays bounded by the requests of the
//! last `request_blocks + report_blocks` blocks. Expired nonces are pruned in `on_idle`, as
//! far as the block's spare weight allows.

use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};

use crate::{Config, NonceExpiries, NoncesPrunedTo, Pallet, UsedNonces, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Whether `developer` used `nonce` in a request that can still be reported.
	pub fn nonce_used(developer: &T::AccountId, nonce: u64) -> bool {
		let now = frame_system::Pallet::<T>::block_number();
		UsedNonces::<T>::get(developer, nonce).is_some_and(|last| now <= last)
	}

	/// Marks `nonce` used by `developer` until block `last`.
	pub(crate) fn use_nonce(developer: &T::AccountId, nonce: u64, last: BlockNumberFor<T>) {
		UsedNonces::<T>::insert(developer, nonce, last);
		NonceExpiries::<T>::insert(last, (developer.clone(), nonce), ());
	}

	/// Forgets nonces whose requests can no longer be reported, within `limit`.
	pub(crate) fn prune_nonces(now: BlockNumberFor<T>, limit: Weight) -> Weight {
		let per_nonce = T::WeightInfo::prune_nonce();
		let mut used = T::DbWeight::get().reads_writes(1, 1);
		if limit.any_lt(used.saturating_add(per_nonce)) {
			return Weight::zero();
		}
		let mut block = NoncesPrunedTo::<T>::get();
		// Nonces expiring at block `b` may be used until `b`: prunable from `b + 1`.
		while block < now.saturating_sub(One::one()) {
			let next = block.saturating_add(One::one());
			let mut drained = true;
			for ((developer, nonce), ()) in NonceExpiries::<T>::drain_prefix(next) {
				// The nonce may have been used again, by a later request, after it expired.
				if UsedNonces::<T>::get(&developer, nonce) == Some(next) {
					UsedNonces::<T>::remove(&developer, nonce);
				}
				used = used.saturating_add(per_nonce);
				if limit.any_lt(used.saturating_add(per_nonce)) {
					drained = NonceExpiries::<T>::iter_prefix(next).next().is_none();
					break;
				}
			}
			if !drained {
				break;
			}
			block = next;
			if limit.any_lt(used.saturating_add(per_nonce)) {
				break;
			}
		}
		NoncesPrunedTo::<T>::put(block);
		used
	}
}
