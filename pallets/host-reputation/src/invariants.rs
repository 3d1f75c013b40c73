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
	/// exceeds the maximum; every operator key belongs to a registered host that lists it, is
	/// no host itself, and at most one acts for a host in the epoch in progress.
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
		let epoch = Self::current_epoch();
		let mut keys = 0usize;
		for (host, operators) in Operators::<T>::iter() {
			ensure!(
				Hosts::<T>::contains_key(&host),
				"an operator acts for an account that is no host"
			);
			ensure!(!operators.is_empty(), "a host is stored with no operator key");
			let mut acting = 0usize;
			for operator in &operators {
				ensure!(!Hosts::<T>::contains_key(operator), "an operator is a host");
				let term =
					OperatedHosts::<T>::get(operator).ok_or("a host's operator key has no term")?;
				ensure!(term.host == host, "an operator key's term names another host");
				if term.acts_in(epoch) {
					acting.saturating_inc();
				}
				keys.saturating_inc();
			}
			ensure!(acting <= 1, "two operator keys act for one host");
		}
		ensure!(OperatedHosts::<T>::iter_keys().count() == keys, "an operator key has no host");
		Ok(())
	}
}
