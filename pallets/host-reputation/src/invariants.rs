//! The registry's invariants, checked by `try-state` and by the tests after every change:
//! collateral accounting always sums, counts match, reputations stay in range, operators
//! mirror their hosts.

use frame_support::ensure;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{
	BalanceOf, Config, HostCount, HostInfos, Hosts, OperatedHosts, Operators, Pallet,
	TotalCollateral, MAX_REPUTATION,
};

impl<T: Config> Pallet<T> {
	/// Every host's collateral is exactly what the currency holds for it, their sum is
	/// [`TotalCollateral`], [`HostCount`] counts them, each has its info, and no reputation
	/// exceeds the maximum; every operator belongs to a registered host, is no host itself,
	/// and [`OperatedHosts`] is [`Operators`] the other way round.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_operators()?;
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

	fn check_operators() -> Result<(), TryRuntimeError> {
		let mut operators = 0usize;
		for (host, operator) in Operators::<T>::iter() {
			ensure!(
				Hosts::<T>::contains_key(&host),
				"an operator acts for an account that is no host"
			);
			ensure!(!Hosts::<T>::contains_key(&operator), "an operator is a host");
			ensure!(
				OperatedHosts::<T>::get(&operator) == Some(host),
				"an operator's host is not recorded the other way round"
			);
			operators.saturating_inc();
		}
		ensure!(
			OperatedHosts::<T>::iter_keys().count() == operators,
			"an operator is recorded for no host"
		);
		Ok(())
	}
}
