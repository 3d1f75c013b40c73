//! Validation: which validators re-check which host, and their attestations (DESIGN.md §5).
//!
//! A host's validators are drawn from the epoch's weight snapshot with
//! [`gonka_primitives::assignment::assign`], keyed by the validation seed, which the VRF
//! outputs of the validate phase's first blocks fix once the snapshot is final: nobody can
//! order reveals to choose a host's validators, and nobody knows them before. Only hosts whose reveal passed are in the snapshot, so only they
//! validate and are validated.

use alloc::vec::Vec;
use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{assignment::assign, runtime_api::ValidationDuty, sprint::EpochInfo};
use pallet_sprint::{EpochStatus, Phase};

use crate::{
	snapshot::StoredSnapshot, Attestation, Config, Error, Event, Pallet, Participants,
	RecomputedDistances, Revealed, Verdicts,
};

/// Whether `validator` is among the authors of `verdicts`.
pub(crate) fn attested_by<AccountId: PartialEq>(
	verdicts: &[Attestation<AccountId>],
	validator: &AccountId,
) -> bool {
	verdicts.iter().any(|verdict| verdict.validator == *validator)
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

	/// Checks and records `validator`'s recomputed distances for `host`'s revealed leaves.
	pub(crate) fn record_attestation(
		epoch: &EpochInfo<BlockNumberFor<T>>,
		validator: &T::AccountId,
		host: &T::AccountId,
		distances: &RecomputedDistances,
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
		let mut verdicts = Verdicts::<T>::get(epoch.index, host);
		ensure!(!attested_by(&verdicts, validator), Error::<T>::AlreadyAttested);
		ensure!(distances.len() == revealed.leaves.len(), Error::<T>::WrongDistanceCount);
		let mismatches = revealed
			.leaves
			.iter()
			.zip(distances.iter())
			.filter(|((_, leaf), recomputed)| epoch.params.is_mismatch(leaf.distance, **recomputed))
			.count() as u32;
		let passed = mismatches <= epoch.params.max_mismatches;
		let attestation = Attestation {
			validator: validator.clone(),
			weight: own.prior_weight,
			mismatches,
			passed,
		};
		// Validators are distinct and at most `validators_per_host ≤ MAX_VALIDATORS_PER_HOST`.
		verdicts.try_push(attestation).map_err(|_| Error::<T>::NotAssigned)?;
		Verdicts::<T>::insert(epoch.index, host, verdicts);
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
	/// leaves: empty outside the validate phase, before its validation seed is fixed, or if
	/// `validator` did not reveal. Walks the
	/// whole snapshot (`O(n · V log n)`), so it is for the runtime API, not for calls.
	pub fn validation_duties(validator: &T::AccountId) -> Vec<ValidationDuty<T::AccountId>> {
		let Some((epoch, Phase::Validate)) = T::Sprint::status() else { return Vec::new() };
		if epoch.validation_seed.is_none() {
			return Vec::new();
		}
		let Some(own) = Revealed::<T>::get(epoch.index, validator) else { return Vec::new() };
		let snapshot = StoredSnapshot::<T>::of(epoch.index);
		Participants::<T>::iter_prefix(epoch.index)
			.filter(|(index, _)| Self::is_assigned(&epoch, &snapshot, *index, own.index))
			.filter_map(|(_, host)| {
				let reveal = Revealed::<T>::get(epoch.index, &host)?;
				let attested = attested_by(&Verdicts::<T>::get(epoch.index, &host), validator);
				Some(ValidationDuty { host, leaves: reveal.leaves.into_inner(), attested })
			})
			.collect()
	}
}
