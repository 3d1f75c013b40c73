//! The registry's invariants, checked by `try-state` and by the tests after every change:
//! collateral accounting always sums, counts match, reputations stay in range.

use frame_support::ensure;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{
	BalanceOf, Config, HostCount, HostInfos, Hosts, Pallet, TotalCollateral, MAX_REPUTATION,
};

impl<T: Config> Pallet<T> {
	/// Every host's collateral is exactly what the currency holds for it, their sum is
	/// [`TotalCollateral`], [`HostCount`] counts them, each has its info, and no reputation
	/// exceeds the maximum.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut total = BalanceOf::<T>::default();
		let mut count = 0u32;
		for (who, host) in Hosts::<T>::iter() {
			ensure!(
				host.collateral == Self::collateral_on_hold(&who),
				"a host's collateral differs from what is on hold for it"
			);
			ensure!(host.reputation <= MAX_REPUTATION, "a reputation exceeds the maximum");
			ensure!(HostInfos::<T>::contains_key(&who), "a host has no info");
			total.saturating_accrue(host.collateral);
			count.saturating_inc();
		}
		ensure!(total == TotalCollateral::<T>::get(), "collateral does not sum to the total");
		ensure!(count == HostCount::<T>::get(), "the host count is wrong");
		ensure!(
			HostInfos::<T>::iter_keys().count() == count as usize,
			"info is left for an account that is no host"
		);
		Ok(())
	}
}
