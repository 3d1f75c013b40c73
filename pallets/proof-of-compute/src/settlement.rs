//! Settlement (DESIGN.md §5, revision 2): from the first block of the settle phase,
//! `on_initialize` settles the epoch's hosts in snapshot order, as many per block as
//! `SettlementWeightPerBlock` allows, until all are settled.
//!
//! A host's [`outcome`] follows from its validators' opened attestations. First their check
//! values are compared ([`gonka_primitives::attestation::judge_checks`]): a validator whose
//! values stray from the weighted median did not run the model, so its verdict does not count
//! and it is outvoted and slashed; only validators whose values the others confirmed are
//! paid. Silence is not acceptance: a host none of whose validators opened an
//! attestation is [`Outcome::Unvalidated`] (no weight, no punishment), and only a host beside
//! which no other host committed is accepted on its reveal alone. Each drawn validator that did not open an
//! attestation is recorded as silent, and the registry penalises it as for downtime; each
//! outlier, and each whose counted verdict went against the outcome, is recorded as outvoted
//! (the registry lowers its reputation, and slashes it when it is an outlier or was outvoted
//! the epoch before too); each confirmed validator whose verdict agreed earns a claim on the
//! validators' part of the emission. An accepted host earns as weight the part of its
//! committed hits that its collateral backs ([`HostRegistry::backed_weight`]).
//!
//! The settlement closes when its last host is settled, or at the latest when the next epoch
//! begins (the hosts left then earn nothing). Closing fixes the cap on one host's weight, a
//! share of the counted total ([`EpochSummary::close`], water-filling), and the validators'
//! part of the emission. A host's result keeps the weight it earned and what counts is that
//! weight within the cap ([`EpochSummary::counted`]). Then the epoch's emission is paid out
//! ([`crate::payout`]).

use alloc::vec::Vec;
use frame_support::{traits::Get, weights::Weight};
use gonka_primitives::{
	assignment::assign,
	attestation::{judge_checks, CheckVerdict},
	sprint::MAX_VALIDATORS_PER_HOST,
	Distance,
};
use pallet_sprint::{EpochRewards, EpochStatus};

use crate::{
	snapshot::StoredSnapshot, weights::WeightInfo, Agreed, Attestation, Commitments, Committers,
	ComputeRecord, Config, EpochSummaries, EpochSummary, Event, HostRegistry, HostResult, Opening,
	Outcome, Outvoted, Pallet, Participants, Results, Revealed, SettlementCursor, SettlementStage,
	Settling, Silent, Snapshots, Verdicts,
};

/// The most of `left` hosts whose `weight` fits the settlement budget (the weight grows with
/// the count).
pub(crate) fn most_that_fit<T: Config>(left: u32, weight: impl Fn(u32) -> Weight) -> u32 {
	let budget = T::SettlementWeightPerBlock::get();
	let (mut fits, mut beyond) = (0u32, left.saturating_add(1));
	while fits.saturating_add(1) < beyond {
		let middle = fits.saturating_add(beyond.saturating_sub(fits) / 2);
		if weight(middle).all_lte(budget) {
			fits = middle;
		} else {
			beyond = middle;
		}
	}
	fits
}

/// Reads of a slash by the registry, which the `settle` benchmark (every host accepted, two
/// validators punished in all) does not count per host: the parameters, the hold, the
/// account, the total collateral.
pub(crate) const SLASH_READS: u64 = 4;
/// Writes of a slash, as [`SLASH_READS`]: the hold, the account, the pool's account that takes
/// the slash, the total collateral, the host's record.
pub(crate) const SLASH_WRITES: u64 = 5;
/// Reads per drawn validator that the `settle` benchmark counts once per page rather than
/// per host (its hosts all draw the same validators): the validator's place in the
/// snapshot, its reveal and its record (agreed, outvoted or silent).
pub(crate) const VALIDATOR_READS: u64 = 3;
/// Writes per drawn validator, as [`VALIDATOR_READS`]: its record.
pub(crate) const VALIDATOR_WRITES: u64 = 1;

/// What judging `count` hosts may cost: the benchmarked `settle(count)` and, by hand, per
/// host what the benchmark shares between hosts or does not reach: each of its most
/// validators' records and slash and its draw's snapshot chunk ([`crate::seat_reads`]), and
/// the host's own rejection.
pub(crate) fn judging_weight<T: Config>(count: u32) -> Weight {
	let db = T::DbWeight::get();
	let per_validator = db
		.reads_writes(VALIDATOR_READS + SLASH_READS, VALIDATOR_WRITES + SLASH_WRITES)
		.saturating_add(crate::seat_reads::<T>(1));
	let per_host = per_validator
		.saturating_mul(MAX_VALIDATORS_PER_HOST.into())
		.saturating_add(db.reads_writes(SLASH_READS, SLASH_WRITES));
	T::WeightInfo::settle(count).saturating_add(per_host.saturating_mul(count.into()))
}

/// A verdict that counts: an opened attestation whose check values agreed with the others'.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vote {
	/// The validator's prior weight.
	pub weight: u64,
	/// Whether it passed the host.
	pub passed: bool,
}

/// The outcome the counted `votes` on one host lead to, given the prior weights of all the
/// validators drawn for it (`drawn`); `alone` when the host is the only one of its epoch (no
/// validator could be drawn for it).
///
/// - No verdict: accepted on the reveal when alone, else [`Outcome::Unvalidated`]: silence
///   is not acceptance.
/// - The drawn validators have weight: accepted when the passing ones hold more than half of
///   the **drawn** weight, rejected when the failing ones do, else unvalidated. A majority of
///   the responding weight is not enough: with the others silent (offline or censored), one
///   weighted validator would decide alone.
/// - None has weight (a young network): the same by count, and a rejection needs at least
///   two failing verdicts, so that one freshly registered host cannot convict another alone.
pub fn outcome(votes: &[Vote], drawn: &[u64], alone: bool) -> Outcome {
	if votes.is_empty() {
		return if alone { Outcome::AcceptedOnReveal } else { Outcome::Unvalidated };
	}
	let drawn_weight: u128 = drawn.iter().map(|weight| u128::from(*weight)).sum();
	let (passing, failing, whole) = if drawn_weight > 0 {
		let said = |passed: bool| -> u128 {
			votes.iter().filter(|v| v.passed == passed).map(|v| u128::from(v.weight)).sum()
		};
		(said(true), said(false), drawn_weight)
	} else {
		let said = |passed: bool| votes.iter().filter(|v| v.passed == passed).count() as u128;
		let failing = said(false);
		// Two accusers at least, while nobody has weight.
		(said(true), if failing >= 2 { failing } else { 0 }, drawn.len() as u128)
	};
	if whole == 0 {
		// No validator was drawn (the seed is missing): nobody can have judged the host.
		return Outcome::Unvalidated;
	}
	if passing.saturating_mul(2) > whole {
		Outcome::Accepted
	} else if failing.saturating_mul(2) > whole {
		Outcome::Rejected
	} else {
		Outcome::Unvalidated
	}
}

/// An opened attestation at settlement: its validator, its vote, and what the other
/// validators' check values say of its own.
pub(crate) struct Verdict<'a, AccountId> {
	validator: &'a AccountId,
	vote: Vote,
	checks: CheckVerdict,
}

impl<'a, AccountId> Verdict<'a, AccountId> {
	/// The opened ones of `attestations` on a host that revealed `leaves` leaves, their check
	/// values compared within `tolerance`.
	fn of(attestations: &'a [Attestation<AccountId>], leaves: usize, tolerance: u32) -> Vec<Self> {
		let opened: Vec<(&Attestation<AccountId>, &Opening)> = attestations
			.iter()
			.filter_map(|attestation| Some((attestation, attestation.opening.as_ref()?)))
			.collect();
		let checks: Vec<&[Distance]> = opened.iter().map(|(_, o)| o.checks.as_slice()).collect();
		let weights: Vec<u64> = opened.iter().map(|(attestation, _)| attestation.weight).collect();
		let judged = judge_checks(&checks, &weights, leaves, tolerance);
		opened
			.into_iter()
			.zip(judged)
			.map(|((attestation, opening), checks)| Verdict {
				validator: &attestation.validator,
				vote: Vote { weight: attestation.weight, passed: opening.passed },
				checks,
			})
			.collect()
	}

	/// Its vote, unless its check values made it an outlier.
	fn vote(&self) -> Option<Vote> {
		(self.checks != CheckVerdict::Outlier).then_some(self.vote)
	}
}

/// Counts one more of `who`'s silences or defeats in `epoch` in `Counter`; whether it is the
/// first (the registry hears of the first only).
fn first_time<Counter, T>(epoch: u64, who: &T::AccountId) -> bool
where
	T: Config,
	Counter: frame_support::storage::StorageDoubleMap<u64, T::AccountId, u32, Query = u32>,
{
	Counter::mutate(epoch, who, |times| {
		*times = times.saturating_add(1);
		*times == 1
	})
}

/// What settling one page needs to know of its epoch: the validation seed that drew the
/// validators and how many each host has, the snapshot they were drawn from, and how far
/// check values may stray.
pub(crate) struct Draw<T: Config> {
	seed: Option<gonka_primitives::Hash32>,
	validators_per_host: u32,
	tolerance: u32,
	committers: u32,
	snapshot: StoredSnapshot<T>,
}

impl<T: Config> Draw<T> {
	/// The draw of `epoch`, as long as it is the epoch in progress (it always is while
	/// hosts are judged).
	fn of(epoch: u64) -> Self {
		let current = T::Sprint::status().map(|(info, _)| info).filter(|info| info.index == epoch);
		Self {
			seed: current.and_then(|info| info.validation_seed),
			validators_per_host: current.map_or(0, |info| info.params.validators_per_host),
			tolerance: current.map_or(0, |info| info.params.tolerance),
			committers: Committers::<T>::get(epoch),
			snapshot: StoredSnapshot::of(epoch),
		}
	}

	/// The validators drawn for the host at snapshot index `host`, with their prior weights.
	fn validators_of(&self, epoch: u64, host: u32) -> Vec<(T::AccountId, u64)> {
		let Some(seed) = self.seed else { return Vec::new() };
		assign(&self.snapshot, &seed, host, self.validators_per_host)
			.into_iter()
			.filter_map(|drawn| {
				let validator = Participants::<T>::get(epoch, drawn)?;
				let weight = Revealed::<T>::get(epoch, &validator).map_or(0, |r| r.prior_weight);
				Some((validator, weight))
			})
			.collect()
	}
}

impl<T: Config> Pallet<T> {
	/// Judges, or pays, as many hosts as fit in this block's settlement budget.
	pub(crate) fn settle_page() -> Weight {
		let Some(cursor) = Settling::<T>::get() else { return T::DbWeight::get().reads(1) };
		let hosts = Snapshots::<T>::get(cursor.epoch).hosts;
		let left = hosts.saturating_sub(cursor.next);
		match cursor.stage {
			SettlementStage::Judging => {
				let count = most_that_fit::<T>(left, judging_weight::<T>);
				Self::settle_hosts(cursor, hosts, count);
				judging_weight::<T>(count)
			}
			SettlementStage::Paying => {
				let count = most_that_fit::<T>(left, T::WeightInfo::pay);
				Self::pay_hosts(cursor, hosts, count);
				T::WeightInfo::pay(count)
			}
		}
	}

	/// Settles `count` hosts of the epoch from `cursor` on, and completes the settlement when
	/// none of its `hosts` are left.
	pub(crate) fn settle_hosts(mut cursor: SettlementCursor, hosts: u32, count: u32) {
		let mut summary = EpochSummaries::<T>::get(cursor.epoch).unwrap_or_default();
		let end = cursor.next.saturating_add(count).min(hosts);
		let draw = Draw::<T>::of(cursor.epoch);
		while cursor.next < end {
			Self::settle_host(cursor.epoch, cursor.next, &draw, hosts, &mut summary);
			cursor.next = cursor.next.saturating_add(1);
		}
		if cursor.next >= hosts {
			summary.complete = true;
			Self::close_settlement(cursor.epoch, &mut summary);
			Self::deposit_event(Event::EpochSettled { epoch: cursor.epoch, summary });
			Self::begin_payout(cursor.epoch, &mut summary);
		} else {
			Settling::<T>::put(cursor);
		}
		EpochSummaries::<T>::insert(cursor.epoch, summary);
	}

	/// Fixes the epoch's weight cap, counted total and emission with the validators' part of
	/// it, and tells the registry.
	fn close_settlement(epoch: u64, summary: &mut EpochSummary) {
		summary.close(T::Hosts::max_weight_share());
		summary.emission = T::Rewards::emission(epoch);
		summary.validator_emission = if summary.agreed_attestations > 0 {
			T::Hosts::validator_share().mul_floor(summary.emission)
		} else {
			0
		};
		T::Hosts::on_epoch_settled(epoch, summary);
	}

	/// Settles the host at snapshot index `index` of `epoch`, one of `hosts`.
	fn settle_host(epoch: u64, index: u32, draw: &Draw<T>, hosts: u32, summary: &mut EpochSummary) {
		let Some(host) = Participants::<T>::get(epoch, index) else { return };
		let attestations = Verdicts::<T>::get(epoch, &host);
		let leaves = Revealed::<T>::get(epoch, &host).map_or(0, |reveal| reveal.leaves.len());
		let verdicts = Verdict::of(&attestations, leaves, draw.tolerance);
		let votes: Vec<Vote> = verdicts.iter().filter_map(Verdict::vote).collect();
		let drawn = draw.validators_of(epoch, index);
		let drawn_weights: Vec<u64> = drawn.iter().map(|(_, weight)| *weight).collect();
		// Alone: no other host committed, so none could have validated it. Another host that
		// committed and did not reveal (its reveal censored, say) leaves it unvalidated.
		let outcome = outcome(&votes, &drawn_weights, hosts == 1 && draw.committers <= 1);
		let hits = Commitments::<T>::get(epoch, &host).map_or(0, |c| c.count);
		let weight =
			if outcome.is_accepted() { T::Hosts::backed_weight(&host, hits.into()) } else { 0 };
		let passed_by = votes.iter().filter(|vote| vote.passed).count() as u32;
		let result = HostResult {
			outcome,
			hits,
			weight,
			passed_by,
			failed_by: (votes.len() as u32).saturating_sub(passed_by),
			reward: 0,
			validator_reward: 0,
		};
		Self::judge_validators(epoch, &host, &verdicts, &drawn, outcome, summary);
		summary.settled = summary.settled.saturating_add(1);
		if outcome.is_accepted() {
			summary.add_accepted(weight);
		}
		Results::<T>::insert(epoch, &host, result);
		T::Hosts::on_settled(epoch, &host, &result);
		Self::deposit_event(Event::HostSettled { epoch, host, result });
	}

	/// Records what the host's validators did: each drawn one that did not open an
	/// attestation is silent; each outlier, and each counted verdict against the outcome, was
	/// outvoted; each counted verdict with it agreed. The registry hears of a validator's
	/// first silence and first defeat in an epoch.
	fn judge_validators(
		epoch: u64,
		host: &T::AccountId,
		verdicts: &[Verdict<'_, T::AccountId>],
		drawn: &[(T::AccountId, u64)],
		outcome: Outcome,
		summary: &mut EpochSummary,
	) {
		for (validator, _) in drawn {
			if verdicts.iter().any(|verdict| verdict.validator == validator) {
				continue;
			}
			if first_time::<Silent<T>, T>(epoch, validator) {
				T::Hosts::on_validator_silent(epoch, validator);
			}
			Self::deposit_event(Event::ValidatorSilent {
				epoch,
				host: host.clone(),
				validator: validator.clone(),
			});
		}
		for verdict in verdicts {
			let validator = verdict.validator;
			let outlier = verdict.checks == CheckVerdict::Outlier;
			let agreed = match (verdict.vote(), outcome.verdict()) {
				(None, _) => false,
				(Some(_), None) => continue,
				(Some(vote), Some(outcome)) => vote.passed == outcome,
			};
			if agreed {
				if verdict.checks == CheckVerdict::Confirmed {
					Agreed::<T>::mutate(epoch, validator, |times| *times = times.saturating_add(1));
					summary.agreed_attestations = summary.agreed_attestations.saturating_add(1);
				}
				continue;
			}
			if first_time::<Outvoted<T>, T>(epoch, validator) {
				let repeated = epoch
					.checked_sub(1)
					.is_some_and(|previous| Outvoted::<T>::contains_key(previous, validator));
				T::Hosts::on_validator_outvoted(epoch, validator, outlier || repeated);
			}
			Self::deposit_event(Event::ValidatorOutvoted {
				epoch,
				host: host.clone(),
				validator: validator.clone(),
			});
		}
	}

	/// Starts settling `epoch`.
	pub(crate) fn begin_settlement(epoch: u64) -> Weight {
		Settling::<T>::put(SettlementCursor { epoch, stage: SettlementStage::Judging, next: 0 });
		T::DbWeight::get().writes(1)
	}

	/// When an epoch begins and the previous settlement is still unfinished, ends it: hosts
	/// not yet judged earn nothing, and what is not yet paid goes to the community pool.
	pub(crate) fn close_unfinished_settlement() -> Weight {
		let Some(unfinished) = Settling::<T>::take() else { return T::DbWeight::get().reads(1) };
		let mut summary = EpochSummaries::<T>::get(unfinished.epoch).unwrap_or_default();
		if unfinished.stage == SettlementStage::Judging {
			Self::close_settlement(unfinished.epoch, &mut summary);
		}
		Self::deposit_event(Event::SettlementIncomplete { epoch: unfinished.epoch, summary });
		Self::end_payout(unfinished.epoch, &mut summary);
		EpochSummaries::<T>::insert(unfinished.epoch, summary);
		judging_weight::<T>(0).saturating_add(T::WeightInfo::pay(0))
	}
}

impl<T: Config> Pallet<T> {
	/// The weight `who` counts for `epoch`: its settled weight within the epoch's cap (0 when
	/// it earned none or the epoch's settlement has not closed).
	pub fn counted_weight(epoch: u64, who: &T::AccountId) -> u64 {
		let (Some(result), Some(summary)) =
			(Results::<T>::get(epoch, who), EpochSummaries::<T>::get(epoch))
		else {
			return 0;
		};
		summary.counted(result.weight)
	}
}

impl<T: Config> ComputeRecord<T::AccountId> for Pallet<T> {
	fn committed(epoch: u64, who: &T::AccountId) -> bool {
		Commitments::<T>::contains_key(epoch, who)
	}

	fn revealed(epoch: u64, who: &T::AccountId) -> bool {
		Revealed::<T>::contains_key(epoch, who)
	}
}
