//! Operator keys: the node's hot key submits for its host and can do nothing else with it; a
//! key operates one host at most, is never a host itself, and naming someone's key cannot keep
//! them from becoming a host.

use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use pallet_proof_of_compute::HostRegistry;
use pallet_sprint::Phase;

use crate::{mock::*, Error, Event, HoldReason, HostStatus, OperatedHosts, Operators};

const HOST: u64 = 1;
const OPERATOR: u64 = 2;

fn acting_for(signer: u64) -> u64 {
	<HostReputation as HostRegistry<u64>>::acting_for(&signer)
}

fn with_operator() {
	register(HOST, 300);
	assert_ok!(HostReputation::set_operator(RuntimeOrigin::signed(HOST), OPERATOR));
}

#[test]
fn an_operator_submits_for_its_host() {
	run(|| {
		assert_eq!(acting_for(OPERATOR), OPERATOR);
		with_operator();
		System::assert_has_event(RuntimeEvent::HostReputation(Event::OperatorSet {
			host: HOST,
			operator: OPERATOR,
		}));
		assert_eq!(acting_for(OPERATOR), HOST);
		assert_eq!(acting_for(HOST), HOST, "the host still signs for itself");
		assert_ok!(HostReputation::remove_operator(RuntimeOrigin::signed(HOST)));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::OperatorRemoved {
			host: HOST,
			operator: OPERATOR,
		}));
		assert_eq!(acting_for(OPERATOR), OPERATOR);
		assert_noop!(
			HostReputation::remove_operator(RuntimeOrigin::signed(HOST)),
			Error::<Test>::NoOperator
		);
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
		assert_noop!(HostReputation::set_operator(thief.clone(), 3), Error::<Test>::NotRegistered);
		assert_noop!(HostReputation::remove_operator(thief), Error::<Test>::NoOperator);
		assert_eq!(host(HOST).status, HostStatus::Active);
		assert_eq!(Balances::balance_on_hold(&HoldReason::Collateral.into(), &HOST), held);
		assert_eq!(free(HOST), free_before);
		assert_eq!(Operators::<Test>::get(HOST), Some(OPERATOR));
	});
}

/// Attack: a host names another host, or another host's operator key, to submit (and so be
/// judged and paid) as that host.
#[test]
fn a_host_cannot_take_over_another_hosts_account_or_key() {
	run(|| {
		with_operator();
		register(3, 300);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(3), OPERATOR),
			Error::<Test>::OperatorTaken
		);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(3), HOST),
			Error::<Test>::OperatorIsHost
		);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(3), 3),
			Error::<Test>::OperatorIsHost
		);
		assert_noop!(
			HostReputation::set_operator(RuntimeOrigin::signed(4), 5),
			Error::<Test>::NotRegistered
		);
		assert_eq!((acting_for(OPERATOR), acting_for(HOST), acting_for(3)), (HOST, HOST, 3));
	});
}

/// Attack: naming a rival's key as one's operator to keep the rival from registering.
#[test]
fn naming_someones_key_cannot_keep_them_from_becoming_a_host() {
	run(|| {
		with_operator();
		register(OPERATOR, 300);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::OperatorRemoved {
			host: HOST,
			operator: OPERATOR,
		}));
		assert_eq!(acting_for(OPERATOR), OPERATOR, "a host submits for itself");
		assert_eq!(Operators::<Test>::get(HOST), None);
	});
}

#[test]
fn a_new_operator_frees_the_old_one() {
	run(|| {
		with_operator();
		assert_ok!(HostReputation::set_operator(RuntimeOrigin::signed(HOST), 3));
		assert_eq!((acting_for(OPERATOR), acting_for(3)), (OPERATOR, HOST));
		assert_eq!(OperatedHosts::<Test>::get(OPERATOR), None);
		register(4, 300);
		assert_ok!(HostReputation::set_operator(RuntimeOrigin::signed(4), OPERATOR));
		assert_eq!(acting_for(OPERATOR), 4);
	});
}

#[test]
fn leaving_the_registry_frees_the_operator() {
	run(|| {
		with_operator();
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(HOST)));
		assert_eq!(acting_for(OPERATOR), HOST, "it still submits while the host unbonds");
		run_to_block(phase_start(2, Phase::Sprint));
		assert_ok!(HostReputation::withdraw_collateral(RuntimeOrigin::signed(HOST)));
		assert_eq!(
			(Operators::<Test>::get(HOST), OperatedHosts::<Test>::get(OPERATOR)),
			(None, None)
		);
		assert_eq!(acting_for(OPERATOR), OPERATOR);
	});
}
