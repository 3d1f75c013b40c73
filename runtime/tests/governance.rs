//! Compute-weighted governance on the development runtime: before any epoch is settled
//! nobody can propose; once Alice has computed, Bob (a million GNK, no compute) can neither
//! propose nor vote, and Alice's vote alone (capped at 25% of the weight, which is the quorum)
//! passes a batch that spends from the community pool, grants from the training treasury
//! (funded as inference will fund it) and changes the emission, which no signed account can
//! do directly; the batch is dispatched only after the vote and the enactment delay.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use common::{compute_epoch, development_chain, dispatch, Chain};
use frame_support::{assert_noop, assert_ok, weights::Weight};
use gonka_primitives::sprint::Phase;
use gonka_runtime::{
	configs::{governance::development_governance, monetary::CommunityPoolAccount},
	currency::GNK,
	genesis_config_presets::ENDOWMENT,
	CommunityPool, Runtime, RuntimeCall, RuntimeOrigin, Sprint, TreasuryForTraining,
};
use pallet_community_pool::{Error, VoteChoice};
use pallet_sprint::EmissionSchedule;
use pallet_treasury_for_training::TrainingFund;
use sp_keyring::Sr25519Keyring;
use sp_runtime::DispatchError;

fn free(who: &gonka_runtime::AccountId) -> u128 {
	pallet_balances::Pallet::<Runtime>::free_balance(who)
}

#[test]
fn compute_not_tokens_spends_the_pool_and_the_training_treasury() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let charlie = Sr25519Keyring::Charlie.to_account_id();
		let pool = CommunityPoolAccount::get();
		// 12% of the supply: the endowed accounts hold the other 88%.
		assert_eq!(free(&pool), 12 * ENDOWMENT * 12 / 88);

		let schedule = EmissionSchedule { initial: GNK, decay_ppb: 0 };
		let proposal = || {
			Box::new(RuntimeCall::Utility(pallet_utility::Call::batch_all {
				calls: vec![
					RuntimeCall::CommunityPool(pallet_community_pool::Call::spend {
						amount: 1_000 * GNK,
						beneficiary: charlie.clone(),
					}),
					RuntimeCall::Sprint(pallet_sprint::Call::set_emission { schedule }),
					RuntimeCall::TreasuryForTraining(pallet_treasury_for_training::Call::grant {
						amount: 10 * GNK,
						beneficiary: charlie.clone(),
						purpose: b"an open dataset".to_vec().try_into().expect("short"),
					}),
				],
			}))
		};
		let mut chain = Chain::new();
		chain.block(|| {
			assert_noop!(
				CommunityPool::propose(RuntimeOrigin::signed(bob.clone()), proposal()),
				Error::<Runtime>::NoSettledEpoch
			);
			assert_noop!(
				Sprint::set_emission(RuntimeOrigin::signed(alice.clone()), schedule),
				DispatchError::BadOrigin
			);
		});

		// Inference revenue of 100 GNK: the training treasury's 20% from the payer.
		chain.block(|| {
			let share = TreasuryForTraining::share_of(100 * GNK);
			assert_eq!(share, 20 * GNK);
			assert_ok!(TreasuryForTraining::fund(&bob, share));
			assert_noop!(
				TreasuryForTraining::grant(
					RuntimeOrigin::signed(alice.clone()),
					GNK,
					alice.clone(),
					b"mine".to_vec().try_into().expect("short")
				),
				DispatchError::BadOrigin
			);
		});
		compute_epoch(&mut chain, 0, &alice, 40);
		chain.run_to_phase(0, Phase::Inference);
		chain.block(|| {
			assert_noop!(
				CommunityPool::propose(RuntimeOrigin::signed(bob.clone()), proposal()),
				Error::<Runtime>::ProposerWithoutWeight
			);
			dispatch(&alice, pallet_community_pool::Call::propose { call: proposal() }.into());
		});
		chain.block(|| {
			assert_noop!(
				CommunityPool::vote(RuntimeOrigin::signed(bob.clone()), 0, VoteChoice::Nay),
				Error::<Runtime>::NoVotingWeight
			);
			dispatch(
				&alice,
				pallet_community_pool::Call::vote { index: 0, vote: VoteChoice::Aye }.into(),
			);
		});
		let timing = development_governance();
		chain.run_blocks(timing.voting_period);
		chain.block(|| {
			dispatch(&bob, pallet_community_pool::Call::close { index: 0, voters: 1 }.into());
		});
		let charlie_before = free(&charlie);
		chain.run_blocks(timing.enactment_delay - 1);
		assert_eq!(free(&charlie), charlie_before, "nothing dispatched before the delay");
		chain.block(|| {
			let call_weight = Weight::from_parts(1_000_000_000_000, 1_000_000);
			dispatch(&bob, pallet_community_pool::Call::enact { index: 0, call_weight }.into());
		});
		assert_eq!(free(&charlie) - charlie_before, 1_010 * GNK);
		let grants = TreasuryForTraining::grants(0, 10);
		assert_eq!(grants.len(), 1);
		assert_eq!((grants[0].1.beneficiary.clone(), grants[0].1.amount), (charlie, 10 * GNK));
		assert_eq!(pallet_sprint::Emission::<Runtime>::get(), schedule);
	});
}
