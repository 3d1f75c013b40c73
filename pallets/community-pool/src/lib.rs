//! # Community-pool pallet
//!
//! A pool of GNK (12% of the supply at genesis, and every slash) that only verified compute
//! can spend (DESIGN.md §1, §6): "capital can accelerate, but only verified work gives power".
//! - [`Pallet::propose`]: anyone may propose a call, holding a deposit until it is closed. The
//!   proposal takes a snapshot: the last settled epoch, whose compute weight votes.
//! - [`Pallet::vote`]: aye, nay or abstain, weighted by the voter's compute weight in the
//!   snapshot epoch (as [`ComputeVotes`] counts it), capped at `MaxVoteShare` (25%) of that
//!   epoch's total. Voting again replaces the earlier vote exactly. An account without compute
//!   weight has no vote, whatever its balance.
//! - [`Pallet::close`]: after the voting period, anyone closes the proposal. It passes when
//!   the votes cast reach `Quorum` (25%) of the snapshot's total weight and ayes are more
//!   than half of the ayes and nays; a passed proposal's call is dispatched with the
//!   [`RawOrigin::ComputeMajority`] origin. The deposit is returned either way.
//! - [`Pallet::spend`]: pays from the pool; only `ComputeMajority` may call it.
//!
//! [`EnsureComputeMajority`] is the origin check other pallets use for what only compute may
//! decide.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod origin;
mod proposals;
pub mod types;
pub mod weights;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;

pub use origin::EnsureComputeMajority;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Compute weight as governance counts it.
pub trait ComputeVotes<AccountId> {
	/// The last epoch whose settlement has closed, if any.
	fn last_settled_epoch() -> Option<u64>;
	/// The weight `who` counts in `epoch` (0 when it earned none, or the epoch is too old to
	/// be remembered).
	fn weight_of(epoch: u64, who: &AccountId) -> u64;
	/// The total weight counted in `epoch`.
	fn total_weight(epoch: u64) -> u64;

	/// Makes `who` count `weight` in a settled epoch, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn set_weight_for_benchmarks(who: &AccountId, weight: u64);
}

/// The pool's balance type.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::fungible,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Dispatchable, Perbill};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origin a passed proposal dispatches with.
	#[derive(
		Clone,
		Copy,
		PartialEq,
		Eq,
		Debug,
		Encode,
		Decode,
		DecodeWithMemTracking,
		TypeInfo,
		MaxEncodedLen,
	)]
	pub enum RawOrigin {
		/// More than half of the compute weight that voted, with a quorum, approved.
		ComputeMajority,
	}

	/// The pallet's origin in the runtime's.
	#[pallet::origin]
	pub type Origin = RawOrigin;

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A proposal's deposit.
		ProposalDeposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The runtime's origin, which includes [`RawOrigin`].
		type RuntimeOrigin: From<RawOrigin>;
		/// The calls a proposal may carry.
		type RuntimeCall: Parameter
			+ Dispatchable<
				RuntimeOrigin = <Self as Config>::RuntimeOrigin,
				PostInfo = PostDispatchInfo,
			> + GetDispatchInfo
			+ From<frame_system::Call<Self>>;
		/// Who may spend from the pool: [`EnsureComputeMajority`].
		type SpendOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
		/// The currency of the pool and of deposits.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons, of which [`HoldReason::ProposalDeposit`] is one.
		type RuntimeHoldReason: From<HoldReason>;
		/// Compute weight by settled epoch.
		type Votes: ComputeVotes<Self::AccountId>;
		/// The pool's account.
		#[pallet::constant]
		type PoolAccount: Get<Self::AccountId>;
		/// The deposit a proposal holds.
		#[pallet::constant]
		type ProposalDeposit: Get<BalanceOf<Self>>;
		/// How many blocks a proposal is open for votes.
		#[pallet::constant]
		type VotingPeriod: Get<BlockNumberFor<Self>>;
		/// The share of the snapshot's total weight that must vote.
		#[pallet::constant]
		type Quorum: Get<Perbill>;
		/// The largest share of the snapshot's total weight one vote carries.
		#[pallet::constant]
		type MaxVoteShare: Get<Perbill>;
		/// The most proposals open at once.
		#[pallet::constant]
		type MaxProposals: Get<u32>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Open proposals by index.
	#[pallet::storage]
	pub type Proposals<T: Config> = StorageMap<
		_,
		Twox64Concat,
		u32,
		Proposal<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// Votes by proposal and voter: the choice and the weight it carried.
	#[pallet::storage]
	pub type Votes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u32,
		Blake2_128Concat,
		T::AccountId,
		(VoteChoice, u64),
		OptionQuery,
	>;

	/// The index the next proposal gets.
	#[pallet::storage]
	pub type NextProposal<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How many proposals are open.
	#[pallet::storage]
	pub type OpenProposals<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A proposal was made.
		Proposed {
			/// Its index.
			index: u32,
			/// Who made it.
			proposer: T::AccountId,
			/// The settled epoch whose compute weight votes.
			snapshot_epoch: u64,
			/// The last block of the vote.
			ends: BlockNumberFor<T>,
		},
		/// A vote was cast or changed.
		Voted {
			/// The proposal.
			index: u32,
			/// The voter.
			voter: T::AccountId,
			/// The choice.
			vote: VoteChoice,
			/// The compute weight it carries.
			weight: u64,
		},
		/// A proposal passed and its call was dispatched with `ComputeMajority`.
		Executed {
			/// The proposal.
			index: u32,
			/// The final tally.
			tally: Tally,
			/// What the call returned.
			result: DispatchResult,
		},
		/// A proposal did not pass.
		Rejected {
			/// The proposal.
			index: u32,
			/// The final tally.
			tally: Tally,
		},
		/// The pool paid out.
		Spent {
			/// The amount.
			amount: BalanceOf<T>,
			/// To whom.
			beneficiary: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The call is longer than 4 KiB encoded.
		CallTooLong,
		/// No epoch has been settled yet, so nobody has compute weight to vote with.
		NoSettledEpoch,
		/// Nobody counted compute weight in the last settled epoch.
		NoComputeWeight,
		/// The proposer cannot put the deposit on hold.
		InsufficientDeposit,
		/// Too many proposals are open; wait for one to close.
		TooManyProposals,
		/// No open proposal has this index.
		ProposalNotFound,
		/// The voting period is over.
		VotingClosed,
		/// The voter had no compute weight in the proposal's snapshot epoch.
		NoVotingWeight,
		/// The voting period is not over yet.
		VotingOpen,
		/// The witness is too small: the proposal has more voters, or its call more weight,
		/// than the close call allowed for.
		WitnessTooSmall,
		/// The proposal's call no longer decodes (the runtime changed since it was made).
		UndecodableCall,
		/// The pool cannot pay this much and stay alive.
		PoolTooLow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Proposes `call`, holding the proposal deposit until it is closed. The last settled
		/// epoch's compute weight votes on it for `VotingPeriod` blocks.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::propose())]
		pub fn propose(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResult {
			let proposer = ensure_signed(origin)?;
			Self::make_proposal(proposer, &call)
		}

		/// Votes on proposal `index` with the sender's compute weight in its snapshot epoch;
		/// a second vote replaces the first.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::vote())]
		pub fn vote(origin: OriginFor<T>, index: u32, vote: VoteChoice) -> DispatchResult {
			let voter = ensure_signed(origin)?;
			Self::cast(index, voter, vote)
		}

		/// Closes proposal `index` once its voting period is over: dispatches its call with
		/// `ComputeMajority` if it passed, returns the deposit, and removes its votes.
		/// `voters` and `call_weight` bound the proposal's voters and its call's weight (see
		/// `proposals(index).voters`).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::close(*voters).saturating_add(*call_weight))]
		pub fn close(
			origin: OriginFor<T>,
			index: u32,
			voters: u32,
			call_weight: Weight,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::finish(index, voters, call_weight)
		}

		/// Pays `amount` from the pool to `beneficiary`. Only `SpendOrigin` (`ComputeMajority`).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::spend())]
		pub fn spend(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			beneficiary: T::AccountId,
		) -> DispatchResult {
			T::SpendOrigin::ensure_origin(origin)?;
			Self::pay_out(amount, beneficiary)
		}
	}
}
