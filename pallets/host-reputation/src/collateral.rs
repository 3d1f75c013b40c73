//! Collateral: held on registration and top-ups, kept slashable through the unbonding period,
//! released on withdrawal, slashed into [`Config::OnSlash`].

use frame_support::{
	ensure,
	traits::{
		fungible::{BalancedHold, InspectHold, MutateHold},
		tokens::Precision,
		Get, Imbalance, OnUnbalanced,
	},
};
use pallet_sprint::EpochStatus;
use sp_runtime::{traits::Zero, DispatchResult, Perbill, Saturating};

use crate::{
	BalanceOf, Config, EpochWeight, Error, Event, HoldReason, Host, HostCount, HostInfo, HostInfos,
	HostStatus, Hosts, OpenJobs, Pallet, Params, RecentWeights, SlashReason, TotalCollateral,
};

impl<T: Config> Pallet<T> {
	/// The epoch in progress (0 before the clock starts).
	pub(crate) fn current_epoch() -> u64 {
		T::Sprint::status().map_or(0, |(epoch, _)| epoch.index)
	}

	/// Holds `amount` of `who`'s balance as collateral.
	fn hold(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::Collateral.into(), who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		TotalCollateral::<T>::mutate(|total| total.saturating_accrue(amount));
		Ok(())
	}

	/// Registers `who` with `collateral` and `info` (already checked).
	pub(crate) fn register(
		who: &T::AccountId,
		collateral: BalanceOf<T>,
		info: HostInfo,
	) -> DispatchResult {
		ensure!(!Hosts::<T>::contains_key(who), Error::<T>::AlreadyRegistered);
		ensure!(
			collateral >= Params::<T>::get().min_collateral,
			Error::<T>::CollateralBelowMinimum
		);
		let count = HostCount::<T>::get();
		ensure!(count < T::MaxHosts::get(), Error::<T>::TooManyHosts);
		Self::hold(who, collateral)?;
		Self::stop_operating(who);
		let epoch = Self::current_epoch();
		Hosts::<T>::insert(
			who,
			Host {
				collateral,
				reputation: 0,
				registered_in: epoch,
				status: HostStatus::Active,
				last_weight: EpochWeight::default(),
			},
		);
		HostInfos::<T>::insert(who, info);
		HostCount::<T>::put(count.saturating_add(1));
		Self::deposit_event(Event::HostRegistered { host: who.clone(), collateral });
		Ok(())
	}

	/// Adds `amount` to an active host's collateral.
	pub(crate) fn add(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut host = Hosts::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(host.status == HostStatus::Active, Error::<T>::NotActive);
		Self::hold(who, amount)?;
		host.collateral.saturating_accrue(amount);
		let collateral = host.collateral;
		Hosts::<T>::insert(who, host);
		Self::deposit_event(Event::CollateralAdded { host: who.clone(), amount, collateral });
		Ok(())
	}

	/// Starts an active host's departure at the end of the current epoch.
	pub(crate) fn leave(who: &T::AccountId) -> DispatchResult {
		let mut host = Hosts::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(host.status == HostStatus::Active, Error::<T>::NotActive);
		let last_epoch = Self::current_epoch();
		let withdrawable_from =
			last_epoch.saturating_add(Params::<T>::get().unbonding_epochs.into());
		host.status = HostStatus::Leaving { last_epoch, withdrawable_from };
		Hosts::<T>::insert(who, host);
		Self::deposit_event(Event::HostUnregistered {
			host: who.clone(),
			last_epoch,
			withdrawable_from,
		});
		Ok(())
	}

	/// Releases a former host's collateral once unbonded, and forgets it.
	pub(crate) fn withdraw(who: &T::AccountId) -> DispatchResult {
		let host = Hosts::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		let withdrawable_from = host.status.withdrawable_from().ok_or(Error::<T>::StillActive)?;
		ensure!(Self::current_epoch() >= withdrawable_from, Error::<T>::StillUnbonding);
		ensure!(T::Jobs::open_jobs(who) == 0, Error::<T>::JobsOpen);
		let amount = T::Currency::release(
			&HoldReason::Collateral.into(),
			who,
			host.collateral,
			Precision::BestEffort,
		)?;
		TotalCollateral::<T>::mutate(|total| total.saturating_reduce(host.collateral));
		Hosts::<T>::remove(who);
		HostInfos::<T>::remove(who);
		RecentWeights::<T>::remove(who);
		Self::forget_operators(who);
		HostCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		Self::deposit_event(Event::CollateralWithdrawn { host: who.clone(), amount });
		Ok(())
	}

	/// Takes `share` of `host`'s collateral for `reason` and hands it to `OnSlash`.
	pub(crate) fn slash(
		who: &T::AccountId,
		host: &mut Host<BalanceOf<T>>,
		share: Perbill,
		epoch: u64,
		reason: SlashReason,
	) {
		let wanted = share.mul_floor(host.collateral);
		let (credit, _missing) = T::Currency::slash(&HoldReason::Collateral.into(), who, wanted);
		let amount = credit.peek();
		T::OnSlash::on_unbalanced(credit);
		host.collateral.saturating_reduce(amount);
		TotalCollateral::<T>::mutate(|total| total.saturating_reduce(amount));
		Self::deposit_event(Event::HostSlashed { host: who.clone(), epoch, reason, amount });
	}

	/// What `who` has on hold as collateral, as the currency counts it.
	pub fn collateral_on_hold(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::Collateral.into(), who)
	}
}
