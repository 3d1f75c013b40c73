//! The pool-side check: free submissions only from hosts, in their step, once.

use frame_support::{assert_ok, dispatch::DispatchInfo};
use gonka_primitives::merkle::{Leaf, MerkleTree};
use sp_runtime::{
	traits::DispatchTransaction,
	transaction_validity::{
		InvalidTransaction, TransactionSource::External, TransactionValidityError,
	},
};

use crate::{
	extension::{
		ALREADY_SUBMITTED, NOT_A_HOST, NOT_READY, WRONG_EPOCH_OR_PHASE, WRONG_LEAVES, WRONG_OPENING,
	},
	mock::*,
	CheckHostSubmission,
};

fn commit_call(epoch: u64) -> RuntimeCall {
	RuntimeCall::ProofOfCompute(crate::Call::commit { epoch, root: root(1), count: 5 })
}

fn validate(who: u64, call: &RuntimeCall) -> Result<u64, TransactionValidityError> {
	CheckHostSubmission::<Test>::default()
		.validate_only(Some(who).into(), call, &DispatchInfo::default(), 0, External, 0)
		.map(|(valid, _, _)| valid.priority)
}

fn custom(code: u8) -> TransactionValidityError {
	InvalidTransaction::Custom(code).into()
}

#[test]
fn a_host_commit_in_the_commit_phase_enters_the_pool() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert!(validate(1, &commit_call(0)).expect("valid") > 0);
	});
}

#[test]
fn strangers_wrong_steps_and_second_submissions_are_kept_out() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		assert_eq!(validate(11, &commit_call(0)), Err(custom(NOT_A_HOST)));
		assert_eq!(validate(1, &commit_call(1)), Err(custom(WRONG_EPOCH_OR_PHASE)));
		assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(1), 0, root(1), 5));
		assert_eq!(validate(1, &commit_call(0)), Err(custom(ALREADY_SUBMITTED)));
		run_to_block(REVEAL);
		assert_eq!(validate(2, &commit_call(0)), Err(custom(WRONG_EPOCH_OR_PHASE)));
	});
}

/// Reveals that would fail must not crowd out those that would not: before the challenge
/// seed is fixed, or from a host that did not commit, a reveal stays out of the pool.
#[test]
fn reveals_that_cannot_succeed_are_kept_out() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		let (leaves, tree) = committed(1, 5);
		run_to_block(REVEAL - 2);
		System::set_block_number(REVEAL - 1);
		let nothing = reveal_call(Vec::new());
		assert_eq!(validate(1, &nothing), Err(custom(NOT_READY)), "no challenge seed yet");
		// A peer whose best block is the one before the seed's validates for the block that
		// fixes it: it admits the reveal (refused, it would never be sent that peer again).
		run_to_block(REVEAL - 1);
		System::set_block_number(REVEAL);
		assert!(validate(1, &nothing).is_ok());
		System::set_block_number(REVEAL - 1);
		run_to_block(REVEAL);
		assert!(validate(1, &reveal_call(challenged(1, &leaves, &tree))).is_ok());
		assert_eq!(validate(2, &nothing), Err(custom(NOT_READY)), "host 2 did not commit");
	});
}

/// The attack a reorganisation makes on an honest host: its worker revealed the leaves the
/// seed of one fork challenges, and the block that fixed that seed was replaced. Admitted,
/// the reveal lands on the new fork, fails with `WrongLeaves`, and the host, whose reveal
/// phase then runs out, is punished as for fraud. Refused, it leaves the pool on the new best
/// block, and the worker reveals again for the new seed.
#[test]
fn a_reveal_for_a_replaced_challenge_seed_leaves_the_pool() {
	new_test_ext().execute_with(|| {
		run_to_block(COMMIT);
		let (leaves, tree) = committed(1, 64);
		run_to_block(REVEAL);
		let for_this_fork = reveal_call(challenged(1, &leaves, &tree));
		assert!(validate(1, &for_this_fork).is_ok());
		pallet_sprint::CurrentEpoch::<Test>::mutate(|epoch| {
			epoch.as_mut().expect("an epoch runs").challenge_seed = Some([0xEE; 32]);
		});
		assert_eq!(validate(1, &for_this_fork), Err(custom(WRONG_LEAVES)));
		let for_the_new_fork = reveal_call(challenged(1, &leaves, &tree));
		assert_ne!(for_the_new_fork, for_this_fork, "the new seed challenges other leaves");
		assert!(validate(1, &for_the_new_fork).is_ok());
		let RuntimeCall::ProofOfCompute(crate::Call::reveal { leaves: stale, .. }) = for_this_fork
		else {
			unreachable!("a reveal")
		};
		assert_eq!(
			ProofOfCompute::reveal(RuntimeOrigin::signed(1), 0, stale),
			Err(crate::Error::<Test>::WrongLeaves.into()),
			"what would have landed"
		);
	});
}

fn committed(host: u64, hits: u32) -> (Vec<Leaf>, MerkleTree) {
	let leaves = honest_hits(hits);
	let tree = MerkleTree::from_leaves(&leaves).expect("increasing nonces");
	assert_ok!(ProofOfCompute::commit(RuntimeOrigin::signed(host), 0, tree.root(), hits));
	(leaves, tree)
}

fn reveal_call(leaves: Vec<crate::RevealedLeaf>) -> RuntimeCall {
	RuntimeCall::ProofOfCompute(crate::Call::reveal { epoch: 0, leaves: bounded(leaves) })
}

#[test]
fn an_attestation_enters_the_pool_once_per_validator_and_host() {
	new_test_ext().execute_with(|| {
		commit_and_reveal(0, &[(1, 20), (2, 20)]);
		let attest = |host: u64| {
			RuntimeCall::ProofOfCompute(crate::Call::attest { epoch: 0, host, seal: [5; 32] })
		};
		assert!(validate(1, &attest(2)).is_ok());
		assert_eq!(validate(11, &attest(2)), Err(custom(NOT_A_HOST)));
		let values = honest_values(0, 2);
		let open = |host: u64| {
			RuntimeCall::ProofOfCompute(crate::Call::open_attestation {
				epoch: 0,
				host,
				values: values.clone(),
				salt: SALT,
			})
		};
		assert_eq!(validate(1, &open(2)), Err(custom(WRONG_EPOCH_OR_PHASE)));
		assert_ok!(ProofOfCompute::attest(
			RuntimeOrigin::signed(1),
			0,
			2,
			gonka_primitives::attestation::seal(&1u64, &values, &SALT)
		));
		assert_eq!(validate(1, &attest(2)), Err(custom(ALREADY_SUBMITTED)));
		// The pool validates for the block after its best one, before that block's hooks run:
		// in the validate phase's last block an opening is admitted for the open phase's
		// first, and a seal, which could no longer land, is refused.
		run_to_block(OPEN - 1);
		System::set_block_number(OPEN);
		assert!(validate(1, &open(2)).is_ok());
		assert_eq!(validate(2, &attest(1)), Err(custom(WRONG_EPOCH_OR_PHASE)));
		System::set_block_number(OPEN - 1);
		run_to_block(OPEN);
		assert_eq!(validate(2, &attest(1)), Err(custom(WRONG_EPOCH_OR_PHASE)));
		assert!(validate(1, &open(2)).is_ok());
		assert_eq!(validate(2, &open(1)), Err(custom(NOT_READY)), "host 2 sealed nothing");
		// An opening that cannot give the seal (a lost salt) never reaches a block.
		let wrong_salt = RuntimeCall::ProofOfCompute(crate::Call::open_attestation {
			epoch: 0,
			host: 2,
			values: values.clone(),
			salt: [8; 32],
		});
		assert_eq!(validate(1, &wrong_salt), Err(custom(WRONG_OPENING)));
		assert_ok!(ProofOfCompute::open_attestation(
			RuntimeOrigin::signed(1),
			0,
			2,
			values.clone(),
			SALT
		));
		assert_eq!(validate(1, &open(2)), Err(custom(ALREADY_SUBMITTED)));
	});
}

#[test]
fn other_calls_pass_untouched() {
	new_test_ext().execute_with(|| {
		let remark = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		assert_eq!(validate(11, &remark), Ok(0));
	});
}
