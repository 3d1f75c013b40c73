//! One signed transaction of a `host` command: priced, checked against the signer's funds,
//! submitted, and followed into a block, where its events say whether it worked.

use std::{
	collections::HashMap,
	time::{Duration, Instant},
};

use codec::Encode;
use frame_support::traits::Get;
use gonka_runtime::{AccountId, Balance, Nonce, Runtime, RuntimeCall, RuntimeEvent};
use serde_json::json;
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::{traits::Header as _, DispatchError};

use super::{amount::format_gnk, rpc::NodeRpc};
use crate::signing::{signed_extrinsic, MORTALITY};

/// Signs `call` by `signer`, prints the fee, refuses it when `signer` cannot pay the fee plus
/// `spends` (what the call itself takes: collateral, …) and keep its account alive, then
/// submits it and waits for its block; returns its events, without the fee and success
/// bookkeeping.
pub async fn submit(
	rpc: &NodeRpc,
	signer: &sr25519::Pair,
	call: RuntimeCall,
	spends: Balance,
	what: &str,
) -> Result<Vec<RuntimeEvent>, String> {
	let account = AccountId::from(signer.public());
	let context = rpc.signing_context().await?;
	let funds = rpc.account(&account).await?;
	let extrinsic = signed_extrinsic(call, account.clone(), funds.nonce, &context, |payload| {
		Ok::<_, String>(signer.sign(payload))
	})?
	.encode();
	let fee = rpc.fee(&extrinsic).await?;
	let existential = <Runtime as pallet_balances::Config>::ExistentialDeposit::get();
	let needed = spends.saturating_add(fee).saturating_add(existential);
	println!("{what}: fee about {}", format_gnk(fee));
	if funds.free < needed {
		return Err(format!(
			"{} holds {}, and {what} needs {} ({}the fee {} and the existential deposit {}): \
			 fund the account first (e.g. polkadot-js apps, Accounts → Transfer), then run this \
			 again",
			account.to_ss58check(),
			format_gnk(funds.free),
			format_gnk(needed),
			if spends > 0 { format!("{} held, ", format_gnk(spends)) } else { String::new() },
			format_gnk(fee),
			format_gnk(existential),
		));
	}
	let start = *rpc.header(rpc.best().await?).await?.number();
	let hash: H256 = rpc
		.try_call("author_submitExtrinsic", json!([sp_core::Bytes(extrinsic.clone())]))
		.await?
		.map_err(|error| format!("the node refused the transaction: {error}"))?;
	println!("submitted {hash:?}, waiting for a block");
	follow(rpc, &extrinsic, hash, start, (&account, funds.nonce)).await
}

/// How long to wait for a block holding the transaction, whatever the chain does.
const PATIENCE: Duration = Duration::from_secs(600);

/// Waits until a best block holds `extrinsic`, for as long as it can be valid; each time the
/// best block changes, it reads the heights whose block changed (new ones, or a
/// reorganisation). When it expires, the signer's
/// nonce tells whether a transaction with it landed after all, so that nobody pays twice.
async fn follow(
	rpc: &NodeRpc,
	extrinsic: &[u8],
	hash: H256,
	start: u32,
	(signer, nonce): (&AccountId, Nonce),
) -> Result<Vec<RuntimeEvent>, String> {
	let deadline = Instant::now() + PATIENCE;
	let mut seen: HashMap<u32, H256> = HashMap::new();
	let mut last_best = None;
	loop {
		let best_hash = rpc.best().await?;
		let best = *rpc.header(best_hash).await?.number();
		if last_best != Some(best_hash) {
			last_best = Some(best_hash);
			if let Some((number, block, index)) =
				find(rpc, extrinsic, start..=best, &mut seen).await?
			{
				println!("in block #{number} ({block:?})");
				return outcome(rpc, block, index).await;
			}
		}
		let expired = u64::from(best.saturating_sub(start)) > MORTALITY;
		if expired || Instant::now() > deadline {
			let used = rpc.account(signer).await?.nonce > nonce;
			return Err(if used {
				format!(
					"{hash:?} was not seen in a block, but a transaction with its nonce landed: \
					 check `host status` (or the account) before running the command again"
				)
			} else if expired {
				format!("{hash:?} reached no block in {MORTALITY} blocks and has expired: run the command again")
			} else {
				format!(
					"{hash:?} reached no block in {} minutes (is the chain producing blocks?)",
					PATIENCE.as_secs() / 60
				)
			});
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// The height, block and index at which a block of the best chain at `heights` holds
/// `extrinsic`; a height whose block is in `seen` is not read again.
async fn find(
	rpc: &NodeRpc,
	extrinsic: &[u8],
	heights: std::ops::RangeInclusive<u32>,
	seen: &mut HashMap<u32, H256>,
) -> Result<Option<(u32, H256, u32)>, String> {
	for number in heights {
		let block: H256 = rpc.call("chain_getBlockHash", json!([number])).await?;
		if seen.insert(number, block) == Some(block) {
			continue;
		}
		let body = rpc.extrinsics(block).await?;
		if let Some(index) = body.iter().position(|x| x.0 == extrinsic) {
			return Ok(Some((number, block, index as u32)));
		}
	}
	Ok(None)
}

/// The events of extrinsic `index` of `block`, or why it failed, in the runtime's words.
async fn outcome(rpc: &NodeRpc, block: H256, index: u32) -> Result<Vec<RuntimeEvent>, String> {
	let key = frame_support::storage::storage_prefix(b"System", b"Events").to_vec();
	let records: Vec<frame_system::EventRecord<RuntimeEvent, H256>> =
		match rpc.storage(key, Some(block)).await {
			Ok(records) => records.unwrap_or_default(),
			Err(error) => {
				println!(
					"included, but this binary cannot read the block's events ({error}): check the \
					 outcome with `host status` or polkadot-js apps; do not simply run it again"
				);
				return Ok(Vec::new());
			}
		};
	let mut events = Vec::new();
	for record in records {
		if record.phase != frame_system::Phase::ApplyExtrinsic(index) {
			continue;
		}
		match record.event {
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error, ..
			}) => {
				return Err(format!("the chain refused it: {}", describe(dispatch_error)));
			}
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. })
			| RuntimeEvent::TransactionPayment(_)
			| RuntimeEvent::Balances(_)
			| RuntimeEvent::Utility(_) => {}
			event => events.push(event),
		}
	}
	Ok(events)
}

/// A dispatch error with the pallet error's name and documentation, from the runtime's own
/// metadata.
pub fn describe(error: DispatchError) -> String {
	let DispatchError::Module(module) = error else { return format!("{error:?}") };
	let metadata = Runtime::metadata();
	let frame_metadata::RuntimeMetadata::V14(metadata) = metadata.1 else {
		return format!("{error:?}");
	};
	let Some(pallet) = metadata.pallets.iter().find(|pallet| pallet.index == module.index) else {
		return format!("{error:?}");
	};
	let variant = pallet.error.as_ref().and_then(|errors| {
		let ty = metadata.types.resolve(errors.ty.id)?;
		let scale_info::TypeDef::Variant(variants) = &ty.type_def else { return None };
		variants.variants.iter().find(|variant| variant.index == module.error[0])
	});
	match variant {
		Some(variant) => {
			format!("{}.{}: {}", pallet.name, variant.name, variant.docs.join(" ").trim())
		}
		None => format!("{}: error {}", pallet.name, module.error[0]),
	}
}
