//! Leaving: a host stays one until its epoch ends and its collateral stays held, and
//! slashable, through the unbonding period; unregistering cannot escape a slash to come.

use frame_support::{assert_noop, assert_ok};
use pallet_proof_of_compute::{HostRegistry, Outcome};
use pallet_sprint::Phase;

use crate::{mock::*, Error, Event, HostCount, HostInfos, HostStatus, Hosts, SlashReason};

fn is_host(who: u64) -> bool {
	<HostReputation as HostRegistry<u64>>::is_host(&who)
}

#[test]
fn a_leaving_host_stays_one_until_its_epoch_ends() {
	run(|| {
		register(1, 200);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(1)));
		assert_eq!(host(1).status, HostStatus::Leaving { last_epoch: 0, withdrawable_from: 2 });
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostUnregistered {
			host: 1,
			last_epoch: 0,
			withdrawable_from: 2,
		}));
		assert!(is_host(1));
		run_to_block(phase_start(1, Phase::Sprint));
		assert!(!is_host(1));
		assert_noop!(
			HostReputation::unregister(RuntimeOrigin::signed(1)),
			Error::<Test>::NotActive
		);
	});
}

#[test]
fn collateral_is_withdrawn_only_after_unbonding() {
	run(|| {
		register(1, 200);
		assert_noop!(
			HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)),
			Error::<Test>::StillActive
		);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(1)));
		run_to_block(phase_start(1, Phase::Inference));
		assert_noop!(
			HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)),
			Error::<Test>::StillUnbonding
		);
		run_to_block(phase_start(2, Phase::Sprint));
		assert_ok!(HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), BALANCE);
		assert!(!Hosts::<Test>::contains_key(1) && !HostInfos::<Test>::contains_key(1));
		assert_eq!(HostCount::<Test>::get(), 1);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::CollateralWithdrawn {
			host: 1,
			amount: 200,
		}));
		assert_noop!(
			HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)),
			Error::<Test>::NotRegistered
		);
		// A former host may register afresh.
		register(1, 100);
		assert_eq!(host(1).registered_in, 2);
	});
}

#[test]
fn unregistering_does_not_escape_a_pending_fraud_slash() {
	run(|| {
		register(1, 1_000);
		run_to_block(phase_start(0, Phase::Reveal));
		// Host 1 committed fake hits and revealed; before the validators' verdicts it leaves.
		Revealed::set(vec![(0, 1)]);
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(1)));
		assert_noop!(
			HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)),
			Error::<Test>::StillUnbonding
		);
		run_to_block(phase_start(0, Phase::Settle));
		settle(0, 1, Outcome::Rejected, 0);
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostSlashed {
			host: 1,
			epoch: 0,
			reason: SlashReason::Fraud,
			amount: 200,
		}));
		assert_eq!(host(1).status, HostStatus::Removed { withdrawable_from: 2 });
		run_to_block(phase_start(2, Phase::Sprint));
		assert_ok!(HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), BALANCE - 200);
		// The pool also has the genesis host's 1% for missing epoch 1.
		assert_eq!(free(POOL), 1 + 200 + 5);
	});
}

/// The attack: a host forges inference, has itself removed for a failed Proof-of-Compute
/// epoch, and withdraws its collateral once it has unbonded, before the forgery is judged; the
/// forgery then cost it nothing (a removed host was not slashed again either). Now its
/// collateral stays while any job it served may still be judged, and the verdict slashes it.
#[test]
fn a_removed_host_cannot_withdraw_before_its_inference_jobs_are_judged() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		JobsOpen::set(vec![(1, 1)]);
		settle(0, 1, Outcome::Rejected, 0);
		assert_eq!(host(1).collateral, 800);
		let HostStatus::Removed { withdrawable_from } = host(1).status else { panic!("removed") };
		run_to_block(phase_start(withdrawable_from, Phase::Sprint));
		assert_noop!(
			HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)),
			Error::<Test>::JobsOpen
		);
		// The dispute decides: forged.
		HostReputation::punish_forgery(&1);
		JobsOpen::set(Vec::new());
		assert_eq!(host(1).collateral, 640);
		let HostStatus::Removed { withdrawable_from: later } = host(1).status else {
			panic!("removed")
		};
		assert!(later > withdrawable_from, "unbonds again from the new slash");
		run_to_block(phase_start(later, Phase::Sprint));
		assert_ok!(HostReputation::withdraw_collateral(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), BALANCE - 360);
	});
}
