//! The commitment over a host's hits (DESIGN.md §5).
//!
//! Leaves are the hits sorted by nonce, strictly increasing; `leaf = blake2_256(SCALE(nonce:
//! u64, distance: u32))`. Inner nodes are `blake2_256(left ‖ right)`; an odd last node is
//! carried up unchanged. A proof lists the sibling hashes from the leaf up, skipping the levels
//! where the node was carried. An empty tree's root is all zeroes.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{hash_concat, Distance, Hash32};

/// One hit: a nonce and the distance it reached.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Leaf {
	/// The nonce.
	pub nonce: u64,
	/// Its distance to the target.
	pub distance: Distance,
}

impl Leaf {
	/// `blake2_256(SCALE(nonce, distance))`.
	pub fn hash(&self) -> Hash32 {
		hash_concat(&[&self.nonce.to_le_bytes(), &self.distance.0.to_le_bytes()])
	}
}

/// Hash of an inner node.
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
	hash_concat(&[left, right])
}

/// Whether `proof` shows that `leaf_hash` is leaf `index` of the tree of `count` leaves whose
/// root is `root`.
pub fn verify(root: &Hash32, count: u32, index: u32, leaf_hash: Hash32, proof: &[Hash32]) -> bool {
	if index >= count {
		return false;
	}
	let mut siblings = proof.iter();
	let (mut hash, mut position, mut width) = (leaf_hash, index, count);
	while width > 1 {
		let carried = width % 2 == 1 && position == width.saturating_sub(1);
		if !carried {
			let Some(sibling) = siblings.next() else { return false };
			hash = if position % 2 == 0 {
				node_hash(&hash, sibling)
			} else {
				node_hash(sibling, &hash)
			};
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	siblings.next().is_none() && hash == *root
}

/// Why a revealed pair `(i, i + 1)` does not prove what it should.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PairError {
	/// `i + 1` is not a leaf of a tree of `count` leaves.
	OutOfRange,
	/// A proof does not lead to the committed root.
	ProofInvalid,
	/// The second nonce is not strictly greater than the first: a repeated or unsorted nonce.
	NotIncreasing,
}

/// Checks a challenged pair: leaves `index` and `index + 1` of the tree of `count` leaves under
/// `root`, each with its proof, and nonces strictly increasing from the first to the second.
pub fn verify_pair(
	root: &Hash32,
	count: u32,
	index: u32,
	(first, first_proof): (&Leaf, &[Hash32]),
	(second, second_proof): (&Leaf, &[Hash32]),
) -> Result<(), PairError> {
	let next = index.checked_add(1).filter(|next| *next < count).ok_or(PairError::OutOfRange)?;
	if !verify(root, count, index, first.hash(), first_proof)
		|| !verify(root, count, next, second.hash(), second_proof)
	{
		return Err(PairError::ProofInvalid);
	}
	if second.nonce <= first.nonce {
		return Err(PairError::NotIncreasing);
	}
	Ok(())
}

/// A full tree, built by the host that commits to it (and by benchmarks inside the runtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
	/// `levels[0]` are the leaf hashes, the last level is the root alone.
	levels: Vec<Vec<Hash32>>,
}

impl MerkleTree {
	/// Builds the tree over `leaf_hashes`, in order.
	pub fn new(leaf_hashes: Vec<Hash32>) -> Self {
		let mut levels = alloc::vec![leaf_hashes];
		while let Some(level) = levels.last().filter(|level| level.len() > 1) {
			let next = level
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => node_hash(left, right),
					// `chunks(2)` yields one or two hashes: a single one is carried up.
					_ => pair.first().copied().unwrap_or_default(),
				})
				.collect();
			levels.push(next);
		}
		Self { levels }
	}

	/// Builds the tree over `leaves`.
	pub fn from_leaves(leaves: &[Leaf]) -> Self {
		Self::new(leaves.iter().map(Leaf::hash).collect())
	}

	/// Number of leaves.
	pub fn len(&self) -> usize {
		self.levels.first().map_or(0, Vec::len)
	}

	/// Whether the tree has no leaves.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	/// The root; all zeroes for an empty tree.
	pub fn root(&self) -> Hash32 {
		self.levels.last().and_then(|level| level.first()).copied().unwrap_or_default()
	}

	/// The proof of leaf `index`, or `None` if there is no such leaf.
	pub fn proof(&self, index: usize) -> Option<Vec<Hash32>> {
		if index >= self.len() {
			return None;
		}
		let mut proof = Vec::new();
		let mut position = index;
		let below_root = self.levels.split_last().map_or(&[][..], |(_, below)| below);
		for level in below_root {
			if let Some(sibling) = level.get(position ^ 1) {
				proof.push(*sibling);
			}
			position /= 2;
		}
		Some(proof)
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	fn leaves(n: u64) -> Vec<Leaf> {
		(0..n).map(|i| Leaf { nonce: i * 7 + 1, distance: Distance(1_000 + i as u32) }).collect()
	}

	#[test]
	fn every_leaf_of_every_size_verifies() {
		for n in 1..=33u64 {
			let leaves = leaves(n);
			let tree = MerkleTree::from_leaves(&leaves);
			for (i, leaf) in leaves.iter().enumerate() {
				let proof = tree.proof(i).unwrap();
				assert!(
					verify(&tree.root(), n as u32, i as u32, leaf.hash(), &proof),
					"n={n} i={i}"
				);
			}
		}
	}

	#[test]
	fn odd_last_node_is_carried_unchanged() {
		let leaves = leaves(3);
		let tree = MerkleTree::from_leaves(&leaves);
		let expected =
			node_hash(&node_hash(&leaves[0].hash(), &leaves[1].hash()), &leaves[2].hash());
		assert_eq!(tree.root(), expected);
		assert_eq!(tree.proof(2).unwrap(), vec![node_hash(&leaves[0].hash(), &leaves[1].hash())]);
	}

	#[test]
	fn leaf_hash_is_blake2_of_scale_encoding() {
		let leaf = Leaf { nonce: 5, distance: Distance(9) };
		assert_eq!(leaf.hash(), crate::hash_concat(&[&leaf.encode()]));
	}

	#[test]
	fn forged_proofs_fail() {
		let leaves = leaves(10);
		let tree = MerkleTree::from_leaves(&leaves);
		let root = tree.root();
		let proof = tree.proof(4).unwrap();
		let fake = Leaf { nonce: leaves[4].nonce, distance: Distance(1) };
		assert!(!verify(&root, 10, 4, fake.hash(), &proof), "changed distance");
		assert!(!verify(&root, 10, 5, leaves[4].hash(), &proof), "wrong index");
		// An inflated count changes the tree's shape near its end: the last leaf's proof fails.
		// (Leaves far from the end may still verify; sampling catches those, see `sampling`.)
		assert!(!verify(&root, 11, 9, leaves[9].hash(), &tree.proof(9).unwrap()), "inflated count");
		assert!(!verify(&root, 10, 4, leaves[4].hash(), &proof[1..]), "short proof");
		let mut long = proof.clone();
		long.push([0; 32]);
		assert!(!verify(&root, 10, 4, leaves[4].hash(), &long), "long proof");
		assert!(!verify(&root, 10, 10, leaves[4].hash(), &proof), "index out of range");
	}

	#[test]
	fn pairs_verify_and_catch_repeats() {
		let leaves = leaves(9);
		let tree = MerkleTree::from_leaves(&leaves);
		let root = tree.root();
		let proof = |i: usize| tree.proof(i).unwrap();
		let pair = |i: usize| {
			verify_pair(
				&root,
				9,
				i as u32,
				(&leaves[i], &proof(i)),
				(&leaves[i + 1], &proof(i + 1)),
			)
		};
		for i in 0..8 {
			assert_eq!(pair(i), Ok(()), "pair {i}");
		}
		assert_eq!(
			verify_pair(&root, 9, 8, (&leaves[8], &proof(8)), (&leaves[8], &proof(8))),
			Err(PairError::OutOfRange)
		);
		assert_eq!(
			verify_pair(&root, 9, 2, (&leaves[3], &proof(3)), (&leaves[3], &proof(3))),
			Err(PairError::ProofInvalid)
		);
		// A tree that repeats a nonce: its pair around the repeat is caught.
		let mut repeated = leaves.clone();
		repeated[5].nonce = repeated[4].nonce;
		let tree = MerkleTree::from_leaves(&repeated);
		assert_eq!(
			verify_pair(
				&tree.root(),
				9,
				4,
				(&repeated[4], &tree.proof(4).unwrap()),
				(&repeated[5], &tree.proof(5).unwrap())
			),
			Err(PairError::NotIncreasing)
		);
	}

	#[test]
	fn empty_tree_has_zero_root() {
		let tree = MerkleTree::new(Vec::new());
		assert!(tree.is_empty());
		assert_eq!(tree.root(), [0; 32]);
		assert_eq!(tree.proof(0), None);
	}
}
