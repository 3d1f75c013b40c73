//! Re-checks (DESIGN.md §6b): whether a reported job is re-checked is drawn with the VRF
//! output of the block after its report, so no executor can time its report to dodge the
//! draw. Sampled, it waits for a checker drawn among the model's other servers by compute
//! weight. A failed re-check opens a dispute decided by `dispute_checkers` more servers,
//! drawn the same way: more than half of their weight convicts the executor of forgery, or
//! the accuser of a false accusation. Silence is never a verdict (see [`crate::settlement`]).

use alloc::vec::Vec;
use frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::Hash32;
use sp_runtime::{
	traits::{One, Saturating},
	DispatchResult, PerThing, Perbill,
};

use crate::{
	Config, Error, Event, InferenceHosts, JobOf, JobStatus, Jobs, Pallet, Params, QueuedJobs,
	SampleQueue, Verdict, Verdicts, WeightInfo, SAMPLE_LAG_BLOCKS,
};

/// What the `sample` benchmark does not reach, per job drawn, counted by hand: its jobs share
/// one model, one executor and one developer, while each job of a block may name another
/// model (its draw set and period, and every one of its up to `MaxServers` servers' weight,
/// read to leave out those that lost it) and be paid to another executor from another
/// developer's deposit (their accounts, the hold and the executor's open jobs).
fn unbenchmarked_per_job<T: Config>() -> Weight {
	let servers = u64::from(T::MaxServers::get());
	T::DbWeight::get().reads_writes(servers.saturating_add(8), 6)
}

impl<T: Config> Pallet<T> {
	/// The share of `executor`'s jobs that is re-checked: `ceiling · (1 − reputation)`,
	/// never below the floor.
	pub fn recheck_rate(executor: &T::AccountId) -> Perbill {
		let params = Params::<T>::get();
		let unproven = T::Hosts::reputation(executor).left_from_one();
		params.recheck_ceiling.saturating_mul(unproven).max(params.recheck_floor)
	}

	/// The VRF output that samples a job reported at `reported_at`: the next block's.
	fn sample_vrf(reported_at: BlockNumberFor<T>) -> Option<Hash32> {
		Self::block_vrf(reported_at.saturating_add(One::one()))
	}

	/// Draws, for up to `MaxSamplesPerBlock` reported jobs in report order whose sampling
	/// block's VRF output is known, whether they are re-checked. An entry whose job is gone
	/// counts against the limit too, so that no queue of them makes a block read without
	/// bound.
	pub(crate) fn sample_reported(now: BlockNumberFor<T>) -> Weight {
		let (mut head, tail) = SampleQueue::<T>::get();
		let mut visited = 0u32;
		while head < tail && visited < T::MaxSamplesPerBlock::get() {
			visited = visited.saturating_add(1);
			let Some(key) = QueuedJobs::<T>::get(head) else {
				head = head.saturating_add(1);
				continue;
			};
			let Some(job) = Jobs::<T>::get(key) else {
				QueuedJobs::<T>::remove(head);
				head = head.saturating_add(1);
				continue;
			};
			let lag: BlockNumberFor<T> = (SAMPLE_LAG_BLOCKS as u32).into();
			if now < job.reported_at.saturating_add(lag) {
				break;
			}
			Self::sample(key, job, now);
			QueuedJobs::<T>::remove(head);
			head = head.saturating_add(1);
		}
		SampleQueue::<T>::put((head, tail));
		let queue = T::DbWeight::get().reads_writes(2, 1);
		if visited == 0 {
			return queue;
		}
		queue
			.saturating_add(T::WeightInfo::sample(visited))
			.saturating_add(unbenchmarked_per_job::<T>().saturating_mul(visited.into()))
	}

	/// Draws whether reported job `key` is re-checked and by whom; pays it otherwise.
	fn sample(key: Hash32, mut job: JobOf<T>, now: BlockNumberFor<T>) {
		// Kept for a job's life, the output is gone only on a chain that stalled for longer:
		// then the newest output, still one nobody knew at the report, decides.
		let vrf = Self::sample_vrf(job.reported_at)
			.or_else(|| Self::block_vrf(now.saturating_sub(One::one())))
			.unwrap_or_default();
		let point = Self::random_u128(&vrf, (b"gonka/recheck", key))
			.checked_rem(u128::from(Perbill::ACCURACY))
			.and_then(|point| u32::try_from(point).ok())
			.unwrap_or(u32::MAX);
		let checker = (point < Self::recheck_rate(&job.executor).deconstruct())
			.then(|| Self::draw_set(job.model, job.reported_at))
			.flatten()
			.map(Self::still_weighted)
			.and_then(|set| {
				let random = Self::random_u128(&vrf, (b"gonka/checker", key));
				Self::pick(&set, random, &[&job.executor])
			});
		let Some(checker) = checker else {
			Self::pay(key, &job);
			return;
		};
		job.deadline = now.saturating_add(Params::<T>::get().recheck_blocks.into());
		job.status = JobStatus::Rechecking { checker: checker.clone() };
		Jobs::<T>::insert(key, job);
		Self::deposit_event(Event::RecheckRequested { job: key, checker });
	}

	/// The checker's verdict: passed, the job is paid; failed, a dispute opens, or, when no
	/// other server can decide it, the job is paid (one host alone convicts nobody); evidence
	/// withheld, the charge goes back to the deposit and nobody is punished.
	pub(crate) fn judge(checker: T::AccountId, key: Hash32, verdict: Verdict) -> DispatchResult {
		let mut job = Jobs::<T>::get(key).ok_or(Error::<T>::UnknownJob)?;
		let JobStatus::Rechecking { checker: drawn } = &job.status else {
			return Err(Error::<T>::WrongStage.into());
		};
		ensure!(*drawn == checker, Error::<T>::NotChecker);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= job.deadline, Error::<T>::DeadlinePassed);
		match verdict {
			Verdict::Passed => {
				Self::pay(key, &job);
				return Ok(());
			}
			Verdict::Unavailable => {
				Self::return_to_deposit(&job.developer, job.charged);
				Self::forget_job(key, &job);
				Self::deposit_event(Event::EvidenceWithheld { job: key });
				return Ok(());
			}
			Verdict::Failed => {}
		}
		let params = Params::<T>::get();
		// The panel is fixed with the sampling's VRF output: an accuser cannot wait for a better
		// one (it may still accuse only where it likes the panel; docs/SECURITY.md M2).
		let vrf = Self::sample_vrf(job.reported_at).unwrap_or_default();
		let set =
			Self::still_weighted(Self::draw_set(job.model, job.reported_at).unwrap_or_default());
		let checkers = Self::pick_many(
			&set,
			&vrf,
			(b"gonka/dispute", key),
			params.dispute_checkers,
			&[&job.executor, &checker],
		);
		if checkers.is_empty() {
			Self::pay(key, &job);
			return Ok(());
		}
		job.deadline = now.saturating_add(params.dispute_blocks.into());
		let drawn: Vec<T::AccountId> = checkers.iter().map(|(host, _)| host.clone()).collect();
		job.status = JobStatus::Disputed {
			accuser: checker.clone(),
			checkers: BoundedVec::truncate_from(checkers),
			valid: 0,
			forged: 0,
		};
		Self::deposit_event(Event::Disputed {
			job: key,
			accuser: checker,
			checkers: drawn,
			until: job.deadline,
		});
		Jobs::<T>::insert(key, job);
		Ok(())
	}

	/// A dispute checker's verdict; more than half of the checkers' weight decides.
	pub(crate) fn give_verdict(checker: T::AccountId, key: Hash32, valid: bool) -> DispatchResult {
		let mut job = Jobs::<T>::get(key).ok_or(Error::<T>::UnknownJob)?;
		let now = frame_system::Pallet::<T>::block_number();
		let JobStatus::Disputed { checkers, valid: ayes, forged: nays, accuser } = &mut job.status
		else {
			return Err(Error::<T>::WrongStage.into());
		};
		ensure!(now <= job.deadline, Error::<T>::DeadlinePassed);
		let weight = checkers
			.iter()
			.find(|(host, _)| *host == checker)
			.map(|(_, weight)| *weight)
			.ok_or(Error::<T>::NotChecker)?;
		ensure!(!Verdicts::<T>::contains_key(key, &checker), Error::<T>::AlreadyJudged);
		Verdicts::<T>::insert(key, &checker, ());
		if valid {
			*ayes = ayes.saturating_add(weight);
		} else {
			*nays = nays.saturating_add(weight);
		}
		Self::deposit_event(Event::Verdict { job: key, checker, valid, weight });
		let total = checkers.iter().fold(0u64, |sum, (_, weight)| sum.saturating_add(*weight));
		let (ayes, nays, accuser) = (*ayes, *nays, accuser.clone());
		let half = total / 2;
		if nays > half {
			Self::deposit_event(Event::DisputeDecided { job: key, forged: true });
			Self::clear_verdicts(key);
			T::Hosts::punish_forgery(&job.executor);
			Self::stop_serving_everything(&job.executor);
			Self::refund(key, &job);
		} else if ayes > half {
			Self::deposit_event(Event::DisputeDecided { job: key, forged: false });
			Self::clear_verdicts(key);
			T::Hosts::punish_false_accusation(&accuser);
			Self::stop_serving_everything(&accuser);
			Self::pay(key, &job);
		} else {
			Jobs::<T>::insert(key, job);
		}
		Ok(())
	}

	/// Forgets who gave a verdict on `key`: at most [`crate::MAX_DISPUTE_CHECKERS`] hosts.
	pub(crate) fn clear_verdicts(key: Hash32) {
		let _ = Verdicts::<T>::clear_prefix(key, crate::MAX_DISPUTE_CHECKERS, None);
	}
}
