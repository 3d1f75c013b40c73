//! Validation: which validators re-check which host, and their attestations (DESIGN.md §5).
//!
//! A host's validators are drawn from the epoch's weight snapshot with
//! [`gonka_primitives::assignment::assign`], keyed by the validation seed, which the VRF
//! outputs of the validate phase's first blocks fix once the snapshot is final: nobody can
//! order reveals to choose a host's validators, and nobody knows them before. Only hosts
//! whose reveal passed are in the snapshot, so only they validate and are validated.
//!
//! A validator recomputes each revealed leaf: its distance, and its check value (the distance
//! to a second target the host never publishes, [`gonka_primitives::attestation`]). It seals
//! them in the validate phase ([`Pallet::attest`]) and opens them in the open phase
//! ([`Pallet::open_attestation`]), so that nobody can copy another's values: a validator that
//! did not run the model has nothing to seal but guesses, and settlement outvotes them.

use alloc::vec::Vec;
use frame_support::{ensure, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{
	assignment::assign, attestation::seal, runtime_api::ValidationDuty, sprint::EpochInfo, Hash32,
};
use pallet_sprint::{EpochStatus, Phase};

use crate::{
	snapshot::StoredSnapshot, Attestation, Config, Error, Event, Opening, Pallet, Participants,
	RecomputedValues, Revealed, Verdicts,
};

/// `validator`'s attestation among `attestations`, sealed or opened.
pub(crate) fn attestation_by<'a, AccountId: PartialEq>(
	attestations: &'a [Attestation<AccountId>],
	validator: &AccountId,
) -> Option<&'a Attestation<AccountId>> {
	attestations.iter().find(|attestation| attestation.validator == *validator)
}

impl<T: Config> Pallet<T> {
	/// Whether the host at snapshot index `host` has the one at `validator` among its drawn
	/// validators (none before the validation seed is fixed).
	fn is_assigned(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		snapshot: &StoredSnapshot<T>,
		host: u32,
		validator: u32,
	) -> bool {
		epoch.validation_seed.is_some_and(|seed| {
			assign(snapshot, &seed, host, epoch.params.validators_per_host).contains(&validator)
		})
	}

	/// Checks and records `validator`'s sealed attestation on `host`.
	pub(crate) fn record_seal(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		validator: &T::AccountId,
		host: &T::AccountId,
		seal: Hash32,
	) -> Result<(), Error<T>> {
		ensure!(epoch.validation_seed.is_some(), Error::<T>::WrongPhase);
		ensure!(validator != host, Error::<T>::SelfValidation);
		let revealed =
			Revealed::<T>::get(epoch.index, host).ok_or(Error::<T>::NothingToValidate)?;
		let own = Revealed::<T>::get(epoch.index, validator).ok_or(Error::<T>::NotAssigned)?;
		let snapshot = StoredSnapshot::<T>::of(epoch.index);
		ensure!(
			Self::is_assigned(epoch, &snapshot, revealed.index, own.index),
			Error::<T>::NotAssigned,
		);
		let mut attestations = Verdicts::<T>::get(epoch.index, host);
		ensure!(attestation_by(&attestations, validator).is_none(), Error::<T>::AlreadyAttested);
		let attestation = Attestation {
			validator: validator.clone(),
			weight: own.prior_weight,
			seal,
			opening: None,
		};
		// Validators are distinct and at most `validators_per_host ≤ MAX_VALIDATORS_PER_HOST`.
		attestations.try_push(attestation).map_err(|_| Error::<T>::NotAssigned)?;
		Verdicts::<T>::insert(epoch.index, host, attestations);
		Self::deposit_event(Event::AttestationSealed {
			epoch: epoch.index,
			host: host.clone(),
			validator: validator.clone(),
		});
		Ok(())
	}

	/// Opens `validator`'s sealed attestation on `host`: `values` and `salt` must give its
	/// seal, with one recomputation per revealed leaf; the claimed distances are counted
	/// against the recomputed ones and the check values kept for settlement.
	pub(crate) fn record_opening(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		validator: &T::AccountId,
		host: &T::AccountId,
		values: &RecomputedValues,
		salt: &Hash32,
	) -> Result<(), Error<T>> {
		let mut attestations = Verdicts::<T>::get(epoch.index, host);
		let attestation = attestations
			.iter_mut()
			.find(|attestation| attestation.validator == *validator)
			.ok_or(Error::<T>::NotSealed)?;
		ensure!(attestation.opening.is_none(), Error::<T>::AlreadyOpened);
		ensure!(seal(validator, values, salt) == attestation.seal, Error::<T>::SealMismatch);
		let revealed =
			Revealed::<T>::get(epoch.index, host).ok_or(Error::<T>::NothingToValidate)?;
		ensure!(values.len() == revealed.leaves.len(), Error::<T>::WrongValueCount);
		let mismatches = revealed
			.leaves
			.iter()
			.zip(values.iter())
			.filter(|((_, leaf), recomputed)| {
				epoch.params.is_mismatch(leaf.distance, recomputed.distance)
			})
			.count() as u32;
		let passed = epoch.params.passes(mismatches, revealed.leaves.len() as u32);
		let checks = values.iter().map(|recomputed| recomputed.check).collect::<Vec<_>>();
		attestation.opening =
			Some(Opening { mismatches, passed, checks: BoundedVec::truncate_from(checks) });
		Verdicts::<T>::insert(epoch.index, host, attestations);
		Self::deposit_event(Event::Attested {
			epoch: epoch.index,
			host: host.clone(),
			validator: validator.clone(),
			mismatches,
			passed,
		});
		Ok(())
	}

	/// The hosts `validator` must re-check in the epoch in progress, with their revealed
	/// leaves and how far its attestation on each has come: empty outside the validate and
	/// open phases, before the validation seed is fixed, or if `validator` did not reveal.
	/// Walks the
	/// whole snapshot (`O(n · V log n)`), so it is for the runtime API, not for calls.
	pub fn validation_duties(validator: &T::AccountId) -> Vec<ValidationDuty<T::AccountId>> {
		let Some((epoch, Phase::Validate | Phase::Open)) = T::Sprint::status() else {
			return Vec::new();
		};
		if epoch.validation_seed.is_none() {
			return Vec::new();
		}
		let Some(own) = Revealed::<T>::get(epoch.index, validator) else { return Vec::new() };
		let snapshot = StoredSnapshot::<T>::of(epoch.index);
		Participants::<T>::iter_prefix(epoch.index)
			.filter(|(index, _)| Self::is_assigned(&epoch, &snapshot, *index, own.index))
			.filter_map(|(_, host)| {
				let reveal = Revealed::<T>::get(epoch.index, &host)?;
				let attestations = Verdicts::<T>::get(epoch.index, &host);
				let attestation = attestation_by(&attestations, validator);
				Some(ValidationDuty {
					host,
					leaves: reveal.leaves.into_inner(),
					sealed: attestation.is_some(),
					opened: attestation.is_some_and(|a| a.opening.is_some()),
				})
			})
			.collect()
	}
}
