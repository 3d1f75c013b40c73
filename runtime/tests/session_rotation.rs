//! A host's proof fits in a block that rotates the session. pallet-session books the whole
//! block's weight when it rotates, so such a block takes no normal transaction; sessions (BABE
//! epochs of 20 slots) drift across the sprint's phases of three blocks, and a four-node
//! network once lost two hosts' reveals this way. The steps of the proof are operational: on
//! the development chain the session rotates in the last block of epoch 1's reveal phase, and
//! Alice's signed reveal is applied there while a signed transfer is refused.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{commit_hits, compute_epoch, development_chain, Chain};
use gonka_primitives::sprint::Phase;
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
fn a_reveal_is_included_in_the_block_that_rotates_the_session() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let mut chain = Chain::new();
		compute_epoch(&mut chain, 0, &alice, 8);
		let hits = commit_hits(&mut chain, 1, &alice, 8);
		// Epoch 1's reveal phase runs blocks 37 to 41; the session rotates in block 41.
		chain.run_to_phase(1, Phase::Reveal);
		chain.run_blocks(3);

		let session = Session::current_index();
		chain.block(|| {
			assert_eq!(Session::current_index(), session + 1, "the session rotates here");
			assert_eq!(pallet_sprint::CurrentPhase::<Runtime>::get(), Phase::Reveal);

			let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
				dest: MultiAddress::Id(bob.clone()),
				value: GNK,
			});
			assert_eq!(
				Executive::apply_extrinsic(signed(Sr25519Keyring::Alice, transfer)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::ExhaustsResources)),
				"a normal transaction does not fit in this block"
			);

			let reveal = signed(Sr25519Keyring::Alice, hits.reveal_call(1, &alice));
			assert_eq!(Executive::apply_extrinsic(reveal), Ok(Ok(())));
		});
		chain.run_to_phase(1, Phase::Validate);
		assert!(ProofOfCompute::submissions(&alice).revealed, "the reveal is on chain");
	});
}
