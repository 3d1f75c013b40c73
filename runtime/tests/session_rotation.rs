//! A host's proof fits in a block that rotates the session. pallet-session books the whole
//! block's weight when it rotates, so such a block takes no normal transaction; sessions (BABE
//! epochs of 20 slots) drift across the sprint's phases of a few blocks, and a four-node
//! network once lost two hosts' reveals this way. The steps of the proof are operational: on
//! the development chain the session rotates in the first block of epoch 0's open phase, and
//! Bob's signed opening of his attestation on Alice is applied there while a signed transfer
//! is refused.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{commit_hits, development_chain, dispatch, register_host, Chain};
use gonka_primitives::{
	attestation::{seal, Recomputed},
	sprint::{Phase, SEED_BLOCKS},
	Distance,
};
use gonka_runtime::{
	currency::GNK, tx_extension, Executive, ProofOfCompute, Runtime, RuntimeCall, Session,
	SignedPayload, UncheckedExtrinsic,
};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::Era,
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	MultiAddress, MultiSignature,
};

/// `who`'s transaction of `call` with its next nonce, as a wallet signs it.
fn signed(who: Sr25519Keyring, call: RuntimeCall) -> UncheckedExtrinsic {
	let account = who.to_account_id();
	let nonce = frame_system::Pallet::<Runtime>::account_nonce(&account);
	let extension = tx_extension(nonce, Era::Immortal);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("a valid extension");
	let signature = payload.using_encoded(|bytes| who.sign(bytes));
	UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(account),
		MultiSignature::Sr25519(signature),
		extension,
	)
}

#[test]
fn an_opening_is_included_in_the_block_that_rotates_the_session() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let mut chain = Chain::new();
		chain.block(|| register_host(&bob, "bob"));
		let alices = commit_hits(&mut chain, 0, &alice, 8);
		let bobs = commit_hits(&mut chain, 0, &bob, 8);
		chain.run_to_phase(0, Phase::Reveal);
		chain.run_blocks(SEED_BLOCKS - 1);
		chain.block(|| {
			dispatch(&alice, alices.reveal_call(0, &alice));
			dispatch(&bob, bobs.reveal_call(0, &bob));
		});
		// Bob, Alice's only validator, seals his attestation once the validation seed is fixed.
		chain.run_to_phase(0, Phase::Validate);
		chain.run_blocks(SEED_BLOCKS - 1);
		let salt = [7; 32];
		let mut values = Vec::new();
		chain.block(|| {
			let duty = ProofOfCompute::validation_duties(&bob).pop().expect("Bob validates Alice");
			values = duty
				.leaves
				.iter()
				.map(|(_, leaf)| Recomputed { distance: leaf.distance, check: Distance(1) })
				.collect();
			let call = pallet_proof_of_compute::Call::attest {
				epoch: 0,
				host: alice.clone(),
				seal: seal(&bob, &values, &salt),
			};
			dispatch(&bob, call.into());
		});
		// Epoch 0's open phase begins at block 21, where the session rotates.
		while frame_system::Pallet::<Runtime>::block_number() < 20 {
			chain.block(|| {});
		}

		let session = Session::current_index();
		chain.block(|| {
			assert_eq!(Session::current_index(), session + 1, "the session rotates here");
			assert_eq!(pallet_sprint::CurrentPhase::<Runtime>::get(), Phase::Open);

			let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
				dest: MultiAddress::Id(bob.clone()),
				value: GNK,
			});
			assert_eq!(
				Executive::apply_extrinsic(signed(Sr25519Keyring::Alice, transfer)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)),
				"a normal transaction does not fit in this block"
			);

			let open = pallet_proof_of_compute::Call::open_attestation {
				epoch: 0,
				host: alice.clone(),
				values: values.clone().try_into().expect("few leaves"),
				salt,
			};
			let opening = signed(Sr25519Keyring::Bob, open.into());
			assert_eq!(Executive::apply_extrinsic(opening), Ok(Ok(())));
		});
		let duties = ProofOfCompute::validation_duties(&bob);
		assert!(duties.iter().all(|duty| duty.opened), "the opening is on chain");
	});
}
