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

	/// Whether the votes cast, abstentions included, reach `quorum` of `total`.
	pub fn reaches_quorum(&self, total: u64, quorum: Perbill) -> bool {
		let cast = u128::from(self.aye)
			.saturating_add(self.nay.into())
			.saturating_add(self.abstain.into());
		cast >= u128::from(quorum.mul_ceil(total)) && cast > 0
	}

	/// Whether the votes cast reach `quorum` of `total` and the ayes are more than half of the
	/// ayes and nays.
	pub fn passes(&self, total: u64, quorum: Perbill) -> bool {
		let decided = u128::from(self.aye).saturating_add(self.nay.into());
		self.reaches_quorum(total, quorum) && u128::from(self.aye).saturating_mul(2) > decided
	}
}

/// The longest voting period or enactment delay governance may set: 30 days of 6-second
/// blocks. A passed proposal cannot stall governance for longer.
pub const MAX_GOVERNANCE_PERIOD: u32 = 30 * 14_400;

/// Governance's timing, which a passed proposal may change (`set_params`).
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
#[serde(rename_all = "camelCase")]
pub struct GovernanceParams {
	/// Blocks a proposal is open for votes.
	pub voting_period: u32,
	/// Blocks between a proposal passing and its call being dispatched: time for everyone it
	/// affects to see it coming (and for hosts to leave, or operators to upgrade their nodes).
	pub enactment_delay: u32,
}

impl Default for GovernanceParams {
	/// A live network's: a day of voting (14,400 six-second blocks), then a day before the
	/// call is dispatched.
	fn default() -> Self {
		Self { voting_period: 14_400, enactment_delay: 14_400 }
	}
}

impl GovernanceParams {
	/// Whether both periods are at least a block and at most [`MAX_GOVERNANCE_PERIOD`].
	pub fn is_valid(&self) -> bool {
		let period = 1..=MAX_GOVERNANCE_PERIOD;
		period.contains(&self.voting_period) && period.contains(&self.enactment_delay)
	}
}

/// Where a proposal is in its life.
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
pub enum ProposalStage<BlockNumber> {
	/// Open for votes until the proposal's `ends`.
	Voting,
	/// Passed; its call may be dispatched (`enact`) from block `enact_at`.
	Approved {
		/// The first block the call may be dispatched in.
		enact_at: BlockNumber,
	},
}

/// Why a passed proposal was closed without its call being dispatched.
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
pub enum EnactmentFailure {
	/// The call no longer decodes: the runtime changed since the proposal was made.
	Undecodable,
	/// The call now weighs more than a proposal's call may (`MaxCallWeight`).
	TooHeavy,
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
	/// Voting, or passed and waiting for its enactment.
	pub stage: ProposalStage<BlockNumber>,
	/// The votes so far.
	pub tally: Tally,
	/// How many accounts have voted.
	pub voters: u32,
}
