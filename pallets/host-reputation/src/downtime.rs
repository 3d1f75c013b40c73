//! Downtime and failed reveals (DESIGN.md §5–§6): a host registered before an epoch began
//! must commit and reveal in it. When the epoch's reveal phase closes, the registry starts
//! walking its hosts, `DowntimeChecksPerBlock` per block. One that committed but did not pass
//! its reveal committed to what it could not prove: it is punished as for fraud (so that a
//! host caught by the challenge cannot withhold its reveal and lose only a downtime slash).
//! One that did not commit at all loses `downtime_slash` of its collateral and
//! `reputation_loss` of its reputation, as does a validator that stays silent. A check still
//! unfinished when the next one starts gives way to it.

use alloc::vec::Vec;
use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_proof_of_compute::ComputeRecord;
use pallet_sprint::{EpochInfo, OnPhaseChange, Phase};

use crate::{
	weights::WeightInfo, BalanceOf, Config, DowntimeCheck, Event, Host, Hosts, Pallet, Params,
	SlashReason,
};

impl<T: Config> OnPhaseChange<BlockNumberFor<T>> for Pallet<T> {
	fn on_phase_change(epoch: &EpochInfo<BlockNumberFor<T>>, phase: Phase) -> Weight {
		if phase != Phase::Validate {
			return Weight::zero();
		}
		DowntimeCheck::<T>::put((epoch.index, None::<T::AccountId>));
		T::DbWeight::get().writes(1)
	}
}

impl<T: Config> Pallet<T> {
	/// Checks the next page of hosts for downtime.
	pub(crate) fn check_downtime_page() -> Weight {
		Self::check_downtime(T::DowntimeChecksPerBlock::get())
	}

	/// Checks the next `limit` hosts for downtime.
	pub(crate) fn check_downtime(limit: u32) -> Weight {
		let Some((epoch, after)) = DowntimeCheck::<T>::get() else {
			return T::DbWeight::get().reads(1);
		};
		let page: Vec<T::AccountId> = match after {
			Some(last) => Hosts::<T>::iter_keys_from(Hosts::<T>::hashed_key_for(&last)),
			None => Hosts::<T>::iter_keys(),
		}
		.take(limit as usize)
		.collect();
		let checked = page.len() as u32;
		for who in &page {
			Self::check_host(epoch, who);
		}
		match page.last() {
			Some(last) if checked == limit => DowntimeCheck::<T>::put((epoch, Some(last.clone()))),
			_ => DowntimeCheck::<T>::kill(),
		}
		// The benchmark slashes every host for missing the epoch; one that committed and failed
		// its reveal also loses its recent weight: one write more, counted by hand.
		T::WeightInfo::check_downtime(checked)
			.saturating_add(T::DbWeight::get().writes(checked.into()))
	}

	/// Punishes `who` for `epoch` if it committed and did not pass its reveal (whenever it
	/// registered: the commitment binds), or was obliged to take part and did not commit.
	fn check_host(epoch: u64, who: &T::AccountId) {
		let Some(mut host) = Hosts::<T>::get(who) else { return };
		if T::Compute::revealed(epoch, who) || !Self::takes_part(&host, epoch) {
			return;
		}
		if T::Compute::committed(epoch, who) {
			Self::punish(epoch, who, &mut host, SlashReason::FailedReveal);
		} else if host.registered_in < epoch {
			Self::penalise_downtime(epoch, who, &mut host, SlashReason::Downtime);
		} else {
			return;
		}
		Hosts::<T>::insert(who, host);
	}

	/// Slashes `downtime_slash` of `who`'s collateral for `reason` and lowers its reputation
	/// by `reputation_loss`.
	pub(crate) fn penalise_downtime(
		epoch: u64,
		who: &T::AccountId,
		host: &mut Host<BalanceOf<T>>,
		reason: SlashReason,
	) {
		let params = Params::<T>::get();
		Self::slash(who, host, params.downtime_slash, epoch, reason);
		host.reputation = host.reputation.saturating_sub(params.reputation_loss);
		let reputation = host.reputation;
		Self::deposit_event(Event::EpochMissed { host: who.clone(), epoch, reputation, reason });
	}
}
