//! How a job ends: paid (80% of its charge to the executor, 20% to the training treasury),
//! refunded to the deposit when a dispute finds it forged, or closed past its deadline.
//! Closing never convicts: a re-check or dispute without a verdict in time is paid, and every
//! host that was drawn to judge it and stayed silent is penalised for downtime.

use frame_support::{
	ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
	},
};
use gonka_primitives::Hash32;
use pallet_treasury_for_training::TrainingFund;
use sp_runtime::{traits::Saturating, DispatchResult};

use crate::{
	Config, Error, Event, HoldReason, InferenceHosts, JobOf, JobStatus, Jobs, OpenJobs, Pallet,
	Verdicts,
};

impl<T: Config> Pallet<T> {
	/// Pays job `key` its charge and removes it.
	pub(crate) fn pay(key: Hash32, job: &JobOf<T>) {
		let cost = T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.developer,
			job.charged,
			Precision::BestEffort,
		)
		.unwrap_or_default();
		let to_treasury = T::Training::share_of(cost);
		let to_executor = cost.saturating_sub(to_treasury);
		// Both transfers come out of what was just released: they fail only when a share
		// cannot open its receiver's account (below the existential deposit), and then it
		// stays with the developer.
		let to_executor = T::Currency::transfer(
			&job.developer,
			&job.executor,
			to_executor,
			Preservation::Expendable,
		)
		.map_or_else(|_| Default::default(), |_| to_executor);
		let to_treasury = T::Training::fund(&job.developer, to_treasury)
			.map_or_else(|_| Default::default(), |_| to_treasury);
		Self::forget_job(key, job);
		Self::deposit_event(Event::Paid {
			job: key,
			cost: to_executor.saturating_add(to_treasury),
			to_executor,
			to_treasury,
		});
	}

	/// Returns job `key`'s charge to the developer's deposit and removes it.
	pub(crate) fn refund(key: Hash32, job: &JobOf<T>) {
		Self::return_to_deposit(&job.developer, job.charged);
		Self::forget_job(key, job);
		Self::deposit_event(Event::Refunded { job: key, amount: job.charged });
	}

	/// Stores a newly reported job and counts it open for its executor.
	pub(crate) fn open_job(key: Hash32, job: JobOf<T>) {
		OpenJobs::<T>::mutate(&job.executor, |open| *open = open.saturating_add(1));
		Jobs::<T>::insert(key, job);
	}

	/// Removes settled job `key`, no longer open for its executor.
	pub(crate) fn forget_job(key: Hash32, job: &JobOf<T>) {
		Jobs::<T>::remove(key);
		OpenJobs::<T>::mutate_exists(&job.executor, |open| {
			*open = open.map(|open| open.saturating_sub(1)).filter(|open| *open > 0);
		});
	}

	/// Closes job `key` past its deadline: paid, its silent judges penalised.
	pub(crate) fn close(key: Hash32) -> DispatchResult {
		let job = Jobs::<T>::get(key).ok_or(Error::<T>::UnknownJob)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now > job.deadline, Error::<T>::NotExpired);
		match &job.status {
			JobStatus::Reported => return Err(Error::<T>::WrongStage.into()),
			JobStatus::Rechecking { checker } => Self::penalise_silence(key, checker),
			JobStatus::Disputed { checkers, .. } => {
				for (checker, _) in checkers {
					if !Verdicts::<T>::contains_key(key, checker) {
						Self::penalise_silence(key, checker);
					}
				}
				Self::clear_verdicts(key);
			}
		}
		Self::pay(key, &job);
		Ok(())
	}

	fn penalise_silence(key: Hash32, host: &T::AccountId) {
		T::Hosts::punish_silence(host);
		Self::deposit_event(Event::Silent { job: key, host: host.clone() });
	}
}
