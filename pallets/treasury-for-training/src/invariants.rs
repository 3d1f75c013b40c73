//! The treasury's invariants, checked by `try-state` and by the runtime fuzzer after every
//! block: every grant made is recorded once, under an index below the count, with a purpose a
//! user can read; and money leaves the treasury only through grants, so what it holds and
//! what it granted together cover all the inference revenue it received.

use frame_support::{
	ensure,
	traits::{fungible::Inspect, Get},
};
use gonka_primitives::text::is_printable;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{BalanceOf, Config, GrantCount, Grants, Pallet, TotalReceived};

impl<T: Config> Pallet<T> {
	/// Checks the grants against their count and the treasury's balance against its income.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let count = GrantCount::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		let mut recorded = 0u32;
		let mut granted = BalanceOf::<T>::default();
		for (index, grant) in Grants::<T>::iter() {
			ensure!(index < count, "a grant's index is not below the count");
			ensure!(
				!grant.purpose.is_empty() && is_printable(&grant.purpose),
				"a grant's purpose is unreadable"
			);
			ensure!(grant.granted_at <= now, "a grant made in the future");
			granted.saturating_accrue(grant.amount);
			recorded.saturating_inc();
		}
		ensure!(recorded == count, "the grants are miscounted");
		let held = T::Currency::total_balance(&T::TreasuryAccount::get());
		ensure!(
			held.saturating_add(granted) >= TotalReceived::<T>::get(),
			"money left the treasury other than by a grant"
		);
		Ok(())
	}
}
