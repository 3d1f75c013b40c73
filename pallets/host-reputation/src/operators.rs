//! Operator keys: a host's funds and collateral stay in its own (cold) account, and the node's
//! hot key submits the steps a running host makes on its behalf.
//!
//! A host names one operator ([`Pallet::set_operator`]). Proof-of-compute and the inference
//! marketplace then treat what the operator signs as the host's own submission
//! ([`Pallet::acting_for`]): commitments, reveals, attestations, serving, reports and verdicts
//! are the host's, and so are the rewards and payments they earn. The operator can do nothing
//! else for the host: registration, collateral, withdrawal and the operator itself answer only
//! to the host's own signature, and the operator's own balance is its own.
//!
//! An operator is never a host itself: naming a host is refused, and an operator that
//! registers as a host stops operating (so naming someone's key cannot stop them from
//! becoming a host). One account operates one host at most.

use frame_support::{ensure, traits::Get, weights::Weight};
use sp_runtime::DispatchResult;

use crate::{Config, Error, Event, Hosts, OperatedHosts, Operators, Pallet};

impl<T: Config> Pallet<T> {
	/// The host whose steps `signer` submits: itself when it is a host, the host it operates
	/// when it is an operator, else itself (which, not being a host, can submit nothing).
	pub fn acting_for(signer: &T::AccountId) -> T::AccountId {
		if Hosts::<T>::contains_key(signer) {
			return signer.clone();
		}
		OperatedHosts::<T>::get(signer).unwrap_or_else(|| signer.clone())
	}

	/// The most [`Pallet::acting_for`] costs: two reads of maps keyed by account, each with
	/// the proof frame-benchmarking estimates for [`Hosts`] (the larger item).
	pub fn acting_for_weight() -> Weight {
		T::DbWeight::get().reads(2).saturating_add(Weight::from_parts(0, 5_168))
	}

	/// Makes `operator` the operator of `host`, replacing any other.
	pub(crate) fn appoint(host: &T::AccountId, operator: T::AccountId) -> DispatchResult {
		ensure!(Hosts::<T>::contains_key(host), Error::<T>::NotRegistered);
		ensure!(!Hosts::<T>::contains_key(&operator), Error::<T>::OperatorIsHost);
		if let Some(operated) = OperatedHosts::<T>::get(&operator) {
			ensure!(operated == *host, Error::<T>::OperatorTaken);
			return Ok(());
		}
		if let Some(previous) = Operators::<T>::get(host) {
			OperatedHosts::<T>::remove(previous);
		}
		Operators::<T>::insert(host, &operator);
		OperatedHosts::<T>::insert(&operator, host);
		Self::deposit_event(Event::OperatorSet { host: host.clone(), operator });
		Ok(())
	}

	/// Removes `host`'s operator, if it has one; whether it had.
	pub(crate) fn dismiss(host: &T::AccountId) -> bool {
		let Some(operator) = Operators::<T>::take(host) else { return false };
		OperatedHosts::<T>::remove(&operator);
		Self::deposit_event(Event::OperatorRemoved { host: host.clone(), operator });
		true
	}

	/// `account` becomes a host: whatever host it operated loses it as an operator.
	pub(crate) fn stop_operating(account: &T::AccountId) {
		if let Some(host) = OperatedHosts::<T>::get(account) {
			Self::dismiss(&host);
		}
	}
}
