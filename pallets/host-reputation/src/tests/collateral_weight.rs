//! Collateral-backed weight: the free share needs none, the rest counts as far as collateral
//! covers it.

use frame_support::assert_ok;
use pallet_proof_of_compute::HostRegistry;
use sp_runtime::Perbill;

use crate::{mock::*, ReputationParams};

#[test]
fn weight_beyond_the_free_share_needs_collateral() {
	run(|| {
		// 10 per unit of weight: 300 covers 30 units.
		register(1, 300);
		assert_eq!(HostReputation::backed_weight(&1, 30), 30);
		// 100 hits: 20 free, 30 covered.
		assert_eq!(HostReputation::backed_weight(&1, 100), 50);
		assert_ok!(HostReputation::add_collateral(RuntimeOrigin::signed(1), 500));
		assert_eq!(HostReputation::backed_weight(&1, 100), 100);
		assert_eq!(HostReputation::backed_weight(&1, 10_000), 2_000 + 80);
		assert_eq!(HostReputation::backed_weight(&7, 100), 0, "a stranger earns nothing");
	});
}

#[test]
fn without_a_price_per_weight_all_of_it_counts() {
	run(|| {
		register(1, 100);
		let free = ReputationParams { collateral_per_weight: 0, ..params() };
		assert_ok!(HostReputation::set_params(RuntimeOrigin::root(), free));
		assert_eq!(HostReputation::backed_weight(&1, u64::MAX), u64::MAX);
	});
}

#[test]
fn the_share_cap_is_the_registry_parameter() {
	run(|| {
		assert_eq!(
			<HostReputation as HostRegistry<u64>>::max_weight_share(),
			Perbill::from_percent(25)
		);
	});
}
