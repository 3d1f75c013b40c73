//! Compute weight for governance: each host's weight within its epoch's cap, remembered for
//! 16 settled epochs, lost with fraud.

use pallet_proof_of_compute::{EpochSummary, HostRegistry, Outcome};

use crate::{mock::*, LastSettledEpoch, WEIGHT_HISTORY};

/// Closes `epoch` with a cap of `cap` and `counted` in all.
fn close_with(epoch: u64, cap: u64, counted: u64) {
	let summary =
		EpochSummary { weight_cap: Some(cap), counted_weight: counted, ..Default::default() };
	<HostReputation as HostRegistry<u64>>::on_epoch_settled(epoch, &summary);
}

#[test]
fn hosts_count_their_weight_within_the_cap_of_each_settled_epoch() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		assert_eq!(LastSettledEpoch::<Test>::get(), None);
		settle(0, 1, Outcome::Accepted, 100);
		settle(0, 2, Outcome::Accepted, 30);
		close_with(0, 40, 70);
		assert_eq!(LastSettledEpoch::<Test>::get(), Some(0));
		assert_eq!(HostReputation::counted_weight_in(0, &1), 40);
		assert_eq!(HostReputation::counted_weight_in(0, &2), 30);
		assert_eq!(HostReputation::counted_weight_in(0, &3), 0);
		assert_eq!(HostReputation::counted_total(0), 70);
		// Epoch 1's weight does not change what epoch 0 counted.
		settle(1, 1, Outcome::Accepted, 5);
		close_with(1, 1_000, 5);
		assert_eq!(HostReputation::counted_weight_in(0, &1), 40);
		assert_eq!(HostReputation::counted_weight_in(1, &1), 5);
	});
}

#[test]
fn old_epochs_are_forgotten_and_fraud_loses_the_votes() {
	run(|| {
		register(1, 1_000);
		for epoch in 0..=u64::from(WEIGHT_HISTORY) {
			settle(epoch, 1, Outcome::Accepted, 10);
			close_with(epoch, 100, 10);
		}
		assert_eq!(HostReputation::counted_weight_in(0, &1), 0, "epoch 0 is forgotten");
		assert_eq!(HostReputation::counted_total(0), 0);
		assert_eq!(HostReputation::counted_weight_in(1, &1), 10);
		settle(17, 1, Outcome::Rejected, 0);
		assert_eq!(HostReputation::counted_weight_in(16, &1), 0);
	});
}
