//! What the worker submits, built from its hits and what the chain asks: the commitment, the
//! reveal of the challenged leaves, and a validator's recomputed distances.

use std::collections::BTreeSet;

use gonka_primitives::{
	attestation::{check_key, Recomputed},
	merkle::{Leaf, MerkleTree, Node},
	Distance, Hash32,
};

use super::Cheat;
use crate::engine::{
	cpu::CpuBackend,
	model::unit_vector,
	nonce::{distance, perm_key},
	Account, Backend, EngineError,
};

/// A revealed leaf with its place in the tree and its proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevealedLeaf {
	/// The leaf's index.
	pub index: u32,
	/// Nonce and claimed distance.
	pub leaf: Leaf,
	/// Sibling triples from the leaf up.
	pub proof: Vec<Node>,
}

/// The leaves a host commits to: its hits, by increasing nonce. With fault injection
/// ([`Cheat`], for testing the network's fraud detection) some are made up or repeated.
pub fn committed_leaves(hits: &[Leaf], cheat: Cheat, r_target: Distance) -> Vec<Leaf> {
	match cheat {
		Cheat::FakeHits(percent) if percent > 0 => with_fakes(hits, percent, r_target),
		Cheat::RepeatHits(times) => (0..times.max(1)).flat_map(|_| hits.iter().copied()).collect(),
		_ => hits.to_vec(),
	}
}

/// `hits` with `percent` of the leaves made up: nonces that are not hits, claimed just below
/// `r_target`, sorted in among the real ones.
fn with_fakes(hits: &[Leaf], percent: u8, r_target: Distance) -> Vec<Leaf> {
	let percent = u64::from(percent.min(99));
	let fakes = (hits.len() as u64 * percent).div_ceil(100 - percent);
	let real: BTreeSet<u64> = hits.iter().map(|hit| hit.nonce).collect();
	let claimed = Distance(r_target.0.saturating_sub(1));
	let mut leaves: Vec<Leaf> = (0u64..)
		.filter(|nonce| !real.contains(nonce))
		.take(fakes as usize)
		.map(|nonce| Leaf { nonce, distance: claimed })
		.chain(hits.iter().copied())
		.collect();
	leaves.sort_by_key(|leaf| leaf.nonce);
	leaves
}

/// The tree over `leaves`: the honest one, which needs strictly increasing nonces, or, for
/// [`Cheat::RepeatHits`], one joined without the range check.
fn tree(leaves: &[Leaf], cheat: Cheat) -> Result<MerkleTree, String> {
	if let Cheat::RepeatHits(_) = cheat {
		let nodes = leaves.iter().map(Node::leaf).collect();
		return Ok(MerkleTree::from_nodes(nodes, Node::join_unchecked));
	}
	MerkleTree::from_leaves(leaves).map_err(|error| {
		format!("the hits on disk are not in increasing order (at leaf {})", error.index)
	})
}

/// The root triple and count to commit for `leaves`; `None` when there are none, or when
/// their nonces do not strictly increase (the tree cannot be built).
pub fn commitment(leaves: &[Leaf], cheat: Cheat) -> Option<(Node, u32)> {
	let count = u32::try_from(leaves.len()).ok().filter(|count| *count > 0)?;
	Some((tree(leaves, cheat).ok()?.root(), count))
}

/// The reveal of leaves `challenged` of the tree committed as `(root, count)` over the first
/// `count` of `leaves`; an error when the leaves on disk do not give that root.
pub fn reveal(
	leaves: &[Leaf],
	(root, count): (Node, u32),
	challenged: &[u32],
	cheat: Cheat,
) -> Result<Vec<RevealedLeaf>, String> {
	let committed = leaves.get(..count as usize).ok_or_else(|| {
		format!("{count} leaves were committed but only {} are on disk", leaves.len())
	})?;
	let tree = tree(committed, cheat)?;
	if tree.root() != root {
		return Err("the hits on disk do not give the committed Merkle root".into());
	}
	challenged
		.iter()
		.map(|&index| {
			let leaf = committed.get(index as usize).copied();
			let proof = tree.proof(index as usize);
			match (leaf, proof) {
				(Some(leaf), Some(proof)) => Ok(RevealedLeaf { index, leaf, proof }),
				_ => Err(format!("leaf {index} is challenged but the tree has {count} leaves")),
			}
		})
		.collect()
}

/// A validator's recomputation of `host`'s revealed leaves, in their order: each leaf's
/// distance to the epoch's target and its check value, the distance of the same output to
/// the leaf's check target, drawn from the epoch's `challenge_seed` (DESIGN.md §5).
pub fn recompute(
	backend: &CpuBackend,
	challenge_seed: &Hash32,
	host: &Account,
	leaves: &[(u32, Leaf)],
) -> Result<Vec<Recomputed>, EngineError> {
	let model = backend.model();
	let out = model.params.out as usize;
	let nonces: Vec<u64> = leaves.iter().map(|(_, leaf)| leaf.nonce).collect();
	let outputs = backend.outputs(host, &nonces)?;
	let mut perm = Vec::with_capacity(out);
	Ok(leaves
		.iter()
		.zip(outputs)
		.map(|((index, leaf), z)| {
			let key = perm_key(&model.seed, host, leaf.nonce);
			let check_target = unit_vector(check_key(challenge_seed, host, *index), out);
			let mut to = |target: &[f32]| {
				Distance::from_f64(f64::from(distance(key, &z, target, &mut perm)))
			};
			Recomputed { distance: to(&model.target), check: to(&check_target) }
		})
		.collect())
}

/// What a lazy validator ([`Cheat::LazyValidator`]) attests without running the model: the
/// claimed distances, echoed as check values too.
pub fn echo(leaves: &[(u32, Leaf)]) -> Vec<Recomputed> {
	leaves
		.iter()
		.map(|(_, leaf)| Recomputed { distance: leaf.distance, check: leaf.distance })
		.collect()
}

/// How far a validator's attestations of an epoch are, as the chain shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AttestationProgress {
	/// Hosts the validator is drawn to attest.
	pub duties: usize,
	/// Of which its sealed attestation is on chain.
	pub sealed: usize,
	/// Of which it has opened the attestation.
	pub opened: usize,
}

impl AttestationProgress {
	/// The progress `duties` show.
	pub fn of<AccountId>(
		duties: &[gonka_primitives::runtime_api::ValidationDuty<AccountId>],
	) -> Self {
		Self {
			duties: duties.len(),
			sealed: duties.iter().filter(|duty| duty.sealed).count(),
			opened: duties.iter().filter(|duty| duty.opened).count(),
		}
	}
}

impl std::fmt::Display for AttestationProgress {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(
			f,
			"attestations on chain: {} of {} sealed, {} opened",
			self.sealed, self.duties, self.opened
		)
	}
}

#[cfg(test)]
mod tests {
	use std::sync::Arc;

	use gonka_primitives::{merkle, params::DEV_R_TARGET, sampling, ModelParams};

	use super::*;
	use crate::engine::{reference, Model};

	fn hits(nonces: &[u64]) -> Vec<Leaf> {
		nonces
			.iter()
			.map(|&nonce| Leaf { nonce, distance: Distance(1_000 + nonce as u32) })
			.collect()
	}

	/// The log line an operator reads to know the validator's work landed: it must count the
	/// attestations on chain (an operator once read "0 attested" while both had landed).
	#[test]
	fn attestation_progress_counts_what_the_chain_shows() {
		use gonka_primitives::runtime_api::ValidationDuty;
		let duty =
			|sealed, opened| ValidationDuty { host: 0u8, leaves: Vec::new(), sealed, opened };
		let progress =
			AttestationProgress::of(&[duty(true, false), duty(true, true), duty(false, false)]);
		assert_eq!(progress, AttestationProgress { duties: 3, sealed: 2, opened: 1 });
		assert_eq!(progress.to_string(), "attestations on chain: 2 of 3 sealed, 1 opened");
		assert_eq!(AttestationProgress::of::<u8>(&[]), AttestationProgress::default());
	}

	#[test]
	fn honest_leaves_are_the_hits() {
		let found = hits(&[3, 9, 40]);
		assert_eq!(committed_leaves(&found, Cheat::None, DEV_R_TARGET), found);
		assert_eq!(committed_leaves(&found, Cheat::LazyValidator, DEV_R_TARGET), found);
	}

	#[test]
	fn repeated_hits_commit_a_tree_whose_repeats_fail_their_proofs() {
		let found = hits(&[3, 9, 40, 41]);
		let leaves = committed_leaves(&found, Cheat::RepeatHits(3), DEV_R_TARGET);
		assert_eq!(leaves.len(), 12);
		assert_eq!(commitment(&leaves, Cheat::None), None, "no honest tree repeats a nonce");
		let (root, count) = commitment(&leaves, Cheat::RepeatHits(3)).unwrap();
		assert_eq!(count, 12);
		let revealed = reveal(&leaves, (root, count), &[0, 5, 11], Cheat::RepeatHits(3)).unwrap();
		let verified: Vec<bool> = revealed
			.iter()
			.map(|l| merkle::verify(&root, count, l.index, &l.leaf, &l.proof).is_ok())
			.collect();
		// Every path meets a node joining two runs, whose ranges overlap.
		assert_eq!(verified, vec![false, false, false]);
	}

	#[test]
	fn faked_leaves_take_their_share_and_stay_strictly_increasing() {
		let found = hits(&[0, 2, 5, 7, 11, 13]);
		let leaves = committed_leaves(&found, Cheat::FakeHits(50), DEV_R_TARGET);
		assert_eq!(leaves.len(), 12);
		assert!(leaves.windows(2).all(|pair| pair[0].nonce < pair[1].nonce));
		let fakes: Vec<&Leaf> = leaves.iter().filter(|leaf| !found.contains(leaf)).collect();
		assert_eq!(fakes.len(), 6);
		assert!(fakes.iter().all(|leaf| leaf.distance.is_hit(DEV_R_TARGET)));
	}

	#[test]
	fn reveal_proves_the_challenged_leaves_against_the_commitment() {
		let leaves = hits(&(0..37).map(|i| i * 3).collect::<Vec<_>>());
		let (root, count) = commitment(&leaves, Cheat::None).unwrap();
		let challenged = sampling::leaves_to_reveal(&[7; 32], &[1; 32], count, 8);
		let revealed = reveal(&leaves, (root, count), &challenged, Cheat::None).unwrap();
		assert_eq!(revealed.len(), challenged.len());
		for leaf in &revealed {
			assert_eq!(merkle::verify(&root, count, leaf.index, &leaf.leaf, &leaf.proof), Ok(()));
		}
	}

	#[test]
	fn reveal_uses_the_committed_prefix_and_refuses_other_leaves() {
		let leaves = hits(&[1, 2, 3, 4, 5]);
		let (root, count) = commitment(&leaves[..4], Cheat::None).unwrap();
		assert!(reveal(&leaves, (root, count), &[2, 3], Cheat::None).is_ok());
		assert!(reveal(&leaves, (Node::default(), count), &[2, 3], Cheat::None).is_err());
		assert!(reveal(&leaves[..2], (root, count), &[0], Cheat::None).is_err());
		assert!(reveal(&leaves, (root, count), &[4], Cheat::None).is_err());
		assert_eq!(commitment(&[], Cheat::None), None);
	}

	#[test]
	fn recomputed_distances_and_check_values_are_the_reference_ones() {
		let seed = [5; 32];
		let challenge_seed = [6; 32];
		let params = ModelParams::DEV;
		let backend = CpuBackend::new(Arc::new(Model::build(seed, params).unwrap()), None);
		let leaves = hits(&[10, 11, 500]);
		let revealed: Vec<(u32, Leaf)> =
			leaves.iter().copied().enumerate().map(|(i, l)| (i as u32 * 7, l)).collect();
		let host = [4; 32];
		let values = recompute(&backend, &challenge_seed, &host, &revealed).unwrap();
		let near = |value: Distance, expected: f32| {
			value.abs_diff(Distance::from_f64(f64::from(expected))) <= 10_000
		};
		for (value, (index, leaf)) in values.iter().zip(&revealed) {
			let z = reference::output_of(&seed, params, &host, leaf.nonce);
			let key = perm_key(&seed, &host, leaf.nonce);
			let target = unit_vector(check_key(&challenge_seed, &host, *index), z.len());
			let check = distance(key, &z, &target, &mut Vec::new());
			assert!(near(value.distance, reference::distance_of(&seed, params, &host, leaf.nonce)));
			assert!(near(value.check, check));
			// A check value is no distance to the epoch's target: echoing the claim fails.
			assert!(value.check.abs_diff(value.distance) > 100_000, "{value:?}");
		}
		assert_eq!(echo(&revealed)[0].check, leaves[0].distance);
	}
}
