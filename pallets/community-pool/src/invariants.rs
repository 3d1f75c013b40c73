//! The pool's invariants, checked by `try-state` and by the runtime fuzzer after every block:
//! the counts of open proposals match the proposals stored.

use alloc::collections::BTreeMap;
use frame_support::ensure;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{Config, NextProposal, OpenProposals, OpenProposalsOf, Pallet, Proposals};

impl<T: Config> Pallet<T> {
	/// [`OpenProposals`] counts the stored proposals, [`OpenProposalsOf`] each proposer's,
	/// and every index is below [`NextProposal`].
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let next = NextProposal::<T>::get();
		let mut by_proposer = BTreeMap::<T::AccountId, u32>::new();
		let mut open = 0u32;
		for (index, proposal) in Proposals::<T>::iter() {
			ensure!(index < next, "a proposal's index is not below the next one");
			by_proposer.entry(proposal.proposer).or_default().saturating_inc();
			open.saturating_inc();
		}
		ensure!(open == OpenProposals::<T>::get(), "the open proposals are miscounted");
		let counted: BTreeMap<_, _> = OpenProposalsOf::<T>::iter().collect();
		ensure!(counted == by_proposer, "a proposer's open proposals are miscounted");
		Ok(())
	}
}
