//! Reveals: an honest host passes; fake leaves, repeated nonces (the periodic-repetition
//! attack), an inflated count, distances that are not hits and the wrong leaves are each
//! refused with their own error.

use frame_support::{assert_noop, assert_ok};
use gonka_primitives::{
	merkle::{Leaf, MerkleTree, Node},
	Distance,
};

use crate::{mock::*, Error, Event, Revealed};

/// Commits `leaves` for `host` (with `count`), moves to the reveal phase and returns the tree.
/// The tree is joined as a forger would, whatever the order of the leaves' nonces (for
/// strictly increasing nonces, that is the honest tree).
fn commit_and_open_reveal(host: u64, leaves: &[Leaf], count: u32) -> MerkleTree {
	let tree =
		MerkleTree::from_nodes(leaves.iter().map(Node::leaf).collect(), Node::join_unchecked);
	run_to_block(COMMIT);
	assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(host), 0, tree.root(), count));
	run_to_block(REVEAL);
	tree
}

#[test]
fn an_honest_host_reveals_its_challenged_leaves() {
	new_test_ext().execute_with(|| {
		let leaves = honest_hits(50);
		let tree = commit_and_open_reveal(1, &leaves, 50);
		let reveal = challenged(1, &leaves, &tree);
		assert_eq!(reveal.len() as u32, PARAMS.samples);
		assert_ok!(ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal.clone())));
		let stored = Revealed::<Test>::get(0, 1).expect("stored");
		assert_eq!((stored.index, stored.prior_weight), (0, 0));
		assert_eq!(
			stored.leaves.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
			reveal.iter().map(|l| l.index).collect::<Vec<_>>()
		);
		System::assert_last_event(RuntimeEvent::ProofOfCompute(Event::Revealed {
			epoch: 0,
			host: 1,
			leaves: reveal.len() as u32,
		}));
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal)),
			Error::<Test>::AlreadyRevealed
		);
	});
}

#[test]
fn a_single_hit_is_revealed_whole() {
	new_test_ext().execute_with(|| {
		let leaves = honest_hits(1);
		let tree = commit_and_open_reveal(2, &leaves, 1);
		let reveal = challenged(2, &leaves, &tree);
		assert_eq!(reveal.len(), 1);
		assert_ok!(ProofOfCompute::reveal(RuntimeOrigin::signed(2), 0, bounded(reveal)));
	});
}

#[test]
fn fake_leaves_fail_their_proofs() {
	new_test_ext().execute_with(|| {
		let leaves = honest_hits(50);
		let tree = commit_and_open_reveal(1, &leaves, 50);
		let mut reveal = challenged(1, &leaves, &tree);
		// Claim a better distance than the one committed.
		reveal[0].leaf.distance = Distance(1);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal)),
			Error::<Test>::ProofInvalid
		);
	});
}

/// The periodic-repetition attack that broke revision 1: a host with 50 real hits commits
/// them twice over, in two sorted runs. The root's range holds 100 nonces, so the commit
/// passes; but a leaf of the second run meets one of the first at a node whose ranges are
/// out of order, so its proof fails (revision 1, checking only adjacent pairs, let it pass
/// unless a pair straddled the runs' boundary).
#[test]
fn repeated_hits_are_caught_by_their_ranges() {
	new_test_ext().execute_with(|| {
		let real = honest_hits(50);
		let leaves: Vec<Leaf> = real.iter().chain(&real).copied().collect();
		let tree = commit_and_open_reveal(1, &leaves, 100);
		let reveal = challenged(1, &leaves, &tree);
		assert!(reveal.iter().any(|l| l.index >= 50), "a repeated leaf is challenged");
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal)),
			Error::<Test>::RangesOutOfOrder
		);
		assert!(crate::Commitments::<Test>::contains_key(0, 1), "the commitment stands");
		assert!(!<ProofOfCompute as crate::ComputeRecord<u64>>::revealed(0, &1));
	});
}

#[test]
fn an_inflated_count_cannot_be_proven() {
	new_test_ext().execute_with(|| {
		// Ten real hits, a hundred claimed: challenged leaves beyond the tenth do not exist.
		let leaves = honest_hits(10);
		let tree = commit_and_open_reveal(1, &leaves, 100);
		let epoch = pallet_sprint::CurrentEpoch::<Test>::get().expect("epoch");
		let indices = gonka_primitives::sampling::leaves_to_reveal(
			&epoch.challenge_seed.expect("seed"),
			&codec::Encode::encode(&1u64),
			100,
			PARAMS.samples,
		);
		assert!(indices.iter().any(|i| *i >= 10), "the challenge reaches past the real leaves");
		// The host answers with real leaves (and proofs) wherever it has them, and its last
		// leaf elsewhere.
		let reveal = indices
			.iter()
			.map(|index| {
				let real = (*index as usize).min(9);
				crate::RevealedLeaf {
					index: *index,
					leaf: leaves[real],
					proof: tree.proof(real).expect("leaf").try_into().expect("short"),
				}
			})
			.collect();
		let refused = ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal));
		assert!(
			matches!(
				refused.map_err(|e| e.error),
				Err(e) if e == Error::<Test>::ProofInvalid.into()
					|| e == Error::<Test>::RangesOutOfOrder.into()
			),
			"{refused:?}"
		);
		assert!(Revealed::<Test>::get(0, 1).is_none());
	});
}

#[test]
fn distances_that_are_not_hits_are_refused() {
	new_test_ext().execute_with(|| {
		let leaves: Vec<Leaf> =
			honest_hits(50).into_iter().map(|l| Leaf { distance: PARAMS.r_target, ..l }).collect();
		let tree = commit_and_open_reveal(1, &leaves, 50);
		let reveal = challenged(1, &leaves, &tree);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal)),
			Error::<Test>::NotAHit
		);
	});
}

#[test]
fn only_the_challenged_leaves_may_be_revealed() {
	new_test_ext().execute_with(|| {
		let leaves = honest_hits(50);
		let tree = commit_and_open_reveal(1, &leaves, 50);
		let mut reveal = challenged(1, &leaves, &tree);
		reveal.pop();
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(reveal)),
			Error::<Test>::WrongLeaves
		);
	});
}

#[test]
fn reveals_need_a_commitment_and_the_reveal_phase() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(Vec::new())),
			Error::<Test>::WrongPhase
		);
		assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(7), 5));
		// The reveal phase's first block fixes the challenge seed: nothing to answer yet.
		run_to_block(REVEAL - 1);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, bounded(Vec::new())),
			Error::<Test>::WrongPhase
		);
		run_to_block(REVEAL);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(3), 0, bounded(Vec::new())),
			Error::<Test>::NoCommitment
		);
		assert_noop!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(12), 0, bounded(Vec::new())),
			Error::<Test>::NotAHost
		);
	});
}
