//! Payout: each accepted host receives the epoch's emission in proportion to the weight it
//! counts, to the last unit; the rest goes to the community pool, so that every epoch mints
//! exactly what it emits.

use frame_support::assert_ok;
use gonka_primitives::sprint::Phase;
use pallet_sprint::{EmissionSchedule, TotalEmitted};
use sp_runtime::Perbill;

use crate::{mock::*, EpochSummaries, Event, Results, Settling};

/// Emits `initial` every epoch.
fn emit(initial: u128) {
	let flat = EmissionSchedule { initial, decay_ppb: 0 };
	assert_ok!(Sprint::set_emission(RuntimeOrigin::root(), flat));
}

fn balance(who: u64) -> u128 {
	Balances::free_balance(who).into()
}

#[test]
fn rewards_follow_weight_to_the_last_unit_and_dust_goes_to_the_pool() {
	new_test_ext().execute_with(|| {
		emit(1_000_003);
		let issuance = Balances::total_issuance();
		commit_and_reveal(0, &[(1, 50), (2, 60), (3, 70)]);
		run_to_block(SETTLE + 1);
		// 1,000,003 · w / 180, rounded down: 277,778 + 333,334 + 388,890 = 1,000,002.
		for (host, reward) in [(1, 277_778), (2, 333_334), (3, 388_890)] {
			assert_eq!(balance(host), reward, "host {host}");
			assert_eq!(Results::<Test>::get(0, host).expect("settled").reward, reward);
		}
		assert_eq!(balance(POOL), 1);
		let summary = EpochSummaries::<Test>::get(0).expect("settled");
		assert_eq!((summary.emission, summary.rewarded), (1_000_003, 1_000_002));
		System::assert_has_event(RuntimeEvent::ProofOfCompute(Event::EpochRewarded {
			epoch: 0,
			emission: 1_000_003,
			to_hosts: 1_000_002,
			to_pool: 1,
		}));
		assert_eq!(Balances::total_issuance(), issuance + 1_000_003);
		assert_eq!(TotalEmitted::<Test>::get(), 1_000_003);
		assert!(Settling::<Test>::get().is_none());
	});
}

#[test]
fn shares_follow_the_weight_that_counts() {
	new_test_ext().execute_with(|| {
		MaxWeightShare::set(Perbill::from_percent(25));
		emit(1_200);
		// 25% of 180 is 45: counted 45 + 45 + 10 + 10 + 10 = 120.
		commit_and_reveal(0, &[(1, 100), (2, 50), (3, 10), (4, 10), (5, 10)]);
		run_to_block(SETTLE + 1);
		let rewards: Vec<u128> = (1..=5).map(balance).collect();
		assert_eq!(rewards, vec![450, 450, 100, 100, 100]);
		assert_eq!(balance(POOL), 0);
	});
}

#[test]
fn an_epoch_without_counted_weight_emits_to_the_pool() {
	new_test_ext().execute_with(|| {
		emit(5_000);
		run_to_block(SETTLE);
		assert_eq!(balance(POOL), 5_000, "nobody took part in epoch 0");
		System::assert_has_event(RuntimeEvent::ProofOfCompute(Event::EpochRewarded {
			epoch: 0,
			emission: 5_000,
			to_hosts: 0,
			to_pool: 5_000,
		}));
	});
}

#[test]
fn issuance_grows_by_each_epoch_s_emission() {
	new_test_ext().execute_with(|| {
		let schedule = EmissionSchedule { initial: 1_000_000, decay_ppb: 100_000_000 };
		assert_ok!(Sprint::set_emission(RuntimeOrigin::root(), schedule));
		let issuance = Balances::total_issuance();
		for epoch in 0..3 {
			commit_and_reveal(epoch, &[(1, 30), (2, 70)]);
			run_to_block(phase_start(epoch, Phase::Inference));
		}
		// 1,000,000 + 900,000 + 810,000.
		assert_eq!(TotalEmitted::<Test>::get(), 2_710_000);
		assert_eq!(Balances::total_issuance(), issuance + 2_710_000);
		assert_eq!(balance(1) + balance(2) + balance(POOL), 2_710_000);
	});
}
