//! Equivocation on the development runtime: Alice, its only validator, signs two different
//! blocks for one slot, and two different GRANDPA prevotes in one round. Anyone's node that
//! sees both reports them (an unsigned extrinsic, checked by `validate_unsigned` like one from
//! the pool), with a proof from the historical session pallet that the key was Alice's; the
//! offence reaches host-reputation, which slashes her as for fraud and removes her. The same
//! report twice is refused, and so is one whose second block another key sealed. Of four
//! validators, an equivocating one also stops authoring at once; the only one does not.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{chain_from, development_chain, Chain};
use frame_support::traits::KeyOwnerProofSystem;
use gonka_runtime::{
	genesis_config_presets::four_hosts_genesis, Executive, Header, Historical, Runtime,
	RuntimeCall, RuntimeEvent, System, UncheckedExtrinsic,
};
use pallet_host_reputation::{HostStatus, Hosts, SlashReason};
use sp_consensus_babe::{
	digests::{CompatibleDigestItem, PreDigest, SecondaryPlainPreDigest},
	AuthorityPair, BABE_ENGINE_ID,
};
use sp_core::{Pair as _, H256};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{traits::Header as _, Digest, DigestItem};

/// Applies `call` as an unsigned extrinsic, as a block author would include the report.
fn report(call: RuntimeCall) -> sp_runtime::ApplyExtrinsicResult {
	Executive::apply_extrinsic(UncheckedExtrinsic::new_bare(call))
}

/// Alice's collateral and status, and whether she was slashed for equivocation.
fn alice_punished() -> (u128, bool, bool) {
	let alice = Sr25519Keyring::Alice.to_account_id();
	let host = Hosts::<Runtime>::get(&alice).expect("a genesis host");
	let slashed = System::events().iter().any(|record| {
		matches!(
			&record.event,
			RuntimeEvent::HostReputation(pallet_host_reputation::Event::HostSlashed {
				host,
				reason: SlashReason::Equivocation,
				..
			}) if *host == alice
		)
	});
	(host.collateral, matches!(host.status, HostStatus::Removed { .. }), slashed)
}

/// A header for the current block and slot by `author`'s BABE key, sealed by `sealer`'s;
/// `state_root` tells two apart.
fn sealed_header(author: Sr25519Keyring, sealer: Sr25519Keyring, state_root: u8) -> Header {
	let public = AuthorityPair::from(author.pair()).public();
	let authority_index = pallet_babe::Authorities::<Runtime>::get()
		.iter()
		.position(|(id, _)| *id == public)
		.expect("an authority") as u32;
	let slot = pallet_babe::CurrentSlot::<Runtime>::get();
	let pre = PreDigest::SecondaryPlain(SecondaryPlainPreDigest { authority_index, slot });
	let mut header = Header::new(
		System::block_number(),
		Default::default(),
		H256::repeat_byte(state_root),
		System::parent_hash(),
		Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre.encode())] },
	);
	let seal = AuthorityPair::from(sealer.pair()).sign(header.hash().as_ref());
	header.digest_mut().push(<DigestItem as CompatibleDigestItem>::babe_seal(seal));
	header
}

/// A report that `offender` signed two blocks for the current slot (the second sealed by
/// `second_sealer`, the offender itself for a true report).
fn two_blocks_in_one_slot(offender: Sr25519Keyring, second_sealer: Sr25519Keyring) -> RuntimeCall {
	let public = AuthorityPair::from(offender.pair()).public();
	let key_owner_proof = Historical::prove((sp_consensus_babe::KEY_TYPE, public.clone()))
		.expect("the key is in the session");
	RuntimeCall::Babe(pallet_babe::Call::report_equivocation_unsigned {
		equivocation_proof: Box::new(sp_consensus_babe::EquivocationProof {
			offender: public,
			slot: pallet_babe::CurrentSlot::<Runtime>::get(),
			first_header: sealed_header(offender, offender, 1),
			second_header: sealed_header(offender, second_sealer, 2),
		}),
		key_owner_proof,
	})
}

#[test]
fn a_validator_that_signs_two_blocks_in_one_slot_is_reported_and_slashed() {
	development_chain().execute_with(|| {
		let mut chain = Chain::new();
		chain.run_blocks(3);
		let (collateral, removed, _) = alice_punished();
		assert!(!removed);
		chain.block(|| {
			// An accuser cannot make up the second block: one sealed by another key is refused.
			let forged = two_blocks_in_one_slot(Sr25519Keyring::Alice, Sr25519Keyring::Bob);
			assert_eq!(
				report(forged),
				Ok(Err(pallet_babe::Error::<Runtime>::InvalidEquivocationProof.into())),
				"the proof does not check"
			);
			assert_eq!(
				alice_punished(),
				(collateral, false, false),
				"an honest validator keeps all"
			);

			let call = || two_blocks_in_one_slot(Sr25519Keyring::Alice, Sr25519Keyring::Alice);
			assert_eq!(report(call()), Ok(Ok(())));
			let (after, removed, slashed) = alice_punished();
			assert!(slashed && removed, "slashed as for fraud and removed");
			assert_eq!(after, collateral - collateral / 5, "20% of her collateral");
			// The only validator is not disabled: the chain keeps its author.
			assert!(pallet_session::DisabledValidators::<Runtime>::get().is_empty());
			// The same offence reported again is refused before it reaches a block.
			assert!(report(call()).is_err(), "a duplicate report is invalid");
			assert_eq!(alice_punished().0, after, "not slashed twice");
		});
	});
}

/// The attack: an equivocating validator stayed in the current and the planned session and
/// kept authoring. Of four validators, it is now disabled at once (a third at most may be).
#[test]
fn of_four_validators_an_equivocating_one_stops_authoring_at_once() {
	chain_from(four_hosts_genesis()).execute_with(|| {
		let mut chain = Chain::new();
		chain.run_blocks(3);
		chain.block(|| {
			assert_eq!(
				report(two_blocks_in_one_slot(Sr25519Keyring::Bob, Sr25519Keyring::Bob)),
				Ok(Ok(()))
			);
			let bob = Sr25519Keyring::Bob.to_account_id();
			let index = pallet_session::Validators::<Runtime>::get()
				.iter()
				.position(|validator| *validator == bob)
				.expect("a validator") as u32;
			let disabled: Vec<u32> = pallet_session::DisabledValidators::<Runtime>::get()
				.into_iter()
				.map(|(index, _)| index)
				.collect();
			assert_eq!(disabled, vec![index]);
		});
	});
}

#[test]
fn a_validator_that_prevotes_twice_in_one_round_is_reported_and_slashed() {
	development_chain().execute_with(|| {
		let mut chain = Chain::new();
		chain.run_blocks(3);
		let (collateral, _, _) = alice_punished();
		chain.block(|| {
			let set_id = pallet_grandpa::CurrentSetId::<Runtime>::get();
			let round = 1;
			let prevote = |target: u8| {
				let vote = finality_grandpa::Prevote {
					target_hash: H256::repeat_byte(target),
					target_number: 1u32,
				};
				let payload = sp_consensus_grandpa::localized_payload(
					round,
					set_id,
					&finality_grandpa::Message::Prevote(vote.clone()),
				);
				(vote, Ed25519Keyring::Alice.sign(&payload).into())
			};
			let identity: sp_consensus_grandpa::AuthorityId = Ed25519Keyring::Alice.public().into();
			let proof = sp_consensus_grandpa::EquivocationProof::new(
				set_id,
				sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
					round_number: round,
					identity: identity.clone(),
					first: prevote(1),
					second: prevote(2),
				}),
			);
			let key_owner_proof = Historical::prove((sp_consensus_grandpa::KEY_TYPE, identity))
				.expect("Alice's key is in the session");
			assert_eq!(
				report(RuntimeCall::Grandpa(pallet_grandpa::Call::report_equivocation_unsigned {
					equivocation_proof: Box::new(proof),
					key_owner_proof,
				})),
				Ok(Ok(()))
			);
			let (after, removed, slashed) = alice_punished();
			assert!(slashed && removed);
			assert_eq!(after, collateral - collateral / 5);
		});
	});
}
