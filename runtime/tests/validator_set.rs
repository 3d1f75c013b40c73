//! The runtime's validator set follows compute weight: on the development genesis (Alice the
//! only authority and host), Bob registers, sets session keys with a proof of possession and
//! earns weight in an epoch where Alice computes nothing; two sessions later Bob validates
//! alone, and has received the epoch's emission. Then Alice computes and Bob does not, and
//! the set turns back to Alice.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use codec::Encode;
use common::{compute_epoch, development_chain, dispatch, register_host, Chain};
use gonka_primitives::sprint::Phase;
use gonka_runtime::{
	configs::proof_of_compute::development_emission, HostReputation, Runtime, Session, SessionKeys,
};
use sp_keyring::Sr25519Keyring;

#[test]
fn compute_weight_changes_the_validator_set_across_sessions() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let mut chain = Chain::new();
		chain.block(|| {
			register_host(&bob, "bob");
			let generated = SessionKeys::generate(&bob.encode(), None);
			let (keys, proof) = (generated.keys, generated.proof.encode());
			dispatch(&bob, pallet_session::Call::set_keys { keys, proof }.into());
		});
		assert_eq!(Session::validators(), vec![alice.clone()]);

		// Epoch 0: Bob alone computes, and earns the whole epoch's emission.
		let free_before = pallet_balances::Pallet::<Runtime>::free_balance(&bob);
		compute_epoch(&mut chain, 0, &bob, 50);
		chain.run_to_phase(0, Phase::Inference);
		assert_eq!(HostReputation::validators(), vec![bob.clone()]);
		let reward = development_emission().at(0);
		let result = pallet_proof_of_compute::Results::<Runtime>::get(0, &bob).expect("settled");
		assert_eq!(result.reward, reward);
		let free_after = pallet_balances::Pallet::<Runtime>::free_balance(&bob);
		assert_eq!(free_after - free_before, reward);
		// The next session queues Bob; the one after makes him the validator.
		chain.run_to_next_session();
		chain.run_to_next_session();
		assert_eq!(Session::validators(), vec![bob.clone()]);

		// The next epoch, Alice computes and Bob does not: the seat goes back to her.
		let epoch = pallet_sprint::CurrentEpoch::<Runtime>::get().expect("running").index + 1;
		compute_epoch(&mut chain, epoch, &alice, 80);
		chain.run_to_phase(epoch, Phase::Inference);
		assert_eq!(HostReputation::validators(), vec![alice.clone()]);
		chain.run_to_next_session();
		chain.run_to_next_session();
		assert_eq!(Session::validators(), vec![alice]);
		pallet_host_reputation::Pallet::<Runtime>::do_try_state().expect("collateral sums");
	});
}
