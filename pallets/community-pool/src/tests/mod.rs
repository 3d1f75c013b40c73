//! Tests of the community pool, by topic.

mod enacting;
mod proposing;
mod voting;

use frame_support::{assert_ok, weights::Weight};

use crate::{mock::*, ProposalStage, Proposals};

/// A proposal that the pool pay `amount` to `beneficiary`, made by `proposer`; its index.
pub fn propose_spend(proposer: u64, amount: u64, beneficiary: u64) -> u32 {
	let call = RuntimeCall::CommunityPool(crate::Call::spend { amount, beneficiary });
	propose(proposer, call)
}

/// A proposal of `call` made by `proposer`; its index.
pub fn propose(proposer: u64, call: RuntimeCall) -> u32 {
	assert_ok!(CommunityPool::propose(RuntimeOrigin::signed(proposer), Box::new(call)));
	crate::NextProposal::<Test>::get() - 1
}

/// Closes the vote on proposal `index` after its period, with an exact witness.
pub fn close_after_vote(index: u32) {
	let proposal = Proposals::<Test>::get(index).expect("open");
	run_to_block(proposal.ends + 1);
	assert_ok!(CommunityPool::close(RuntimeOrigin::signed(1), index, proposal.voters));
}

/// Closes the vote on proposal `index` and, if it passed, enacts it after its delay.
pub fn decide(index: u32) {
	close_after_vote(index);
	if let Some(ProposalStage::Approved { enact_at }) =
		Proposals::<Test>::get(index).map(|proposal| proposal.stage)
	{
		run_to_block(enact_at);
		assert_ok!(CommunityPool::enact(RuntimeOrigin::signed(1), index, CALL_WEIGHT_LIMIT));
	}
}

/// A weight witness larger than any call of the tests.
pub const ANY_WEIGHT: Weight = CALL_WEIGHT_LIMIT;
