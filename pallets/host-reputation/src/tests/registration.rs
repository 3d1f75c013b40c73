//! Registration: collateral goes on hold, the registry counts and describes its hosts, and
//! every way to get it wrong is refused without losing anything.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};

use crate::{mock::*, Error, Event, HoldReason, HostCount, HostInfos, HostStatus, TotalCollateral};

#[test]
fn registering_holds_the_collateral() {
	run(|| {
		register(1, 300);
		assert_eq!(free(1), BALANCE - 300);
		assert_eq!(Balances::balance_on_hold(&HoldReason::Collateral.into(), &1), 300);
		let host = host(1);
		assert_eq!((host.collateral, host.reputation, host.status), (300, 0, HostStatus::Active));
		assert_eq!(HostInfos::<Test>::get(1), Some(info("h")));
		assert_eq!((HostCount::<Test>::get(), TotalCollateral::<Test>::get()), (2, 800));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostRegistered {
			host: 1,
			collateral: 300,
		}));
	});
}

#[test]
fn genesis_hosts_are_registered_with_their_collateral_held() {
	run(|| {
		assert_eq!(host(GENESIS_HOST).collateral, 500);
		assert_eq!(free(GENESIS_HOST), BALANCE - 500);
		assert!(<HostReputation as pallet_proof_of_compute::HostRegistry<u64>>::is_host(
			&GENESIS_HOST
		));
	});
}

#[test]
fn bad_registrations_are_refused() {
	run(|| {
		assert_noop!(
			HostReputation::register_host(RuntimeOrigin::signed(1), 99, info("h")),
			Error::<Test>::CollateralBelowMinimum
		);
		assert_noop!(
			HostReputation::register_host(RuntimeOrigin::signed(1), BALANCE + 1, info("h")),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			HostReputation::register_host(RuntimeOrigin::signed(GENESIS_HOST), 100, info("h")),
			Error::<Test>::AlreadyRegistered
		);
		MaxHosts::set(1);
		assert_noop!(
			HostReputation::register_host(RuntimeOrigin::signed(1), 100, info("h")),
			Error::<Test>::TooManyHosts
		);
	});
}

#[test]
fn collateral_can_be_added_by_an_active_host_only() {
	run(|| {
		register(1, 100);
		assert_ok!(HostReputation::add_collateral(RuntimeOrigin::signed(1), 50));
		assert_eq!(host(1).collateral, 150);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::CollateralAdded {
			host: 1,
			amount: 50,
			collateral: 150,
		}));
		assert_noop!(
			HostReputation::add_collateral(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			HostReputation::add_collateral(RuntimeOrigin::signed(1), BALANCE),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			HostReputation::add_collateral(RuntimeOrigin::signed(2), 50),
			Error::<Test>::NotRegistered
		);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(1)));
		assert_noop!(
			HostReputation::add_collateral(RuntimeOrigin::signed(1), 50),
			Error::<Test>::NotActive
		);
	});
}
