//! Operator keys: a host's funds and collateral stay in its own (cold) account, and the node's
//! hot key submits the steps a running host makes on its behalf.
//!
//! A host names one operator ([`Pallet::set_operator`]) with the key's signed consent
//! ([`operator_consent_payload`], good until the key's next transaction), so that no host can
//! put another operator's node to work for it, nor name again a key that resigned. Proof-of-compute and the inference marketplace then treat what the operator signs
//! as the host's own submission ([`Pallet::acting_for`]): commitments, reveals, attestations,
//! serving, reports and verdicts are the host's, and so are the rewards and payments they earn.
//! The operator can do nothing else for the host: registration, collateral, withdrawal and the
//! choice of operator answer only to the host's own signature, and the operator's balance is
//! its own.
//!
//! **Changes take effect at the next epoch.** The key acting in an epoch holds its hits, its
//! commitment's leaves and its attestations' salts: a new key starts with the next epoch's
//! Sprint, and a replaced, removed or resigning key finishes the epoch in progress, and may
//! still report and judge the marketplace's jobs in the epoch after
//! ([`Pallet::acting_for_marketplace`]): the requests it served at the end of its last epoch
//! are reported, and re-checked, after it ends. Only registering the key as a host ends its
//! term at once. Each key's
//! [`OperatorTerm`] says in which epochs it acts; a host has at most [`MAX_OPERATOR_KEYS`]
//! (the one acting and the one taking over), and terms that ended are forgotten at the host's
//! next change of operator or when it leaves the registry.
//!
//! An operator is never a host itself: naming a host is refused, and an operator that
//! registers as a host stops operating at once (so naming someone's key cannot keep them
//! from becoming a host). One key operates one host at most, and can resign.

use alloc::vec::Vec;
use frame_support::{ensure, traits::Get, weights::Weight, BoundedVec};
use sp_runtime::{traits::Verify, DispatchResult};

use crate::{
	operator_consent_payload, Config, Error, Event, HostStatus, Hosts, OperatedHosts, OperatorTerm,
	Operators, Pallet,
};

impl<T: Config> Pallet<T> {
	/// The host whose steps `signer` submits: itself when it is a host, the host it operates
	/// when it is an operator acting in the epoch in progress, else itself (which, not being a
	/// host, can submit nothing).
	pub fn acting_for(signer: &T::AccountId) -> T::AccountId {
		Self::host_of_signer(signer, OperatorTerm::acts_in)
	}

	/// The host whose marketplace duties `signer` performs: as [`Pallet::acting_for`], and
	/// also a key in the epoch after its term, to report and judge the jobs it took on.
	pub fn acting_for_marketplace(signer: &T::AccountId) -> T::AccountId {
		Self::host_of_signer(signer, OperatorTerm::finishes_duties_in)
	}

	/// `signer` when it is a host, else the host of its term when `in_term` holds for the
	/// term and the epoch in progress, else `signer`.
	fn host_of_signer(
		signer: &T::AccountId,
		in_term: fn(&OperatorTerm<T::AccountId>, u64) -> bool,
	) -> T::AccountId {
		if Hosts::<T>::contains_key(signer) {
			return signer.clone();
		}
		match OperatedHosts::<T>::get(signer) {
			Some(term) if in_term(&term, Self::current_epoch()) => term.host,
			_ => signer.clone(),
		}
	}

	/// The most [`Pallet::acting_for`] or [`Pallet::acting_for_marketplace`] costs: reads of
	/// [`Hosts`], [`OperatedHosts`] and the sprint clock's epoch and phase, with the proof
	/// frame-benchmarking estimates for them.
	pub fn acting_for_weight() -> Weight {
		T::DbWeight::get().reads(4).saturating_add(Weight::from_parts(0, 6_400))
	}

	/// Makes `operator`, which signed `consent`, `host`'s operator from the next epoch on
	/// (or keeps it acting, when it is the key acting now); the key acting now, if another,
	/// finishes the epoch in progress, and a key that was to take over never does.
	pub(crate) fn appoint(
		host: &T::AccountId,
		operator: T::AccountId,
		consent: &T::OperatorConsent,
	) -> DispatchResult {
		let registered = Hosts::<T>::get(host).ok_or(Error::<T>::NotRegistered)?;
		ensure!(registered.status == HostStatus::Active, Error::<T>::NotActive);
		ensure!(!Hosts::<T>::contains_key(&operator), Error::<T>::OperatorIsHost);
		let nonce = frame_system::Pallet::<T>::account_nonce(&operator);
		ensure!(
			consent.verify(&operator_consent_payload(host, nonce)[..], &operator),
			Error::<T>::BadOperatorConsent
		);
		let epoch = Self::current_epoch();
		let mut keys = Self::prune(host, epoch);
		let mut term = OperatedHosts::<T>::get(&operator);
		if let Some(ended) = term.take_if(|term| term.ended_by(epoch)) {
			// A key whose term is over is free, whoever it operated.
			Self::forget_key(&ended.host, &operator);
		}
		if let Some(term) = &term {
			ensure!(term.host == *host, Error::<T>::OperatorTaken);
		}
		let next = epoch.saturating_add(1);
		keys.retain(|key| *key == operator || Self::retire(host, key, epoch));
		let from = term.filter(|term| term.acts_in(epoch)).map_or(next, |term| term.from);
		OperatedHosts::<T>::insert(
			&operator,
			OperatorTerm { host: host.clone(), from, until: None },
		);
		if !keys.contains(&operator) {
			keys.push(operator.clone());
		}
		// At most the key acting now and `operator`: the key that was to take over is gone.
		Operators::<T>::insert(host, BoundedVec::truncate_from(keys));
		Self::deposit_event(Event::OperatorSet { host: host.clone(), operator, from_epoch: from });
		Ok(())
	}

	/// Ends every operator key of `host` from the next epoch on (the one that was to take
	/// over, at once); whether any was still to act then.
	pub(crate) fn dismiss(host: &T::AccountId) -> bool {
		let epoch = Self::current_epoch();
		let before = Self::prune(host, epoch);
		let was_acting = before.iter().any(|key| Self::acts_after(key, epoch));
		let kept: Vec<_> =
			before.into_iter().filter(|key| Self::retire(host, key, epoch)).collect();
		Self::store_keys(host, kept);
		was_acting
	}

	/// The operator key `operator` stops acting for its host from the next epoch on (at once
	/// if it had not started).
	pub(crate) fn resign(operator: &T::AccountId) -> DispatchResult {
		let term = OperatedHosts::<T>::get(operator).ok_or(Error::<T>::NotAnOperator)?;
		let epoch = Self::current_epoch();
		ensure!(Self::acts_after(operator, epoch), Error::<T>::NotAnOperator);
		let mut keys = Operators::<T>::get(&term.host).into_inner();
		keys.retain(|key| key != operator || Self::retire(&term.host, key, epoch));
		Self::store_keys(&term.host, keys);
		Ok(())
	}

	/// `account` becomes a host: it stops operating at once.
	pub(crate) fn stop_operating(account: &T::AccountId) {
		let Some(term) = OperatedHosts::<T>::get(account) else { return };
		Self::forget_key(&term.host, account);
		let epoch = Self::current_epoch();
		if !term.ended_by(epoch) {
			Self::deposit_event(Event::OperatorRemoved {
				host: term.host,
				operator: account.clone(),
				from_epoch: epoch,
			});
		}
	}

	/// Forgets `host`'s operator key `key` at once.
	fn forget_key(host: &T::AccountId, key: &T::AccountId) {
		OperatedHosts::<T>::remove(key);
		let mut keys = Operators::<T>::get(host).into_inner();
		keys.retain(|kept| kept != key);
		Self::store_keys(host, keys);
	}

	/// `host` left the registry: its operator keys are forgotten at once.
	pub(crate) fn forget_operators(host: &T::AccountId) {
		let epoch = Self::current_epoch();
		for key in Operators::<T>::take(host) {
			let Some(term) = OperatedHosts::<T>::take(&key) else { continue };
			if !term.ended_by(epoch) {
				Self::deposit_event(Event::OperatorRemoved {
					host: host.clone(),
					operator: key,
					from_epoch: epoch,
				});
			}
		}
	}

	/// `host`'s keys, without those whose term ended by `epoch` (which are forgotten).
	fn prune(host: &T::AccountId, epoch: u64) -> Vec<T::AccountId> {
		let mut keys = Operators::<T>::get(host).into_inner();
		keys.retain(|key| {
			let ended = OperatedHosts::<T>::get(key).is_none_or(|term| term.ended_by(epoch));
			if ended {
				OperatedHosts::<T>::remove(key);
			}
			!ended
		});
		keys
	}

	/// Whether `key` acts in the epoch after `epoch`.
	fn acts_after(key: &T::AccountId, epoch: u64) -> bool {
		OperatedHosts::<T>::get(key).is_some_and(|term| term.acts_in(epoch.saturating_add(1)))
	}

	/// Ends `host`'s operator key `key` after `epoch`: a key acting in it finishes it, one
	/// that had not started is forgotten. Whether the key is kept (it acts in `epoch`).
	fn retire(host: &T::AccountId, key: &T::AccountId, epoch: u64) -> bool {
		let Some(mut term) = OperatedHosts::<T>::get(key) else { return false };
		let next = epoch.saturating_add(1);
		let ends = term.until.is_none_or(|until| until > next);
		if term.from > epoch {
			OperatedHosts::<T>::remove(key);
		} else {
			term.until = Some(next);
			OperatedHosts::<T>::insert(key, term);
		}
		if ends {
			Self::deposit_event(Event::OperatorRemoved {
				host: host.clone(),
				operator: key.clone(),
				from_epoch: next,
			});
		}
		OperatedHosts::<T>::contains_key(key)
	}

	fn store_keys(host: &T::AccountId, keys: Vec<T::AccountId>) {
		if keys.is_empty() {
			Operators::<T>::remove(host);
		} else {
			// A host never has more than the key acting and the one taking over.
			Operators::<T>::insert(host, BoundedVec::truncate_from(keys));
		}
	}
}

/// The consent proofs of the benchmarks: a fresh key and its signature.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Consent> {
	/// A new key that is no host and has sent no transaction, and its consent to operate
	/// `host`, of the kind that costs the most to check.
	fn operator_consenting_to(host: &AccountId) -> (AccountId, Consent);
}
