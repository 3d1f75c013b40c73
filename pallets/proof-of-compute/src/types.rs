//! What the pallet stores about an epoch: commitments, reveals, the validators' snapshot,
//! attestations and results.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::{
	merkle::{Leaf, Node},
	sprint::{MAX_SAMPLES, MAX_VALIDATORS_PER_HOST},
	Distance, Hash32,
};
use scale_info::TypeInfo;
use sp_runtime::{PerThing, Perbill};

/// The deepest Merkle proof: a tree of at most `u32::MAX` leaves has 32 levels below the root.
pub const MAX_PROOF_DEPTH: u32 = 32;
/// The most leaves one reveal carries: one per challenged leaf.
pub const MAX_REVEALED_LEAVES: u32 = MAX_SAMPLES;
/// How many of an epoch's largest weights settlement keeps track of.
pub const LARGEST_TRACKED: usize = 9;
/// The smallest cap on one host's share of an epoch's counted weight: with it, fewer than 10
/// hosts can exceed the cap, so [`LARGEST_TRACKED`] are all it can cut.
pub const MIN_WEIGHT_SHARE: Perbill = Perbill::from_percent(10);
/// Hosts per chunk of the epoch's weight snapshot.
pub const SNAPSHOT_CHUNK: u32 = 256;
/// Chunks of the weight snapshot: with [`SNAPSHOT_CHUNK`], the most hosts that can take part
/// in one epoch (65,536).
pub const MAX_SNAPSHOT_CHUNKS: u32 = 256;

/// A host's commitment for one epoch: the root of its range-annotated tree and its count
/// (DESIGN.md §5, revision 2).
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
	/// Root of the Merkle tree over the host's hits, sorted by nonce: its hash and the range
	/// of nonces below it.
	pub root: Node,
	/// Number of hits (leaves); at most `root.hi − root.lo + 1`.
	pub count: u32,
	/// How many leaves the host answers for, fixed when it commits (from the epoch's samples
	/// and its reputation then), so that nothing changing during the reveal phase can turn
	/// its prepared reveal into a failed one.
	pub samples: u32,
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
	/// Sibling triples from the leaf up (see `gonka_primitives::merkle`).
	pub proof: BoundedVec<Node, ConstU32<MAX_PROOF_DEPTH>>,
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

/// A validator's check values for one host, one per revealed leaf, in the reveal's order.
pub type CheckValues = BoundedVec<Distance, ConstU32<MAX_REVEALED_LEAVES>>;

/// An opened attestation: what the validator's recomputation says of the host.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Opening {
	/// Revealed leaves it found mismatched.
	pub mismatches: u32,
	/// Whether it passed the host (`SprintParams::passes`: at most `max_mismatches`
	/// mismatches, and fewer than a quarter of the leaves).
	pub passed: bool,
	/// Its check values, compared at settlement with the other validators' (DESIGN.md §5).
	pub checks: CheckValues,
}

/// One validator's attestation on one host: sealed in the validate phase, opened in the open
/// phase. One never opened counts as silence.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Attestation<AccountId> {
	/// The validator.
	pub validator: AccountId,
	/// Its prior weight: what its verdict counts.
	pub weight: u64,
	/// `blake2_256(SCALE((values, salt)))`, as it sealed it.
	pub seal: Hash32,
	/// What it attested, once opened.
	pub opening: Option<Opening>,
}

impl<AccountId> Attestation<AccountId> {
	/// Whether the opened attestation passed the host (`None` while sealed).
	pub fn passed(&self) -> Option<bool> {
		self.opening.as_ref().map(|opening| opening.passed)
	}
}

/// The attestations on one host, one per assigned validator that sealed one.
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
	/// Passing validators held more than half of the responding validators' weight (by
	/// count while none of them has weight).
	Accepted,
	/// The host was the only one of its epoch, so no validator could exist: the reveal's
	/// on-chain checks decided (a one-host development chain).
	AcceptedOnReveal,
	/// No assigned validator responded, or, while none of them has weight, no majority
	/// passed it and fewer than two failed it: the host earns no weight and is not punished.
	Unvalidated,
	/// Passing validators held at most half of the responding validators' weight (or, while
	/// none has weight, at least two failed it and no majority passed it): fraud.
	Rejected,
}

impl Outcome {
	/// Whether the host's hits count.
	pub fn is_accepted(self) -> bool {
		matches!(self, Outcome::Accepted | Outcome::AcceptedOnReveal)
	}

	/// The verdict a validator agreed with by passing (`Some(true)`) or failing
	/// (`Some(false)`) the host; `None` when the outcome judged nobody.
	pub fn verdict(self) -> Option<bool> {
		match self {
			Outcome::Accepted => Some(true),
			Outcome::Rejected => Some(false),
			Outcome::AcceptedOnReveal | Outcome::Unvalidated => None,
		}
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
	/// Accepted, and how, unvalidated, or rejected.
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
	/// Its share of the hosts' part of the epoch's emission, in base units, once paid.
	pub reward: u128,
	/// What it earned as a validator: its share of the validators' part of the emission, by
	/// its attestations that agreed with the outcome, once paid.
	pub validator_reward: u128,
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
	/// Of the accepted, those with a weight above zero.
	pub weighted: u32,
	/// Total compute weight of the accepted hosts.
	pub total_weight: u64,
	/// The largest weights, largest first: the only ones a cap of at least
	/// [`MIN_WEIGHT_SHARE`] of the counted total can cut.
	pub largest: [u64; LARGEST_TRACKED],
	/// The smallest weight above zero of an accepted host (0 while there is none).
	pub smallest: u64,
	/// Attestations that agreed with their host's outcome: the validators' claims on
	/// their part of the emission.
	pub agreed_attestations: u32,
	/// The most weight one host counts, fixed when the settlement closes: once every host is
	/// settled, or when the epoch ends ([`EpochSummary::close`]).
	pub weight_cap: Option<u64>,
	/// Total weight the hosts count, each within the cap, fixed with it.
	pub counted_weight: u64,
	/// Whether every host of the epoch is settled.
	pub complete: bool,
	/// What the epoch emits, fixed when the settlement closes.
	pub emission: u128,
	/// Of it, the validators' part (nothing when no attestation agreed), fixed with it.
	pub validator_emission: u128,
	/// Of it, paid to hosts so far.
	pub rewarded: u128,
	/// Of it, paid to validators so far (what neither hosts nor validators received goes to
	/// the community pool once all are paid).
	pub validators_rewarded: u128,
}

impl EpochSummary {
	/// Counts an accepted host's `weight`.
	pub fn add_accepted(&mut self, weight: u64) {
		self.accepted = self.accepted.saturating_add(1);
		self.total_weight = self.total_weight.saturating_add(weight);
		if weight > 0 {
			self.weighted = self.weighted.saturating_add(1);
			self.smallest = if self.smallest == 0 { weight } else { self.smallest.min(weight) };
		}
		let mut carried = weight;
		for slot in self.largest.iter_mut() {
			if carried > *slot {
				core::mem::swap(slot, &mut carried);
			}
		}
	}

	/// Fixes the cap and the total the hosts count within it (DESIGN.md §5, revision 2).
	///
	/// With at least `1 / max_share` weighted hosts (`max_share` at least
	/// [`MIN_WEIGHT_SHARE`]), the cap is on the counted total: the largest `c` with
	/// `c = max_share · Σ min(wᵢ, c)` (water-filling over the largest hosts), so that no host
	/// counts more than `max_share` of what all count. With fewer, no cap could hold, and
	/// every host counts the smallest accepted weight: their shares are equal.
	pub fn close(&mut self, max_share: Perbill) {
		let share = max_share.max(MIN_WEIGHT_SHARE);
		let enough = u64::from(self.weighted).saturating_mul(u64::from(share.deconstruct()))
			>= u64::from(Perbill::ACCURACY);
		let cap = if enough { self.water_level(share) } else { self.smallest };
		let cut: u64 = self.largest.iter().map(|weight| weight.saturating_sub(cap)).sum();
		self.weight_cap = Some(cap);
		self.counted_weight = self.total_weight.saturating_sub(cut);
	}

	/// The cap `c` that the `j` largest weights exceed, for the first `j` where the next
	/// largest does not: `c = share · rest / (1 − j · share)`, with `rest` the total without
	/// those `j`. With `share ≥ 10%`, `j < 10`, so the tracked largest weights suffice.
	fn water_level(&self, share: Perbill) -> u64 {
		let parts = u128::from(share.deconstruct());
		let mut rest = u128::from(self.total_weight);
		let mut level = 0u128;
		for capped in 0..=LARGEST_TRACKED {
			let room = u128::from(Perbill::ACCURACY)
				.saturating_sub((capped as u128).saturating_mul(parts));
			level = parts.saturating_mul(rest).checked_div(room).unwrap_or(0);
			match self.largest.get(capped) {
				Some(next) if u128::from(*next) > level => {
					rest = rest.saturating_sub((*next).into())
				}
				_ => break,
			}
		}
		u64::try_from(level).unwrap_or(u64::MAX)
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
