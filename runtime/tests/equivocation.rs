//! Equivocation on the development runtime: Alice, its only validator, signs two different
//! blocks for one slot, and two different GRANDPA prevotes in one round. Anyone's node that
//! sees both reports them (an unsigned extrinsic, checked by `validate_unsigned` like one from
//! the pool), with a proof from the historical session pallet that the key was Alice's; the
//! offence reaches host-reputation, which slashes her as for fraud and removes her. The same
//! report twice is refused, and so is one whose second block another key sealed.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{development_chain, Chain};
use frame_support::traits::KeyOwnerProofSystem;
use gonka_runtime::{
	Executive, Header, Historical, Runtime, RuntimeCall, RuntimeEvent, System, UncheckedExtrinsic,
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

#[test]
fn a_validator_that_signs_two_blocks_in_one_slot_is_reported_and_slashed() {
	development_chain().execute_with(|| {
		let mut chain = Chain::new();
		chain.run_blocks(3);
		let (collateral, removed, _) = alice_punished();
		assert!(!removed);
		chain.block(|| {
			let slot = pallet_babe::CurrentSlot::<Runtime>::get();
			let pair = AuthorityPair::from(Sr25519Keyring::Alice.pair());
			// Two headers for the slot, differing only in their state root, both sealed.
			let header = |state_root: u8, pair: &AuthorityPair| {
				let pre =
					PreDigest::SecondaryPlain(SecondaryPlainPreDigest { authority_index: 0, slot });
				let mut header = Header::new(
					System::block_number(),
					Default::default(),
					H256::repeat_byte(state_root),
					System::parent_hash(),
					Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre.encode())] },
				);
				let seal = <DigestItem as CompatibleDigestItem>::babe_seal(
					pair.sign(header.hash().as_ref()),
				);
				header.digest_mut().push(seal);
				header
			};
			let key_owner_proof = Historical::prove((sp_consensus_babe::KEY_TYPE, pair.public()))
				.expect("Alice's key is in the session");
			// An accuser cannot make up the second block: one sealed by another key is refused.
			let forged = sp_consensus_babe::EquivocationProof {
				offender: pair.public(),
				slot,
				first_header: header(1, &pair),
				second_header: header(2, &AuthorityPair::from(Sr25519Keyring::Bob.pair())),
			};
			let refused =
				report(RuntimeCall::Babe(pallet_babe::Call::report_equivocation_unsigned {
					equivocation_proof: Box::new(forged),
					key_owner_proof: key_owner_proof.clone(),
				}));
			assert_eq!(
				refused,
				Ok(Err(pallet_babe::Error::<Runtime>::InvalidEquivocationProof.into())),
				"the proof does not check"
			);
			assert_eq!(
				alice_punished(),
				(collateral, false, false),
				"an honest validator keeps all"
			);
			let proof = sp_consensus_babe::EquivocationProof {
				offender: pair.public(),
				slot,
				first_header: header(1, &pair),
				second_header: header(2, &pair),
			};
			let call = || {
				RuntimeCall::Babe(pallet_babe::Call::report_equivocation_unsigned {
					equivocation_proof: Box::new(proof.clone()),
					key_owner_proof: key_owner_proof.clone(),
				})
			};
			assert_eq!(report(call()), Ok(Ok(())));
			let (after, removed, slashed) = alice_punished();
			assert!(slashed && removed, "slashed as for fraud and removed");
			assert_eq!(after, collateral - collateral / 5, "20% of her collateral");
			// The same offence reported again is refused before it reaches a block.
			assert!(report(call()).is_err(), "a duplicate report is invalid");
			assert_eq!(alice_punished().0, after, "not slashed twice");
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
