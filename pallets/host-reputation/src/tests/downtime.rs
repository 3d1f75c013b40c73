//! Downtime: hosts registered before an epoch that do not commit in it are slashed a little,
//! a page of hosts per block from the validate phase on; hosts that commit and do not pass
//! their reveal are punished as for fraud; silent and outvoted validators lose reputation.

use frame_support::assert_ok;
use pallet_sprint::Phase;

use pallet_proof_of_compute::HostRegistry;

use crate::{mock::*, DowntimeCheck, Event, HostStatus, SlashReason};

#[test]
fn hosts_that_miss_an_epoch_are_slashed_a_little() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		run_to_block(phase_start(1, Phase::Sprint));
		register(3, 1_000);
		// In epoch 1, host 1 reveals; hosts 2 and 10 do not; host 3 registered in it.
		Revealed::set(vec![(1, 1)]);
		run_to_block(phase_start(1, Phase::Settle));
		assert_eq!(host(1).collateral, 1_000);
		assert_eq!(host(2).collateral, 990);
		assert_eq!(host(GENESIS_HOST).collateral, 495);
		assert_eq!(host(3).collateral, 1_000, "registered during the epoch: not obliged");
		assert_eq!(free(POOL), 1 + 10 + 5);
		let slashes: Vec<_> = System::read_events_for_pallet::<crate::Event<Test>>()
			.into_iter()
			.filter(|e| matches!(e, Event::HostSlashed { .. }))
			.collect();
		assert!(slashes.is_empty(), "the check ended before the settle phase");
		assert_eq!(DowntimeCheck::<Test>::get(), None);
	});
}

#[test]
fn the_check_walks_a_page_of_hosts_per_block() {
	run(|| {
		for who in 1..=5 {
			register(who, 1_000);
		}
		let validate = phase_start(1, Phase::Validate);
		run_to_block(validate);
		// Six hosts, two per block: three blocks, each slashing two.
		for block in validate..validate + 3 {
			run_to_block(block);
			let slashed = System::read_events_for_pallet::<crate::Event<Test>>()
				.into_iter()
				.filter(|e| {
					matches!(e, Event::HostSlashed { reason: SlashReason::Downtime, epoch: 1, .. })
				})
				.count();
			assert_eq!(slashed, 2, "block {block}");
		}
		run_to_block(validate + 3);
		assert_eq!(DowntimeCheck::<Test>::get(), None, "an empty page ends the check");
		for who in 1..=5 {
			assert_eq!(host(who).collateral, 990);
		}
	});
}

#[test]
fn a_leaving_host_answers_for_its_last_epoch_only() {
	run(|| {
		register(1, 1_000);
		run_to_block(phase_start(1, Phase::Sprint));
		assert_ok!(HostReputation::unregister(RuntimeOrigin::signed(1)));
		run_to_block(phase_start(2, Phase::Sprint));
		assert_eq!(host(1).collateral, 990, "missed epoch 1, its last");
		run_to_block(phase_start(2, Phase::Settle));
		assert_eq!(host(1).collateral, 990, "epoch 2 is not its to answer for");
	});
}

/// The attack revision 1 left open: a host commits an inflated tree and, when the challenge
/// would expose it, withholds its reveal, losing only a downtime slash. A commitment that is
/// not followed by a passing reveal is now fraud.
#[test]
fn a_host_that_commits_and_does_not_reveal_is_punished_as_fraud() {
	run(|| {
		register(1, 1_000);
		register(2, 1_000);
		run_to_block(phase_start(1, Phase::Sprint));
		register(3, 1_000);
		// Hosts 1 and 3 commit and never pass their reveals; host 2 does not commit.
		Committed::set(vec![(1, 1), (1, 3)]);
		let mut slashes = Vec::new();
		for block in phase_start(1, Phase::Validate)..phase_start(1, Phase::Settle) {
			run_to_block(block);
			slashes.extend(
				System::read_events_for_pallet::<crate::Event<Test>>()
					.into_iter()
					.filter(|e| matches!(e, Event::HostSlashed { .. })),
			);
		}
		for cheat in [1, 3] {
			assert_eq!(host(cheat).collateral, 800, "fraud_slash of 20%, host {cheat}");
			assert_eq!(host(cheat).reputation, 0);
			assert!(matches!(host(cheat).status, HostStatus::Removed { .. }));
			let slash = Event::HostSlashed {
				host: cheat,
				epoch: 1,
				reason: SlashReason::FailedReveal,
				amount: 200,
			};
			assert!(slashes.contains(&slash), "{slashes:?}");
		}
		assert_eq!(host(2).collateral, 990, "no commitment: downtime");
	});
}

#[test]
fn a_silent_validator_is_penalised_as_for_downtime() {
	run(|| {
		register(1, 1_000);
		let before = host(1).reputation;
		<HostReputation as HostRegistry<u64>>::on_validator_silent(1, &1);
		assert_eq!(host(1).collateral, 990);
		assert_eq!(host(1).reputation, before.saturating_sub(params().reputation_loss));
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostSlashed {
			host: 1,
			epoch: 1,
			reason: SlashReason::SilentValidator,
			amount: 10,
		}));
	});
}

#[test]
fn an_outvoted_validator_loses_reputation_and_is_slashed_when_it_repeats() {
	run(|| {
		register(1, 1_000);
		<HostReputation as HostRegistry<u64>>::on_validator_silent(0, &1);
		let start = host(1).reputation;
		let loss = params().reputation_loss;
		<HostReputation as HostRegistry<u64>>::on_validator_outvoted(1, &1, false);
		assert_eq!((host(1).collateral, host(1).reputation), (990, start.saturating_sub(loss)));
		<HostReputation as HostRegistry<u64>>::on_validator_outvoted(2, &1, true);
		assert_eq!(host(1).collateral, 990 - 9, "a repeat is slashed");
		System::assert_has_event(RuntimeEvent::HostReputation(Event::HostSlashed {
			host: 1,
			epoch: 2,
			reason: SlashReason::OutvotedValidator,
			amount: 9,
		}));
	});
}
