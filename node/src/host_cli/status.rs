//! `host status`: what `poc_host` and `poc_status` say about a host, with what comes next
//! for it (the timeline of docs/OPERATORS.md, section 5).

use serde_json::json;
use sp_runtime::traits::Header as _;

use super::{amount::format_gnk, rpc::NodeRpc};
use crate::poc_rpc::{PocHost, PocStatus, NOT_A_HOST};

/// Prints `host`'s status.
pub async fn show(rpc: &NodeRpc, host: &str) -> Result<(), String> {
	let record: PocHost = match rpc.try_call("poc_host", json!([host])).await? {
		Ok(record) => record,
		Err(error) if error.code == i64::from(NOT_A_HOST) => {
			return Err(format!(
				"{host} is not a registered host: register it with `gonka-node host register`"
			))
		}
		Err(error) => return Err(format!("poc_host: {error}")),
	};
	let now: PocStatus = rpc.call("poc_status", json!([])).await?;
	let best = *rpc.header(rpc.best().await?).await?.number();
	print!("{}", describe(&record, &now, best));
	Ok(())
}

fn gnk(base_units: &str) -> String {
	base_units.parse::<u128>().map_or_else(|_| format!("{base_units} base units"), format_gnk)
}

/// The status as text, one fact per line.
pub fn describe(host: &PocHost, now: &PocStatus, best: u32) -> String {
	let mut text = format!(
		"host        {}\nstatus      {}\ncollateral  {}\nreputation  {} of {}\nregistered  in epoch {}\n",
		host.host,
		host.status,
		gnk(&host.collateral),
		host.reputation,
		pallet_host_reputation::types::MAX_REPUTATION,
		host.registered_in,
	);
	text += &format!(
		"chain       epoch {}, {} phase, {} blocks left in it\n",
		now.epoch, now.phase, now.blocks_left_in_phase
	);
	if host.last_weight.weight > 0 {
		text += &format!(
			"weight      {} in epoch {}\n",
			host.last_weight.weight, host.last_weight.epoch
		);
	}
	for result in &host.results {
		text += &format!(
			"epoch {:<5} {}, {} hits, weight {}, passed by {} and failed by {} validators, reward {}, as validator {}\n",
			result.epoch,
			result.outcome,
			result.hits,
			result.weight,
			result.passed_by,
			result.failed_by,
			gnk(&result.reward),
			gnk(&result.validator_reward),
		);
	}
	text + "next        " + &next_step(host, now, best) + "\n"
}

/// What happens next to `host`, by the chain's timeline.
fn next_step(host: &PocHost, now: &PocStatus, best: u32) -> String {
	let first_epoch = host.registered_in.saturating_add(1);
	match host.status.as_str() {
		"Leaving" => format!(
			"takes part until the end of epoch {}; `host withdraw` returns the collateral from \
			 epoch {}",
			host.last_epoch.unwrap_or(now.epoch),
			host.withdrawable_from.unwrap_or(now.epoch)
		),
		"Removed" => format!(
			"removed from the registry; `host withdraw` returns what is left of the collateral \
			 from epoch {}",
			host.withdrawable_from.unwrap_or(now.epoch)
		),
		// Registered while the Sprint runs, a computing node commits what it finds in the rest
		// of it: the host is settled with this epoch already.
		_ if now.epoch < first_epoch && now.phase == "Sprint" => format!(
			"the node searches the rest of this Sprint ({} blocks) and commits; its first reward \
			 comes in this epoch's settle phase; once it has weight, it can be elected to produce \
			 blocks two sessions later",
			now.blocks_left_in_phase
		),
		_ if now.epoch < first_epoch => format!(
			"the node computes from epoch {first_epoch}'s Sprint (in {} blocks); its first reward \
			 comes in that epoch's settle phase; once it has weight, it can be elected to produce \
			 blocks two sessions later",
			now.epoch_start.saturating_add(now.epoch_length).saturating_sub(best)
		),
		_ if host.results.iter().all(|result| result.reward == "0") => {
			format!("computing; its first reward comes in epoch {}'s settle phase", now.epoch)
		}
		_ => "computing every epoch; rewards arrive in each epoch's settle phase".into(),
	}
}
