//! Payout (DESIGN.md §5–§6): once an epoch's settlement has closed, `on_initialize` walks its
//! hosts in snapshot order, as many per block as the settlement budget allows, and pays each
//! `(emission − validators' part) · counted / counted_total` as a host (rounded down;
//! counted: its weight within the cap) and `validators' part · agreed / agreed_total` as a
//! validator (its attestations that agreed with their host's outcome). When all are paid, the
//! rest of the emission (rounding dust, and the shares of accounts that could not receive
//! them) goes to the community pool: every epoch mints exactly its emission, or nothing when
//! it emits nothing.

use sp_runtime::{helpers_128bit::multiply_by_rational_with_rounding, Rounding};

use crate::{
	Agreed, Config, EpochSummaries, EpochSummary, Event, Pallet, Participants, Results,
	SettlementCursor, SettlementStage, Settling,
};
use pallet_sprint::EpochRewards;

impl<T: Config> Pallet<T> {
	/// Moves a just-closed settlement of `epoch` to paying, or ends it at once when no host
	/// counts any weight and no validator has a claim.
	pub(crate) fn begin_payout(epoch: u64, summary: &mut EpochSummary) {
		if summary.counted_weight == 0 && summary.validator_emission == 0 {
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

	/// Pays the host at snapshot index `index` of `epoch` its shares as a host and as a
	/// validator.
	fn pay_host(epoch: u64, index: u32, summary: &mut EpochSummary) {
		let Some(host) = Participants::<T>::get(epoch, index) else { return };
		let Some(mut result) = Results::<T>::get(epoch, &host) else { return };
		let to_hosts = summary.emission.saturating_sub(summary.validator_emission);
		let host_share = share_of(to_hosts, summary.counted(result.weight), summary.counted_weight);
		if host_share > 0 {
			result.reward = T::Rewards::reward(epoch, &host, host_share);
			summary.rewarded = summary.rewarded.saturating_add(result.reward);
		}
		let agreed = Agreed::<T>::get(epoch, &host);
		let validator_share =
			share_of(summary.validator_emission, agreed.into(), summary.agreed_attestations.into());
		if validator_share > 0 {
			result.validator_reward = T::Rewards::reward(epoch, &host, validator_share);
			summary.validators_rewarded =
				summary.validators_rewarded.saturating_add(result.validator_reward);
		}
		Results::<T>::insert(epoch, &host, result);
	}

	/// Sends what no host received of the epoch's emission to the community pool.
	pub(crate) fn end_payout(epoch: u64, summary: &mut EpochSummary) {
		let to_pool = summary
			.emission
			.saturating_sub(summary.rewarded)
			.saturating_sub(summary.validators_rewarded);
		T::Rewards::reward_pool(epoch, to_pool);
		Self::deposit_event(Event::EpochRewarded {
			epoch,
			emission: summary.emission,
			to_hosts: summary.rewarded,
			to_validators: summary.validators_rewarded,
			to_pool,
		});
	}
}

/// `amount · part / whole`, rounded down; 0 when `whole` is 0.
fn share_of(amount: u128, part: u64, whole: u64) -> u128 {
	if whole == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(amount, part.into(), whole.into(), Rounding::Down)
		.unwrap_or(0)
}
