//! A runtime with the sprint clock and this pallet, for the pallet's tests. Accounts 1–10 are
//! hosts, and so are the first [`SimulatedHosts`] accounts from [`FIRST_SIMULATED_HOST`]. Block
//! limits and database weights are the runtime's.

use frame_support::{
	assert_ok, derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU32, Hooks, Randomness},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use frame_system::{pallet_prelude::BlockNumberFor, EnsureRoot};
use gonka_primitives::{
	attestation::{seal, Recomputed},
	merkle::{Leaf, MerkleTree, Node},
	sampling::leaves_to_reveal,
	sprint::{Phase, SprintParams, SEED_BLOCKS},
	Distance,
};
use sp_core::H256;
use sp_runtime::BuildStorage;
use sp_runtime::Perbill;

use crate::{self as pallet_proof_of_compute, HostRegistry, RevealedLeaf};

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

	#[runtime::pallet_index(3)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(1)]
	pub type Sprint = pallet_sprint;

	#[runtime::pallet_index(2)]
	pub type ProofOfCompute = pallet_proof_of_compute;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type DbWeight = ParityDbWeight;
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
	type OnPhaseChange = ProofOfCompute;
	type Currency = Balances;
	type CommunityPool = Pool;
	type WeightInfo = ();
}

/// Share of a block normal extrinsics may fill, as in the runtime.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	/// As the runtime's: two seconds of compute per block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// As the runtime's: 5 MiB blocks, 75% of them for normal extrinsics.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(5 * 1024 * 1024)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO.mul_floor(*max)
		})
		.build();
	/// As the runtime's: a fifth of the block.
	pub static SettlementWeightPerBlock: Weight =
		Perbill::from_percent(20) * RuntimeBlockWeights::get().max_block;
	pub static CleanupKeysPerBlock: u32 = 1000;
	/// The community pool's account.
	pub const Pool: u64 = POOL;
	/// Hosts beyond accounts 1–10 (benchmarks register theirs).
	pub static ExtraHosts: Vec<u64> = Vec::new();
	/// How many accounts from [`FIRST_SIMULATED_HOST`] on are hosts.
	pub static SimulatedHosts: u64 = 0;
	/// The most weight any host's collateral backs (`None`: all of it).
	pub static BackedWeightLimit: Option<u64> = None;
	/// The registry's largest share of an epoch's weight for one host.
	pub static MaxWeightShare: Perbill = Perbill::one();
	/// The validators' share of the emission.
	pub static ValidatorShare: Perbill = Perbill::zero();
	/// The silent validators the registry heard of: epoch and validator.
	pub static HeardSilent: Vec<(u64, u64)> = Vec::new();
	/// The outvoted validators the registry heard of: epoch, validator, and whether repeated.
	pub static HeardOutvoted: Vec<(u64, u64, bool)> = Vec::new();
	/// The results the registry heard of: epoch, host and outcome.
	pub static HeardResults: Vec<(u64, u64, crate::Outcome)> = Vec::new();
	/// The closed settlements the registry heard of.
	pub static HeardEpochs: Vec<(u64, crate::EpochSummary)> = Vec::new();
}

/// The community pool's account.
pub const POOL: u64 = 99;

/// The first account of the simulated hosts.
pub const FIRST_SIMULATED_HOST: u64 = 1_000_000;

/// Accounts 1 to 10, the simulated ones, and any in [`ExtraHosts`].
pub struct TestHosts;
impl HostRegistry<u64> for TestHosts {
	fn is_host(who: &u64) -> bool {
		(1..=10).contains(who)
			|| (FIRST_SIMULATED_HOST..FIRST_SIMULATED_HOST + SimulatedHosts::get()).contains(who)
			|| ExtraHosts::get().contains(who)
	}

	fn backed_weight(_who: &u64, hits: u64) -> u64 {
		BackedWeightLimit::get().map_or(hits, |limit| hits.min(limit))
	}

	fn max_weight_share() -> Perbill {
		MaxWeightShare::get()
	}

	fn validator_share() -> Perbill {
		ValidatorShare::get()
	}

	fn on_validator_silent(epoch: u64, who: &u64) {
		HeardSilent::mutate(|heard| heard.push((epoch, *who)));
	}

	fn on_validator_outvoted(epoch: u64, who: &u64, repeated: bool) {
		HeardOutvoted::mutate(|heard| heard.push((epoch, *who, repeated)));
	}

	fn on_settled(epoch: u64, who: &u64, result: &crate::HostResult) {
		HeardResults::mutate(|heard| heard.push((epoch, *who, result.outcome)));
	}

	fn on_epoch_settled(epoch: u64, summary: &crate::EpochSummary) {
		HeardEpochs::mutate(|heard| heard.push((epoch, *summary)));
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &u64) {
		ExtraHosts::mutate(|hosts| hosts.push(*who));
	}
}

impl crate::Config for Test {
	type Sprint = Sprint;
	type Hosts = TestHosts;
	type Rewards = Sprint;
	type CleanupKeysPerBlock = CleanupKeysPerBlock;
	type SettlementWeightPerBlock = SettlementWeightPerBlock;
	type WeightInfo = crate::weights::SubstrateWeight<Test>;
}

/// The development parameters: sprint 7, commit 3, reveal 5, validate 5, open 3, settle 1,
/// inference 1; epoch 0 runs blocks 1–25.
pub const PARAMS: SprintParams = SprintParams::DEV;
/// First block of epoch 0's commit phase.
pub const COMMIT: u64 = 1 + PARAMS.phases.sprint as u64;
/// First block of epoch 0's reveal phase in which reveals land: the VRF outputs of the
/// phase's first [`SEED_BLOCKS`] blocks fix the challenge seed in the next.
pub const REVEAL: u64 = COMMIT + PARAMS.phases.commit as u64 + SEED_BLOCKS as u64;
/// First block of epoch 0's validate phase.
const VALIDATE: u64 = REVEAL - SEED_BLOCKS as u64 + PARAMS.phases.reveal as u64;
/// First block of epoch 0's open phase.
pub const OPEN: u64 = VALIDATE + PARAMS.phases.validate as u64;
/// First block of epoch 0's settle phase.
pub const SETTLE: u64 = OPEN + PARAMS.phases.open as u64;
/// First block of epoch 1.
pub const NEXT_EPOCH: u64 = SETTLE + (PARAMS.phases.settle + PARAMS.phases.inference) as u64;

/// First block of `epoch`'s reveal phase in which reveals land.
pub fn reveal_open(epoch: u64) -> u64 {
	phase_start(epoch, Phase::Reveal) + u64::from(SEED_BLOCKS)
}

/// First block of `epoch`'s validate phase in which attestations land.
pub fn validate_open(epoch: u64) -> u64 {
	phase_start(epoch, Phase::Validate) + u64::from(SEED_BLOCKS)
}

/// First block of `phase` in `epoch`.
pub fn phase_start(epoch: u64, phase: Phase) -> u64 {
	1 + epoch * u64::from(PARAMS.phases.total()) + u64::from(PARAMS.phases.start_of(phase))
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with(PARAMS)
}

/// A chain whose first epoch runs with `params`.
pub fn new_test_ext_with(params: SprintParams) -> sp_io::TestExternalities {
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: Default::default(),
		sprint: pallet_sprint::GenesisConfig { params: Some(params), ..Default::default() },
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
		if pallet_sprint::CurrentPhase::<Test>::get() == Phase::Open
			&& Sprint::blocks_left_in_phase(next) == PARAMS.phases.open
		{
			open_sealed();
		}
	}
}

/// A made-up root whose range holds every nonce, so any count is plausible.
pub fn root(byte: u8) -> Node {
	Node { hash: [byte; 32], lo: 0, hi: u64::MAX }
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

/// Runs `epoch` to its validate phase (where attestations land), each of `hosts` committing
/// and revealing `hits` honest hits.
pub fn commit_and_reveal(epoch: u64, hosts: &[(u64, u32)]) {
	run_to_block(phase_start(epoch, Phase::Commit));
	let trees: Vec<_> = hosts
		.iter()
		.map(|(host, hits)| {
			let leaves = honest_hits(*hits);
			let tree = MerkleTree::from_leaves(&leaves).expect("increasing nonces");
			assert_ok!(ProofOfCompute::commit(
				RuntimeOrigin::signed(*host),
				epoch,
				tree.root(),
				*hits
			));
			(leaves, tree)
		})
		.collect();
	run_to_block(reveal_open(epoch));
	for ((host, _), (leaves, tree)) in hosts.iter().zip(&trees) {
		let reveal = bounded(challenged(*host, leaves, tree));
		assert_ok!(ProofOfCompute::reveal(RuntimeOrigin::signed(*host), epoch, reveal));
	}
	run_to_block(validate_open(epoch));
}

/// [`commit_and_reveal`], then every host attests its duties honestly.
pub fn commit_reveal_and_attest(epoch: u64, hosts: &[(u64, u32)]) {
	commit_and_reveal(epoch, hosts);
	for (validator, _) in hosts {
		attest_duties(*validator, honestly);
	}
}

/// The salt every test validator seals with.
pub const SALT: gonka_primitives::Hash32 = [7; 32];

/// An attestation sealed to be opened: validator, epoch, host and values.
type Sealed = (u64, u64, u64, crate::RecomputedValues);

thread_local! {
	/// Attestations sealed through [`seal_duties`] to be opened at the open phase's first
	/// block.
	static SEALED: core::cell::RefCell<Vec<Sealed>> = const { core::cell::RefCell::new(Vec::new()) };
}

/// The check value of `host`'s leaf `index`: what only running the model gives (made up
/// here, the same for every honest validator).
pub fn true_check(host: u64, index: u32) -> Distance {
	Distance(1_000_000_000 + 1_000_000 * (host % 1_000) as u32 + 1_000 * index)
}

/// How a test validator finds its check values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
	/// It ran the model: [`true_check`].
	Computed,
	/// It did not: it echoes the host's claimed distance (a lazy validator).
	Echoed,
}

/// A recomputation of `host`'s revealed leaves in `epoch`: each claimed distance through
/// `recompute`, with check values found as `checks` says.
pub fn recomputation(
	epoch: u64,
	host: u64,
	recompute: &impl Fn(u64, Distance) -> Distance,
	checks: Checks,
) -> crate::RecomputedValues {
	let reveal = crate::Revealed::<Test>::get(epoch, host).expect("revealed");
	let values: Vec<Recomputed> = reveal
		.leaves
		.iter()
		.map(|(index, leaf)| Recomputed {
			distance: recompute(host, leaf.distance),
			check: match checks {
				Checks::Computed => true_check(host, *index),
				Checks::Echoed => leaf.distance,
			},
		})
		.collect();
	values.try_into().expect("one per leaf")
}

/// An honest recomputation of `host`'s revealed leaves in `epoch`.
pub fn honest_values(epoch: u64, host: u64) -> crate::RecomputedValues {
	recomputation(epoch, host, &honestly, Checks::Computed)
}

/// Seals an attestation on every duty of `validator` in the epoch in progress, each claimed
/// distance of host `h` recomputed as `recompute(h, claimed)` and check values found as
/// `checks` says; when `open`, it is opened at the open phase's first block
/// ([`run_to_block`]). Returns the hosts attested.
pub fn seal_duties(
	validator: u64,
	recompute: impl Fn(u64, Distance) -> Distance,
	checks: Checks,
	open: bool,
) -> Vec<u64> {
	let epoch = pallet_sprint::CurrentEpoch::<Test>::get().expect("an epoch runs").index;
	ProofOfCompute::validation_duties(&validator)
		.into_iter()
		.map(|duty| {
			let values = recomputation(epoch, duty.host, &recompute, checks);
			assert_ok!(ProofOfCompute::attest(
				RuntimeOrigin::signed(validator),
				epoch,
				duty.host,
				seal(&validator, &values, &SALT)
			));
			if open {
				SEALED
					.with(|sealed| sealed.borrow_mut().push((validator, epoch, duty.host, values)));
			}
			duty.host
		})
		.collect()
}

/// [`seal_duties`] by a validator that ran the model and opens its seals.
pub fn attest_duties(validator: u64, recompute: impl Fn(u64, Distance) -> Distance) -> Vec<u64> {
	seal_duties(validator, recompute, Checks::Computed, true)
}

/// Opens every attestation sealed through [`seal_duties`] to be opened.
fn open_sealed() {
	for (validator, epoch, host, values) in SEALED.with(|sealed| sealed.take()) {
		assert_ok!(ProofOfCompute::open_attestation(
			RuntimeOrigin::signed(validator),
			epoch,
			host,
			values,
			SALT
		));
	}
}

/// Every host's honest recomputation: the claimed distance.
pub fn honestly(_host: u64, claimed: Distance) -> Distance {
	claimed
}

/// Bounds a reveal.
pub fn bounded(
	leaves: Vec<RevealedLeaf>,
) -> frame_support::BoundedVec<RevealedLeaf, ConstU32<{ crate::MAX_REVEALED_LEAVES }>> {
	leaves.try_into().expect("within the bound")
}
