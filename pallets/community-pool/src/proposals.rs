//! Proposals from making to closing, votes, and spending from the pool.

use codec::{Decode, Encode};
use frame_support::{
	dispatch::{DispatchResultWithPostInfo, GetDispatchInfo},
	ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
		Get,
	},
	weights::Weight,
	BoundedVec,
};
use sp_runtime::{
	traits::{Dispatchable, Saturating},
	DispatchResult,
};

use crate::{
	weights::WeightInfo, BalanceOf, ComputeVotes, Config, Error, Event, HoldReason, NextProposal,
	OpenProposals, Pallet, Proposal, Proposals, RawOrigin, Tally, VoteChoice, Votes,
};

impl<T: Config> Pallet<T> {
	/// Stores `call` as a proposal of `proposer`, with its deposit held and a snapshot of the
	/// last settled epoch.
	pub(crate) fn make_proposal(
		proposer: T::AccountId,
		call: &<T as Config>::RuntimeCall,
	) -> DispatchResult {
		let call = BoundedVec::try_from(call.encode()).map_err(|_| Error::<T>::CallTooLong)?;
		let snapshot_epoch = T::Votes::last_settled_epoch().ok_or(Error::<T>::NoSettledEpoch)?;
		let total_weight = T::Votes::total_weight(snapshot_epoch);
		ensure!(total_weight > 0, Error::<T>::NoComputeWeight);
		let open = OpenProposals::<T>::get();
		ensure!(open < T::MaxProposals::get(), Error::<T>::TooManyProposals);
		let deposit = T::ProposalDeposit::get();
		T::Currency::hold(&HoldReason::ProposalDeposit.into(), &proposer, deposit)
			.map_err(|_| Error::<T>::InsufficientDeposit)?;
		let index = NextProposal::<T>::get();
		let ends = frame_system::Pallet::<T>::block_number().saturating_add(T::VotingPeriod::get());
		Proposals::<T>::insert(
			index,
			Proposal {
				proposer: proposer.clone(),
				call,
				deposit,
				snapshot_epoch,
				total_weight,
				ends,
				tally: Tally::default(),
				voters: 0,
			},
		);
		NextProposal::<T>::put(index.saturating_add(1));
		OpenProposals::<T>::put(open.saturating_add(1));
		Self::deposit_event(Event::Proposed { index, proposer, snapshot_epoch, ends });
		Ok(())
	}

	/// The weight `voter` votes with on a proposal: its compute weight in the snapshot epoch,
	/// at most `MaxVoteShare` of that epoch's total (rounded up, like the quorum, so that a
	/// vote at the cap always meets a quorum of the same share).
	pub fn voting_weight(snapshot_epoch: u64, total_weight: u64, voter: &T::AccountId) -> u64 {
		let cap = T::MaxVoteShare::get().mul_ceil(total_weight);
		T::Votes::weight_of(snapshot_epoch, voter).min(cap)
	}

	/// Records `voter`'s `vote` on proposal `index`, replacing an earlier one.
	pub(crate) fn cast(index: u32, voter: T::AccountId, vote: VoteChoice) -> DispatchResult {
		let mut proposal = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() <= proposal.ends,
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

	/// Closes proposal `index` after its vote, dispatching its call if it passed. `voters`
	/// and `call_weight` are the caller's bounds, checked against the proposal.
	pub(crate) fn finish(
		index: u32,
		voters: u32,
		call_weight: Weight,
	) -> DispatchResultWithPostInfo {
		let proposal = Proposals::<T>::get(index).ok_or(Error::<T>::ProposalNotFound)?;
		ensure!(frame_system::Pallet::<T>::block_number() > proposal.ends, Error::<T>::VotingOpen);
		ensure!(voters >= proposal.voters, Error::<T>::WitnessTooSmall);
		let passed = proposal.tally.passes(proposal.total_weight, T::Quorum::get());
		let call = if passed {
			let call = <T as Config>::RuntimeCall::decode(&mut &proposal.call[..])
				.map_err(|_| Error::<T>::UndecodableCall)?;
			ensure!(
				call.get_dispatch_info().total_weight().all_lte(call_weight),
				Error::<T>::WitnessTooSmall
			);
			Some(call)
		} else {
			None
		};
		// Closed before the call runs: a call cannot vote on, or close, its own proposal.
		Proposals::<T>::remove(index);
		let _ = Votes::<T>::clear_prefix(index, proposal.voters, None);
		OpenProposals::<T>::mutate(|open| *open = open.saturating_sub(1));
		T::Currency::release(
			&HoldReason::ProposalDeposit.into(),
			&proposal.proposer,
			proposal.deposit,
			Precision::BestEffort,
		)?;
		let tally = proposal.tally;
		let used = match call {
			Some(call) => {
				let info = call.get_dispatch_info();
				let outcome = call.dispatch(RawOrigin::ComputeMajority.into());
				let used = frame_support::dispatch::extract_actual_weight(&outcome, &info);
				let result = outcome.map(|_| ()).map_err(|error| error.error);
				Self::deposit_event(Event::Executed { index, tally, result });
				used
			}
			None => {
				Self::deposit_event(Event::Rejected { index, tally });
				Weight::zero()
			}
		};
		Ok(Some(T::WeightInfo::close(proposal.voters).saturating_add(used)).into())
	}

	/// Pays `amount` from the pool to `beneficiary`, keeping the pool alive.
	pub(crate) fn pay_out(amount: BalanceOf<T>, beneficiary: T::AccountId) -> DispatchResult {
		T::Currency::transfer(&T::PoolAccount::get(), &beneficiary, amount, Preservation::Preserve)
			.map_err(|_| Error::<T>::PoolTooLow)?;
		Self::deposit_event(Event::Spent { amount, beneficiary });
		Ok(())
	}
}
