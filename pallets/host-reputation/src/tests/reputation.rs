//! Reputation: up by 100/30 points per honest epoch, down on a missed one, zero on fraud;
//! the more of it, the fewer samples a host answers for.

use pallet_proof_of_compute::Outcome;
use pallet_sprint::Phase;

use crate::{mock::*, Hosts, MAX_REPUTATION};

#[test]
fn thirty_honest_epochs_make_full_reputation() {
	run(|| {
		register(1, 100);
		for epoch in 0..29 {
			settle(epoch, 1, Outcome::Accepted, 10);
		}
		assert!(host(1).reputation < MAX_REPUTATION, "29 epochs fall short");
		settle(29, 1, Outcome::AcceptedOnReveal, 10);
		assert_eq!(host(1).reputation, MAX_REPUTATION);
		settle(30, 1, Outcome::Accepted, 10);
		assert_eq!(host(1).reputation, MAX_REPUTATION, "never beyond the maximum");
	});
}

#[test]
fn a_missed_epoch_costs_reputation_and_fraud_all_of_it() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		for epoch in 0..9 {
			settle(epoch, 1, Outcome::Accepted, 10);
			settle(epoch, 2, Outcome::Accepted, 10);
		}
		assert_eq!(host(1).reputation, 9 * 334);
		// Epoch 1 (both registered in epoch 0): host 1 reveals, host 2 does not.
		Revealed::set(vec![(1, 1)]);
		run_to_block(phase_start(1, Phase::Settle));
		assert_eq!(host(1).reputation, 9 * 334);
		assert_eq!(host(2).reputation, 9 * 334 - 1_000);
		settle(1, 1, Outcome::Rejected, 0);
		assert_eq!(host(1).reputation, 0);
	});
}

#[test]
fn samples_fall_with_reputation_to_the_minimum_share() {
	run(|| {
		register(1, 100);
		assert_eq!(HostReputation::samples_for(&1, 64), 64, "a new host answers for all");
		assert_eq!(HostReputation::samples_for(&7, 64), 64, "so does a stranger");
		Hosts::<Test>::mutate(1, |h| h.as_mut().expect("registered").reputation = 5_000);
		// Half the reputation spares half of the 75% that can be spared.
		assert_eq!(HostReputation::samples_for(&1, 64), 40);
		Hosts::<Test>::mutate(1, |h| h.as_mut().expect("registered").reputation = MAX_REPUTATION);
		assert_eq!(HostReputation::samples_for(&1, 64), 16);
		assert_eq!(HostReputation::samples_for(&1, 8), 4, "never below four samples");
		assert_eq!(HostReputation::samples_for(&1, 1), 4, "whatever the base");
	});
}
