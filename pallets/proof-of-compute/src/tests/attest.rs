//! Attestations: validators are drawn for each host, seal once each in the validate phase and
//! open once in the open phase; the opening must give the seal, and the runtime counts
//! mismatches; everything else is refused with its own error.

use frame_support::{assert_noop, assert_ok};
use gonka_primitives::{attestation::seal, Distance};

use crate::{mock::*, Error, Event, Opening, Verdicts};

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
		// Every duty is sealed, none opened yet, and a second seal is refused.
		for validator in 1..=6 {
			let duties = ProofOfCompute::validation_duties(&validator);
			assert!(duties.iter().all(|d| d.sealed && !d.opened));
		}
		let (host, validator) = (1, Verdicts::<Test>::get(0, 1)[0].validator);
		assert_noop!(
			ProofOfCompute::attest(RuntimeOrigin::signed(validator), 0, host, [1; 32]),
			Error::<Test>::AlreadyAttested
		);
		// At the open phase's first block every seal is opened: the duties say so.
		run_to_block(OPEN);
		for validator in 1..=6 {
			let duties = ProofOfCompute::validation_duties(&validator);
			assert!(!duties.is_empty() && duties.iter().all(|d| d.sealed && d.opened));
		}
		assert_noop!(
			ProofOfCompute::open_attestation(
				RuntimeOrigin::signed(validator),
				0,
				host,
				honest_values(0, host),
				SALT
			),
			Error::<Test>::AlreadyOpened
		);
	});
}

#[test]
fn mismatches_are_counted_and_decide_the_verdict() {
	new_test_ext().execute_with(|| {
		commit_and_reveal(0, &[(1, 40), (2, 40)]);
		let mut values = honest_values(0, 1);
		let n = values.len() as u32;
		assert!(n >= 2);
		// Within tolerance: not a mismatch; beyond it: one.
		values[0].distance = Distance(values[0].distance.0 + PARAMS.tolerance);
		values[1].distance = Distance(values[1].distance.0 + PARAMS.tolerance + 1);
		assert_ok!(ProofOfCompute::attest(
			RuntimeOrigin::signed(2),
			0,
			1,
			seal(&2u64, &values, &SALT)
		));
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::AttestationSealed {
			epoch: 0,
			host: 1,
			validator: 2,
		}));
		let honest = honest_values(0, 2);
		assert_ok!(ProofOfCompute::attest(
			RuntimeOrigin::signed(1),
			0,
			2,
			seal(&1u64, &honest, &SALT)
		));
		run_to_block(OPEN);
		let checks = values.iter().map(|v| v.check).collect::<Vec<_>>();
		assert_ok!(ProofOfCompute::open_attestation(RuntimeOrigin::signed(2), 0, 1, values, SALT));
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::Attested {
			epoch: 0,
			host: 1,
			validator: 2,
			mismatches: 1,
			passed: false,
		}));
		let opening = Verdicts::<Test>::get(0, 1)[0].opening.clone().expect("opened");
		assert_eq!(
			opening,
			Opening { mismatches: 1, passed: false, checks: checks.try_into().expect("bounded") }
		);
		assert_ok!(ProofOfCompute::open_attestation(RuntimeOrigin::signed(1), 0, 2, honest, SALT));
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
		commit_and_reveal(0, &hosts);
		let attest = |validator: u64, host: u64| {
			ProofOfCompute::attest(RuntimeOrigin::signed(validator), 0, host, [3; 32])
		};
		assert_noop!(attest(12, 1), Error::<Test>::NotAHost);
		assert_noop!(attest(1, 1), Error::<Test>::SelfValidation);
		assert_noop!(attest(1, 9), Error::<Test>::NothingToValidate);
		// Host 9 is registered but revealed nothing, so it was never drawn.
		assert_noop!(attest(9, 1), Error::<Test>::NotAssigned);
		let duty = ProofOfCompute::validation_duties(&1)[0].host;
		// Each host has V = 3 of its 5 others: some validator is not drawn for some host.
		let (validator, not_a_duty) = (1..=6u64)
			.find_map(|v| {
				let duties = ProofOfCompute::validation_duties(&v);
				(1..=6).find(|h| *h != v && duties.iter().all(|d| d.host != *h)).map(|h| (v, h))
			})
			.expect("18 seats among 30 pairs");
		assert_noop!(attest(validator, not_a_duty), Error::<Test>::NotAssigned);
		assert_noop!(
			ProofOfCompute::attest(RuntimeOrigin::signed(1), 1, duty, [3; 32]),
			Error::<Test>::WrongEpoch
		);
		let open = |values, salt| {
			ProofOfCompute::open_attestation(RuntimeOrigin::signed(1), 0, duty, values, salt)
		};
		assert_noop!(open(honest_values(0, duty), SALT), Error::<Test>::WrongPhase);
		assert_ok!(attest(1, duty));
		run_to_block(OPEN);
		assert_noop!(attest(1, duty), Error::<Test>::WrongPhase);
		// The opening must give the seal: `[3; 32]` is no hash of these values.
		assert_noop!(open(honest_values(0, duty), SALT), Error::<Test>::SealMismatch);
		assert_noop!(
			ProofOfCompute::open_attestation(
				RuntimeOrigin::signed(validator),
				0,
				not_a_duty,
				honest_values(0, not_a_duty),
				SALT
			),
			Error::<Test>::NotSealed
		);
		run_to_block(SETTLE);
		assert_noop!(open(honest_values(0, duty), SALT), Error::<Test>::WrongPhase);
		assert!(ProofOfCompute::validation_duties(&1).is_empty());
	});
}

#[test]
fn an_opening_with_the_wrong_number_of_values_is_refused() {
	new_test_ext().execute_with(|| {
		commit_and_reveal(0, &[(1, 40), (2, 40)]);
		let mut short = honest_values(0, 2);
		short.pop();
		assert_ok!(ProofOfCompute::attest(
			RuntimeOrigin::signed(1),
			0,
			2,
			seal(&1u64, &short, &SALT)
		));
		run_to_block(OPEN);
		assert_noop!(
			ProofOfCompute::open_attestation(RuntimeOrigin::signed(1), 0, 2, short, SALT),
			Error::<Test>::WrongValueCount
		);
	});
}

#[test]
fn nobody_can_open_a_copy_of_another_validators_seal() {
	new_test_ext().execute_with(|| {
		// Host 1 is validated by 2 and 3. Validator 3 copies 2's seal from the pool, and once
		// 2 opens it, replays 2's values and salt: the seal binds its author, so the copy
		// opens to nothing, and by then sealing is over.
		commit_and_reveal(0, &[(1, 40), (2, 40), (3, 40)]);
		let values = honest_values(0, 1);
		let sealed = seal(&2u64, &values, &SALT);
		assert_ok!(ProofOfCompute::attest(RuntimeOrigin::signed(2), 0, 1, sealed));
		assert_ok!(ProofOfCompute::attest(RuntimeOrigin::signed(3), 0, 1, sealed));
		run_to_block(OPEN);
		assert_ok!(ProofOfCompute::open_attestation(
			RuntimeOrigin::signed(2),
			0,
			1,
			values.clone(),
			SALT
		));
		assert_noop!(
			ProofOfCompute::open_attestation(RuntimeOrigin::signed(3), 0, 1, values, SALT),
			Error::<Test>::SealMismatch
		);
		assert_noop!(
			ProofOfCompute::attest(RuntimeOrigin::signed(3), 0, 1, [9; 32]),
			Error::<Test>::WrongPhase
		);
	});
}
