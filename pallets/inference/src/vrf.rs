//! The VRF outputs the marketplace draws with: each block records its parent's BABE VRF
//! output, kept for a job's life. An executor is drawn with its request's anchor's output; a
//! report is sampled for a re-check with the output of the block after it, which nobody knows
//! when the report is submitted.

use codec::Encode;
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::Hash32;
use sp_runtime::traits::{One, SaturatedConversion, Saturating};

use crate::{BlockVrfs, Config, Pallet, Params};

impl<T: Config> Pallet<T> {
	/// Records the parent block's VRF output and forgets the one that left the window.
	pub(crate) fn record_parent_vrf(now: BlockNumberFor<T>) -> Weight {
		let parent = now.saturating_sub(One::one());
		if let Some(output) = T::ParentBlockVrf::get() {
			BlockVrfs::<T>::insert(parent, output);
		}
		let kept: BlockNumberFor<T> = Params::<T>::get().job_life().saturated_into();
		if parent > kept {
			BlockVrfs::<T>::remove(parent.saturating_sub(kept));
		}
		T::DbWeight::get().reads_writes(2, 2)
	}

	/// Block `block`'s VRF output while the chain keeps it.
	pub fn block_vrf(block: BlockNumberFor<T>) -> Option<Hash32> {
		BlockVrfs::<T>::get(block)
	}

	/// A random number for `subject` from `vrf`.
	pub(crate) fn random_u128(vrf: &Hash32, subject: impl Encode) -> u128 {
		leading_u128(&sp_io::hashing::blake2_256(&(vrf, subject).encode()))
	}
}

/// The first 16 bytes of `hash`, little-endian: a random number when `hash` is one.
pub(crate) fn leading_u128(hash: &Hash32) -> u128 {
	let mut bytes = [0u8; 16];
	for (to, from) in bytes.iter_mut().zip(hash.iter()) {
		*to = *from;
	}
	u128::from_le_bytes(bytes)
}
