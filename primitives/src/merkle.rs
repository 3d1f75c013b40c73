//! The range-annotated commitment over a host's hits (DESIGN.md §5, revision 2).
//!
//! Leaves are the hits sorted by nonce, strictly increasing. Every node is a triple
//! [`Node`] `(hash, lo, hi)`: a leaf is `(blake2_256(SCALE(nonce, distance)), nonce, nonce)`;
//! an inner node over `L` and `R` exists only when `L.hi < R.lo`, and is
//! `(blake2_256(SCALE(L.hash, L.lo, L.hi, R.hash, R.lo, R.hi)), L.lo, R.hi)`. An odd last
//! node is carried up unchanged. A host commits `(root, count)`, and the chain refuses
//! `count = 0` or `count > root.hi − root.lo + 1` ([`plausible_commitment`]).
//!
//! A proof lists the sibling triples from the leaf up, skipping the levels where the node was
//! carried. [`verify`] recomputes the path and checks, at every level, that the sibling's
//! range is not inverted (`S.lo ≤ S.hi`) and that the left range ends below the right one.
//! On a verified path every node's range holds the one below it, so the leaf's nonce lies in
//! every range on its path; two verified leaves `i < j` meet at a node whose left range ends
//! below its right one, so `nonce_i < nonce_j`. Leaves that verify therefore have distinct,
//! increasing nonces, whatever the host hashed into its tree: a commitment of `count` leaves
//! over `H` true hits has at most `H` leaves that verify as hits (docs/STATISTICS.md).

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

/// A node of the tree: its hash and the range of nonces below it.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
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
pub struct Node {
	/// `blake2_256` of the leaf, or of the two children's triples.
	pub hash: Hash32,
	/// The smallest nonce below the node.
	pub lo: u64,
	/// The largest nonce below the node.
	pub hi: u64,
}

impl Node {
	/// The node of `leaf`: its hash, and its nonce as both ends of the range.
	pub fn leaf(leaf: &Leaf) -> Self {
		Self { hash: leaf.hash(), lo: leaf.nonce, hi: leaf.nonce }
	}

	/// The parent of `left` and `right`, or `None` when `left`'s range does not end below
	/// `right`'s (`left.hi ≥ right.lo`): such a node does not exist in a valid tree.
	pub fn join(left: &Self, right: &Self) -> Option<Self> {
		(left.hi < right.lo).then(|| Self::join_unchecked(left, right))
	}

	/// `blake2_256(SCALE(left.hash, left.lo, left.hi, right.hash, right.lo, right.hi))` with
	/// the range `(left.lo, right.hi)`, whether or not the ranges are in order. Only
	/// [`Node::join`] builds valid trees; this is for those who want to show that nothing
	/// else verifies.
	pub fn join_unchecked(left: &Self, right: &Self) -> Self {
		let hash = hash_concat(&[
			&left.hash,
			&left.lo.to_le_bytes(),
			&left.hi.to_le_bytes(),
			&right.hash,
			&right.lo.to_le_bytes(),
			&right.hi.to_le_bytes(),
		]);
		Self { hash, lo: left.lo, hi: right.hi }
	}

	/// Whether the range is not inverted (`lo ≤ hi`).
	pub fn is_ordered(&self) -> bool {
		self.lo <= self.hi
	}

	/// How many distinct nonces the range can hold (`hi − lo + 1`; 0 when inverted).
	pub fn span(&self) -> u128 {
		if self.is_ordered() {
			u128::from(self.hi).saturating_sub(u128::from(self.lo)).saturating_add(1)
		} else {
			0
		}
	}
}

/// Whether a commitment `(root, count)` is one the chain accepts: at least one leaf, and no
/// more leaves than distinct nonces fit in the root's range.
pub fn plausible_commitment(root: &Node, count: u32) -> bool {
	count > 0 && u128::from(count) <= root.span()
}

/// Why a proof of a leaf does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofError {
	/// The index is not a leaf of a tree of `count` leaves.
	IndexOutOfRange,
	/// The proof has fewer or more siblings than the leaf's path has levels.
	WrongLength,
	/// A sibling's range is inverted (`lo > hi`).
	InvertedRange,
	/// At some level the left range does not end below the right one: two leaves with the
	/// same nonce, or unsorted leaves.
	RangesOverlap,
	/// The path does not lead to the committed root.
	RootMismatch,
}

/// Checks that `proof` shows `leaf` as leaf `index` of the tree of `count` leaves committed
/// as `root` (hash and range), with every sibling's range ordered and every level's ranges
/// in order.
pub fn verify(
	root: &Node,
	count: u32,
	index: u32,
	leaf: &Leaf,
	proof: &[Node],
) -> Result<(), ProofError> {
	if index >= count {
		return Err(ProofError::IndexOutOfRange);
	}
	let mut siblings = proof.iter();
	let (mut node, mut position, mut width) = (Node::leaf(leaf), index, count);
	while width > 1 {
		let carried = width % 2 == 1 && position == width.saturating_sub(1);
		if !carried {
			let sibling = siblings.next().ok_or(ProofError::WrongLength)?;
			if !sibling.is_ordered() {
				return Err(ProofError::InvertedRange);
			}
			let (left, right) = if position % 2 == 0 { (&node, sibling) } else { (sibling, &node) };
			node = Node::join(left, right).ok_or(ProofError::RangesOverlap)?;
		}
		position /= 2;
		width = width.div_ceil(2);
	}
	if siblings.next().is_some() {
		return Err(ProofError::WrongLength);
	}
	if node != *root {
		return Err(ProofError::RootMismatch);
	}
	Ok(())
}

/// Why a tree cannot be built over a list of leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotIncreasing {
	/// The first leaf whose nonce is not above the one before it.
	pub index: usize,
}

/// A full tree, built by the host that commits to it (and by benchmarks inside the runtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleTree {
	/// `levels[0]` are the leaves' nodes, the last level is the root alone.
	levels: Vec<Vec<Node>>,
}

impl MerkleTree {
	/// Builds the tree over `leaves`, which must have strictly increasing nonces.
	pub fn from_leaves(leaves: &[Leaf]) -> Result<Self, NotIncreasing> {
		if let Some(index) =
			leaves.windows(2).position(|pair| matches!(pair, [a, b] if a.nonce >= b.nonce))
		{
			return Err(NotIncreasing { index: index.saturating_add(1) });
		}
		Ok(Self::from_nodes(leaves.iter().map(Node::leaf).collect(), Node::join_unchecked))
	}

	/// Builds a tree over `nodes`, joining pairs with `join` (for valid trees, over nodes in
	/// increasing order, [`Node::join_unchecked`] is [`Node::join`]). A host that forges its
	/// tree may join as it likes; the tests use this to show that forgeries do not verify.
	pub fn from_nodes(nodes: Vec<Node>, join: impl Fn(&Node, &Node) -> Node) -> Self {
		let mut levels = alloc::vec![nodes];
		while let Some(level) = levels.last().filter(|level| level.len() > 1) {
			let next = level
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => join(left, right),
					// `chunks(2)` yields one or two nodes: a single one is carried up.
					_ => pair.first().copied().unwrap_or_default(),
				})
				.collect();
			levels.push(next);
		}
		Self { levels }
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
	pub fn root(&self) -> Node {
		self.levels.last().and_then(|level| level.first()).copied().unwrap_or_default()
	}

	/// The proof of leaf `index`, or `None` if there is no such leaf.
	pub fn proof(&self, index: usize) -> Option<Vec<Node>> {
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
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
	use super::*;

	fn leaves(n: u64) -> Vec<Leaf> {
		(0..n).map(|i| Leaf { nonce: i * 7 + 1, distance: Distance(1_000 + i as u32) }).collect()
	}

	fn tree(leaves: &[Leaf]) -> MerkleTree {
		MerkleTree::from_leaves(leaves).unwrap()
	}

	#[test]
	fn every_leaf_of_every_size_verifies() {
		for n in 1..=33u64 {
			let leaves = leaves(n);
			let tree = tree(&leaves);
			let root = tree.root();
			assert_eq!((root.lo, root.hi), (leaves[0].nonce, leaves[n as usize - 1].nonce));
			assert!(plausible_commitment(&root, n as u32));
			for (i, leaf) in leaves.iter().enumerate() {
				let proof = tree.proof(i).unwrap();
				assert_eq!(verify(&root, n as u32, i as u32, leaf, &proof), Ok(()), "n={n} i={i}");
			}
		}
	}

	#[test]
	fn odd_last_node_is_carried_unchanged() {
		let leaves = leaves(3);
		let tree = tree(&leaves);
		let nodes: Vec<Node> = leaves.iter().map(Node::leaf).collect();
		let first_pair = Node::join(&nodes[0], &nodes[1]).unwrap();
		assert_eq!(tree.root(), Node::join(&first_pair, &nodes[2]).unwrap());
		assert_eq!(tree.proof(2).unwrap(), vec![first_pair]);
	}

	#[test]
	fn hashes_are_blake2_of_scale_encodings() {
		let leaf = Leaf { nonce: 5, distance: Distance(9) };
		assert_eq!(leaf.hash(), crate::hash_concat(&[&leaf.encode()]));
		let (left, right) = (Node::leaf(&leaf), Node { hash: [3; 32], lo: 8, hi: 12 });
		let parent = Node::join(&left, &right).unwrap();
		assert_eq!(parent.hash, crate::hash_concat(&[&(left, right).encode()]));
		assert_eq!((parent.lo, parent.hi), (5, 12));
	}

	#[test]
	fn unsorted_or_repeated_leaves_build_no_tree() {
		let mut repeated = leaves(5);
		repeated[3].nonce = repeated[2].nonce;
		assert_eq!(MerkleTree::from_leaves(&repeated), Err(NotIncreasing { index: 3 }));
		let mut unsorted = leaves(5);
		unsorted.swap(0, 4);
		assert_eq!(MerkleTree::from_leaves(&unsorted), Err(NotIncreasing { index: 1 }));
		assert_eq!(Node::join(&Node::leaf(&repeated[2]), &Node::leaf(&repeated[3])), None);
	}

	#[test]
	fn implausible_commitments_are_refused() {
		let root = Node { hash: [1; 32], lo: 10, hi: 19 };
		assert!(plausible_commitment(&root, 10));
		assert!(!plausible_commitment(&root, 11), "more leaves than nonces in the range");
		assert!(!plausible_commitment(&root, 0));
		assert!(!plausible_commitment(&Node { lo: 20, ..root }, 1), "inverted range");
		let whole = Node { hash: [1; 32], lo: 0, hi: u64::MAX };
		assert!(plausible_commitment(&whole, u32::MAX));
	}

	#[test]
	fn forged_proofs_fail() {
		let leaves = leaves(10);
		let tree = tree(&leaves);
		let root = tree.root();
		let proof = tree.proof(4).unwrap();
		let fake = Leaf { nonce: leaves[4].nonce, distance: Distance(1) };
		assert_eq!(verify(&root, 10, 4, &fake, &proof), Err(ProofError::RootMismatch));
		assert_eq!(verify(&root, 10, 5, &leaves[4], &proof), Err(ProofError::RangesOverlap));
		assert!(verify(&root, 10, 4, &leaves[4], &proof[1..]).is_err(), "short proof");
		let mut long = proof.clone();
		long.push(Node::default());
		assert_eq!(verify(&root, 10, 4, &leaves[4], &long), Err(ProofError::WrongLength));
		assert_eq!(verify(&root, 10, 10, &leaves[4], &proof), Err(ProofError::IndexOutOfRange));
		let widened = Node { hi: root.hi + 1, ..root };
		assert_eq!(verify(&widened, 10, 4, &leaves[4], &proof), Err(ProofError::RootMismatch));
		let mut inverted = proof.clone();
		inverted[1] = Node { lo: inverted[1].hi + 1, ..inverted[1] };
		assert_eq!(verify(&root, 10, 4, &leaves[4], &inverted), Err(ProofError::InvertedRange));
	}

	#[test]
	fn empty_tree_has_zero_root() {
		let tree = tree(&[]);
		assert!(tree.is_empty());
		assert_eq!(tree.root(), Node::default());
		assert_eq!(tree.proof(0), None);
	}
}
