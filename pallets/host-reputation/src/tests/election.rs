//! The validator set: the hosts with the most weight of the last settled epoch that have
//! session keys, at most `MaxValidators`; the current set stays when none qualifies.

use frame_support::assert_ok;
use pallet_proof_of_compute::Outcome;
use pallet_session::SessionManager;
use pallet_sprint::Phase;

use crate::{mock::*, Elected, Event};

#[test]
fn the_heaviest_hosts_with_keys_are_elected() {
	run(|| {
		WithKeys::set(vec![1, 2, 3, 4]);
		for who in 1..=5 {
			register(who, 1_000);
		}
		for (who, weight) in [(1, 10), (2, 40), (3, 30), (4, 20), (5, 90)] {
			settle(0, who, Outcome::Accepted, weight);
		}
		// Not yet: the settlement has not closed.
		assert_eq!(HostReputation::new_session(1), None);
		close(0);
		// Host 5 has no keys; three places.
		assert_eq!(HostReputation::new_session(1), Some(vec![2, 3, 4]));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::ValidatorsElected {
			session: 1,
			epoch: 0,
			validators: vec![2, 3, 4],
		}));
	});
}

#[test]
fn equal_weight_keeps_the_earlier_settled_ahead() {
	run(|| {
		WithKeys::set(vec![1, 2, 3, 4]);
		for who in 1..=4 {
			register(who, 1_000);
			settle(0, who, Outcome::Accepted, 10);
		}
		close(0);
		assert_eq!(HostReputation::new_session(1), Some(vec![1, 2, 3]));
	});
}

#[test]
fn without_qualified_hosts_the_current_set_stays() {
	run(|| {
		register(1, 1_000);
		settle(0, 1, Outcome::Accepted, 10);
		close(0);
		assert_eq!(HostReputation::new_session(1), None, "no keys");
		WithKeys::set(vec![1]);
		settle(1, 1, Outcome::Rejected, 0);
		close(1);
		assert_eq!(HostReputation::new_session(2), None, "no weight");
		assert_eq!(Elected::<Test>::get(), (1, Default::default()));
	});
}

#[test]
fn a_host_that_left_loses_its_seat() {
	run(|| {
		WithKeys::set(vec![1, 2]);
		register(1, 1_000);
		register(2, 1_000);
		settle(0, 1, Outcome::Accepted, 10);
		settle(0, 2, Outcome::Accepted, 20);
		close(0);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(2)));
		assert_eq!(HostReputation::new_session(1), Some(vec![2, 1]), "still a host in epoch 0");
		run_to_block(phase_start(1, Phase::Sprint));
		assert_eq!(HostReputation::new_session(2), Some(vec![1]));
		WithKeys::set(vec![]);
		assert_eq!(HostReputation::new_session(3), None, "keys removed");
	});
}
