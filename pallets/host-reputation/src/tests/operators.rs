//! Operator keys: the node's hot key submits for its host, with its consent (good until its
//! next transaction) and from the next epoch on, and can do nothing else with the host's
//! account; a key operates one host at most, is never a host itself, and naming someone's key
//! cannot keep them from becoming a host.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use pallet_proof_of_compute::HostRegistry;
use pallet_sprint::Phase;
use sp_runtime::{testing::TestSignature, DispatchResult};

use crate::{
	mock::*, operator_consent_payload, Error, Event, HoldReason, HostStatus, OperatedHosts,
	Operators, Pallet,
};

const HOST: u64 = 1;
const OPERATOR: u64 = 2;

fn acting_for(signer: u64) -> u64 {
	<HostReputation as HostRegistry<u64>>::acting_for(&signer)
}

/// `host` names `operator`, which consents.
fn set(host: u64, operator: u64) -> DispatchResult {
	HostReputation::set_operator(RuntimeOrigin::signed(host), operator, consent(operator, host))
}

fn epoch() -> u64 {
	Pallet::<Test>::current_epoch()
}

fn next_epoch() {
	run_to_block(phase_start(epoch() + 1, Phase::Sprint));
}

fn removed(operator: u64, from_epoch: u64) -> RuntimeEvent {
	RuntimeEvent::HostReputation(Event::OperatorRemoved { host: HOST, operator, from_epoch })
}

/// `HOST` with `OPERATOR` acting for it.
fn with_operator() {
	register(HOST, 300);
	assert_ok!(set(HOST, OPERATOR));
	next_epoch();
	assert_eq!(acting_for(OPERATOR), HOST);
}

#[test]
fn an_operator_acts_for_its_host_from_the_next_epoch() {
	run(|| {
		register(HOST, 300);
		assert_ok!(set(HOST, OPERATOR));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::OperatorSet {
			host: HOST,
			operator: OPERATOR,
			from_epoch: 1,
		}));
		assert_eq!(acting_for(OPERATOR), OPERATOR, "not before the epoch ends");
		next_epoch();
		assert_eq!(acting_for(OPERATOR), HOST);
		assert_eq!(acting_for(HOST), HOST, "the host still signs for itself");
	});
}

/// The key acting in an epoch holds its hits, leaves and salts: a new one starts with the
/// next epoch, the old one finishes the epoch in progress, and a key named twice in one epoch
/// never acts.
#[test]
fn a_change_of_operator_waits_for_the_epoch_to_end() {
	run(|| {
		with_operator();
		assert_ok!(set(HOST, 3));
		assert_ok!(set(HOST, 4));
		System::assert_has_event(removed(OPERATOR, 2));
		System::assert_has_event(removed(3, 2));
		assert_eq!((acting_for(OPERATOR), acting_for(3), acting_for(4)), (HOST, 3, 4));
		next_epoch();
		assert_eq!((acting_for(OPERATOR), acting_for(3), acting_for(4)), (OPERATOR, 3, HOST));

		assert_ok!(HostReputation::remove_operator(RuntimeOrigin::signed(HOST)));
		System::assert_has_event(removed(4, 3));
		assert_eq!(acting_for(4), HOST, "it finishes the epoch");
		assert_noop!(
			HostReputation::remove_operator(RuntimeOrigin::signed(HOST)),
			Error::<Test>::NoOperator
		);
		next_epoch();
		assert_eq!(acting_for(4), 4);
		assert_eq!(
			Operators::<Test>::get(HOST).len(),
			1,
			"an ended term waits for the next change"
		);
	});
}

/// Attack (it succeeded before consent was required): a host front-runs a rival's
/// `setOperator`, naming the rival's node key its own operator, so that the rival's node
/// computes, serves and pays fees for it while the rival's host misses every epoch.
#[test]
fn no_host_puts_a_key_to_work_without_its_consent() {
	run(|| {
		register(HOST, 300);
		register(3, 300);
		let for_the_rival = consent(OPERATOR, HOST);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(3), OPERATOR, for_the_rival),
			Error::<Test>::BadOperatorConsent
		);
		let signed_by_another_key = TestSignature(3, operator_consent_payload(&3u64, 0u64));
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(3), OPERATOR, signed_by_another_key),
			Error::<Test>::BadOperatorConsent
		);
		assert_ok!(set(HOST, OPERATOR));
	});
}

/// Attack: a thief with the node's hot key tries to take the host's collateral, leave with it,
/// or hand the host to a key of its own. Every call acts on the operator's own account.
#[test]
fn a_stolen_operator_key_cannot_touch_the_hosts_funds_or_keys() {
	run(|| {
		with_operator();
		let (held, free_before) =
			(Balances::balance_on_hold(&HoldReason::Collateral.into(), &HOST), free(HOST));
		let thief = RuntimeOrigin::signed(OPERATOR);
		assert_noop!(HostReputation::unregister(thief.clone()), Error::<Test>::NotRegistered);
		assert_noop!(
			HostReputation::withdraw_collateral(thief.clone()),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			HostReputation::add_collateral(thief.clone(), 10),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			HostReputation::set_host_info(thief.clone(), info("stolen")),
			Error::<Test>::NotRegistered
		);
		assert_noop!(
			HostReputation::set_operator(thief.clone(), 3, consent(3, OPERATOR)),
			Error::<Test>::NotRegistered
		);
		assert_noop!(HostReputation::remove_operator(thief), Error::<Test>::NoOperator);
		assert_eq!(host(HOST).status, HostStatus::Active);
		assert_eq!(Balances::balance_on_hold(&HoldReason::Collateral.into(), &HOST), held);
		assert_eq!(free(HOST), free_before);
		assert_eq!(acting_for(OPERATOR), HOST);
	});
}

/// Attack: a host names another host, or another host's operator key, to submit (and so be
/// judged and paid) as that host.
#[test]
fn a_host_cannot_take_over_another_hosts_account_or_key() {
	run(|| {
		with_operator();
		register(3, 300);
		assert_noop!(set(3, OPERATOR), Error::<Test>::OperatorTaken);
		assert_noop!(set(3, HOST), Error::<Test>::OperatorIsHost);
		assert_noop!(set(3, 3), Error::<Test>::OperatorIsHost);
		assert_noop!(set(4, 5), Error::<Test>::NotRegistered);
		assert_eq!((acting_for(OPERATOR), acting_for(HOST), acting_for(3)), (HOST, HOST, 3));

		// Once its term is over the key is free for whoever it consents to.
		assert_ok!(HostReputation::remove_operator(RuntimeOrigin::signed(HOST)));
		next_epoch();
		assert_ok!(set(3, OPERATOR));
		assert_eq!((Operators::<Test>::get(HOST).len(), Operators::<Test>::get(3).len()), (0, 1));
	});
}

/// Attack: naming a rival's key as one's operator to keep the rival from registering.
#[test]
fn naming_someones_key_cannot_keep_them_from_becoming_a_host() {
	run(|| {
		with_operator();
		register(OPERATOR, 300);
		System::assert_has_event(removed(OPERATOR, 1));
		assert_eq!(acting_for(OPERATOR), OPERATOR, "a host submits for itself");
		assert!(Operators::<Test>::get(HOST).is_empty());
	});
}

/// Attack: a host keeps a key that resigned (or that it removed) by naming it again with the
/// consent the key gave long ago. A consent is good only until the key's next transaction.
#[test]
fn an_old_consent_cannot_bring_back_a_key_that_left() {
	run(|| {
		register(HOST, 300);
		let old_consent = consent(OPERATOR, HOST);
		assert_ok!(HostReputation::set_operator(
			RuntimeOrigin::signed(HOST),
			OPERATOR,
			old_consent.clone()
		));
		next_epoch();
		// The key resigns, in a transaction of its own (the pool's nonce check counts it).
		assert_ok!(HostReputation::resign_operator(RuntimeOrigin::signed(OPERATOR)));
		System::inc_account_nonce(OPERATOR);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(HOST), OPERATOR, old_consent),
			Error::<Test>::BadOperatorConsent
		);
		next_epoch();
		assert_eq!(acting_for(OPERATOR), OPERATOR);
		// A fresh consent names it again.
		assert_ok!(set(HOST, OPERATOR));
	});
}

/// A host that is leaving or was removed names no new key.
#[test]
fn only_an_active_host_names_an_operator() {
	run(|| {
		register(HOST, 300);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(HOST)));
		assert_noop!(set(HOST, OPERATOR), Error::<Test>::NotActive);
	});
}

/// The requests a key served at the end of its last epoch are reported in the next: it still
/// acts for its host in the marketplace then, not in Proof-of-Compute.
#[test]
fn a_replaced_key_finishes_its_marketplace_duties_in_the_next_epoch() {
	run(|| {
		with_operator();
		assert_ok!(set(HOST, 3));
		next_epoch();
		assert_eq!(acting_for(OPERATOR), OPERATOR);
		assert_eq!(HostReputation::acting_for_marketplace(&OPERATOR), HOST);
		assert_eq!(HostReputation::acting_for_marketplace(&3), HOST);
		next_epoch();
		assert_eq!(HostReputation::acting_for_marketplace(&OPERATOR), OPERATOR);
	});
}

#[test]
fn an_operator_key_can_resign() {
	run(|| {
		with_operator();
		assert_ok!(HostReputation::resign_operator(RuntimeOrigin::signed(OPERATOR)));
		System::assert_has_event(removed(OPERATOR, 2));
		assert_noop!(
			HostReputation::resign_operator(RuntimeOrigin::signed(OPERATOR)),
			Error::<Test>::NotAnOperator
		);
		assert_eq!(acting_for(OPERATOR), HOST, "it finishes the epoch");
		next_epoch();
		assert_eq!(acting_for(OPERATOR), OPERATOR);
	});
}

#[test]
fn leaving_the_registry_forgets_the_operators() {
	run(|| {
		with_operator();
		assert_ok!(set(HOST, 3));
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(HOST)));
		assert_eq!(acting_for(OPERATOR), HOST, "it still submits while the host is leaving");
		run_to_block(phase_start(epoch() + 5, Phase::Sprint));
		assert_ok!(HostReputation::withdraw_collateral(RuntimeOrigin::signed(HOST)));
		assert!(Operators::<Test>::get(HOST).is_empty());
		assert_eq!(
			(OperatedHosts::<Test>::get(OPERATOR), OperatedHosts::<Test>::get(3)),
			(None, None)
		);
	});
}
