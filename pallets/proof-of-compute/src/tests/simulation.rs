//! 10,000 hosts through one full epoch of the testnet profile, with blocks built as an author
//! builds them: the hooks first, then queued extrinsics while the block's normal weight and
//! length allow, the rest left for the next block and dropped when their phase ends. Every
//! block must stay within its weight and length limits, and every host must be committed,
//! revealed, validated by `V` validators, settled and paid within the epoch.
//!
//! The run also measures how many commits, reveals, seals, openings and settled hosts fit in a
//! block (and how many payments fit the settlement budget), from which it prints the largest
//! number of hosts an epoch can settle and pay with given phase lengths (docs/PERFORMANCE.md
//! quotes it).

use std::collections::VecDeque;

use codec::Encode;
use frame_support::{
	assert_ok,
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::Hooks,
	weights::Weight,
};
use gonka_primitives::{
	assignment::assign,
	merkle::MerkleTree,
	sprint::{Phase, PhaseLengths, SprintParams, SEED_BLOCKS},
};
use sp_core::H256;
use sp_runtime::traits::{Dispatchable, TransactionExtension};

use crate::{
	mock::*, settlement::most_that_fit, snapshot::StoredSnapshot, weights::WeightInfo,
	CheckHostSubmission, EpochSummaries, Participants, Verdicts,
};

/// Hosts in the simulation.
const HOSTS: u64 = 10_000;
/// Hits each host commits.
const HITS: u32 = 64;
/// Bytes a signed extrinsic adds to its call: signature, address, era, nonce, tip and the
/// other extensions' data.
const SIGNED_OVERHEAD: u64 = 110;

/// An extrinsic waiting for a block.
struct Pending {
	signer: u64,
	call: RuntimeCall,
	/// What the block must have room for: the call's declared weight and the extrinsic's.
	weight: Weight,
	/// Of it, the call's declared weight, part of which the call may refund.
	call_weight: Weight,
	length: u64,
}

impl Pending {
	fn new(signer: u64, call: RuntimeCall) -> Self {
		let normal = RuntimeBlockWeights::get().get(DispatchClass::Normal).base_extrinsic;
		// The runtime's other extensions: the signer's nonce and fee account.
		let extensions = <Test as frame_system::Config>::DbWeight::get().reads_writes(2, 2);
		let call_weight = call.get_dispatch_info().call_weight;
		let weight = call_weight
			.saturating_add(CheckHostSubmission::<Test>::default().weight(&call))
			.saturating_add(normal)
			.saturating_add(extensions);
		let length = call.encoded_size() as u64 + SIGNED_OVERHEAD;
		Self { signer, call, weight, call_weight, length }
	}
}

/// What one phase took.
#[derive(Default, Debug)]
struct PhaseUse {
	blocks: u32,
	included: u32,
	most_in_a_block: u32,
	dropped: u32,
}

/// Builds block `number`: hooks, then `fill` for a phase's first block (and for the block
/// that fixes the challenge seed, from which reveals can be made), then as many pending
/// extrinsics as fit. Returns the block's phase and how many extrinsics it included.
fn build_block(
	number: u64,
	pending: &mut VecDeque<Pending>,
	fill: &mut impl FnMut(Phase) -> Vec<Pending>,
	previous: Phase,
) -> (Phase, u32) {
	System::reset_events();
	System::initialize(&number, &H256::from_low_u64_be(number), &Default::default());
	let limits = RuntimeBlockWeights::get();
	let hooks = Sprint::on_initialize(number).saturating_add(ProofOfCompute::on_initialize(number));
	let phase = pallet_sprint::CurrentPhase::<Test>::get();
	let seed_fixed = System::events().iter().any(|record| {
		matches!(
			record.event,
			RuntimeEvent::Sprint(
				pallet_sprint::Event::ChallengeSeedFixed { .. }
					| pallet_sprint::Event::ValidationSeedFixed { .. }
			)
		)
	});
	if phase != previous || number == 1 || seed_fixed {
		pending.clear();
		pending.extend(fill(phase));
	}
	let normal_limit = limits.get(DispatchClass::Normal).max_total.expect("a normal limit");
	let length_limit = u64::from(*RuntimeBlockLength::get().max.get(DispatchClass::Normal));
	let (mut normal, mut length, mut included) = (Weight::zero(), 0u64, 0u32);
	while let Some(next) = pending.front() {
		if normal.saturating_add(next.weight).any_gt(normal_limit)
			|| length + next.length > length_limit
		{
			break;
		}
		let next = pending.pop_front().expect("a front");
		let post = next.call.dispatch(RuntimeOrigin::signed(next.signer));
		assert!(post.is_ok(), "{post:?}");
		// As `CheckWeight` does: what the call did not use is given back to the block.
		let unused = post
			.ok()
			.and_then(|post| post.actual_weight)
			.map_or(Weight::zero(), |actual| next.call_weight.saturating_sub(actual));
		normal = normal.saturating_add(next.weight).saturating_sub(unused);
		length += next.length;
		included += 1;
	}
	let total = limits.base_block.saturating_add(hooks).saturating_add(normal);
	assert!(total.all_lte(limits.max_block), "block {number} ({phase:?}) weighs {total:?}");
	(phase, included)
}

/// Everything the hosts submit in `phase`, honestly.
fn submissions(phase: Phase, hosts: &[u64], tree: &MerkleTree) -> Vec<Pending> {
	let epoch = pallet_sprint::CurrentEpoch::<Test>::get().expect("an epoch runs");
	let leaves = honest_hits(HITS);
	match phase {
		Phase::Commit => hosts
			.iter()
			.map(|host| {
				let call =
					crate::Call::commit { epoch: epoch.index, root: tree.root(), count: HITS };
				Pending::new(*host, RuntimeCall::ProofOfCompute(call))
			})
			.collect(),
		Phase::Reveal if epoch.challenge_seed.is_none() => Vec::new(),
		Phase::Reveal => hosts
			.iter()
			.map(|host| {
				let leaves = bounded(challenged(*host, &leaves, tree));
				let call = crate::Call::reveal { epoch: epoch.index, leaves };
				Pending::new(*host, RuntimeCall::ProofOfCompute(call))
			})
			.collect(),
		Phase::Validate if epoch.validation_seed.is_none() => Vec::new(),
		Phase::Validate => {
			let snapshot = StoredSnapshot::<Test>::of(epoch.index);
			let seed = epoch.validation_seed.expect("fixed in the validate phase");
			let participants: Vec<u64> = (0..hosts.len() as u32)
				.filter_map(|i| Participants::<Test>::get(epoch.index, i))
				.collect();
			let mut attestations = Vec::new();
			for (index, host) in participants.iter().enumerate() {
				let values = honest_values(epoch.index, *host);
				for validator in
					assign(&snapshot, &seed, index as u32, epoch.params.validators_per_host)
				{
					let validator = participants[validator as usize];
					let seal = gonka_primitives::attestation::seal(&validator, &values, &SALT);
					let call = crate::Call::attest { epoch: epoch.index, host: *host, seal };
					attestations.push(Pending::new(validator, RuntimeCall::ProofOfCompute(call)));
				}
			}
			attestations
		}
		Phase::Open => {
			let mut openings = Vec::new();
			for (host, attestations) in Verdicts::<Test>::iter_prefix(epoch.index) {
				let values = honest_values(epoch.index, host);
				for attestation in attestations {
					let call = crate::Call::open_attestation {
						epoch: epoch.index,
						host,
						values: values.clone(),
						salt: SALT,
					};
					openings.push(Pending::new(
						attestation.validator,
						RuntimeCall::ProofOfCompute(call),
					));
				}
			}
			openings
		}
		_ => Vec::new(),
	}
}

/// The most hosts an epoch with `lengths` settles, given the measured per-block throughput:
/// commits, reveals, sealed attestations (after their phases' seed blocks) and openings must
/// fit their phases;
/// judging and then paying every
/// host (`paid` per block) run from the settle phase to the end of the epoch.
fn capacity(lengths: &PhaseLengths, per_block: &[(Phase, u32)], v: u32, paid: u32) -> u64 {
	per_block
		.iter()
		.map(|(phase, per_block)| {
			let (blocks, per_host) = match phase {
				// The phases' first blocks make their seeds: no reveal or attestation fits them.
				Phase::Validate => (lengths.validate.saturating_sub(SEED_BLOCKS), u64::from(v)),
				// The pool admits openings once the phase has begun: none lands in its first block.
				Phase::Open => (lengths.open.saturating_sub(1), u64::from(v)),
				Phase::Reveal => (lengths.reveal.saturating_sub(SEED_BLOCKS), 1),
				Phase::Settle => (lengths.settle + lengths.inference, 1),
				phase => (lengths.of(*phase), 1),
			};
			let rate = match phase {
				// A host takes 1/settled of a block to judge and 1/paid to pay.
				Phase::Settle => {
					u64::from(*per_block) * u64::from(paid)
						/ (u64::from(*per_block) + u64::from(paid))
				}
				_ => u64::from(*per_block),
			};
			u64::from(blocks) * rate / per_host
		})
		.min()
		.unwrap_or(0)
}

#[test]
fn ten_thousand_hosts_settle_in_one_testnet_epoch_within_block_limits() {
	let params =
		SprintParams { model: PARAMS.model, r_target: PARAMS.r_target, ..SprintParams::TESTNET };
	new_test_ext_with(params).execute_with(|| {
		SimulatedHosts::set(HOSTS);
		// An emission every host's equal share divides exactly.
		let emission = u128::from(HOSTS) * 1_000_000_000;
		let flat = pallet_sprint::EmissionSchedule { initial: emission, decay_ppb: 0 };
		assert_ok!(Sprint::set_emission(RuntimeOrigin::root(), flat));
		let hosts: Vec<u64> = (0..HOSTS).map(|i| FIRST_SIMULATED_HOST + i).collect();
		let tree = MerkleTree::from_leaves(&honest_hits(HITS)).expect("increasing nonces");
		let mut pending = VecDeque::new();
		// What each phase took, indexed by `phase as usize` (the order of `Phase::ALL`).
		let mut uses: [PhaseUse; Phase::ALL.len()] = Default::default();
		let mut fill = |phase: Phase| submissions(phase, &hosts, &tree);
		let mut phase = Phase::Sprint;
		let mut settled_in_first_settle_block = 0;
		for number in 1..=u64::from(params.phases.total()) {
			let left = pending.len() as u32;
			let (now, included) = build_block(number, &mut pending, &mut fill, phase);
			if now != phase {
				uses[phase as usize].dropped = left;
			}
			if now == Phase::Settle && phase != Phase::Settle {
				settled_in_first_settle_block =
					EpochSummaries::<Test>::get(0).map_or(0, |summary| summary.settled);
			}
			phase = now;
			let record = &mut uses[now as usize];
			record.blocks += 1;
			record.included += included;
			record.most_in_a_block = record.most_in_a_block.max(included);
		}

		let summary = EpochSummaries::<Test>::get(0).expect("settled");
		assert!(summary.complete, "{summary:?}");
		assert_eq!((summary.settled, summary.accepted), (HOSTS as u32, HOSTS as u32));
		assert_eq!(summary.total_weight, HOSTS * u64::from(HITS));
		assert_eq!(summary.rewarded, emission, "every host paid within the epoch");
		let of = |phase: Phase| &uses[phase as usize];
		assert_eq!(of(Phase::Commit).included, HOSTS as u32);
		assert_eq!(of(Phase::Reveal).included, HOSTS as u32);
		assert_eq!(of(Phase::Validate).included, HOSTS as u32 * params.validators_per_host);
		assert_eq!(of(Phase::Open).included, HOSTS as u32 * params.validators_per_host);
		for (phase, record) in Phase::ALL.iter().zip(&uses) {
			assert_eq!(record.dropped, 0, "{phase:?}: {record:?}");
		}

		let per_block = [
			(Phase::Commit, of(Phase::Commit).most_in_a_block),
			(Phase::Reveal, of(Phase::Reveal).most_in_a_block),
			(Phase::Validate, of(Phase::Validate).most_in_a_block),
			(Phase::Open, of(Phase::Open).most_in_a_block),
			(Phase::Settle, settled_in_first_settle_block),
		];
		let v = params.validators_per_host;
		let paid = most_that_fit::<Test>(u32::MAX, <Test as crate::Config>::WeightInfo::pay);
		println!("per block: {per_block:?}, paid {paid}");
		for (name, lengths) in
			[("testnet", SprintParams::TESTNET.phases), ("dev", SprintParams::DEV.phases)]
		{
			println!(
				"{name} phase lengths {lengths:?}: at most {} hosts",
				capacity(&lengths, &per_block, v, paid)
			);
		}
		assert!(capacity(&params.phases, &per_block, v, paid) >= HOSTS);
	});
}
