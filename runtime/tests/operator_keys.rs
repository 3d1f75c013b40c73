//! Operator keys on the development runtime: a host's cold account names a key with no funds
//! as its operator; the operator's commitment and reveal are the host's, the pool treats them
//! as the host's own (the host and its operator cannot both land a step), the emission is paid
//! to the host, and the operator's balance is never touched.

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
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::{TransactionExtension, TxBaseImplication},
	transaction_validity::{
		InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
	},
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
		let operator = AccountId::from([7; 32]);
		let stranger = Sr25519Keyring::Dave.to_account_id();
		let mut chain = Chain::new();
		chain.block(|| {
			register_host(&host, "cold wallet");
			dispatch(
				&host,
				pallet_host_reputation::Call::set_operator { operator: operator.clone() }.into(),
			);
		});

		let hits = commit_hits(&mut chain, 0, &operator, 40);
		assert!(Commitments::<Runtime>::contains_key(0, &host), "the commitment is the host's");
		assert!(!Commitments::<Runtime>::contains_key(0, &operator));
		chain.block(|| {
			let root = MerkleTree::from_leaves(&made_up_hits(3)).expect("increasing").root();
			let again: RuntimeCall =
				pallet_proof_of_compute::Call::commit { epoch: 0, root, count: 3 }.into();
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

		chain.run_to_phase(0, Phase::Reveal);
		chain.run_blocks(SEED_BLOCKS - 1);
		chain.block(|| {
			let reveal = hits.reveal_call(0, &host);
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
		assert!(Revealed::<Runtime>::contains_key(0, &host));

		let host_before = free(&host);
		chain.run_to_phase(1, Phase::Sprint);
		assert!(free(&host) > host_before, "the emission is paid to the host");
		assert_eq!(free(&operator), 0, "the operator key holds nothing");
		assert!(!pallet_host_reputation::RecentWeights::<Runtime>::get(&host).is_empty());
		assert!(pallet_host_reputation::RecentWeights::<Runtime>::get(&operator).is_empty());
	});
}
