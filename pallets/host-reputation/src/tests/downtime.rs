//! Downtime: hosts registered before an epoch that do not reveal in it are slashed a little,
//! a page of hosts per block from the validate phase on.

use frame_support::assert_ok;
use pallet_sprint::Phase;

use crate::{mock::*, DowntimeCheck, Event, SlashReason};

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
