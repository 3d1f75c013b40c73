//! # Proof-of-Compute pallet
//!
//! The on-chain half of Proof of Compute (DESIGN.md §5), driven by `pallet-sprint`'s clock:
//! - **Commit** phase: a host commits `(root, count)`: the Merkle root over its hits sorted by
//!   nonce, and how many there are ([`Pallet::commit`]).
//! - **Reveal** phase: from the challenge seed the chain derives which pairs of leaves
//!   `(i, i + 1)` each host must reveal; the host reveals them with Merkle proofs
//!   ([`Pallet::reveal`]), and the runtime checks the proofs, the strict increase of nonces
//!   and that every revealed distance is a hit.
//! - [`CheckHostSubmission`], a transaction extension, keeps submissions that cannot succeed
//!   (not a host, wrong epoch or phase, a second one) out of the transaction pool: registered
//!   hosts pay no fee for these calls.
//! - Per-epoch storage is removed two epochs later, a bounded number of keys per block, so
//!   state does not grow with epochs.
//!
//! Validator assignment, attestations and settlement follow (issue 4, in progress).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod cleanup;
pub mod extension;
mod reveal;
pub mod weights;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::{merkle::Leaf, sprint::MAX_SAMPLES, Hash32};
use scale_info::TypeInfo;

pub use extension::CheckHostSubmission;
pub use pallet::*;
pub use weights::WeightInfo;

/// The deepest Merkle proof: a tree of at most `u32::MAX` leaves has 32 levels below the root.
pub const MAX_PROOF_DEPTH: u32 = 32;
/// The most leaves one reveal carries: two per challenged pair.
pub const MAX_REVEALED_LEAVES: u32 = 2 * MAX_SAMPLES;

/// Who may take part in Proof of Compute, and how hard each is checked. Host-reputation
/// implements it; until then the runtime uses its genesis authorities.
pub trait HostRegistry<AccountId> {
	/// Whether `who` is a registered host.
	fn is_host(who: &AccountId) -> bool;

	/// How many pairs to challenge `who` for, given the epoch's base number (the number falls
	/// as reputation grows).
	fn samples_for(_who: &AccountId, base: u32) -> u32 {
		base
	}

	/// Makes `who` a host, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &AccountId);
}

/// A host's commitment for one epoch.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Commitment {
	/// Root of the Merkle tree over the host's hits, sorted by nonce.
	pub root: Hash32,
	/// Number of hits (leaves).
	pub count: u32,
}

/// One revealed leaf with its Merkle proof.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct RevealedLeaf {
	/// Position of the leaf in the tree.
	pub index: u32,
	/// The leaf: nonce and claimed distance.
	pub leaf: Leaf,
	/// Sibling hashes from the leaf up (see `gonka_primitives::merkle`).
	pub proof: BoundedVec<Hash32, ConstU32<MAX_PROOF_DEPTH>>,
}

/// The leaves a host revealed, `(index, leaf)` by ascending index.
pub type RevealedLeaves = BoundedVec<(u32, Leaf), ConstU32<MAX_REVEALED_LEAVES>>;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{dispatch::DispatchClass, pallet_prelude::*};
	use frame_system::pallet_prelude::*;
	use pallet_sprint::Phase;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The sprint clock: epoch, phase, seeds and parameters.
		type Sprint: pallet_sprint::EpochStatus<BlockNumberFor<Self>>;
		/// Who may commit, reveal and attest.
		type Hosts: HostRegistry<Self::AccountId>;
		/// Most storage keys removed per block when old epochs are cleaned up.
		#[pallet::constant]
		type CleanupKeysPerBlock: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Commitments by epoch and host.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		Commitment,
		OptionQuery,
	>;

	/// Revealed leaves by epoch and host; present only for reveals that passed every check.
	#[pallet::storage]
	pub type Revealed<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		RevealedLeaves,
		OptionQuery,
	>;

	/// Epochs whose storage is still being removed, oldest first.
	#[pallet::storage]
	pub type PendingCleanup<T: Config> = StorageValue<_, BoundedVec<u64, ConstU32<8>>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A host committed to its hits.
		Committed {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Root of its hits' Merkle tree.
			root: Hash32,
			/// Number of hits.
			count: u32,
		},
		/// A host revealed its challenged leaves and they passed the on-chain checks.
		Revealed {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Number of leaves revealed.
			leaves: u32,
		},
		/// The storage of an old epoch was removed completely.
		EpochCleaned {
			/// The epoch.
			epoch: u64,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No sprint epoch is running yet.
		NoEpoch,
		/// The call names an epoch other than the one in progress.
		WrongEpoch,
		/// The epoch is not in the phase this call belongs to (e.g. a commit after the commit
		/// phase ended).
		WrongPhase,
		/// The sender is not a registered host.
		NotAHost,
		/// The host already committed in this epoch.
		AlreadyCommitted,
		/// A commitment must count at least one hit.
		NoHits,
		/// The host did not commit in this epoch, so it has nothing to reveal.
		NoCommitment,
		/// The host already revealed in this epoch.
		AlreadyRevealed,
		/// The revealed leaf indices are not exactly the challenged ones.
		WrongLeaves,
		/// A Merkle proof does not lead to the committed root.
		ProofInvalid,
		/// The nonces of a challenged pair do not strictly increase: repeated or unsorted hits.
		NotIncreasing,
		/// A revealed distance is not below the epoch's `r_target`.
		NotAHit,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::clean_up_old_epochs()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Commits to this epoch's hits: the Merkle root over them (sorted by nonce) and their
		/// number. Only in the commit phase, once per host and epoch. Registered hosts pay no
		/// fee.
		#[pallet::call_index(0)]
		#[pallet::weight((T::WeightInfo::commit(), DispatchClass::Normal, Pays::No))]
		pub fn commit(
			origin: OriginFor<T>,
			epoch: u64,
			root: Hash32,
			count: u32,
		) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::ensure_host_in_phase(&host, epoch, Phase::Commit)?;
			ensure!(count > 0, Error::<T>::NoHits);
			ensure!(!Commitments::<T>::contains_key(epoch, &host), Error::<T>::AlreadyCommitted);
			Commitments::<T>::insert(epoch, &host, Commitment { root, count });
			Self::deposit_event(Event::Committed { epoch, host, root, count });
			Ok(())
		}

		/// Reveals the challenged leaves with their proofs. Only in the reveal phase, once per
		/// host and epoch; every leaf must be challenged, proven, a hit, and each pair's nonces
		/// must strictly increase.
		#[pallet::call_index(1)]
		#[pallet::weight((T::WeightInfo::reveal(leaves.len() as u32), DispatchClass::Normal, Pays::No))]
		pub fn reveal(
			origin: OriginFor<T>,
			epoch: u64,
			leaves: BoundedVec<RevealedLeaf, ConstU32<MAX_REVEALED_LEAVES>>,
		) -> DispatchResult {
			let host = ensure_signed(origin)?;
			let current = Self::ensure_host_in_phase(&host, epoch, Phase::Reveal)?;
			let commitment = Commitments::<T>::get(epoch, &host).ok_or(Error::<T>::NoCommitment)?;
			ensure!(!Revealed::<T>::contains_key(epoch, &host), Error::<T>::AlreadyRevealed);
			let checked = Self::check_reveal(&current, &host, commitment, &leaves)?;
			let revealed = checked.len() as u32;
			Revealed::<T>::insert(epoch, &host, checked);
			Self::deposit_event(Event::Revealed { epoch, host, leaves: revealed });
			Ok(())
		}
	}
}
