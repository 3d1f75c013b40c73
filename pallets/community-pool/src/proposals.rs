//! Proposals from making to enacting, votes, and spending from the pool.

use codec::{DecodeLimit, Encode};
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
	ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
		Get,
	},
	weights::Weight,
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{Dispatchable, Saturating, Zero},
	DispatchResult,
};

use crate::{
	weights::WeightInfo, BalanceOf, ComputeVotes, Config, EnactmentFailure, Error, Event,
	HoldReason, NextProposal, OpenProposals, OpenProposalsOf, Pallet, Params, Proposal,
	ProposalStage, Proposals, RawOrigin, Tally, VoteChoice, Votes,
};

/// A proposal as stored.
type ProposalOf<T> =
	Proposal<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> Pallet<T> {
	/// Stores `call` as a proposal of `proposer`, a host with compute weight in the last
	/// settled epoch, with its deposit held and a snapshot of that epoch.
	pub(crate) fn make_proposal(
		proposer: T::AccountId,
		call: &<T as Config>::RuntimeCall,
	) -> DispatchResult {
		let call = BoundedVec::try_from(call.encode()).map_err(|_| Error::<T>::CallTooLong)?;
		let snapshot_epoch = T::Votes::last_settled_epoch().ok_or(Error::<T>::NoSettledEpoch)?;
		let total_weight = T::Votes::total_weight(snapshot_epoch);
		ensure!(total_weight > 0, Error::<T>::NoComputeWeight);
		ensure!(
			T::Votes::weight_of(snapshot_epoch, &proposer) > 0,
			Error::<T>::ProposerWithoutWeight
		);
		let open = OpenProposals::<T>::get();
		ensure!(open < T::MaxProposals::get(), Error::<T>::TooManyProposals);
		let open_by_proposer = OpenProposalsOf::<T>::get(&proposer);
		ensure!(
			open_by_proposer < T::MaxProposalsPerProposer::get(),
			Error::<T>::TooManyProposalsByProposer
		);
		let deposit = T::ProposalDeposit::get();
		T::Currency::hold(&HoldReason::ProposalDeposit.into(), &proposer, deposit)
			.map_err(|_| Error::<T>::InsufficientDeposit)?;
		let index = NextProposal::<T>::get();
		let ends = frame_system::Pallet::<T>::block_number()
			.saturating_add(Params::<T>::get().voting_period.into());
		Proposals::<T>::insert(
			index,
			Proposal {
				proposer: proposer.clone(),
				call,
				deposit,
				snapshot_epoch,
				total_weight,
				ends,
				stage: ProposalStage::Voting,
				tally: Tally::default(),
				voters: 0,
			},
		);
		NextProposal::<T>::put(index.saturating_add(1));
		OpenProposals::<T>::put(open.saturating_add(1));
		OpenProposalsOf::<T>::insert(&proposer, open_by_proposer.saturating_add(1));
		Self::deposit_event(Event::Proposed { index, proposer, snapshot_epoch, ends });
		Ok(())
	}

	/// The weight `voter` votes with on a proposal: its share of the last settled epoch's
	/// compute weight, counted in the snapshot epoch's units (its weight itself while the
	/// snapshot is the last settled epoch), at most `MaxVoteShare` of the snapshot's total
	/// (rounded up, like the quorum, so that a vote at the cap always meets a quorum of the
	/// same share). Weight is remembered for a few epochs only: a vote that lasts longer is
	/// cast with the voter's weight of the day.
	pub fn voting_weight(snapshot_epoch: u64, snapshot_total: u64, voter: &T::AccountId) -> u64 {
		let Some(epoch) = T::Votes::last_settled_epoch() else { return 0 };
		let weight = T::Votes::weight_of(epoch, voter);
		let in_snapshot_units = if epoch == snapshot_epoch {
			weight
		} else {
			let total = T::Votes::total_weight(epoch);
			u128::from(weight)
				.saturating_mul(snapshot_total.into())
				.checked_div(total.into())
				.map_or(0, |scaled| u64::try_from(scaled).unwrap_or(u64::MAX))
		};
		in_snapshot_units.min(T::MaxVoteShare::get().mul_ceil(snapshot_total))
	}

	/// Records `voter`'s `vote` on proposal `index`, replacing an earlier one.
	pub(crate) fn cast(index: u32, voter: T::AccountId, vote: VoteChoice) -> DispatchResult {
		let mut proposal = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
		ensure!(
			proposal.stage == ProposalStage::Voting
				&& frame_system::Pallet::<T>::block_number() <= proposal.ends,
			Error::<T>::VotingClosed
		);
		let weight = Self::voting_weight(proposal.snapshot_epoch, proposal.total_weight, &voter);
		ensure!(weight > 0, Error::<T>::NoVotingWeight);
		match Votes::<T>::get(index, &voter) {
			Some((earlier, earlier_weight)) => proposal.tally.remove(earlier, earlier_weight),
			None => proposal.voters = proposal.voters.saturating_add(1),
		}
		proposal.tally.add(vote, weight);
		Votes::<T>::insert(index, &voter, (vote, weight));
		Proposals::<T>::insert(index, proposal);
		Self::deposit_event(Event::Voted { index, voter, vote, weight });
		Ok(())
	}

	/// Closes the vote on proposal `index`: a passed proposal waits for its enactment, a
	/// rejected one is removed. `voters` is the caller's bound, checked against the proposal.
	pub(crate) fn close_vote(index: u32, voters: u32) -> DispatchResultWithPostInfo {
		let mut proposal = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
		ensure!(proposal.stage == ProposalStage::Voting, Error::<T>::AlreadyApproved);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now > proposal.ends, Error::<T>::VotingOpen);
		ensure!(voters >= proposal.voters, Error::<T>::WitnessTooSmall);
		let voters = proposal.voters;
		let _ = Votes::<T>::clear_prefix(index, voters, None);
		let tally = proposal.tally;
		let quorum = T::Quorum::get();
		if tally.passes(proposal.total_weight, quorum) {
			let enact_at = now.saturating_add(Params::<T>::get().enactment_delay.into());
			proposal.stage = ProposalStage::Approved { enact_at };
			Proposals::<T>::insert(index, proposal);
			Self::deposit_event(Event::Approved { index, tally, enact_at });
		} else {
			// A proposal nobody cared to vote on cost everyone a slot: its deposit is forfeit.
			let forfeited = if tally.reaches_quorum(proposal.total_weight, quorum) {
				Self::release_deposit(&proposal)?;
				Zero::zero()
			} else {
				T::Currency::transfer_on_hold(
					&HoldReason::ProposalDeposit.into(),
					&proposal.proposer,
					&T::PoolAccount::get(),
					proposal.deposit,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)?
			};
			Self::forget(index, &proposal);
			Self::deposit_event(Event::Rejected { index, tally, forfeited });
		}
		Ok(Some(T::WeightInfo::close(voters)).into())
	}

	/// Dispatches passed proposal `index`'s call with `ComputeMajority`, or closes it as failed
	/// when the call no longer decodes or is too heavy; frees its slot and deposit either way.
	pub(crate) fn enact_proposal(index: u32, call_weight: Weight) -> DispatchResultWithPostInfo {
		let proposal = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
		let ProposalStage::Approved { enact_at } = proposal.stage else {
			return Err(Error::<T>::NotApproved.into());
		};
		ensure!(
			frame_system::Pallet::<T>::block_number() >= enact_at,
			Error::<T>::EnactmentDelayed
		);
		// Nested no deeper than an extrinsic's call may be.
		let call = match <T as Config>::RuntimeCall::decode_with_depth_limit(
			frame_support::MAX_EXTRINSIC_DEPTH,
			&mut &proposal.call[..],
		) {
			Err(_) => Err(EnactmentFailure::Undecodable),
			Ok(call) => {
				let weight = call.get_dispatch_info().total_weight();
				if !weight.all_lte(T::MaxCallWeight::get()) {
					Err(EnactmentFailure::TooHeavy)
				} else {
					ensure!(weight.all_lte(call_weight), Error::<T>::WitnessTooSmall);
					Ok(call)
				}
			}
		};
		// Closed before the call runs: a call cannot enact its own proposal again.
		Self::forget(index, &proposal);
		Self::release_deposit(&proposal)?;
		let used = match call {
			Ok(call) => {
				let info = call.get_dispatch_info();
				let outcome = call.dispatch(RawOrigin::ComputeMajority.into());
				let used = frame_support::dispatch::extract_actual_weight(&outcome, &info);
				let result = outcome.map(|_| ()).map_err(|error| error.error);
				Self::deposit_event(Event::Executed { index, result });
				used
			}
			Err(reason) => {
				Self::deposit_event(Event::Failed { index, reason });
				Weight::zero()
			}
		};
		Ok(Some(T::WeightInfo::enact().saturating_add(used)).into())
	}

	/// Removes proposal `index` and frees its slots.
	fn forget(index: u32, proposal: &ProposalOf<T>) {
		Proposals::<T>::remove(index);
		OpenProposals::<T>::mutate(|open| *open = open.saturating_sub(1));
		OpenProposalsOf::<T>::mutate_exists(&proposal.proposer, |open| {
			*open = open.map(|open| open.saturating_sub(1)).filter(|open| *open > 0);
		});
	}

	/// Returns `proposal`'s deposit to its proposer. Only this proposal's: the proposer's other
	/// proposals keep theirs on hold.
	fn release_deposit(proposal: &ProposalOf<T>) -> DispatchResult {
		T::Currency::release(
			&HoldReason::ProposalDeposit.into(),
			&proposal.proposer,
			proposal.deposit,
			Precision::BestEffort,
		)?;
		Ok(())
	}

	/// Pays `amount` from the pool to `beneficiary`, keeping the pool alive.
	pub(crate) fn pay_out(amount: BalanceOf<T>, beneficiary: T::AccountId) -> DispatchResult {
		T::Currency::transfer(&T::PoolAccount::get(), &beneficiary, amount, Preservation::Preserve)
			.map_err(|_| Error::<T>::PoolTooLow)?;
		Self::deposit_event(Event::Spent { amount, beneficiary });
		Ok(())
	}
}
