//! Tests of the community pool, by topic.

mod proposing;
mod voting;

use frame_support::{assert_ok, weights::Weight};

use crate::{mock::*, Proposals};

/// A proposal that the pool pay `amount` to `beneficiary`, made by `proposer`; its index.
pub fn propose_spend(proposer: u64, amount: u64, beneficiary: u64) -> u32 {
	let call = RuntimeCall::CommunityPool(crate::Call::spend { amount, beneficiary });
	assert_ok!(CommunityPool::propose(RuntimeOrigin::signed(proposer), Box::new(call)));
	crate::NextProposal::<Test>::get() - 1
}

/// Closes proposal `index` after its vote, with exact witnesses.
pub fn close_after_vote(index: u32) {
	let proposal = Proposals::<Test>::get(index).expect("open");
	run_to_block(proposal.ends + 1);
	assert_ok!(CommunityPool::close(
		RuntimeOrigin::signed(1),
		index,
		proposal.voters,
		Weight::from_parts(1_000_000_000_000, 1_000_000)
	));
}
