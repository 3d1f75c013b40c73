//! Payout: each accepted host receives the hosts' part of the epoch's emission in proportion
//! to the weight it counts, to the last unit; validators receive theirs by the attestations
//! that agreed with the outcome, silent ones nothing; the rest goes to the community pool, so
//! that every epoch mints exactly what it emits.

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
		commit_reveal_and_attest(0, &[(1, 50), (2, 60), (3, 70)]);
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
			to_validators: 0,
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
		// The cap c = 25% of (2c + 30) is 15: counted 15 + 15 + 10 + 10 + 10 = 60.
		commit_reveal_and_attest(0, &[(1, 100), (2, 50), (3, 10), (4, 10), (5, 10)]);
		run_to_block(SETTLE + 1);
		let rewards: Vec<u128> = (1..=5).map(balance).collect();
		assert_eq!(rewards, vec![300, 300, 200, 200, 200]);
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
			to_validators: 0,
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
			commit_reveal_and_attest(epoch, &[(1, 30), (2, 70)]);
			run_to_block(phase_start(epoch, Phase::Inference));
		}
		// 1,000,000 + 900,000 + 810,000.
		assert_eq!(TotalEmitted::<Test>::get(), 2_710_000);
		assert_eq!(Balances::total_issuance(), issuance + 2_710_000);
		assert_eq!(balance(1) + balance(2) + balance(POOL), 2_710_000);
	});
}

#[test]
fn validators_are_paid_by_their_agreeing_attestations() {
	new_test_ext().execute_with(|| {
		ValidatorShare::set(Perbill::from_percent(5));
		emit(10_000);
		// Four equal hosts, each validated by the three others; host 4 never attests.
		commit_and_reveal(0, &[(1, 25), (2, 25), (3, 25), (4, 25)]);
		for validator in 1..=3 {
			attest_duties(validator, honestly);
		}
		run_to_block(SETTLE + 1);
		let summary = EpochSummaries::<Test>::get(0).expect("settled");
		// 2 agreeing verdicts on each of hosts 1-3, 3 on host 4.
		assert_eq!((summary.agreed_attestations, summary.validator_emission), (9, 500));
		for host in 1..=3 {
			let result = Results::<Test>::get(0, host).expect("settled");
			// 9,500 / 4 as a host; 500 · 3 / 9 as a validator.
			assert_eq!((result.reward, result.validator_reward), (2_375, 166), "host {host}");
			assert_eq!(balance(host), 2_375 + 166);
		}
		let silent = Results::<Test>::get(0, 4).expect("settled");
		assert_eq!((silent.reward, silent.validator_reward), (2_375, 0));
		assert_eq!(HeardSilent::get(), vec![(0, 4)]);
		System::assert_has_event(RuntimeEvent::ProofOfCompute(Event::EpochRewarded {
			epoch: 0,
			emission: 10_000,
			to_hosts: 9_500,
			to_validators: 498,
			to_pool: 2,
		}));
	});
}

#[test]
fn without_agreeing_attestations_the_validators_part_stays_with_the_hosts() {
	new_test_ext().execute_with(|| {
		ValidatorShare::set(Perbill::from_percent(5));
		emit(10_000);
		commit_and_reveal(0, &[(7, 30)]);
		run_to_block(SETTLE + 1);
		assert_eq!(balance(7), 10_000, "the one host of the epoch, accepted on its reveal");
	});
}
