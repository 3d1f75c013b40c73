//! Proposals, votes and their tally.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A vote.
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
pub enum VoteChoice {
	/// For the proposal.
	Aye,
	/// Against it.
	Nay,
	/// Present, counting towards the quorum only.
	Abstain,
}

/// Compute weight cast on a proposal, by choice.
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
pub struct Tally {
	/// Weight for.
	pub aye: u64,
	/// Weight against.
	pub nay: u64,
	/// Weight abstaining.
	pub abstain: u64,
}

impl Tally {
	fn slot(&mut self, choice: VoteChoice) -> &mut u64 {
		match choice {
			VoteChoice::Aye => &mut self.aye,
			VoteChoice::Nay => &mut self.nay,
			VoteChoice::Abstain => &mut self.abstain,
		}
	}

	/// Counts `weight` for `choice`.
	pub fn add(&mut self, choice: VoteChoice, weight: u64) {
		let slot = self.slot(choice);
		*slot = slot.saturating_add(weight);
	}

	/// Takes back `weight` counted for `choice`.
	pub fn remove(&mut self, choice: VoteChoice, weight: u64) {
		let slot = self.slot(choice);
		*slot = slot.saturating_sub(weight);
	}

	/// Whether the votes cast reach `quorum` of `total` and the ayes are more than half of the
	/// ayes and nays.
	pub fn passes(&self, total: u64, quorum: Perbill) -> bool {
		let cast = u128::from(self.aye)
			.saturating_add(self.nay.into())
			.saturating_add(self.abstain.into());
		let reaches_quorum = cast >= u128::from(quorum.mul_ceil(total)) && cast > 0;
		let decided = u128::from(self.aye).saturating_add(self.nay.into());
		reaches_quorum && u128::from(self.aye).saturating_mul(2) > decided
	}
}

/// The longest call a proposal may carry, SCALE-encoded, in bytes.
pub const MAX_CALL_LEN: u32 = 4 * 1024;

/// A proposal: a call the pool's governance dispatches with the `ComputeMajority` origin if
/// it passes.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Proposal<AccountId, Balance, BlockNumber> {
	/// Who proposed it, and holds the deposit.
	pub proposer: AccountId,
	/// The SCALE-encoded call.
	pub call: BoundedVec<u8, ConstU32<MAX_CALL_LEN>>,
	/// The deposit held from the proposer until the proposal is closed.
	pub deposit: Balance,
	/// The settled epoch whose compute weight votes.
	pub snapshot_epoch: u64,
	/// The total weight counted in that epoch.
	pub total_weight: u64,
	/// The last block of the vote.
	pub ends: BlockNumber,
	/// The votes so far.
	pub tally: Tally,
	/// How many accounts have voted.
	pub voters: u32,
}
