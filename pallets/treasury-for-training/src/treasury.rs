//! Money in (inference revenue) and out (grants), and what the runtime API reports.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		ConstU32, Get,
	},
	BoundedVec,
};
use gonka_primitives::text::is_printable;
use sp_runtime::{DispatchResult, Saturating};

use crate::{
	BalanceOf, Config, Error, Event, Grant, GrantCount, GrantOf, Grants, Pallet, TotalReceived,
	TrainingFund, MAX_PURPOSE_LEN,
};

impl<T: Config> Pallet<T> {
	/// Pays a grant from the treasury and records it.
	pub(crate) fn make_grant(
		amount: BalanceOf<T>,
		beneficiary: T::AccountId,
		purpose: BoundedVec<u8, ConstU32<MAX_PURPOSE_LEN>>,
	) -> DispatchResult {
		ensure!(!purpose.is_empty() && is_printable(&purpose), Error::<T>::InvalidPurpose);
		T::Currency::transfer(
			&T::TreasuryAccount::get(),
			&beneficiary,
			amount,
			Preservation::Preserve,
		)
		.map_err(|_| Error::<T>::TreasuryTooLow)?;
		let index = GrantCount::<T>::get();
		let granted_at = frame_system::Pallet::<T>::block_number();
		Grants::<T>::insert(
			index,
			Grant { beneficiary: beneficiary.clone(), amount, purpose, granted_at },
		);
		GrantCount::<T>::put(index.saturating_add(1));
		Self::deposit_event(Event::Granted { index, beneficiary, amount });
		Ok(())
	}

	/// The treasury's spendable balance.
	pub fn balance() -> BalanceOf<T> {
		T::Currency::reducible_balance(
			&T::TreasuryAccount::get(),
			Preservation::Preserve,
			frame_support::traits::tokens::Fortitude::Polite,
		)
	}

	/// Up to `count` grants from index `from` on, with their indices.
	pub fn grants(from: u32, count: u32) -> Vec<(u32, GrantOf<T>)> {
		let end = from.saturating_add(count.min(1_000)).min(GrantCount::<T>::get());
		(from..end)
			.filter_map(|index| Grants::<T>::get(index).map(|grant| (index, grant)))
			.collect()
	}
}

impl<T: Config> TrainingFund<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn share_of(revenue: BalanceOf<T>) -> BalanceOf<T> {
		T::RevenueShare::get().mul_floor(revenue)
	}

	fn fund(payer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::transfer(payer, &T::TreasuryAccount::get(), amount, Preservation::Expendable)?;
		TotalReceived::<T>::mutate(|total| total.saturating_accrue(amount));
		Self::deposit_event(Event::Funded { payer: payer.clone(), amount });
		Ok(())
	}
}
