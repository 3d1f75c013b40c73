//! Settlement (DESIGN.md §5): from the first block of the settle phase, `on_initialize`
//! settles the epoch's hosts in snapshot order, as many per block as
//! `SettlementWeightPerBlock` allows, until all are settled.
//!
//! A host is accepted when the validators that passed it hold more than half of the weight of
//! the validators that responded (counted one each while none has weight). When none
//! responded, or none exist (a one-host network), the reveal's on-chain checks decide and the
//! host is accepted. An accepted host earns its committed hits as weight. Validators whose
//! verdict went against the outcome are recorded as outvoted.

use frame_support::{traits::Get, weights::Weight};

use crate::{
	weights::WeightInfo, Attestation, Commitments, Config, EpochSummaries, EpochSummary, Event,
	HostResult, Outcome, Outvoted, Pallet, Participants, Results, SettlementCursor, Settling,
	Snapshots, Verdicts,
};

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
	/// Settles as many hosts as fit in this block's settlement budget.
	pub(crate) fn settle_page() -> Weight {
		let Some(cursor) = Settling::<T>::get() else { return T::DbWeight::get().reads(1) };
		let hosts = Snapshots::<T>::get(cursor.epoch).hosts;
		let budget = T::SettlementWeightPerBlock::get();
		// The most hosts whose settlement fits the budget (the weight grows with the count).
		let (mut fits, mut beyond) = (0u32, hosts.saturating_sub(cursor.next).saturating_add(1));
		while fits.saturating_add(1) < beyond {
			let middle = fits.saturating_add(beyond.saturating_sub(fits) / 2);
			if T::WeightInfo::settle(middle).all_lte(budget) {
				fits = middle;
			} else {
				beyond = middle;
			}
		}
		Self::settle_hosts(cursor, hosts, fits);
		T::WeightInfo::settle(fits)
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
			Settling::<T>::kill();
			Self::deposit_event(Event::EpochSettled { epoch: cursor.epoch, summary });
		} else {
			Settling::<T>::put(cursor);
		}
		EpochSummaries::<T>::insert(cursor.epoch, summary);
	}

	/// Settles the host at snapshot index `index` of `epoch`.
	fn settle_host(epoch: u64, index: u32, summary: &mut EpochSummary) {
		let Some(host) = Participants::<T>::get(epoch, index) else { return };
		let verdicts = Verdicts::<T>::get(epoch, &host);
		let outcome = outcome(&verdicts);
		let hits = Commitments::<T>::get(epoch, &host).map_or(0, |c| c.count);
		let weight = if outcome.is_accepted() { u64::from(hits) } else { 0 };
		let passed_by = verdicts.iter().filter(|a| a.passed).count() as u32;
		let result = HostResult {
			outcome,
			weight,
			passed_by,
			failed_by: (verdicts.len() as u32).saturating_sub(passed_by),
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
			summary.accepted = summary.accepted.saturating_add(1);
			summary.total_weight = summary.total_weight.saturating_add(weight);
		}
		Results::<T>::insert(epoch, &host, result);
		Self::deposit_event(Event::HostSettled { epoch, host, result });
	}

	/// Starts settling `epoch`; an unfinished settlement of an earlier epoch ends here.
	pub(crate) fn begin_settlement(epoch: u64) -> Weight {
		if let Some(unfinished) = Settling::<T>::get() {
			let summary = EpochSummaries::<T>::get(unfinished.epoch).unwrap_or_default();
			Self::deposit_event(Event::SettlementIncomplete { epoch: unfinished.epoch, summary });
		}
		Settling::<T>::put(SettlementCursor { epoch, next: 0 });
		T::DbWeight::get().reads_writes(2, 1)
	}
}
