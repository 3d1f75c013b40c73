//! Re-checks: which served requests are sampled, who checks them, and the compute-weighted
//! vote on one that fails.

use codec::Encode;
use frame_support::{
	ensure,
	traits::{Get, Randomness},
};
use sp_runtime::{traits::Saturating, DispatchResult, PerThing, Perbill};

use crate::{
	Config, Error, Event, InferenceHosts, JobOf, JobStatus, Jobs, Pallet, Params, Served, Servers,
	Votes,
};

impl<T: Config> Pallet<T> {
	/// The share of `executor`'s requests that is re-checked: `ceiling · (1 − reputation)`,
	/// never below the floor.
	pub fn recheck_rate(executor: &T::AccountId) -> Perbill {
		let params = Params::<T>::get();
		let unproven = T::Hosts::reputation(executor).left_from_one();
		params.recheck_ceiling.saturating_mul(unproven).max(params.recheck_floor)
	}

	/// The checker of served request `id`: drawn among the model's other servers by compute
	/// weight when the request is sampled; none when it is not, or nobody else serves.
	pub(crate) fn draw_checker(id: u64, job: &JobOf<T>) -> Option<T::AccountId> {
		let (random, _) = T::Randomness::random(&(b"gonka/recheck", id).encode());
		let mut bytes = [0u8; 4];
		for (to, from) in bytes.iter_mut().zip(random.as_ref()) {
			*to = *from;
		}
		let point = u32::from_le_bytes(bytes).checked_rem(Perbill::ACCURACY)?;
		if point >= Self::recheck_rate(&job.executor).deconstruct() {
			return None;
		}
		Self::draw_server(job.model, Some(&job.executor), (b"gonka/checker", id))
	}

	/// The checker's verdict: passed, the request is paid; failed, the model's other servers
	/// vote, the checker's weight counted as forged.
	pub(crate) fn judge(checker: T::AccountId, id: u64, passed: bool) -> DispatchResult {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		let JobStatus::Rechecking { served, checker: drawn } = &job.status else {
			return Err(Error::<T>::WrongStage.into());
		};
		ensure!(*drawn == checker, Error::<T>::NotChecker);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= job.deadline, Error::<T>::DeadlinePassed);
		let served = *served;
		if passed {
			return Self::pay(id, &job, served.tokens);
		}
		let eligible = Self::weighted_servers(job.model, Some(&job.executor))
			.into_iter()
			.fold(0u128, |sum, (_, weight)| sum.saturating_add(weight));
		let eligible = u64::try_from(eligible).unwrap_or(u64::MAX);
		let forged = T::Hosts::weight(&checker);
		job.deadline = now.saturating_add(Params::<T>::get().vote_blocks.into());
		job.status = JobStatus::Disputed { served, valid: 0, forged, eligible };
		Votes::<T>::insert(id, &checker, ());
		Self::deposit_event(Event::Disputed { id, checker, until: job.deadline });
		Self::record_or_decide(id, job)
	}

	/// A server's vote on disputed request `id`.
	pub(crate) fn cast_vote(voter: T::AccountId, id: u64, valid: bool) -> DispatchResult {
		let mut job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		let JobStatus::Disputed { valid: ayes, forged: nays, .. } = &mut job.status else {
			return Err(Error::<T>::WrongStage.into());
		};
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= job.deadline, Error::<T>::DeadlinePassed);
		let weight = T::Hosts::weight(&voter);
		ensure!(
			voter != job.executor && weight > 0 && Servers::<T>::get(job.model).contains(&voter),
			Error::<T>::NotAVoter
		);
		ensure!(!Votes::<T>::contains_key(id, &voter), Error::<T>::AlreadyVoted);
		let side = if valid { ayes } else { nays };
		*side = side.saturating_add(weight);
		Votes::<T>::insert(id, &voter, ());
		Self::deposit_event(Event::Voted { id, voter, valid, weight });
		Self::record_or_decide(id, job)
	}

	/// Stores disputed request `id`, or decides it when one side holds more than half of the
	/// eligible weight.
	fn record_or_decide(id: u64, job: JobOf<T>) -> DispatchResult {
		let JobStatus::Disputed { served, valid, forged, eligible } = job.status else {
			return Err(Error::<T>::WrongStage.into());
		};
		let half = eligible / 2;
		if forged > half || valid > half {
			return Self::decide(id, &job, served, forged > half);
		}
		Jobs::<T>::insert(id, job);
		Ok(())
	}

	/// Ends disputed request `id`: forged, the developer gets the whole escrow back and the
	/// executor is punished and serves no model any more; otherwise it is paid.
	pub(crate) fn decide(id: u64, job: &JobOf<T>, served: Served, forged: bool) -> DispatchResult {
		// Every voter serves the model: at most `MaxServers` of them.
		let _ = Votes::<T>::clear_prefix(id, T::MaxServers::get(), None);
		Self::deposit_event(Event::DisputeDecided { id, forged });
		if !forged {
			return Self::pay(id, job, served.tokens);
		}
		T::Hosts::punish_forgery(&job.executor);
		Self::stop_serving_everything(&job.executor);
		Self::refund(id, job)
	}
}
