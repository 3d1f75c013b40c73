//! A runtime with the sprint clock and this pallet, for the pallet's tests. Accounts 1–10 are
//! hosts.

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, Hooks, Randomness},
};
use frame_system::{pallet_prelude::BlockNumberFor, EnsureRoot};
use gonka_primitives::{
	merkle::{Leaf, MerkleTree},
	sampling::leaves_to_reveal,
	sprint::SprintParams,
	Distance,
};
use sp_core::H256;
use sp_runtime::BuildStorage;

use crate::{self as pallet_proof_of_compute, HostRegistry, RevealedLeaf};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(RuntimeCall, RuntimeEvent, RuntimeError, RuntimeOrigin, RuntimeTask)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Sprint = pallet_sprint;

	#[runtime::pallet_index(2)]
	pub type ProofOfCompute = pallet_proof_of_compute;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Fixed randomness: seeds still change with every block's parent hash.
pub struct TestRandomness;
impl Randomness<H256, BlockNumberFor<Test>> for TestRandomness {
	fn random(_subject: &[u8]) -> (H256, BlockNumberFor<Test>) {
		(H256::repeat_byte(9), 0)
	}
}

impl pallet_sprint::Config for Test {
	type EpochRandomness = TestRandomness;
	type ParamsOrigin = EnsureRoot<Self::AccountId>;
	type OnPhaseChange = ProofOfCompute;
	type WeightInfo = ();
}

parameter_types! {
	pub static CleanupKeysPerBlock: u32 = 1000;
	/// Hosts beyond accounts 1–10 (benchmarks register theirs).
	pub static ExtraHosts: Vec<u64> = Vec::new();
}

/// Accounts 1 to 10, and any in [`ExtraHosts`].
pub struct TenHosts;
impl HostRegistry<u64> for TenHosts {
	fn is_host(who: &u64) -> bool {
		(1..=10).contains(who) || ExtraHosts::get().contains(who)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &u64) {
		ExtraHosts::mutate(|hosts| hosts.push(*who));
	}
}

impl crate::Config for Test {
	type Sprint = Sprint;
	type Hosts = TenHosts;
	type CleanupKeysPerBlock = CleanupKeysPerBlock;
	type WeightInfo = ();
}

/// The development parameters: sprint 10, commit 3, reveal 3, validate 3, settle 2,
/// inference 4; epoch 0 runs blocks 1–25.
pub const PARAMS: SprintParams = SprintParams::DEV;
/// First block of epoch 0's commit phase.
pub const COMMIT: u64 = 11;
/// First block of epoch 0's reveal phase.
pub const REVEAL: u64 = 14;
/// First block of epoch 1.
pub const NEXT_EPOCH: u64 = 26;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		sprint: pallet_sprint::GenesisConfig { params: Some(PARAMS), ..Default::default() },
	}
	.build_storage()
	.expect("genesis builds");
	storage.into()
}

/// Runs blocks until `n` (inclusive); the events left are those of block `n`.
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::reset_events();
		System::initialize(&next, &H256::from_low_u64_be(next), &Default::default());
		Sprint::on_initialize(next);
		ProofOfCompute::on_initialize(next);
	}
}

/// `count` honest hits: increasing nonces, distances below `r_target`.
pub fn honest_hits(count: u32) -> Vec<Leaf> {
	(0..count)
		.map(|i| Leaf {
			nonce: 1_000 + 37 * u64::from(i),
			distance: Distance(PARAMS.r_target.0 - 1 - i),
		})
		.collect()
}

/// The leaves a host must reveal for `tree` in the epoch in progress, with proofs.
pub fn challenged(host: u64, leaves: &[Leaf], tree: &MerkleTree) -> Vec<RevealedLeaf> {
	let epoch = pallet_sprint::CurrentEpoch::<Test>::get().expect("an epoch runs");
	let seed = epoch.challenge_seed.expect("the reveal phase has begun");
	let account = codec::Encode::encode(&host);
	leaves_to_reveal(&seed, &account, leaves.len() as u32, PARAMS.samples)
		.into_iter()
		.map(|index| RevealedLeaf {
			index,
			leaf: leaves[index as usize],
			proof: tree
				.proof(index as usize)
				.expect("leaf exists")
				.try_into()
				.expect("short proof"),
		})
		.collect()
}

/// Bounds a reveal.
pub fn bounded(
	leaves: Vec<RevealedLeaf>,
) -> frame_support::BoundedVec<RevealedLeaf, ConstU32<{ crate::MAX_REVEALED_LEAVES }>> {
	leaves.try_into().expect("within the bound")
}
