//! What the pallet stores about an epoch: commitments, reveals, the validators' snapshot,
//! attestations and results.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::{
	merkle::Leaf,
	sprint::{MAX_SAMPLES, MAX_VALIDATORS_PER_HOST},
	Hash32,
};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// The deepest Merkle proof: a tree of at most `u32::MAX` leaves has 32 levels below the root.
pub const MAX_PROOF_DEPTH: u32 = 32;
/// The most leaves one reveal carries: two per challenged pair.
pub const MAX_REVEALED_LEAVES: u32 = 2 * MAX_SAMPLES;
/// How many of an epoch's largest weights settlement keeps track of.
pub const LARGEST_TRACKED: usize = 9;
/// The smallest cap on one host's share of an epoch's weight: with it, fewer than 10 hosts
/// can exceed the cap, so [`LARGEST_TRACKED`] are all it can cut.
pub const MIN_WEIGHT_SHARE: Perbill = Perbill::from_percent(10);
/// Hosts per chunk of the epoch's weight snapshot.
pub const SNAPSHOT_CHUNK: u32 = 256;
/// Chunks of the weight snapshot: with [`SNAPSHOT_CHUNK`], the most hosts that can take part
/// in one epoch (65,536).
pub const MAX_SNAPSHOT_CHUNKS: u32 = 256;

/// A host's commitment for one epoch.
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
)]
pub struct Commitment {
	/// Root of the Merkle tree over the host's hits, sorted by nonce.
	pub root: Hash32,
	/// Number of hits (leaves).
	pub count: u32,
}

/// One revealed leaf with its Merkle proof.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct RevealedLeaf {
	/// Position of the leaf in the tree.
	pub index: u32,
	/// The leaf: nonce and claimed distance.
	pub leaf: Leaf,
	/// Sibling hashes from the leaf up (see `gonka_primitives::merkle`).
	pub proof: BoundedVec<Hash32, ConstU32<MAX_PROOF_DEPTH>>,
}

/// The leaves a host revealed, `(index, leaf)` by ascending index.
pub type RevealedLeaves = BoundedVec<(u32, Leaf), ConstU32<MAX_REVEALED_LEAVES>>;

/// A reveal that passed every on-chain check: the host takes part in validation and
/// settlement.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Reveal {
	/// The host's place in the epoch's weight snapshot (reveal order).
	pub index: u32,
	/// The host's weight in the previous epoch: its say as a validator and its chance to be
	/// drawn as one.
	pub prior_weight: u64,
	/// The revealed leaves, by ascending index.
	pub leaves: RevealedLeaves,
}

/// The size of an epoch's weight snapshot, and where each chunk of it ends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct SnapshotSummary {
	/// Hosts in the snapshot.
	pub hosts: u32,
	/// The running weight total at the end of each chunk.
	pub chunk_ends: BoundedVec<u64, ConstU32<MAX_SNAPSHOT_CHUNKS>>,
}

/// One validator's verdict on one host.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Attestation<AccountId> {
	/// The validator.
	pub validator: AccountId,
	/// Its prior weight: what its verdict counts.
	pub weight: u64,
	/// Revealed leaves it found mismatched.
	pub mismatches: u32,
	/// Whether it passed the host (`mismatches ≤ max_mismatches`).
	pub passed: bool,
}

/// The verdicts on one host, one per assigned validator that attested.
pub type Attestations<AccountId> =
	BoundedVec<Attestation<AccountId>, ConstU32<MAX_VALIDATORS_PER_HOST>>;

/// How a host's epoch ended.
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
)]
pub enum Outcome {
	/// Passing validators held more than half of the responding validators' weight.
	Accepted,
	/// No assigned validator responded (or none exist, as on a one-host network): the
	/// reveal's on-chain checks decided.
	AcceptedUnvalidated,
	/// Passing validators held at most half of the responding validators' weight.
	Rejected,
}

impl Outcome {
	/// Whether the host's hits count.
	pub fn is_accepted(self) -> bool {
		self != Outcome::Rejected
	}
}

/// A host's settled epoch.
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
)]
pub struct HostResult {
	/// Accepted, and how, or rejected.
	pub outcome: Outcome,
	/// The hits the host committed.
	pub hits: u32,
	/// The compute weight earned: if accepted, the hits its collateral backs, else 0. What
	/// counts is at most the epoch's [`EpochSummary::weight_cap`].
	pub weight: u64,
	/// Validators that passed the host.
	pub passed_by: u32,
	/// Validators that failed the host.
	pub failed_by: u32,
	/// Its share of the epoch's emission, in base units, once paid.
	pub reward: u128,
}

/// An epoch's settlement, as far as it has gone.
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
)]
pub struct EpochSummary {
	/// Hosts settled so far.
	pub settled: u32,
	/// Of them, accepted.
	pub accepted: u32,
	/// Total compute weight of the accepted hosts.
	pub total_weight: u64,
	/// The largest weights, largest first: the only ones a cap of at least
	/// [`MIN_WEIGHT_SHARE`] of the total can cut.
	pub largest: [u64; LARGEST_TRACKED],
	/// The most weight one host counts (the registry's largest share of the total), fixed
	/// when the settlement closes: once every host is settled, or when the epoch ends.
	pub weight_cap: Option<u64>,
	/// Total weight the hosts count, each within the cap, fixed with it.
	pub counted_weight: u64,
	/// Whether every host of the epoch is settled.
	pub complete: bool,
	/// What the epoch emits, fixed when the settlement closes.
	pub emission: u128,
	/// Of it, paid to hosts so far (the rest goes to the community pool once all are paid).
	pub rewarded: u128,
}

impl EpochSummary {
	/// Counts an accepted host's `weight`.
	pub fn add_accepted(&mut self, weight: u64) {
		self.accepted = self.accepted.saturating_add(1);
		self.total_weight = self.total_weight.saturating_add(weight);
		let mut carried = weight;
		for slot in self.largest.iter_mut() {
			if carried > *slot {
				core::mem::swap(slot, &mut carried);
			}
		}
	}

	/// Fixes the cap at `max_share` of the total (at least [`MIN_WEIGHT_SHARE`]) and the
	/// total the hosts count within it. With fewer hosts than `1 / max_share` (a one-host
	/// development chain), every host is cut to the cap and their shares even out.
	pub fn close(&mut self, max_share: Perbill) {
		let cap = max_share.max(MIN_WEIGHT_SHARE).mul_floor(self.total_weight);
		let cut: u64 = self.largest.iter().map(|weight| weight.saturating_sub(cap)).sum();
		self.weight_cap = Some(cap);
		self.counted_weight = self.total_weight.saturating_sub(cut);
	}

	/// The part of `weight` that counts, once the settlement is closed (0 before).
	pub fn counted(&self, weight: u64) -> u64 {
		self.weight_cap.map_or(0, |cap| weight.min(cap))
	}
}

/// What settlement is doing.
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
)]
pub enum SettlementStage {
	/// Deciding each host's outcome and weight.
	Judging,
	/// Paying each accepted host its share of the emission.
	Paying,
}

/// Where settlement stands: the epoch, the stage and the next host (snapshot index).
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
)]
pub struct SettlementCursor {
	/// The epoch being settled.
	pub epoch: u64,
	/// Judging or paying.
	pub stage: SettlementStage,
	/// The next host to judge or pay, by snapshot index.
	pub next: u32,
}
