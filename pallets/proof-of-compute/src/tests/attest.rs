//! Attestations: validators are drawn for each host, attest once each, and the runtime counts
//! mismatches; everything else is refused with its own error.

use frame_support::{assert_noop, assert_ok};
use gonka_primitives::Distance;

use crate::{mock::*, Error, Event, Verdicts};

#[test]
fn every_host_gets_v_validators_and_each_attests_once() {
	new_test_ext().execute_with(|| {
		let hosts: Vec<(u64, u32)> = (1..=6).map(|h| (h, 40)).collect();
		commit_and_reveal(0, &hosts);
		let mut per_host = [0u32; 7];
		for validator in 1..=6 {
			for host in attest_duties(validator, honestly) {
				assert_ne!(host, validator);
				per_host[host as usize] += 1;
			}
		}
		assert_eq!(&per_host[1..], &[PARAMS.validators_per_host; 6]);
		// Every duty is done: none is listed again, and a second attestation is refused.
		for validator in 1..=6 {
			assert!(ProofOfCompute::validation_duties(&validator).iter().all(|d| d.attested));
		}
		let (host, validator) = (1, Verdicts::<Test>::get(0, 1)[0].validator);
		assert_noop!(
			ProofOfCompute::attest(
				RuntimeOrigin::signed(validator),
				0,
				host,
				claimed_distances(0, host)
			),
			Error::<Test>::AlreadyAttested
		);
	});
}

#[test]
fn mismatches_are_counted_and_decide_the_verdict() {
	new_test_ext().execute_with(|| {
		commit_and_reveal(0, &[(1, 40), (2, 40)]);
		let mut distances = claimed_distances(0, 1);
		let n = distances.len() as u32;
		// Within tolerance: not a mismatch; beyond it: one.
		distances[0] = Distance(distances[0].0 + PARAMS.tolerance);
		distances[1] = Distance(distances[1].0 + PARAMS.tolerance + 1);
		assert_ok!(ProofOfCompute::attest(RuntimeOrigin::signed(2), 0, 1, distances));
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::Attested {
			epoch: 0,
			host: 1,
			validator: 2,
			mismatches: 1,
			passed: false,
		}));
		assert!(n >= 2);
		assert_ok!(ProofOfCompute::attest(RuntimeOrigin::signed(1), 0, 2, claimed_distances(0, 2)));
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::Attested {
			epoch: 0,
			host: 2,
			validator: 1,
			mismatches: 0,
			passed: true,
		}));
	});
}

#[test]
fn attestations_out_of_turn_are_refused_each_with_its_error() {
	new_test_ext().execute_with(|| {
		let hosts: Vec<(u64, u32)> = (1..=6).map(|h| (h, 40)).collect();
		run_to_block(COMMIT);
		commit_and_reveal(0, &hosts);
		let attest = |validator: u64, host: u64, distances| {
			ProofOfCompute::attest(RuntimeOrigin::signed(validator), 0, host, distances)
		};
		assert_noop!(attest(12, 1, claimed_distances(0, 1)), Error::<Test>::NotAHost);
		assert_noop!(attest(1, 1, claimed_distances(0, 1)), Error::<Test>::SelfValidation);
		assert_noop!(attest(1, 9, claimed_distances(0, 1)), Error::<Test>::NothingToValidate);
		// Host 9 is registered but revealed nothing, so it was never drawn.
		assert_noop!(attest(9, 1, claimed_distances(0, 1)), Error::<Test>::NotAssigned);
		let duty = ProofOfCompute::validation_duties(&1)[0].host;
		// Each host has V = 3 of its 5 others: some validator is not drawn for some host.
		let (validator, not_a_duty) = (1..=6u64)
			.find_map(|v| {
				let duties = ProofOfCompute::validation_duties(&v);
				(1..=6).find(|h| *h != v && duties.iter().all(|d| d.host != *h)).map(|h| (v, h))
			})
			.expect("18 seats among 30 pairs");
		assert_noop!(
			attest(validator, not_a_duty, claimed_distances(0, not_a_duty)),
			Error::<Test>::NotAssigned
		);
		let mut short = claimed_distances(0, duty);
		short.pop();
		assert_noop!(attest(1, duty, short), Error::<Test>::WrongDistanceCount);
		assert_noop!(
			ProofOfCompute::attest(RuntimeOrigin::signed(1), 1, duty, claimed_distances(0, duty)),
			Error::<Test>::WrongEpoch
		);
		run_to_block(SETTLE);
		assert_noop!(attest(1, duty, claimed_distances(0, duty)), Error::<Test>::WrongPhase);
		assert!(ProofOfCompute::validation_duties(&1).is_empty());
	});
}
