//! What went wrong in an epoch, for a failed test to print: every signed extrinsic of the
//! epoch's finalised blocks that failed, with its call, sender and error.

use gonka_epoch_watch::{gonka, Connection};
use subxt::utils::H256;

use crate::{sprint_status_at, Error};

/// One line per failed extrinsic of the epoch that `at` belongs to, up to the finalised head.
pub async fn failed_extrinsics(connection: &Connection, at: H256) -> Result<Vec<String>, Error> {
	let status = sprint_status_at(connection, at).await?;
	let finalized = connection.rpc.chain_get_finalized_head().await?;
	let head = connection.client.blocks().at(finalized).await?.number();
	let metadata = connection.client.metadata();
	let mut failures = Vec::new();
	for number in status.epoch.start..=head {
		let Some(hash) = connection.rpc.chain_get_block_hash(Some(number.into())).await? else {
			break;
		};
		let block = connection.client.blocks().at(hash).await?;
		let extrinsics = block.extrinsics().await?;
		for event in block.events().await?.iter() {
			let event = event?;
			let Some(failed) = event.as_event::<gonka::system::events::ExtrinsicFailed>()? else {
				continue;
			};
			let subxt::events::Phase::ApplyExtrinsic(index) = event.phase() else { continue };
			let call = extrinsics
				.iter()
				.nth(index as usize)
				.map(|extrinsic| {
					let sender = extrinsic.address_bytes().map(hex::encode).unwrap_or_default();
					let pallet = extrinsic.pallet_name().unwrap_or("?").to_string();
					let name = extrinsic.variant_name().unwrap_or("?").to_string();
					format!("{pallet}.{name} from 0x{sender}")
				})
				.unwrap_or_default();
			let reason = match failed.dispatch_error {
				gonka::runtime_types::sp_runtime::DispatchError::Module(module) => metadata
					.pallet_by_index(module.index)
					.and_then(|pallet| {
						let variant = pallet.error_variant_by_index(*module.error.first()?)?;
						Some(format!("{}.{}", pallet.name(), variant.name))
					})
					.unwrap_or_else(|| format!("module {} error {:?}", module.index, module.error)),
				other => format!("{other:?}"),
			};
			failures.push(format!("block #{number}: {call} failed: {reason}"));
		}
	}
	Ok(failures)
}
