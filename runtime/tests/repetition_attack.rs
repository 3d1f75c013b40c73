//! Revision 1's periodic-repetition attack on the real runtime (docs/SECURITY.md, rows 1 and
//! 3): on the development genesis Alice, its only host, commits her 50 hits twice over under a
//! tree joined without the range check. Her reveal fails its range checks, so she never counts
//! the inflated weight, and from the validate phase on the registry punishes the commitment
//! she could not prove as fraud: 20% of her collateral, all her reputation, her registration.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use common::{commit_tree, development_chain, made_up_hits, Chain};
use frame_support::dispatch::RawOrigin;
use gonka_primitives::{
	merkle::{Leaf, MerkleTree, Node},
	sprint::{Phase, SEED_BLOCKS},
};
use gonka_runtime::{ProofOfCompute, Runtime};
use pallet_host_reputation::{HostStatus, Hosts};
use sp_keyring::Sr25519Keyring;
use sp_runtime::traits::Dispatchable;

#[test]
fn repeated_hits_fail_the_reveal_and_the_host_is_removed_for_fraud() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let mut chain = Chain::new();
		chain.run_to_phase(0, Phase::Commit);
		let hits = made_up_hits(50);
		let leaves: Vec<Leaf> = hits.iter().chain(&hits).copied().collect();
		let tree =
			MerkleTree::from_nodes(leaves.iter().map(Node::leaf).collect(), Node::join_unchecked);
		let committed = commit_tree(&mut chain, 0, &alice, leaves, tree);
		let before = Hosts::<Runtime>::get(&alice).expect("the genesis host");

		chain.run_to_phase(0, Phase::Reveal);
		chain.run_blocks(SEED_BLOCKS - 1);
		chain.block(|| {
			let challenged = ProofOfCompute::challenged_leaves(&alice);
			assert!(challenged.iter().any(|i| *i >= 50), "a repeated leaf is challenged");
			let refused =
				committed.reveal_call(0, &alice).dispatch(RawOrigin::Signed(alice.clone()).into());
			let error = refused.expect_err("the reveal fails").error;
			assert_eq!(
				error,
				pallet_proof_of_compute::Error::<Runtime>::RangesOutOfOrder.into(),
				"{error:?}"
			);
		});

		chain.run_to_phase(0, Phase::Settle);
		let after = Hosts::<Runtime>::get(&alice).expect("still recorded while unbonding");
		assert!(matches!(after.status, HostStatus::Removed { .. }), "{:?}", after.status);
		assert_eq!(after.reputation, 0);
		assert_eq!(after.collateral, before.collateral - before.collateral / 5, "20% slashed");
		assert_eq!(pallet_proof_of_compute::Results::<Runtime>::get(0, &alice), None);
	});
}
