//! The checks of reveals (DESIGN.md §5, revision 2): the challenged leaves, each proven
//! against the committed root with its ranges.

use codec::Encode;
use frame_support::{ensure, traits::ConstU32, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{
	merkle::{verify, ProofError},
	sampling::leaves_to_reveal,
	Hash32,
};
use pallet_sprint::{EpochInfo, EpochStatus, Phase};

use crate::{
	Commitment, Commitments, Config, Error, HostRegistry, Pallet, RevealedLeaf, RevealedLeaves,
	MAX_REVEALED_LEAVES,
};

impl<T: Config> Pallet<T> {
	/// The epoch in progress, after checking that `who` is a host, that `epoch` is the one in
	/// progress and that it is in `phase` (in this order: a stranger hears that it is not a
	/// host, whatever the phase).
	pub(crate) fn ensure_host_in_phase(
		who: &T::AccountId,
		epoch: u64,
		phase: Phase,
	) -> Result<EpochInfo<BlockNumberFor<T>>, Error<T>> {
		ensure!(T::Hosts::is_host(who), Error::<T>::NotAHost);
		let (current, current_phase) = T::Sprint::status().ok_or(Error::<T>::NoEpoch)?;
		ensure!(current.index == epoch, Error::<T>::WrongEpoch);
		ensure!(current_phase == phase, Error::<T>::WrongPhase);
		Ok(current)
	}

	/// The leaf indices `host` must reveal in the epoch in progress (for the runtime API).
	pub fn challenged_leaves(host: &T::AccountId) -> alloc::vec::Vec<u32> {
		let Some((epoch, _)) = T::Sprint::status() else { return alloc::vec::Vec::new() };
		let (Some(seed), Some(commitment)) =
			(epoch.challenge_seed, Commitments::<T>::get(epoch.index, host))
		else {
			return alloc::vec::Vec::new();
		};
		Self::leaves_challenged(&seed, host, &commitment)
	}

	/// The leaf indices `seed` challenges of `host`'s `commitment`, in ascending order.
	pub(crate) fn leaves_challenged(
		seed: &Hash32,
		host: &T::AccountId,
		commitment: &Commitment,
	) -> alloc::vec::Vec<u32> {
		leaves_to_reveal(seed, &host.encode(), commitment.count, commitment.samples)
	}

	/// Checks a reveal against the commitment: exactly the challenged leaves, each proven
	/// against the root with every range in order, and each a hit. Returns the leaves to
	/// store, by ascending index.
	pub(crate) fn check_reveal(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		host: &T::AccountId,
		commitment: Commitment,
		leaves: &BoundedVec<RevealedLeaf, ConstU32<MAX_REVEALED_LEAVES>>,
	) -> Result<RevealedLeaves, Error<T>> {
		// The challenge seed is fixed in the reveal phase's second block.
		let seed = epoch.challenge_seed.ok_or(Error::<T>::WrongPhase)?;
		let expected = Self::leaves_challenged(&seed, host, &commitment);
		ensure!(
			leaves.len() == expected.len()
				&& leaves.iter().zip(&expected).all(|(l, i)| l.index == *i),
			Error::<T>::WrongLeaves
		);
		for revealed in leaves {
			verify(
				&commitment.root,
				commitment.count,
				revealed.index,
				&revealed.leaf,
				&revealed.proof,
			)
			.map_err(|error| match error {
				ProofError::InvertedRange | ProofError::RangesOverlap => {
					Error::<T>::RangesOutOfOrder
				}
				ProofError::IndexOutOfRange => Error::<T>::WrongLeaves,
				ProofError::WrongLength | ProofError::RootMismatch => Error::<T>::ProofInvalid,
			})?;
			ensure!(revealed.leaf.distance.is_hit(epoch.params.r_target), Error::<T>::NotAHit);
		}
		let stored: alloc::vec::Vec<_> = leaves.iter().map(|l| (l.index, l.leaf)).collect();
		RevealedLeaves::try_from(stored).map_err(|_| Error::<T>::WrongLeaves)
	}
}
