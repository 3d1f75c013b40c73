//! A minimal runtime for the pallet's tests.

use frame_support::{derive_impl, parameter_types, traits::Randomness};
use frame_system::{pallet_prelude::BlockNumberFor, EnsureRoot};
use sp_core::H256;
use sp_runtime::BuildStorage;

use crate::{self as pallet_sprint, EpochInfo, OnPhaseChange, Phase, SprintParams};

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
	pub type Sprint = pallet_sprint;

	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
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

parameter_types! {
	/// The randomness BABE would provide; tests change it.
	pub static EpochRandomnessValue: H256 = H256::repeat_byte(7);
	/// The VRF output blocks draw their randomness from (`None`: blocks carry none).
	pub static BlockVrf: Option<H256> = Some(H256::repeat_byte(5));
	/// Every `(epoch, phase)` the pallet announced, in order.
	pub static PhaseLog: Vec<(u64, Phase)> = Vec::new();
	/// The community pool's account.
	pub const Pool: u64 = POOL;
}

/// The community pool's account in these tests.
pub const POOL: u64 = 99;

/// Returns [`EpochRandomnessValue`].
pub struct TestRandomness;
impl Randomness<H256, BlockNumberFor<Test>> for TestRandomness {
	fn random(_subject: &[u8]) -> (H256, BlockNumberFor<Test>) {
		(EpochRandomnessValue::get(), 0)
	}
}

/// The VRF randomness BABE would give in block `n` (its parent's output, hashed with the
/// subject), from [`BlockVrf`] and the block number; `None` without a VRF output.
pub fn vrf_randomness(subject: &[u8], n: u64) -> Option<H256> {
	BlockVrf::get().map(|vrf| {
		H256(gonka_primitives::hash_concat(&[subject, vrf.as_bytes(), &n.to_le_bytes()]))
	})
}

/// Returns [`vrf_randomness`] of the block in progress.
pub struct TestBlockRandomness;
impl Randomness<Option<H256>, BlockNumberFor<Test>> for TestBlockRandomness {
	fn random(subject: &[u8]) -> (Option<H256>, BlockNumberFor<Test>) {
		(vrf_randomness(subject, System::block_number()), System::block_number())
	}
}

/// Records announced phases in [`PhaseLog`].
pub struct RecordPhases;
impl OnPhaseChange<BlockNumberFor<Test>> for RecordPhases {
	fn on_phase_change(
		epoch: &EpochInfo<BlockNumberFor<Test>>,
		phase: Phase,
	) -> frame_support::weights::Weight {
		PhaseLog::mutate(|log| log.push((epoch.index, phase)));
		frame_support::weights::Weight::zero()
	}
}

impl crate::Config for Test {
	type EpochRandomness = TestRandomness;
	type BlockRandomness = TestBlockRandomness;
	type ParamsOrigin = EnsureRoot<Self::AccountId>;
	type OnPhaseChange = RecordPhases;
	type Currency = Balances;
	type CommunityPool = Pool;
	type WeightInfo = ();
}

/// Externalities with the development parameters at genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(SprintParams::DEV)
}

/// Externalities with `params` at genesis.
pub fn new_test_ext_with(params: SprintParams) -> sp_io::TestExternalities {
	PhaseLog::set(Vec::new());
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: Default::default(),
		sprint: pallet_sprint::GenesisConfig { params: Some(params), ..Default::default() },
	}
	.build_storage()
	.expect("genesis builds");
	storage.into()
}

parameter_types! {
	/// Mixed into every parent hash: a test changes it to stand for blocks whose authors
	/// chose or ordered their extrinsics differently.
	pub static ParentHashSalt: u64 = 0;
}

/// The parent hash the tests give block `n`.
pub fn parent_hash_of(n: u64) -> H256 {
	H256::from_low_u64_be(n.wrapping_mul(1_000_003) ^ ParentHashSalt::get())
}

/// Runs blocks until `n` (inclusive), each with [`parent_hash_of`] as its parent; the events
/// left afterwards are those of block `n`.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::reset_events();
		System::initialize(&next, &parent_hash_of(next), &Default::default());
		Sprint::on_initialize(next);
	}
}
