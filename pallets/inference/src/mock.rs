//! A runtime with balances, the training treasury and this pallet, for the pallet's tests.
//! Accounts are sr25519 keys (developers sign requests); [`DEVELOPER`] and the hosts hold
//! [`BALANCE`] each. Hosts' compute weights and reputations are what the tests put in
//! [`HOST_WEIGHTS`] and [`REPUTATIONS`]; [`PUNISHMENTS`] lists who was punished, and why.
//! Each block's VRF output is [`vrf_of`] its number unless a test sets it ([`set_vrf`]).

use std::{cell::RefCell, collections::BTreeMap};

use frame_support::{
	derive_impl, parameter_types,
	traits::{EnsureOrigin, Get, Hooks},
};
use gonka_primitives::Hash32;
use sp_core::{sr25519, Pair};
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
/// The developer's inference deposit at genesis.
pub const DEPOSIT: u64 = 100_000;
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
pub const HOSTS: [&str; 5] = ["//Host1", "//Host2", "//Host3", "//Host4", "//Host5"];
/// The training treasury's account.
pub const TREASURY: &str = "//Treasury";

/// Why a host was punished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Punishment {
	/// It served a forgery.
	Forgery,
	/// It accused an honest executor.
	FalseAccusation,
	/// It was drawn to judge and stayed silent.
	Silence,
}

thread_local! {
	/// Compute weights of hosts, as tests set them.
	pub static HOST_WEIGHTS: RefCell<BTreeMap<AccountId32, u64>> = const { RefCell::new(BTreeMap::new()) };
	/// Reputations of hosts, as tests set them.
	pub static REPUTATIONS: RefCell<BTreeMap<AccountId32, Perbill>> = const { RefCell::new(BTreeMap::new()) };
	/// Hosts punished, in order, and why.
	pub static PUNISHMENTS: RefCell<Vec<(AccountId32, Punishment)>> = const { RefCell::new(Vec::new()) };
	/// Operator keys and the hosts they act for, as tests set them.
	pub static OPERATORS: RefCell<BTreeMap<AccountId32, AccountId32>> = const { RefCell::new(BTreeMap::new()) };
	/// VRF outputs tests set, by block.
	pub static VRFS: RefCell<BTreeMap<u64, Hash32>> = const { RefCell::new(BTreeMap::new()) };
}

/// The weights and reputations tests set; punishment is recorded in [`PUNISHMENTS`].
pub struct TestHosts;
impl InferenceHosts<AccountId32> for TestHosts {
	fn acting_for(signer: &AccountId32) -> AccountId32 {
		OPERATORS
			.with(|operators| operators.borrow().get(signer).cloned())
			.unwrap_or_else(|| signer.clone())
	}

	fn weight(who: &AccountId32) -> u64 {
		HOST_WEIGHTS.with(|weights| weights.borrow().get(who).copied().unwrap_or(0))
	}

	fn reputation(who: &AccountId32) -> Perbill {
		REPUTATIONS.with(|reputations| reputations.borrow().get(who).copied().unwrap_or_default())
	}

	fn punish_forgery(who: &AccountId32) {
		punish(who, Punishment::Forgery);
	}

	fn punish_false_accusation(who: &AccountId32) {
		punish(who, Punishment::FalseAccusation);
	}

	fn punish_silence(who: &AccountId32) {
		punish(who, Punishment::Silence);
	}
}

fn punish(who: &AccountId32, why: Punishment) {
	PUNISHMENTS.with(|punished| punished.borrow_mut().push((who.clone(), why)));
}

/// Makes `operator` act for `host`, as host-reputation's `set_operator` does.
pub fn set_operator(host: &AccountId32, operator: &AccountId32) {
	OPERATORS.with(|operators| operators.borrow_mut().insert(operator.clone(), host.clone()));
}

/// Sets `who`'s reputation.
pub fn set_reputation(who: &AccountId32, reputation: Perbill) {
	REPUTATIONS.with(|reputations| reputations.borrow_mut().insert(who.clone(), reputation));
}

/// The hosts punished so far, and why.
pub fn punishments() -> Vec<(AccountId32, Punishment)> {
	PUNISHMENTS.with(|punished| punished.borrow().clone())
}

/// Sets `who`'s compute weight.
pub fn set_weight(who: &AccountId32, weight: u64) {
	HOST_WEIGHTS.with(|weights| weights.borrow_mut().insert(who.clone(), weight));
}

/// Block `block`'s VRF output unless a test set another: its number, repeated.
pub fn vrf_of(block: u64) -> Hash32 {
	VRFS.with(|vrfs| vrfs.borrow().get(&block).copied()).unwrap_or([block as u8; 32])
}

/// Makes block `block`'s VRF output `output`.
pub fn set_vrf(block: u64, output: Hash32) {
	VRFS.with(|vrfs| vrfs.borrow_mut().insert(block, output));
}

/// The parent block's VRF output, as BABE gives it.
pub struct ParentVrf;
impl Get<Option<Hash32>> for ParentVrf {
	fn get() -> Option<Hash32> {
		let parent = System::block_number().checked_sub(1)?;
		Some(vrf_of(parent))
	}
}

/// Runs blocks up to `n`: each block's `on_initialize` and `on_idle`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Inference::on_initialize(next);
		Inference::on_idle(next, frame_support::weights::Weight::MAX);
	}
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
	pub const MaxServers: u32 = 5;
	pub const MaxReports: u32 = 8;
	pub const MaxSamplesPerBlock: u32 = 4;
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
	type ParentBlockVrf = ParentVrf;
	type Training = TreasuryForTraining;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkKeys;
	type MaxModels = MaxModels;
	type MaxServers = MaxServers;
	type MaxReports = MaxReports;
	type MaxSamplesPerBlock = MaxSamplesPerBlock;
	type WeightInfo = ();
}

/// The test chain at block 1: funded developer and hosts, governance, no models, the default
/// parameters, the developer's deposit [`DEPOSIT`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let funded =
		[DEVELOPER, GOVERNANCE, TREASURY, HOSTS[0], HOSTS[1], HOSTS[2], HOSTS[3], HOSTS[4]];
	pallet_balances::GenesisConfig::<Test> {
		balances: funded.iter().map(|seed| (account(seed), BALANCE)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_inference::GenesisConfig::<Test> {
		deposits: vec![(account(DEVELOPER), u128::from(DEPOSIT))],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		HOST_WEIGHTS.with(|weights| weights.borrow_mut().clear());
		REPUTATIONS.with(|reputations| reputations.borrow_mut().clear());
		PUNISHMENTS.with(|punished| punished.borrow_mut().clear());
		VRFS.with(|vrfs| vrfs.borrow_mut().clear());
		run_to_block(1);
	});
	ext
}
