//! # Community-pool pallet
//!
//! A pool of GNK (12% of the supply at genesis, and every slash) that only verified compute
//! can spend (DESIGN.md §1, §6): "capital can accelerate, but only verified work gives power".
//! - [`Pallet::propose`]: a host with compute weight in the last settled epoch proposes a call,
//!   holding a deposit; at most `MaxProposalsPerProposer` of its proposals are open at once.
//!   The proposal takes a snapshot: the last settled epoch, whose compute weight votes.
//! - [`Pallet::vote`]: aye, nay or abstain, weighted by the voter's compute weight in the
//!   snapshot epoch (as [`ComputeVotes`] counts it), capped at `MaxVoteShare` (25%) of that
//!   epoch's total. Voting again replaces the earlier vote exactly. An account without compute
//!   weight has no vote, whatever its balance.
//! - [`Pallet::close`]: after the voting period ([`GovernanceParams::voting_period`]), anyone
//!   closes the vote. It passes when the votes cast reach `Quorum` (25%) of the snapshot's
//!   total weight and ayes are more than half of the ayes and nays; a passed proposal waits
//!   [`GovernanceParams::enactment_delay`] blocks. A proposal that missed the quorum loses its
//!   deposit to the pool; any other rejected proposal gets it back.
//! - [`Pallet::enact`]: after the delay, anyone dispatches a passed proposal's call with the
//!   [`RawOrigin::ComputeMajority`] origin. A call that no longer decodes, or now weighs more
//!   than `MaxCallWeight`, is closed as failed; either way the slot and the deposit are freed.
//! - [`Pallet::spend`]: pays from the pool; only `ComputeMajority` may call it.
//! - [`Pallet::authorize_upgrade`]: `ComputeMajority` authorises a runtime's code hash; anyone
//!   then applies that code with `System::apply_authorized_upgrade`.
//! - [`Pallet::set_params`]: the voting period and the enactment delay, set by `ParamsOrigin`.
//!
//! [`EnsureComputeMajority`] is the origin check other pallets use for what only compute may
//! decide.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
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
		/// Who may authorise a runtime upgrade: [`EnsureComputeMajority`].
		type UpgradeOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
		/// Who may change the voting period and the enactment delay.
		type ParamsOrigin: EnsureOrigin<<Self as frame_system::Config>::RuntimeOrigin>;
		/// The share of the snapshot's total weight that must vote.
		#[pallet::constant]
		type Quorum: Get<Perbill>;
		/// The largest share of the snapshot's total weight one vote carries.
		#[pallet::constant]
		type MaxVoteShare: Get<Perbill>;
		/// The most proposals open at once.
		#[pallet::constant]
		type MaxProposals: Get<u32>;
		/// The most proposals one proposer may have open at once.
		#[pallet::constant]
		type MaxProposalsPerProposer: Get<u32>;
		/// The most a proposal's call may weigh when it is dispatched.
		#[pallet::constant]
		type MaxCallWeight: Get<Weight>;
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

	/// How many proposals each proposer has open.
	#[pallet::storage]
	pub type OpenProposalsOf<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// The voting period and the enactment delay.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, GovernanceParams, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Governance's timing; a day of voting and a day's delay when absent.
		pub params: Option<GovernanceParams>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_default();
			// A genesis that cannot run is a mistake in the chain spec: refuse to build it.
			assert!(params.is_valid(), "invalid governance parameters in genesis");
			Params::<T>::put(params);
		}
	}

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
		/// A proposal passed; its call may be dispatched from block `enact_at`.
		Approved {
			/// The proposal.
			index: u32,
			/// The final tally.
			tally: Tally,
			/// The first block `enact` may dispatch it in.
			enact_at: BlockNumberFor<T>,
		},
		/// A passed proposal's call was dispatched with `ComputeMajority`.
		Executed {
			/// The proposal.
			index: u32,
			/// What the call returned.
			result: DispatchResult,
		},
		/// A passed proposal was closed without dispatching its call.
		Failed {
			/// The proposal.
			index: u32,
			/// Why its call could not be dispatched.
			reason: EnactmentFailure,
		},
		/// A proposal did not pass.
		Rejected {
			/// The proposal.
			index: u32,
			/// The final tally.
			tally: Tally,
			/// The deposit the pool took because the votes missed the quorum (0 otherwise).
			forfeited: BalanceOf<T>,
		},
		/// Governance's timing changed.
		ParamsSet {
			/// The new timing.
			params: GovernanceParams,
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
		/// The proposer counted no compute weight in the last settled epoch: only hosts that
		/// compute may propose.
		ProposerWithoutWeight,
		/// The proposer already has `MaxProposalsPerProposer` proposals open.
		TooManyProposalsByProposer,
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
		/// than the close or enact call allowed for.
		WitnessTooSmall,
		/// The proposal has passed: its vote is closed, `enact` dispatches it.
		AlreadyApproved,
		/// The proposal has not passed (yet): `close` ends its vote first.
		NotApproved,
		/// The enactment delay is not over yet.
		EnactmentDelayed,
		/// Both governance periods must be between 1 and 432,000 blocks (30 days).
		InvalidParams,
		/// The pool cannot pay this much and stay alive.
		PoolTooLow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
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

		/// Closes the vote on proposal `index` once its voting period is over: a passed
		/// proposal waits for its enactment; a rejected one is removed, its deposit returned,
		/// or taken by the pool when the votes missed the quorum. `voters` bounds the
		/// proposal's voters (see `proposals(index).voters`).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::close(*voters))]
		pub fn close(origin: OriginFor<T>, index: u32, voters: u32) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::close_vote(index, voters)
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

		/// Dispatches passed proposal `index`'s call with `ComputeMajority` once its
		/// enactment delay is over, and frees its slot and deposit. A call that no longer
		/// decodes or weighs more than `MaxCallWeight` is closed as failed instead.
		/// `call_weight` bounds the call's weight.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::enact().saturating_add(*call_weight))]
		pub fn enact(
			origin: OriginFor<T>,
			index: u32,
			call_weight: Weight,
		) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::enact_proposal(index, call_weight)
		}

		/// Authorises the runtime code whose hash is `code_hash`; anyone may then apply it
		/// with `System::apply_authorized_upgrade`, which checks that the spec name is the same
		/// and the spec version higher. Only `UpgradeOrigin` (`ComputeMajority`).
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::authorize_upgrade())]
		pub fn authorize_upgrade(origin: OriginFor<T>, code_hash: T::Hash) -> DispatchResult {
			T::UpgradeOrigin::ensure_origin(origin)?;
			frame_system::Pallet::<T>::do_authorize_upgrade(code_hash, true);
			Ok(())
		}

		/// Sets the voting period and the enactment delay, for proposals made from now on
		/// (and votes closed from now on). Only `ParamsOrigin`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: GovernanceParams) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			ensure!(params.is_valid(), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
