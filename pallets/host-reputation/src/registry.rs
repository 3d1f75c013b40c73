//! The registry as proof-of-compute sees it: who is a host, how hard each is checked, how
//! much of its work its collateral backs, and what a settled result does to it.

use frame_support::weights::Weight;
use gonka_primitives::sampling::MIN_SAMPLES;
use pallet_proof_of_compute::{EpochSummary, HostRegistry, HostResult, Outcome};
use sp_runtime::{
	traits::{CheckedDiv, UniqueSaturatedInto},
	Perbill, Saturating,
};

use crate::{
	BalanceOf, Config, EpochWeight, Event, Host, HostStatus, Hosts, Pallet, Params,
	PunishedEquivocations, RecentWeights, SlashReason, MAX_REPUTATION,
};

impl<T: Config> Pallet<T> {
	/// Whether `host` takes part in `epoch`: active, or leaving after it.
	pub(crate) fn takes_part(host: &Host<BalanceOf<T>>, epoch: u64) -> bool {
		match host.status {
			HostStatus::Active => true,
			HostStatus::Leaving { last_epoch, .. } => epoch <= last_epoch,
			HostStatus::Removed { .. } => false,
		}
	}

	/// The leaves `who` is challenged for out of the epoch's `base`: all of them at reputation
	/// 0, falling in proportion to reputation to `min_sample_share` of them (rounded up) at
	/// full reputation, never below [`MIN_SAMPLES`]: with `(1/2)^4 ≤ 1/16`, doubling a
	/// commitment never pays, whatever the reputation.
	pub fn samples_for(who: &T::AccountId, base: u32) -> u32 {
		let min_share = Params::<T>::get().min_sample_share;
		let trusted = Self::reputation_share(who);
		let spared =
			trusted.saturating_mul(Perbill::one().saturating_sub(min_share)).mul_floor(base);
		base.saturating_sub(spared).max(MIN_SAMPLES)
	}

	/// The part of `hits` that counts as `who`'s weight: the free share, plus as much of the
	/// rest as its collateral covers at `collateral_per_weight` each.
	pub fn backed_weight(who: &T::AccountId, hits: u64) -> u64 {
		let Some(host) = Hosts::<T>::get(who) else { return 0 };
		let params = Params::<T>::get();
		// No price per unit of weight: all of it is backed.
		let Some(covered) = host.collateral.checked_div(&params.collateral_per_weight) else {
			return hits;
		};
		let free = params.free_weight_share.mul_floor(hits);
		hits.min(free.saturating_add(covered.unique_saturated_into()))
	}

	/// Records an honest epoch: weight earned, reputation up, a place on the leaderboard.
	fn credit(epoch: u64, who: &T::AccountId, host: &mut Host<BalanceOf<T>>, weight: u64) {
		let gain = Params::<T>::get().reputation_gain;
		host.reputation = host.reputation.saturating_add(gain).min(MAX_REPUTATION);
		host.last_weight = EpochWeight { epoch, weight };
		if weight > 0 {
			RecentWeights::<T>::mutate(who, |recent| {
				// Full: the oldest gives way.
				recent.force_push(EpochWeight { epoch, weight });
			});
		}
		if host.status == HostStatus::Active {
			Self::enter_leaderboard(epoch, who, weight);
		}
	}

	/// `who`'s reputation as a share of the highest; nothing for accounts that are not hosts.
	pub fn reputation_share(who: &T::AccountId) -> Perbill {
		let reputation = Hosts::<T>::get(who).map_or(0, |host| host.reputation);
		Perbill::from_rational(reputation.min(MAX_REPUTATION), MAX_REPUTATION)
	}

	/// Punishes an inference that the marketplace's vote found forged as Proof-of-Compute
	/// fraud is punished, in the current epoch. A host already removed (for another forgery,
	/// or a failed reveal) is slashed again, and unbonds from now on: each forgery is its own
	/// fraud. Nothing happens to accounts that are not hosts.
	pub fn punish_forgery(who: &T::AccountId) {
		let Some(mut host) = Hosts::<T>::get(who) else { return };
		Self::punish(Self::current_epoch(), who, &mut host, SlashReason::Forgery);
		Hosts::<T>::insert(who, host);
	}

	/// Punishes a re-checker whose accusation the marketplace's dispute overturned, as fraud:
	/// it tried to have an honest host slashed.
	pub fn punish_false_accusation(who: &T::AccountId) {
		let Some(mut host) = Hosts::<T>::get(who).filter(|host| !host.is_removed()) else { return };
		Self::punish(Self::current_epoch(), who, &mut host, SlashReason::FalseAccusation);
		Hosts::<T>::insert(who, host);
	}

	/// Punishes a validator reported for equivocation (two blocks in one slot, two votes in
	/// one finality round) in `session` as fraud, in the current epoch: once per session, as
	/// the offences pallet hands over every offender of a slot again with each new report of
	/// it. A host already removed is slashed again (it may still sit in the current and the
	/// planned session); nothing happens to accounts that are not hosts (any more).
	pub fn punish_equivocation(who: &T::AccountId, session: u32) {
		if PunishedEquivocations::<T>::contains_key(session, who) {
			return;
		}
		let Some(mut host) = Hosts::<T>::get(who) else { return };
		PunishedEquivocations::<T>::insert(session, who, ());
		Self::punish(Self::current_epoch(), who, &mut host, SlashReason::Equivocation);
		Hosts::<T>::insert(who, host);
	}

	/// Penalises a host the marketplace drew to re-check or to decide a dispute that gave no
	/// verdict in time, as downtime.
	pub fn punish_silent_checker(who: &T::AccountId) {
		let Some(mut host) = Hosts::<T>::get(who).filter(|host| !host.is_removed()) else { return };
		Self::penalise_downtime(Self::current_epoch(), who, &mut host, SlashReason::SilentChecker);
		Hosts::<T>::insert(who, host);
	}

	/// Punishes fraud, a failed reveal or forgery: slashes `fraud_slash`, zeroes reputation and removes the
	/// host, whose remaining collateral unbonds.
	pub(crate) fn punish(
		epoch: u64,
		who: &T::AccountId,
		host: &mut Host<BalanceOf<T>>,
		reason: SlashReason,
	) {
		let params = Params::<T>::get();
		Self::slash(who, host, params.fraud_slash, epoch, reason);
		host.reputation = 0;
		host.last_weight = EpochWeight { epoch, weight: 0 };
		// A fraudulent host loses its votes too.
		RecentWeights::<T>::remove(who);
		let unbonded = epoch.saturating_add(params.unbonding_epochs.into());
		let withdrawable_from =
			host.status.withdrawable_from().map_or(unbonded, |w| w.max(unbonded));
		let newly_removed = !host.is_removed();
		host.status = HostStatus::Removed { withdrawable_from };
		if newly_removed {
			Self::deposit_event(Event::HostRemoved { host: who.clone(), epoch });
		}
	}
}

impl<T: Config> HostRegistry<T::AccountId> for Pallet<T> {
	fn is_host(who: &T::AccountId) -> bool {
		Hosts::<T>::get(who).is_some_and(|host| Self::takes_part(&host, Self::current_epoch()))
	}

	fn acting_for(signer: &T::AccountId) -> T::AccountId {
		Pallet::<T>::acting_for(signer)
	}

	fn acting_for_weight() -> Weight {
		Pallet::<T>::acting_for_weight()
	}

	fn samples_for(who: &T::AccountId, base: u32) -> u32 {
		Pallet::<T>::samples_for(who, base)
	}

	fn backed_weight(who: &T::AccountId, hits: u64) -> u64 {
		Pallet::<T>::backed_weight(who, hits)
	}

	fn max_weight_share() -> Perbill {
		Params::<T>::get().max_weight_share
	}

	fn validator_share() -> Perbill {
		Params::<T>::get().validator_reward_share
	}

	fn on_settled(epoch: u64, who: &T::AccountId, result: &HostResult) {
		let Some(mut host) = Hosts::<T>::get(who) else { return };
		match result.outcome {
			Outcome::Accepted | Outcome::AcceptedOnReveal => {
				Self::credit(epoch, who, &mut host, result.weight)
			}
			// Nobody judged the host: no weight, no reputation, no punishment.
			Outcome::Unvalidated => return,
			Outcome::Rejected => Self::punish(epoch, who, &mut host, SlashReason::Fraud),
		}
		Hosts::<T>::insert(who, host);
	}

	fn on_validator_silent(epoch: u64, who: &T::AccountId) {
		// A host removed for fraud since it sealed can no longer open: it was punished.
		let Some(mut host) = Hosts::<T>::get(who).filter(|host| !host.is_removed()) else {
			return;
		};
		Self::penalise_downtime(epoch, who, &mut host, SlashReason::SilentValidator);
		Hosts::<T>::insert(who, host);
	}

	fn on_validator_outvoted(epoch: u64, who: &T::AccountId, slash: bool) {
		let Some(mut host) = Hosts::<T>::get(who) else { return };
		if slash {
			Self::penalise_downtime(epoch, who, &mut host, SlashReason::OutvotedValidator);
		} else {
			host.reputation = host.reputation.saturating_sub(Params::<T>::get().reputation_loss);
			Self::deposit_event(Event::ValidatorOutvoted {
				host: who.clone(),
				epoch,
				reputation: host.reputation,
			});
		}
		Hosts::<T>::insert(who, host);
	}

	fn on_epoch_settled(epoch: u64, summary: &EpochSummary) {
		Self::close_leaderboard(epoch);
		Self::remember_epoch(epoch, summary);
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &T::AccountId) {
		Self::register_funded(who);
	}
}
