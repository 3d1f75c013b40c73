//! How a request ends: the executor's report, payment at the real cost (80% executor, 20%
//! training treasury, the rest released), refunds, and closing a request whose stage ran out.

use frame_support::{
	ensure,
	traits::{
		fungible::{InspectHold, Mutate, MutateHold},
		tokens::{Precision, Preservation},
	},
};
use gonka_primitives::Hash32;
use pallet_treasury_for_training::TrainingFund;
use sp_runtime::{traits::Saturating, DispatchResult};

use crate::{
	BalanceOf, Config, Error, Event, HoldReason, JobOf, JobStatus, Jobs, Pallet, Params, Served,
	UsedTokens,
};

impl<T: Config> Pallet<T> {
	/// The executor's report: the request is paid now, or after a re-check when it is sampled
	/// and another server can check it.
	pub(crate) fn report(
		executor: T::AccountId,
		id: u64,
		tokens: u32,
		output_hash: Hash32,
	) -> DispatchResult {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(job.status == JobStatus::Serving, Error::<T>::WrongStage);
		ensure!(job.executor == executor, Error::<T>::NotExecutor);
		ensure!(tokens <= job.max_tokens, Error::<T>::TooManyTokens);
		UsedTokens::<T>::mutate(job.model, |used| *used = used.saturating_add(tokens.into()));
		Self::deposit_event(Event::Finished { id, tokens, output_hash });
		let served = Served { tokens, output_hash };
		match Self::draw_checker(id, &job) {
			Some(checker) => {
				let now = frame_system::Pallet::<T>::block_number();
				job.deadline = now.saturating_add(Params::<T>::get().recheck_blocks.into());
				job.status = JobStatus::Rechecking { served, checker: checker.clone() };
				Jobs::<T>::insert(id, job);
				Self::deposit_event(Event::RecheckRequested { id, checker });
				Ok(())
			}
			None => Self::pay(id, &job, served.tokens),
		}
	}

	/// Pays request `id` for `tokens` tokens at its price and removes it.
	pub(crate) fn pay(id: u64, job: &JobOf<T>, tokens: u32) -> DispatchResult {
		let cost = job.price.saturating_mul(tokens.into());
		T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.developer,
			job.escrow,
			Precision::BestEffort,
		)?;
		let to_treasury = T::Training::share_of(cost);
		let to_executor = cost.saturating_sub(to_treasury);
		T::Currency::transfer(
			&job.developer,
			&job.executor,
			to_executor,
			Preservation::Expendable,
		)?;
		T::Training::fund(&job.developer, to_treasury)?;
		Jobs::<T>::remove(id);
		Self::deposit_event(Event::Paid { id, cost, to_executor, to_treasury });
		Ok(())
	}

	/// Releases request `id`'s whole escrow to the developer and removes it.
	pub(crate) fn refund(id: u64, job: &JobOf<T>) -> DispatchResult {
		let amount = T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.developer,
			job.escrow,
			Precision::BestEffort,
		)?;
		Jobs::<T>::remove(id);
		Self::deposit_event(Event::Refunded { id, amount });
		Ok(())
	}

	/// Closes request `id` past its stage's deadline.
	pub(crate) fn close(id: u64) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now > job.deadline, Error::<T>::NotExpired);
		match job.status {
			JobStatus::Serving => Self::refund(id, &job),
			JobStatus::Rechecking { served, .. } => Self::pay(id, &job, served.tokens),
			JobStatus::Disputed { served, valid, forged, .. } => {
				Self::decide(id, &job, served, forged > valid)
			}
		}
	}

	/// What `who` has held in escrow.
	pub fn escrowed(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::Escrow.into(), who)
	}
}
