//! A runtime with balances and this pallet, for the pallet's tests. Compute weight comes from
//! [`Weights`]: the tests set who counted how much in the last settled epoch ([`SettledEpoch`],
//! 7 unless a test moves it); older epochs are forgotten.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use sp_runtime::{BuildStorage, Perbill};

use crate::{self as pallet_community_pool, ComputeVotes, EnsureComputeMajority, GovernanceParams};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeHoldReason,
		RuntimeFreezeReason,
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type CommunityPool = pallet_community_pool;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// The epoch whose weight the tests set.
pub const EPOCH: u64 = 7;
/// The pool's account.
pub const POOL: u64 = 99;
/// The whale: 90% of the tokens, no compute.
pub const WHALE: u64 = 50;
/// The proposal deposit.
pub const DEPOSIT: u64 = 100;
/// Blocks a vote lasts.
pub const VOTING_PERIOD: u64 = 10;
/// Blocks between a proposal passing and its call being dispatched.
pub const ENACTMENT_DELAY: u64 = 5;
/// The most a proposal's call may weigh.
pub const CALL_WEIGHT_LIMIT: Weight = Weight::from_parts(1_000_000_000_000, 1_000_000);

parameter_types! {
	/// `(account, weight)` counted in the last settled epoch; empty means none is settled.
	pub static Weights: Vec<(u64, u64)> = Vec::new();
	/// The last settled epoch; only its weights are remembered.
	pub static SettledEpoch: u64 = EPOCH;
	pub const Pool: u64 = POOL;
	pub const Quorum: Perbill = Perbill::from_percent(25);
	pub const MaxVoteShare: Perbill = Perbill::from_percent(25);
	/// The most a proposal's call may weigh; tests lower it to make a call too heavy.
	pub static MaxCallWeight: Weight = CALL_WEIGHT_LIMIT;
}

/// Compute weight as [`Weights`] says.
pub struct TestVotes;
impl ComputeVotes<u64> for TestVotes {
	fn last_settled_epoch() -> Option<u64> {
		(!Weights::get().is_empty()).then_some(SettledEpoch::get())
	}

	fn weight_of(epoch: u64, who: &u64) -> u64 {
		Weights::get()
			.iter()
			.find(|(account, _)| epoch == SettledEpoch::get() && account == who)
			.map_or(0, |(_, weight)| *weight)
	}

	fn total_weight(epoch: u64) -> u64 {
		if epoch == SettledEpoch::get() {
			Weights::get().iter().map(|(_, weight)| weight).sum()
		} else {
			0
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_weight_for_benchmarks(who: &u64, weight: u64) {
		Weights::mutate(|weights| weights.push((*who, weight)));
	}
}

impl crate::Config for Test {
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	type SpendOrigin = EnsureComputeMajority;
	type UpgradeOrigin = EnsureComputeMajority;
	type ParamsOrigin = EnsureComputeMajority;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Votes = TestVotes;
	type PoolAccount = Pool;
	type ProposalDeposit = ConstU64<DEPOSIT>;
	type Quorum = Quorum;
	type MaxVoteShare = MaxVoteShare;
	type MaxProposals = ConstU32<3>;
	type MaxProposalsPerProposer = ConstU32<2>;
	type MaxCallWeight = MaxCallWeight;
	type WeightInfo = ();
}

/// A chain at block 1: hosts 1–10 hold 1,000 each, the whale 90,000, the pool 10,000; votes
/// last [`VOTING_PERIOD`] blocks and calls wait [`ENACTMENT_DELAY`] more.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut balances: Vec<(u64, u64)> = (1..=10).map(|who| (who, 1_000)).collect();
	balances.push((WHALE, 90_000));
	balances.push((POOL, 10_000));
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
		community_pool: pallet_community_pool::GenesisConfig {
			params: Some(GovernanceParams {
				voting_period: VOTING_PERIOD as u32,
				enactment_delay: ENACTMENT_DELAY as u32,
			}),
			..Default::default()
		},
	}
	.build_storage()
	.expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs blocks until `n`.
pub fn run_to_block(n: u64) {
	System::set_block_number(n);
}
