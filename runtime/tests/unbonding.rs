//! On every preset, a host that leaves or is removed stays slashable for longer than any
//! inference job it served can take to be judged: its unbonding period, in blocks, outlasts the
//! marketplace's job life (and the marketplace's open-job count holds the collateral anyway
//! until the last verdict), and governance votes for a day and waits before dispatching except
//! on the development chain.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use common::chain_from;
use gonka_runtime::{
	genesis_config_presets::{development_genesis, four_hosts_genesis, local_testnet_genesis},
	Runtime,
};

#[test]
fn unbonding_outlasts_an_inference_job_on_every_preset() {
	for (name, preset) in [
		("development", development_genesis()),
		("local_testnet", local_testnet_genesis()),
		("four_hosts", four_hosts_genesis()),
	] {
		chain_from(preset).execute_with(|| {
			let unbonding = pallet_host_reputation::Params::<Runtime>::get().unbonding_epochs;
			let epoch = pallet_sprint::NextParams::<Runtime>::get().expect("set").phases.total();
			// Removed in an epoch's last block, a host withdraws `unbonding - 1` epochs later.
			let unbonding_blocks = u64::from(unbonding - 1) * u64::from(epoch);
			let job_life = pallet_inference::Params::<Runtime>::get().job_life();
			assert!(
				unbonding_blocks > job_life,
				"{name}: unbonding {unbonding_blocks} blocks, a job lives {job_life}"
			);

			let governance = pallet_community_pool::Params::<Runtime>::get();
			if name != "development" {
				assert!(governance.voting_period >= 14_400, "{name}: a day of voting");
				assert!(governance.enactment_delay >= 14_400, "{name}: a day before dispatch");
			}
		});
	}
}
