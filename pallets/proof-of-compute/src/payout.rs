//! Payout (DESIGN.md §6): once an epoch's settlement has closed, `on_initialize` pays each
//! accepted host, in snapshot order and as many per block as the settlement budget allows,
//! `emission · counted / counted_total` (rounded down; counted: its weight within the cap).
//! When all are paid, the rest of the emission (rounding dust, and the shares of hosts that
//! could not receive them) goes to the community pool: every epoch mints exactly its
//! emission, or nothing when it emits nothing.

use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

use crate::{
	Config, EpochSummaries, EpochSummary, Event, Pallet, Participants, Results, SettlementCursor,
	SettlementStage, Settling,
};
use pallet_sprint::EpochRewards;

impl<T: Config> Pallet<T> {
	/// Moves a just-closed settlement of `epoch` to paying, or ends it at once when no host
	/// counts any weight.
	pub(crate) fn begin_payout(epoch: u64, summary: &mut EpochSummary) {
		if summary.counted_weight == 0 {
			Settling::<T>::kill();
			Self::end_payout(epoch, summary);
		} else {
			Settling::<T>::put(SettlementCursor { epoch, stage: SettlementStage::Paying, next: 0 });
		}
	}

	/// Pays `count` hosts of the epoch from `cursor` on, and ends the payout when none of its
	/// `hosts` are left.
	pub(crate) fn pay_hosts(mut cursor: SettlementCursor, hosts: u32, count: u32) {
		let mut summary = EpochSummaries::<T>::get(cursor.epoch).unwrap_or_default();
		let end = cursor.next.saturating_add(count).min(hosts);
		while cursor.next < end {
			Self::pay_host(cursor.epoch, cursor.next, &mut summary);
			cursor.next = cursor.next.saturating_add(1);
		}
		if cursor.next >= hosts {
			Settling::<T>::kill();
			Self::end_payout(cursor.epoch, &mut summary);
		} else {
			Settling::<T>::put(cursor);
		}
		EpochSummaries::<T>::insert(cursor.epoch, summary);
	}

	/// Pays the host at snapshot index `index` of `epoch` its share.
	fn pay_host(epoch: u64, index: u32, summary: &mut EpochSummary) {
		let Some(host) = Participants::<T>::get(epoch, index) else { return };
		let Some(mut result) = Results::<T>::get(epoch, &host) else { return };
		let counted = summary.counted(result.weight);
		if counted == 0 {
			return;
		}
		let share = multiply_by_rational_with_rounding(
			summary.emission,
			counted.into(),
			summary.counted_weight.into(),
			Rounding::Down,
		)
		.unwrap_or(0);
		result.reward = T::Rewards::reward(epoch, &host, share);
		summary.rewarded = summary.rewarded.saturating_add(result.reward);
		Results::<T>::insert(epoch, &host, result);
	}

	/// Sends what no host received of the epoch's emission to the community pool.
	pub(crate) fn end_payout(epoch: u64, summary: &mut EpochSummary) {
		let to_pool = summary.emission.saturating_sub(summary.rewarded);
		T::Rewards::reward_pool(epoch, to_pool);
		Self::deposit_event(Event::EpochRewarded {
			epoch,
			emission: summary.emission,
			to_hosts: summary.rewarded,
			to_pool,
		});
	}
}
