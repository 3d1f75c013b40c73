//! Operator keys on the development runtime: a host's cold account names, with the key's
//! signed consent, an operator key; from the next epoch on the operator's commitment and
//! reveal are the host's, the pool treats them as the host's own (the host and its operator
//! cannot both land a step), and the emission is paid to the host, not to the operator. (The
//! calls are dispatched directly: the pool's fee and nonce checks, which need the operator
//! account to exist, are not what this test is about.)

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{commit_hits, development_chain, dispatch, made_up_hits, register_host, Chain};
use frame_support::dispatch::GetDispatchInfo;
use gonka_primitives::{
	merkle::MerkleTree,
	sprint::{Phase, SEED_BLOCKS},
};
use gonka_runtime::{AccountId, Runtime, RuntimeCall, RuntimeOrigin};
use pallet_proof_of_compute::{
	extension::{ALREADY_SUBMITTED, NOT_A_HOST},
	CheckHostSubmission, Commitments, Revealed,
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{TransactionExtension, TxBaseImplication},
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
	},
	MultiSignature,
};

fn free(who: &AccountId) -> u128 {
	pallet_balances::Pallet::<Runtime>::free_balance(who)
}

/// What the pool's `CheckHostSubmission` says of `call` signed by `signer`.
fn pool_check(
	signer: &AccountId,
	call: &RuntimeCall,
) -> Result<ValidTransaction, TransactionValidityError> {
	CheckHostSubmission::<Runtime>::default()
		.validate(
			RuntimeOrigin::signed(signer.clone()),
			call,
			&call.get_dispatch_info(),
			call.encoded_size(),
			(),
			&TxBaseImplication(()),
			TransactionSource::External,
		)
		.map(|(valid, _, _)| valid)
}

#[test]
fn an_operator_key_computes_for_its_host_and_the_host_is_paid() {
	development_chain().execute_with(|| {
		let host = Sr25519Keyring::Charlie.to_account_id();
		let key = sr25519::Pair::from_string("//Operator", None).expect("a seed");
		let operator = AccountId::from(key.public());
		let stranger = Sr25519Keyring::Dave.to_account_id();
		let consent = |host: &AccountId| {
			// The key has sent no transaction: its account nonce is 0.
			let payload = pallet_host_reputation::operator_consent_payload(host, 0u32);
			MultiSignature::Sr25519(key.sign(&payload))
		};
		let commit_of = |epoch| -> RuntimeCall {
			let root = MerkleTree::from_leaves(&made_up_hits(3)).expect("increasing").root();
			pallet_proof_of_compute::Call::commit { epoch, root, count: 3 }.into()
		};
		let mut chain = Chain::new();
		chain.block(|| {
			register_host(&host, "cold wallet");
			let set_operator = pallet_host_reputation::Call::set_operator {
				operator: operator.clone(),
				consent: consent(&host),
			};
			dispatch(&host, set_operator.into());
		});

		chain.run_to_phase(0, Phase::Commit);
		chain.block(|| {
			assert_eq!(
				pool_check(&operator, &commit_of(0)),
				Err(InvalidTransaction::Custom(NOT_A_HOST).into()),
				"the operator acts from the next epoch on"
			);
		});

		let hits = commit_hits(&mut chain, 1, &operator, 40);
		assert!(Commitments::<Runtime>::contains_key(1, &host), "the commitment is the host's");
		assert!(!Commitments::<Runtime>::contains_key(1, &operator));
		chain.block(|| {
			let again = commit_of(1);
			for signer in [&host, &operator] {
				assert_eq!(
					pool_check(signer, &again),
					Err(InvalidTransaction::Custom(ALREADY_SUBMITTED).into()),
					"the host's step is on chain, whoever signs it again"
				);
			}
			assert_eq!(
				pool_check(&stranger, &again),
				Err(InvalidTransaction::Custom(NOT_A_HOST).into())
			);
		});

		chain.run_to_phase(1, Phase::Reveal);
		chain.run_blocks(SEED_BLOCKS - 1);
		chain.block(|| {
			let reveal = hits.reveal_call(1, &host);
			let (by_host, by_operator) =
				(pool_check(&host, &reveal), pool_check(&operator, &reveal));
			assert!(by_operator.is_ok(), "{by_operator:?}");
			assert_eq!(
				by_host.map(|valid| valid.provides),
				by_operator.map(|valid| valid.provides),
				"the pool holds one of the two"
			);
			dispatch(&operator, reveal);
		});
		assert!(Revealed::<Runtime>::contains_key(1, &host));

		let host_before = free(&host);
		chain.run_to_phase(2, Phase::Sprint);
		assert!(free(&host) > host_before, "the emission is paid to the host");
		assert_eq!(free(&operator), 0, "the operator key holds nothing");
		assert!(!pallet_host_reputation::RecentWeights::<Runtime>::get(&host).is_empty());
		assert!(pallet_host_reputation::RecentWeights::<Runtime>::get(&operator).is_empty());
	});
}
