//! The checks of commits and reveals (DESIGN.md §5).

use codec::Encode;
use frame_support::{ensure, traits::ConstU32, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{
	merkle::{verify, verify_pair, PairError},
	sampling::{leaves_of, leaves_to_reveal, sample_starts},
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
		let samples = T::Hosts::samples_for(host, epoch.params.samples);
		leaves_to_reveal(&seed, &host.encode(), commitment.count, samples)
	}

	/// Checks a reveal against the commitment: exactly the challenged leaves, each proven
	/// against the root, each a hit, and the nonces of every challenged pair strictly
	/// increasing. Returns the leaves to store, by ascending index.
	pub(crate) fn check_reveal(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		host: &T::AccountId,
		commitment: Commitment,
		leaves: &BoundedVec<RevealedLeaf, ConstU32<MAX_REVEALED_LEAVES>>,
	) -> Result<RevealedLeaves, Error<T>> {
		// The challenge seed is fixed at the first block of the reveal phase.
		let seed = epoch.challenge_seed.ok_or(Error::<T>::WrongPhase)?;
		let account = host.encode();
		let samples = T::Hosts::samples_for(host, epoch.params.samples);
		let starts = sample_starts(&seed, &account, commitment.count, samples);
		let expected = leaves_of(&starts, commitment.count);
		ensure!(
			leaves.len() == expected.len()
				&& leaves.iter().zip(&expected).all(|(l, i)| l.index == *i),
			Error::<T>::WrongLeaves
		);
		for revealed in leaves {
			ensure!(
				verify(
					&commitment.root,
					commitment.count,
					revealed.index,
					revealed.leaf.hash(),
					&revealed.proof
				),
				Error::<T>::ProofInvalid
			);
			ensure!(revealed.leaf.distance.is_hit(epoch.params.r_target), Error::<T>::NotAHit);
		}
		let find =
			|index: u32| leaves.iter().find(|l| l.index == index).ok_or(Error::<T>::WrongLeaves);
		for start in starts {
			let (first, second) = (find(start)?, find(start.saturating_add(1))?);
			verify_pair(
				&commitment.root,
				commitment.count,
				start,
				(&first.leaf, &first.proof),
				(&second.leaf, &second.proof),
			)
			.map_err(|e| match e {
				PairError::NotIncreasing => Error::<T>::NotIncreasing,
				PairError::OutOfRange => Error::<T>::WrongLeaves,
				PairError::ProofInvalid => Error::<T>::ProofInvalid,
			})?;
		}
		let stored: alloc::vec::Vec<_> = leaves.iter().map(|l| (l.index, l.leaf)).collect();
		RevealedLeaves::try_from(stored).map_err(|_| Error::<T>::WrongLeaves)
	}
}
