//! Settlement (DESIGN.md §5): from the first block of the settle phase, `on_initialize`
//! settles the epoch's hosts in snapshot order, as many per block as
//! `SettlementWeightPerBlock` allows, until all are settled.
//!
//! A host is accepted when the validators that passed it hold more than half of the weight of
//! the validators that responded (counted one each while none has weight). When none
//! responded, or none exist (a one-host network), the reveal's on-chain checks decide and the
//! host is accepted. An accepted host earns as weight the part of its committed hits that its
//! collateral backs ([`HostRegistry::backed_weight`]). Validators whose verdict went against
//! the outcome are recorded as outvoted, and the registry hears of every result.
//!
//! The settlement closes when its last host is settled, or at the latest when the next epoch
//! begins (the hosts left then earn nothing). Closing fixes the cap on one host's weight
//! ([`HostRegistry::max_weight_share`] of the total) and the total counted within it: both
//! need every result, so a host's result keeps the weight it earned and what counts is that
//! weight within the cap ([`EpochSummary::counted`]). Then the epoch's emission is paid out
//! by what counts ([`crate::payout`]).

use frame_support::{traits::Get, weights::Weight};

use crate::{
	weights::WeightInfo, Attestation, Commitments, ComputeRecord, Config, EpochSummaries,
	EpochSummary, Event, HostRegistry, HostResult, Outcome, Outvoted, Pallet, Participants,
	Results, Revealed, SettlementCursor, SettlementStage, Settling, Snapshots, Verdicts,
};
use pallet_sprint::EpochRewards;

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

/// The outcome the verdicts on one host lead to.
pub(crate) fn outcome<AccountId>(verdicts: &[Attestation<AccountId>]) -> Outcome {
	if verdicts.is_empty() {
		return Outcome::AcceptedUnvalidated;
	}
	let weighted = verdicts.iter().any(|a| a.weight > 0);
	let say = |a: &Attestation<AccountId>| if weighted { u128::from(a.weight) } else { 1 };
	let responding: u128 = verdicts.iter().map(say).sum();
	let passing: u128 = verdicts.iter().filter(|a| a.passed).map(say).sum();
	if passing.saturating_mul(2) > responding {
		Outcome::Accepted
	} else {
		Outcome::Rejected
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
				let count = most_that_fit::<T>(left, T::WeightInfo::settle);
				Self::settle_hosts(cursor, hosts, count);
				T::WeightInfo::settle(count)
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
		while cursor.next < end {
			Self::settle_host(cursor.epoch, cursor.next, &mut summary);
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

	/// Fixes the epoch's weight cap, counted total and emission, and tells the registry.
	fn close_settlement(epoch: u64, summary: &mut EpochSummary) {
		summary.close(T::Hosts::max_weight_share());
		summary.emission = T::Rewards::emission(epoch);
		T::Hosts::on_epoch_settled(epoch, summary);
	}

	/// Settles the host at snapshot index `index` of `epoch`.
	fn settle_host(epoch: u64, index: u32, summary: &mut EpochSummary) {
		let Some(host) = Participants::<T>::get(epoch, index) else { return };
		let verdicts = Verdicts::<T>::get(epoch, &host);
		let outcome = outcome(&verdicts);
		let hits = Commitments::<T>::get(epoch, &host).map_or(0, |c| c.count);
		let weight =
			if outcome.is_accepted() { T::Hosts::backed_weight(&host, hits.into()) } else { 0 };
		let passed_by = verdicts.iter().filter(|a| a.passed).count() as u32;
		let result = HostResult {
			outcome,
			hits,
			weight,
			passed_by,
			failed_by: (verdicts.len() as u32).saturating_sub(passed_by),
			reward: 0,
		};
		for outvoted in verdicts.iter().filter(|a| a.passed != outcome.is_accepted()) {
			Outvoted::<T>::mutate(epoch, &outvoted.validator, |times| {
				*times = times.saturating_add(1)
			});
			Self::deposit_event(Event::ValidatorOutvoted {
				epoch,
				host: host.clone(),
				validator: outvoted.validator.clone(),
			});
		}
		summary.settled = summary.settled.saturating_add(1);
		if outcome.is_accepted() {
			summary.add_accepted(weight);
		}
		Results::<T>::insert(epoch, &host, result);
		T::Hosts::on_settled(epoch, &host, &result);
		Self::deposit_event(Event::HostSettled { epoch, host, result });
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
		T::WeightInfo::settle(0).saturating_add(T::WeightInfo::pay(0))
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
	fn revealed(epoch: u64, who: &T::AccountId) -> bool {
		Revealed::<T>::contains_key(epoch, who)
	}
}
