//! A runtime with balances, the sprint clock and this pallet, for the pallet's tests.
//! Accounts 1–10 hold [`BALANCE`] each; account [`POOL`] receives slashes. What
//! proof-of-compute would record (who revealed) is set by the tests in [`Revealed`], and who
//! has session keys in [`WithKeys`].

use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, Contains, Hooks, Randomness},
};
use frame_system::{pallet_prelude::BlockNumberFor, EnsureRoot};
use pallet_proof_of_compute::{ComputeRecord, HostRegistry, HostResult, Outcome};
use pallet_sprint::{Phase, SprintParams};
use sp_core::H256;
use sp_runtime::{
	testing::{TestSignature, UintAuthorityId},
	BuildStorage,
};

use crate::{self as pallet_host_reputation, HostInfo, ReputationParams};

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
	pub type Sprint = pallet_sprint;

	#[runtime::pallet_index(3)]
	pub type HostReputation = pallet_host_reputation;
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

/// Fixed randomness: seeds still change with every block's parent hash.
pub struct TestRandomness;
impl Randomness<H256, BlockNumberFor<Test>> for TestRandomness {
	fn random(_subject: &[u8]) -> (H256, BlockNumberFor<Test>) {
		(H256::repeat_byte(9), 0)
	}
}

/// A VRF output that changes with every block, as BABE's does.
impl Randomness<Option<H256>, BlockNumberFor<Test>> for TestRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, BlockNumberFor<Test>) {
		let block = System::block_number();
		let output = gonka_primitives::hash_concat(&[subject, &block.to_le_bytes()]);
		(Some(H256(output)), block)
	}
}

impl pallet_sprint::Config for Test {
	type EpochRandomness = TestRandomness;
	type BlockRandomness = TestRandomness;
	type ParamsOrigin = EnsureRoot<Self::AccountId>;
	type OnPhaseChange = HostReputation;
	type Currency = Balances;
	type CommunityPool = Pool;
	type WeightInfo = ();
}

parameter_types! {
	/// `(host, open jobs)`: inference jobs the marketplace may still judge.
	pub static JobsOpen: Vec<(u64, u32)> = Vec::new();
	/// The account slashed collateral goes to.
	pub const Pool: u64 = POOL;
	/// `(epoch, host)` pairs that committed.
	pub static Committed: Vec<(u64, u64)> = Vec::new();
	/// `(epoch, host)` pairs that revealed.
	pub static Revealed: Vec<(u64, u64)> = Vec::new();
	/// Accounts with session keys.
	pub static WithKeys: Vec<u64> = Vec::new();
	pub static MaxHosts: u32 = 100;
	pub static DowntimeChecksPerBlock: u32 = 2;
}

/// What proof-of-compute would have recorded, as the tests set it.
pub struct TestCompute;
impl ComputeRecord<u64> for TestCompute {
	fn committed(epoch: u64, who: &u64) -> bool {
		Committed::get().contains(&(epoch, *who))
	}

	fn revealed(epoch: u64, who: &u64) -> bool {
		Revealed::get().contains(&(epoch, *who))
	}
}

/// The accounts in [`WithKeys`].
pub struct TestKeys;
impl Contains<u64> for TestKeys {
	fn contains(who: &u64) -> bool {
		WithKeys::get().contains(who)
	}
}

/// Open inference jobs as [`JobsOpen`] says.
pub struct TestJobs;
impl crate::OpenJobs<u64> for TestJobs {
	fn open_jobs(who: &u64) -> u32 {
		JobsOpen::get().iter().find(|(host, _)| host == who).map_or(0, |(_, open)| *open)
	}
}

impl crate::Config for Test {
	type Balance = u64;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnSlash = ResolveTo<Pool, Balances>;
	type Sprint = Sprint;
	type Compute = TestCompute;
	type ValidatorKeys = TestKeys;
	type Jobs = TestJobs;
	type ParamsOrigin = EnsureRoot<u64>;
	type MaxValidators = ConstU32<3>;
	type MaxHosts = MaxHosts;
	type DowntimeChecksPerBlock = DowntimeChecksPerBlock;
	type OperatorConsent = TestSignature;
	type OperatorSigner = UintAuthorityId;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkConsent;
}

/// Fresh operator accounts from 1,000 on, with the consent a test signature carries.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkConsent;

#[cfg(feature = "runtime-benchmarks")]
impl crate::operators::BenchmarkHelper<u64, TestSignature> for BenchmarkConsent {
	fn operator_consenting_to(host: &u64) -> (u64, TestSignature) {
		static NEXT: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(1_000);
		let operator = NEXT.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
		(operator, consent(operator, *host))
	}
}

/// `operator`'s consent to act for `host`, at its account nonce.
pub fn consent(operator: u64, host: u64) -> TestSignature {
	let nonce = frame_system::Pallet::<Test>::account_nonce(operator);
	TestSignature(operator, crate::operator_consent_payload(&host, nonce))
}

/// Free balance of accounts 1–10 at genesis.
pub const BALANCE: u64 = 10_000;
/// The account slashes go to.
pub const POOL: u64 = 99;
/// A host registered at genesis.
pub const GENESIS_HOST: u64 = 10;
/// The development epoch: sprint 10, commit 3, reveal 3, validate 3, settle 2, inference 4
/// blocks; epoch 0 runs blocks 1–25.
pub const PARAMS: SprintParams = SprintParams::DEV;

/// The registry's parameters in these tests: 100 to register, 10 per unit of weight.
pub fn params() -> ReputationParams<u64> {
	ReputationParams { min_collateral: 100, collateral_per_weight: 10, ..Default::default() }
}

/// First block of `phase` in `epoch`.
pub fn phase_start(epoch: u64, phase: Phase) -> u64 {
	1 + epoch * u64::from(PARAMS.phases.total()) + u64::from(PARAMS.phases.start_of(phase))
}

/// A fresh chain at genesis.
pub fn new_bench_ext() -> sp_io::TestExternalities {
	let mut balances: Vec<(u64, u64)> = (1..=10).map(|who| (who, BALANCE)).collect();
	balances.push((POOL, 1));
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
		sprint: pallet_sprint::GenesisConfig { params: Some(PARAMS), ..Default::default() },
		host_reputation: crate::GenesisConfig {
			params: Some(params()),
			hosts: vec![(GENESIS_HOST, 500)],
		},
	}
	.build_storage()
	.expect("genesis builds");
	storage.into()
}

/// Runs `test` on a fresh chain, then checks the registry's invariants.
pub fn run(test: impl FnOnce()) {
	new_bench_ext().execute_with(|| {
		run_to_block(1);
		test();
		HostReputation::do_try_state().expect("the registry's invariants hold");
	});
}

/// Runs blocks until `n` (inclusive); the events left are those of block `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::reset_events();
		System::initialize(&next, &H256::from_low_u64_be(next), &Default::default());
		Sprint::on_initialize(next);
		HostReputation::on_initialize(next);
	}
}

/// Info that passes every check.
pub fn info(name: &str) -> HostInfo {
	HostInfo {
		name: name.as_bytes().to_vec().try_into().expect("short name"),
		endpoint: b"https://host.example:8443/v1".to_vec().try_into().expect("short URL"),
		hardware: b"1x H200 141GB".to_vec().try_into().expect("short"),
	}
}

/// Registers `who` with `collateral`.
pub fn register(who: u64, collateral: u64) {
	assert_ok!(HostReputation::register_host(RuntimeOrigin::signed(who), collateral, info("h")));
}

/// Settles `who`'s `epoch` as proof-of-compute would, with `outcome` and `weight`.
pub fn settle(epoch: u64, who: u64, outcome: Outcome, weight: u64) {
	let result = HostResult {
		outcome,
		hits: weight as u32,
		weight,
		passed_by: 0,
		failed_by: 0,
		reward: 0,
		validator_reward: 0,
	};
	<HostReputation as HostRegistry<u64>>::on_settled(epoch, &who, &result);
}

/// Closes `epoch`'s settlement as proof-of-compute would.
pub fn close(epoch: u64) {
	<HostReputation as HostRegistry<u64>>::on_epoch_settled(epoch, &Default::default());
}

/// The host record of `who`.
pub fn host(who: u64) -> crate::Host<u64> {
	crate::Hosts::<Test>::get(who).expect("registered")
}

/// `who`'s free balance.
pub fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}
