//! Fraud: 20% of the collateral to the community pool, reputation zeroed, the host removed
//! and its weight gone; every slash is an event with its reason.

use frame_support::assert_noop;
use pallet_proof_of_compute::{HostRegistry, Outcome};

use crate::{mock::*, Elected, Error, Event, HostStatus, SlashReason, TotalCollateral};

#[test]
fn fraud_slashes_a_fifth_into_the_pool_and_removes_the_host() {
	run(|| {
		register(1, 1_000);
		settle(0, 1, Outcome::Accepted, 10);
		settle(1, 1, Outcome::Rejected, 0);
		let host = host(1);
		assert_eq!(host.collateral, 800);
		assert_eq!(host.reputation, 0);
		assert_eq!(host.status, HostStatus::Removed { withdrawable_from: 3 });
		assert_eq!(host.last_weight.weight, 0);
		assert_eq!(free(POOL), 1 + 200);
		assert_eq!(free(1), BALANCE - 1_000, "nothing leaves the free balance");
		assert_eq!(TotalCollateral::<Test>::get(), 800 + 500);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostSlashed {
			host: 1,
			epoch: 1,
			reason: SlashReason::Fraud,
			amount: 200,
		}));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostRemoved {
			host: 1,
			epoch: 1,
		}));
		assert!(!<HostReputation as HostRegistry<u64>>::is_host(&1));
		assert_noop!(
			HostReputation::add_collateral(RuntimeOrigin::signed(1), 10),
			Error::<Test>::NotActive
		);
	});
}

#[test]
fn a_removed_host_is_not_elected() {
	run(|| {
		WithKeys::set(vec![1, 2]);
		register(1, 1_000);
		register(2, 1_000);
		settle(0, 1, Outcome::Accepted, 50);
		settle(0, 2, Outcome::Accepted, 40);
		close(0);
		assert_eq!(Elected::<Test>::get().1.len(), 2);
		settle(1, 1, Outcome::Rejected, 0);
		assert_eq!(HostReputation::validators(), vec![2]);
	});
}

#[test]
fn a_forged_inference_is_punished_as_fraud_in_the_current_epoch() {
	run(|| {
		register(1, 1_000);
		settle(0, 1, Outcome::Accepted, 10);
		assert!(HostReputation::reputation_share(&1) > sp_runtime::Perbill::zero());
		HostReputation::punish_forgery(&1);
		let host = host(1);
		assert_eq!(host.collateral, 800);
		assert_eq!(host.reputation, 0);
		assert!(matches!(host.status, HostStatus::Removed { .. }));
		assert_eq!(HostReputation::reputation_share(&1), sp_runtime::Perbill::zero());
		assert!(System::events().iter().any(|record| matches!(
			record.event,
			RuntimeEvent::HostReputation(Event::HostSlashed {
				host: 1,
				reason: SlashReason::Forgery,
				amount: 200,
				..
			})
		)));
		// Removed, it is slashed again for each other forgery, and not removed twice.
		let removals = || {
			System::events()
				.iter()
				.filter(|r| {
					matches!(r.event, RuntimeEvent::HostReputation(Event::HostRemoved { .. }))
				})
				.count()
		};
		assert_eq!(removals(), 1);
		HostReputation::punish_forgery(&1);
		assert_eq!(crate::mock::host(1).collateral, 640);
		assert_eq!(removals(), 1);
		// Not a host: nothing to punish.
		HostReputation::punish_forgery(&99);
	});
}

/// The attack: a validator removed for one equivocation still sits in the current and the
/// planned session, and equivocated again for free. Each session's offence is now punished,
/// a repeated report of the same one is not.
#[test]
fn an_equivocating_validator_is_punished_as_fraud_once_per_session() {
	run(|| {
		register(1, 1_000);
		HostReputation::punish_equivocation(&1, 3);
		let host = host(1);
		assert_eq!(host.collateral, 800);
		assert!(matches!(host.status, HostStatus::Removed { .. }));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostSlashed {
			host: 1,
			epoch: 0,
			reason: SlashReason::Equivocation,
			amount: 200,
		}));
		// The offences pallet hands the slot's offenders over again with each new report.
		HostReputation::punish_equivocation(&1, 3);
		assert_eq!(crate::mock::host(1).collateral, 800);
		// Removed, it equivocates again in the next session: slashed again.
		HostReputation::punish_equivocation(&1, 4);
		assert_eq!(crate::mock::host(1).collateral, 640);
		HostReputation::punish_equivocation(&99, 4);
	});
}

#[test]
fn an_overturned_accuser_is_punished_as_fraud_and_a_silent_checker_as_downtime() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		settle(0, 1, Outcome::Accepted, 10);
		settle(0, 2, Outcome::Accepted, 10);
		HostReputation::punish_false_accusation(&1);
		let accuser = host(1);
		assert_eq!(accuser.collateral, 800);
		assert!(matches!(accuser.status, HostStatus::Removed { .. }));
		let reputation = host(2).reputation;
		HostReputation::punish_silent_checker(&2);
		let silent = host(2);
		assert!(silent.collateral < 1_000, "a downtime slash");
		assert!(silent.reputation < reputation);
		assert!(!matches!(silent.status, HostStatus::Removed { .. }), "still a host");
		let reasons: Vec<_> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::HostReputation(Event::HostSlashed { reason, .. }) => Some(reason),
				_ => None,
			})
			.collect();
		assert_eq!(reasons, vec![SlashReason::FalseAccusation, SlashReason::SilentChecker]);
	});
}
