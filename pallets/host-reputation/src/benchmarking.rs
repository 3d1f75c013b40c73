//! Benchmarks of the registry's calls and its downtime check, each on its most expensive
//! path: the longest metadata, a slash for every host checked, two operator keys to replace,
//! end or forget.

use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::Saturating;

use crate::{
	operators::BenchmarkHelper, BalanceOf, Call, Config, DowntimeCheck, HostInfo, HostStatus,
	Hosts, OperatedHosts, OperatorTerm, Operators, Pallet, Params, ReputationParams,
	MAX_ENDPOINT_LEN, MAX_HARDWARE_LEN, MAX_NAME_LEN,
};

/// The longest metadata that passes the checks.
fn longest_info() -> HostInfo {
	let mut endpoint = b"https://".to_vec();
	endpoint.resize(MAX_ENDPOINT_LEN as usize, b'h');
	HostInfo {
		name: BoundedVec::truncate_from(vec![b'a'; MAX_NAME_LEN as usize]),
		endpoint: BoundedVec::truncate_from(endpoint),
		hardware: BoundedVec::truncate_from(vec![b'a'; MAX_HARDWARE_LEN as usize]),
	}
}

/// The collateral registrations use: twice the minimum, at least 1,000 units.
fn collateral<T: Config>() -> BalanceOf<T> {
	Params::<T>::get().min_collateral.saturating_mul(2u32.into()).max(1_000u32.into())
}

/// An account with enough to register and top up many times over.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let plenty = collateral::<T>().saturating_mul(100u32.into());
	T::Currency::set_balance(&who, plenty);
	who
}

impl<T: Config> Pallet<T> {
	/// Registers `who`, funded, with the benchmarks' collateral (for other pallets' benchmarks).
	pub(crate) fn register_funded(who: &T::AccountId) {
		let plenty = collateral::<T>().saturating_mul(100u32.into());
		T::Currency::set_balance(who, plenty);
		let _ = Self::register(who, collateral::<T>(), longest_info());
	}
}

/// A host that left long enough ago to withdraw at once.
fn unbonded<T: Config>(who: &T::AccountId) {
	Pallet::<T>::register_funded(who);
	Hosts::<T>::mutate(who, |host| {
		if let Some(host) = host {
			host.status = HostStatus::Leaving { last_epoch: 0, withdrawable_from: 0 };
		}
	});
}

/// `host` with the most operator keys: one acting in the epoch in progress and one taking
/// over at the next; returns them.
fn two_operators<T: Config>(host: &T::AccountId) -> (T::AccountId, T::AccountId) {
	let epoch = Pallet::<T>::current_epoch();
	let (acting, _) = T::BenchmarkHelper::operator_consenting_to(host);
	let (next, _) = T::BenchmarkHelper::operator_consenting_to(host);
	for (key, from) in [(&acting, epoch), (&next, epoch.saturating_add(1))] {
		OperatedHosts::<T>::insert(key, OperatorTerm { host: host.clone(), from, until: None });
	}
	Operators::<T>::insert(host, BoundedVec::truncate_from(vec![acting.clone(), next.clone()]));
	(acting, next)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// The new host was another host's operator: that host loses it.
	#[benchmark]
	fn register_host() {
		let operated = funded::<T>("operated", 0);
		Pallet::<T>::register_funded(&operated);
		let (who, _) = two_operators::<T>(&operated);
		T::Currency::set_balance(&who, collateral::<T>().saturating_mul(100u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), collateral::<T>(), longest_info());
		assert!(Hosts::<T>::contains_key(&who));
		assert!(!OperatedHosts::<T>::contains_key(&who));
	}

	#[benchmark]
	fn add_collateral() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), collateral::<T>());
		assert_eq!(
			Hosts::<T>::get(&who).map(|host| host.collateral),
			Some(collateral::<T>().saturating_mul(2u32.into()))
		);
	}

	#[benchmark]
	fn set_host_info() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), longest_info());
	}

	#[benchmark]
	fn unregister() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Hosts::<T>::get(&who).is_some_and(|host| host.status != HostStatus::Active));
	}

	/// The host leaves with two operator keys, which are forgotten too.
	#[benchmark]
	fn withdraw_collateral() {
		let who = funded::<T>("host", 0);
		unbonded::<T>(&who);
		let (acting, _) = two_operators::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Hosts::<T>::contains_key(&who));
		assert!(!OperatedHosts::<T>::contains_key(&acting));
	}

	/// The host names a third key, whose term for another host just ended: the acting key
	/// is retired, the one taking over dropped, the other host's list cleaned, and the
	/// consent's signature checked.
	#[benchmark]
	fn set_operator() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		let (acting, next) = two_operators::<T>(&who);
		let (operator, consent) = T::BenchmarkHelper::operator_consenting_to(&who);
		// The key's last term, for another host, has just ended: that host forgets it.
		let other = funded::<T>("other", 0);
		Pallet::<T>::register_funded(&other);
		let epoch = Pallet::<T>::current_epoch();
		let ended = OperatorTerm { host: other.clone(), from: epoch, until: Some(epoch) };
		OperatedHosts::<T>::insert(&operator, ended);
		Operators::<T>::insert(&other, BoundedVec::truncate_from(vec![operator.clone()]));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), operator.clone(), consent);
		assert_eq!(Operators::<T>::get(&who).into_inner(), vec![acting, operator]);
		assert!(!OperatedHosts::<T>::contains_key(&next));
		assert!(Operators::<T>::get(&other).is_empty());
	}

	/// Both keys end: the acting one with the epoch, the one taking over at once.
	#[benchmark]
	fn remove_operator() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		let (acting, next) = two_operators::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(OperatedHosts::<T>::get(&acting).is_some_and(|term| term.until.is_some()));
		assert!(!OperatedHosts::<T>::contains_key(&next));
	}

	#[benchmark]
	fn resign_operator() {
		let who = funded::<T>("host", 0);
		Pallet::<T>::register_funded(&who);
		let (acting, _) = two_operators::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(acting.clone()));
		assert!(OperatedHosts::<T>::get(&acting).is_some_and(|term| term.until.is_some()));
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = ReputationParams { unbonding_epochs: 3, ..Params::<T>::get() };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// `n` hosts checked, every one obliged and missing, so every one is slashed. From 1: a
	/// check reads the registry's end once more than it has hosts, which a range from 0 would
	/// fit away.
	#[benchmark]
	fn check_downtime(n: Linear<1, 1_000>) {
		for index in 0..n {
			let who = funded::<T>("host", index);
			Pallet::<T>::register_funded(&who);
		}
		DowntimeCheck::<T>::put((1u64, None::<T::AccountId>));
		#[block]
		{
			Pallet::<T>::check_downtime(n);
		}
		// The page may hold the genesis's host in place of one of these (it is slashed too);
		// a mock's `MaxHosts` may have refused some.
		let full = collateral::<T>();
		let (mut registered, mut slashed) = (0u32, 0u32);
		for index in 0..n {
			let who: T::AccountId = account("host", index, 0);
			if let Some(host) = Hosts::<T>::get(&who) {
				registered.saturating_inc();
				if host.collateral < full {
					slashed.saturating_inc();
				}
			}
		}
		assert!(slashed.saturating_add(1) >= registered, "every host checked is slashed");
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_bench_ext(), crate::mock::Test);
}
