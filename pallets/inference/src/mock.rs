//! A runtime with balances, the training treasury and this pallet, for the pallet's tests.
//! Accounts are sr25519 keys (developers sign requests); [`DEVELOPER`] and the hosts hold
//! [`BALANCE`] each. Hosts' compute weights and reputations are what the tests put in
//! [`HOST_WEIGHTS`] and [`REPUTATIONS`]; [`PUNISHED`] lists the hosts punished for forgery.

use std::{cell::RefCell, collections::BTreeMap};

use frame_support::{
	derive_impl, parameter_types,
	traits::{EnsureOrigin, Randomness},
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{
	traits::{IdentifyAccount, IdentityLookup},
	AccountId32, BuildStorage, MultiSignature, MultiSigner, Perbill,
};

use crate::{self as pallet_inference, InferenceHosts};

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
	pub type TreasuryForTraining = pallet_treasury_for_training;

	#[runtime::pallet_index(3)]
	pub type Inference = pallet_inference;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId32;
	type Lookup = IdentityLookup<AccountId32>;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// What every test account starts with.
pub const BALANCE: u64 = 1_000_000;
/// The base price per token of the models tests register.
pub const PRICE: u64 = 10;

/// The account of the sr25519 key of `seed` (e.g. "//Alice").
pub fn account(seed: &str) -> AccountId32 {
	MultiSigner::from(key(seed).public()).into_account()
}

/// The sr25519 key of `seed`.
pub fn key(seed: &str) -> sr25519::Pair {
	sr25519::Pair::from_string(seed, None).expect("a valid seed")
}

/// The developer who pays.
pub const DEVELOPER: &str = "//Developer";
/// The account that stands for governance: only its signature passes `ModelOrigin` here.
pub const GOVERNANCE: &str = "//Governance";
/// Hosts.
pub const HOSTS: [&str; 3] = ["//Host1", "//Host2", "//Host3"];
/// The training treasury's account.
pub const TREASURY: &str = "//Treasury";

thread_local! {
	/// Compute weights of hosts, as tests set them.
	pub static HOST_WEIGHTS: RefCell<BTreeMap<AccountId32, u64>> = const { RefCell::new(BTreeMap::new()) };
	/// Reputations of hosts, as tests set them.
	pub static REPUTATIONS: RefCell<BTreeMap<AccountId32, Perbill>> = const { RefCell::new(BTreeMap::new()) };
	/// Hosts punished for forgery, in order.
	pub static PUNISHED: RefCell<Vec<AccountId32>> = const { RefCell::new(Vec::new()) };
	/// Where the re-check draw lands, in billionths: a request is re-checked when it is
	/// below the executor's rate. The last billionth unless a test says otherwise.
	pub static RECHECK_POINT: RefCell<u32> = const { RefCell::new(LAST_BILLIONTH) };
	/// The randomness tests draw executors and checkers with.
	pub static RANDOM: RefCell<H256> = const { RefCell::new(H256::zero()) };
}

/// The weights and reputations tests set; punishment is recorded in [`PUNISHED`].
pub struct TestHosts;
impl InferenceHosts<AccountId32> for TestHosts {
	fn weight(who: &AccountId32) -> u64 {
		HOST_WEIGHTS.with(|weights| weights.borrow().get(who).copied().unwrap_or(0))
	}

	fn reputation(who: &AccountId32) -> Perbill {
		REPUTATIONS.with(|reputations| reputations.borrow().get(who).copied().unwrap_or_default())
	}

	fn punish_forgery(who: &AccountId32) {
		PUNISHED.with(|punished| punished.borrow_mut().push(who.clone()));
	}
}

/// Sets `who`'s reputation.
pub fn set_reputation(who: &AccountId32, reputation: Perbill) {
	REPUTATIONS.with(|reputations| reputations.borrow_mut().insert(who.clone(), reputation));
}

/// The hosts punished so far.
pub fn punished() -> Vec<AccountId32> {
	PUNISHED.with(|punished| punished.borrow().clone())
}

/// Sets `who`'s compute weight.
pub fn set_weight(who: &AccountId32, weight: u64) {
	HOST_WEIGHTS.with(|weights| weights.borrow_mut().insert(who.clone(), weight));
}

/// The highest point of the re-check draw: only a 100% rate re-checks there.
pub const LAST_BILLIONTH: u32 = 999_999_999;

/// Randomness the tests set: [`RECHECK_POINT`] for the re-check draw, [`RANDOM`] for others.
pub struct TestRandomness;
impl Randomness<H256, BlockNumberFor<Test>> for TestRandomness {
	fn random(subject: &[u8]) -> (H256, BlockNumberFor<Test>) {
		if subject.starts_with(b"gonka/recheck") {
			let mut random = [0u8; 32];
			random[..4].copy_from_slice(&RECHECK_POINT.with(|point| *point.borrow()).to_le_bytes());
			return (H256(random), 0);
		}
		(RANDOM.with(|random| *random.borrow()), 0)
	}
}

/// Makes the re-check draw land on `point` billionths.
pub fn set_recheck_point(point: u32) {
	RECHECK_POINT.with(|recheck| *recheck.borrow_mut() = point);
}

#[cfg(feature = "runtime-benchmarks")]
thread_local! {
	/// The developers benchmarks created, with their keys' seeds.
	pub static BENCHMARK_DEVELOPERS: RefCell<Vec<(AccountId32, String)>> = const { RefCell::new(Vec::new()) };
}

/// Developer keys from seeds `//Developer<n>`, and the weights of [`HOST_WEIGHTS`].
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkKeys;
#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId32, MultiSignature> for BenchmarkKeys {
	fn developer() -> AccountId32 {
		BENCHMARK_DEVELOPERS.with(|developers| {
			let mut developers = developers.borrow_mut();
			let seed = format!("//Developer{}", developers.len());
			let who = account(&seed);
			developers.push((who.clone(), seed));
			who
		})
	}

	fn sign(developer: &AccountId32, payload: &[u8]) -> MultiSignature {
		let seed = BENCHMARK_DEVELOPERS.with(|developers| {
			developers
				.borrow()
				.iter()
				.find(|(who, _)| who == developer)
				.map(|(_, seed)| seed.clone())
		});
		MultiSignature::from(key(&seed.unwrap_or_default()).sign(payload))
	}

	fn set_weight(who: &AccountId32, weight: u64) {
		set_weight(who, weight);
	}
}

/// Lets only [`GOVERNANCE`] register models and set parameters (the runtime uses
/// `ComputeMajority`).
pub struct EnsureGovernance;
impl EnsureOrigin<RuntimeOrigin> for EnsureGovernance {
	type Success = ();

	fn try_origin(origin: RuntimeOrigin) -> Result<(), RuntimeOrigin> {
		match origin.clone().into() {
			Ok(frame_system::RawOrigin::Signed(who)) if who == account(GOVERNANCE) => Ok(()),
			_ => Err(origin),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::signed(account(GOVERNANCE)))
	}
}

parameter_types! {
	pub TreasuryAccount: AccountId32 = account(TREASURY);
	pub const RevenueShare: Perbill = Perbill::from_percent(20);
	pub const MaxModels: u32 = 4;
	pub const MaxServers: u32 = 3;
}

impl pallet_treasury_for_training::Config for Test {
	type Currency = Balances;
	type TreasuryAccount = TreasuryAccount;
	type RevenueShare = RevenueShare;
	type GrantOrigin = EnsureGovernance;
	type WeightInfo = ();
}

impl crate::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Signature = MultiSignature;
	type Signer = MultiSigner;
	type ModelOrigin = EnsureGovernance;
	type Hosts = TestHosts;
	type ParamsOrigin = EnsureGovernance;
	type Randomness = TestRandomness;
	type Training = TreasuryForTraining;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkKeys;
	type MaxModels = MaxModels;
	type MaxServers = MaxServers;
	type WeightInfo = ();
}

/// The test chain at block 1: funded developer and hosts, governance, no models, the default
/// parameters; the re-check draw lands on its last point ([`LAST_BILLIONTH`]).
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let funded = [DEVELOPER, GOVERNANCE, HOSTS[0], HOSTS[1], HOSTS[2]];
	pallet_balances::GenesisConfig::<Test> {
		balances: funded.iter().map(|seed| (account(seed), BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_inference::GenesisConfig::<Test>::default().assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		HOST_WEIGHTS.with(|weights| weights.borrow_mut().clear());
		REPUTATIONS.with(|reputations| reputations.borrow_mut().clear());
		PUNISHED.with(|punished| punished.borrow_mut().clear());
		set_recheck_point(LAST_BILLIONTH);
		RANDOM.with(|random| *random.borrow_mut() = H256::zero());
	});
	ext
}
