//! Developers' inference deposits: what served requests are charged from. A withdrawal waits
//! `withdraw_delay` blocks, longer than any job lives, so that a request signed before it is
//! still charged; the part on its way out never counts for new requests.

use frame_support::{
	ensure,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::Precision,
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchResult,
};

use crate::{BalanceOf, Config, DepositOf, Deposits, Error, Event, HoldReason, Pallet, Params};

impl<T: Config> Pallet<T> {
	pub(crate) fn add_deposit(developer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::hold(&HoldReason::Deposit.into(), developer, amount)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
		Deposits::<T>::mutate(developer, |deposit| {
			let deposit = deposit.get_or_insert_with(Default::default);
			deposit.total = deposit.total.saturating_add(amount);
		});
		Self::deposit_event(Event::Deposited { developer: developer.clone(), amount });
		Ok(())
	}

	pub(crate) fn start_unlock(developer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut deposit = Deposits::<T>::get(developer).ok_or(Error::<T>::NotEnoughDeposit)?;
		ensure!(
			amount <= deposit.total.saturating_sub(deposit.unlocking),
			Error::<T>::NotEnoughDeposit
		);
		let now = frame_system::Pallet::<T>::block_number();
		deposit.unlocking = deposit.unlocking.saturating_add(amount);
		deposit.unlock_at = now.saturating_add(Params::<T>::get().withdraw_delay.into());
		Deposits::<T>::insert(developer, deposit);
		Self::deposit_event(Event::Unlocking {
			developer: developer.clone(),
			amount: deposit.unlocking,
			at: deposit.unlock_at,
		});
		Ok(())
	}

	pub(crate) fn finish_withdrawal(developer: &T::AccountId) -> DispatchResult {
		let mut deposit = Deposits::<T>::get(developer).ok_or(Error::<T>::NothingToWithdraw)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			!deposit.unlocking.is_zero() && now >= deposit.unlock_at,
			Error::<T>::NothingToWithdraw
		);
		let amount = T::Currency::release(
			&HoldReason::Deposit.into(),
			developer,
			deposit.unlocking.min(deposit.total),
			Precision::BestEffort,
		)?;
		deposit.total = deposit.total.saturating_sub(amount);
		deposit.unlocking = Zero::zero();
		Self::store_deposit(developer, deposit);
		Self::deposit_event(Event::Withdrawn { developer: developer.clone(), amount });
		Ok(())
	}

	/// Takes up to `cost` from `developer`'s deposit into escrow: what was taken.
	pub(crate) fn charge(developer: &T::AccountId, cost: BalanceOf<T>) -> BalanceOf<T> {
		let Some(mut deposit) = Deposits::<T>::get(developer) else { return Zero::zero() };
		let wanted = cost.min(deposit.total);
		let Ok(released) = T::Currency::release(
			&HoldReason::Deposit.into(),
			developer,
			wanted,
			Precision::BestEffort,
		) else {
			return Zero::zero();
		};
		// The released funds are the developer's free balance now, held again at once.
		if T::Currency::hold(&HoldReason::Escrow.into(), developer, released).is_err() {
			let _ = T::Currency::hold(&HoldReason::Deposit.into(), developer, released);
			return Zero::zero();
		}
		deposit.total = deposit.total.saturating_sub(released);
		deposit.unlocking = deposit.unlocking.min(deposit.total);
		Self::store_deposit(developer, deposit);
		released
	}

	/// Puts `amount` of `developer`'s escrow back into its deposit.
	pub(crate) fn return_to_deposit(developer: &T::AccountId, amount: BalanceOf<T>) {
		let Ok(released) = T::Currency::release(
			&HoldReason::Escrow.into(),
			developer,
			amount,
			Precision::BestEffort,
		) else {
			return;
		};
		if T::Currency::hold(&HoldReason::Deposit.into(), developer, released).is_ok() {
			Deposits::<T>::mutate(developer, |deposit| {
				let deposit = deposit.get_or_insert_with(Default::default);
				deposit.total = deposit.total.saturating_add(released);
			});
		}
	}

	fn store_deposit(developer: &T::AccountId, deposit: DepositOf<T>) {
		if deposit.total.is_zero() {
			Deposits::<T>::remove(developer);
		} else {
			Deposits::<T>::insert(developer, deposit);
		}
	}

	/// What `developer` can have new requests charged: its deposit less what is unlocking.
	pub fn available_deposit(developer: &T::AccountId) -> BalanceOf<T> {
		Deposits::<T>::get(developer)
			.map_or_else(Zero::zero, |deposit| deposit.total.saturating_sub(deposit.unlocking))
	}

	/// What `who` has held in escrow for reported jobs.
	pub fn escrowed(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::Escrow.into(), who)
	}
}
