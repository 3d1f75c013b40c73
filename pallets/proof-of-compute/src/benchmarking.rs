//! Benchmarks of `pallet-proof-of-compute` (frame-benchmarking v2).
//!
//! `reveal` is measured per revealed leaf over a tree of `u32::MAX` leaves, the most a
//! commitment can count, so every leaf carries a proof of up to 32 levels (the tree is built
//! only along the challenged paths, [`SparseTree`]). `attest` draws the most
//! validators (`MAX_VALIDATORS_PER_HOST`) from a weighted snapshot of several chunks;
//! `open_attestation` opens the last of the most attestations, over the most leaves;
//! `settle` per host, each with the most opened attestations of the most check values, one of
//! them outvoted; `clean_up` per removed key.

use alloc::{collections::BTreeSet, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use gonka_primitives::{
	assignment::assign,
	merkle::{Leaf, Node},
	sampling::{leaves_to_reveal, MIN_SAMPLES},
	sprint::{SprintParams, MAX_SAMPLES, MAX_VALIDATORS_PER_HOST},
	Distance,
};
use pallet_sprint::{EpochStatus, Phase};

use crate::*;

/// Leaves of the benchmark host's tree: the most a commitment can count, so that proofs are
/// as long as they get (32 levels).
const LEAVES: u32 = u32::MAX;

fn host<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Hosts::register_for_benchmarks(&who);
	who
}

/// Leaf `i` of the benchmark tree: nonce `i`, a hit.
fn leaf(index: u32) -> Leaf {
	Leaf { nonce: index.into(), distance: Distance(1) }
}

/// A valid tree of [`LEAVES`] leaves built only along the paths of `wanted` leaves: every
/// subtree without a wanted leaf stands as one node with a made-up hash and the true range of
/// its nonces, which is all a proof shows of it.
struct SparseTree {
	wanted: BTreeSet<u32>,
}

// Levels are at most 32 and positions below 2³², so nothing here overflows a u64.
#[allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)]
impl SparseTree {
	/// Leaves under the nodes of `level`.
	fn width(level: u32) -> u64 {
		u64::from(LEAVES).div_ceil(1u64 << level)
	}

	/// The node at `position` of `level` (0: the leaves; 32: the root).
	fn node(&self, level: u32, position: u64) -> Node {
		let first = position << level;
		let last = ((position + 1) << level).min(u64::from(LEAVES)).saturating_sub(1);
		if level == 0 {
			return Node::leaf(&leaf(first as u32));
		}
		let holds_wanted = self.wanted.range(first as u32..=last as u32).next().is_some();
		if !holds_wanted {
			let hash =
				gonka_primitives::hash_concat(&[&level.to_le_bytes(), &position.to_le_bytes()]);
			return Node { hash, lo: first, hi: last };
		}
		let (left, right) = (2 * position, 2 * position + 1);
		if right >= Self::width(level - 1) {
			return self.node(level - 1, left);
		}
		Node::join_unchecked(&self.node(level - 1, left), &self.node(level - 1, right))
	}

	fn root(&self) -> Node {
		self.node(32, 0)
	}

	/// The proof of leaf `index`: the siblings from the leaf up, skipping carried levels.
	fn proof(&self, index: u32) -> Vec<Node> {
		(0..32u32)
			.filter_map(|level| {
				let position = u64::from(index) >> level;
				let sibling = position ^ 1;
				(sibling < Self::width(level)).then(|| self.node(level, sibling))
			})
			.collect()
	}
}

/// The parameters that make validation and settlement most expensive.
const HARDEST: SprintParams = SprintParams {
	samples: MAX_SAMPLES,
	validators_per_host: MAX_VALIDATORS_PER_HOST,
	..SprintParams::DEV
};

/// The most revealed leaves, as stored after a reveal.
fn stored_leaves() -> RevealedLeaves {
	let leaves = (0..MAX_REVEALED_LEAVES)
		.map(|i| (i, Leaf { nonce: u64::from(i), distance: Distance(1) }))
		.collect::<Vec<_>>();
	BoundedVec::truncate_from(leaves)
}

/// The most recomputations: one per leaf of [`stored_leaves`], each with its check value.
fn recomputed_values() -> RecomputedValues {
	let values = stored_leaves()
		.iter()
		.map(|(index, leaf)| Recomputed { distance: leaf.distance, check: Distance(*index) })
		.collect::<Vec<_>>();
	BoundedVec::truncate_from(values)
}

/// An attestation by `validator` with `weight`, sealed over [`recomputed_values`] and, when
/// `passed` is given, opened with that verdict.
fn attestation<T: Config>(
	validator: T::AccountId,
	weight: u64,
	passed: Option<bool>,
) -> Attestation<T::AccountId> {
	let values = recomputed_values();
	let seal = gonka_primitives::attestation::seal(&validator, &values, &SALT);
	let opening = passed.map(|passed| Opening {
		mismatches: u32::from(!passed),
		passed,
		checks: BoundedVec::truncate_from(values.iter().map(|value| value.check).collect()),
	});
	Attestation { validator, weight, seal, opening }
}

/// The salt of the benchmarks' attestations.
const SALT: gonka_primitives::Hash32 = [5; 32];

/// How the previous epoch's weight is spread over a benchmark's hosts.
#[derive(Clone, Copy)]
enum PriorWeights {
	/// Every host has some (1 to 7).
	Spread,
	/// Only the first [`CONCENTRATED_HOSTS`], fewer than a host's validators: the draw
	/// searches the chunks 64 times a seat before it fills the seats left in index order
	/// (`gonka_primitives::assignment`), the validator draw's worst path.
	Concentrated,
}

/// The hosts that hold all the weight under [`PriorWeights::Concentrated`].
const CONCENTRATED_HOSTS: u32 = MAX_VALIDATORS_PER_HOST / 2;

impl PriorWeights {
	/// The weight of the host at snapshot index `index`.
	fn of(self, index: u32) -> u64 {
		match self {
			PriorWeights::Spread => u64::from(index % 7).saturating_add(1),
			PriorWeights::Concentrated if index < CONCENTRATED_HOSTS => 1_000_000,
			PriorWeights::Concentrated => 0,
		}
	}
}

/// Puts `n` hosts with passing reveals into `epoch`'s snapshot, with `weights` in the
/// previous epoch (so draws search the chunks), and returns them.
fn fill_snapshot<T: Config>(
	epoch: u64,
	n: u32,
	weights: PriorWeights,
) -> Result<Vec<T::AccountId>, BenchmarkError> {
	if let Some(previous) = epoch.checked_sub(1) {
		let closed = EpochSummary { weight_cap: Some(u64::MAX), ..Default::default() };
		EpochSummaries::<T>::insert(previous, closed);
	}
	(0..n)
		.map(|i| {
			let who: T::AccountId = account("participant", i, 0);
			if let Some(previous) = epoch.checked_sub(1) {
				let result = HostResult {
					outcome: Outcome::Accepted,
					hits: LEAVES,
					weight: weights.of(i),
					passed_by: 0,
					failed_by: 0,
					reward: 0,
					validator_reward: 0,
				};
				Results::<T>::insert(previous, &who, result);
			}
			let root = Node { hash: [1; 32], lo: 0, hi: u64::MAX };
			let commitment = Commitment { root, count: LEAVES, samples: MAX_SAMPLES };
			Commitments::<T>::insert(epoch, &who, commitment);
			Pallet::<T>::enter_snapshot(epoch, &who, stored_leaves())
				.map_err(|_| BenchmarkError::Weightless)?;
			Ok(who)
		})
		.collect()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn commit() {
		let who = host::<T>();
		T::Sprint::run_to_phase(Phase::Commit);
		let epoch = T::Sprint::status().map(|(e, _)| e.index).unwrap_or_default();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			epoch,
			Node { hash: [7; 32], lo: 0, hi: u64::MAX },
			LEAVES,
		);
		assert!(Commitments::<T>::contains_key(epoch, &who));
	}

	#[benchmark]
	fn reveal(l: Linear<{ MIN_SAMPLES }, { MAX_REVEALED_LEAVES }>) -> Result<(), BenchmarkError> {
		let who = host::<T>();
		T::Sprint::schedule_params(SprintParams { samples: l, ..SprintParams::DEV });
		T::Sprint::run_to_phase(Phase::Reveal);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let seed = epoch.challenge_seed.ok_or(BenchmarkError::Weightless)?;
		let samples = T::Hosts::samples_for(&who, epoch.params.samples);
		let wanted: BTreeSet<u32> =
			leaves_to_reveal(&seed, &codec::Encode::encode(&who), LEAVES, samples)
				.into_iter()
				.collect();
		let tree = SparseTree { wanted };
		Commitments::<T>::insert(
			epoch.index,
			&who,
			Commitment { root: tree.root(), count: LEAVES, samples },
		);
		let revealed: Vec<RevealedLeaf> = tree
			.wanted
			.iter()
			.filter_map(|&index| {
				let proof = tree.proof(index).try_into().ok()?;
				Some(RevealedLeaf { index, leaf: leaf(index), proof })
			})
			.collect();
		let revealed: BoundedVec<_, _> =
			revealed.try_into().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), epoch.index, revealed);

		assert!(Revealed::<T>::contains_key(epoch.index, &who));
		Ok(())
	}

	/// A seal checked against the draw of `v` validators from a four-chunk snapshot whose
	/// weight is concentrated in fewer hosts than a host has validators (the draw's worst
	/// path: 64 draws a seat).
	#[benchmark]
	fn attest(v: Linear<1, MAX_VALIDATORS_PER_HOST>) -> Result<(), BenchmarkError> {
		T::Sprint::schedule_params(SprintParams { validators_per_host: v, ..HARDEST });
		T::Sprint::run_to_phase(Phase::Commit);
		// The second epoch, whose snapshot carries the first one's weights.
		T::Sprint::run_to_phase(Phase::Sprint);
		T::Sprint::run_to_phase(Phase::Validate);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let hosts =
			fill_snapshot::<T>(epoch.index, 4 * SNAPSHOT_CHUNK, PriorWeights::Concentrated)?;
		let seed = epoch.validation_seed.ok_or(BenchmarkError::Weightless)?;
		let drawn = assign(&snapshot::StoredSnapshot::<T>::of(epoch.index), &seed, 0, v);
		let account_at = |index: &u32| hosts.get(*index as usize).cloned();
		let (last, others) = drawn.split_last().ok_or(BenchmarkError::Weightless)?;
		let validator = account_at(last).ok_or(BenchmarkError::Weightless)?;
		T::Hosts::register_for_benchmarks(&validator);
		let verdicts = others
			.iter()
			.filter_map(account_at)
			.map(|validator| attestation::<T>(validator, 1, None))
			.collect::<Vec<_>>();
		let host = hosts.first().cloned().ok_or(BenchmarkError::Weightless)?;
		Verdicts::<T>::insert(epoch.index, &host, BoundedVec::truncate_from(verdicts));

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), epoch.index, host.clone(), [3; 32]);

		assert_eq!(Verdicts::<T>::get(epoch.index, &host).len(), drawn.len());
		Ok(())
	}

	#[benchmark]
	fn open_attestation() -> Result<(), BenchmarkError> {
		T::Sprint::schedule_params(HARDEST);
		T::Sprint::run_to_phase(Phase::Open);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let hosts = fill_snapshot::<T>(
			epoch.index,
			MAX_VALIDATORS_PER_HOST.saturating_add(1),
			PriorWeights::Spread,
		)?;
		let (host, validators) = hosts.split_first().ok_or(BenchmarkError::Weightless)?;
		let validator = validators.last().cloned().ok_or(BenchmarkError::Weightless)?;
		T::Hosts::register_for_benchmarks(&validator);
		let sealed = validators
			.iter()
			.map(|validator| attestation::<T>(validator.clone(), 1, None))
			.collect::<Vec<_>>();
		Verdicts::<T>::insert(epoch.index, host, BoundedVec::truncate_from(sealed));

		#[extrinsic_call]
		_(RawOrigin::Signed(validator), epoch.index, host.clone(), recomputed_values(), SALT);

		let opened = Verdicts::<T>::get(epoch.index, host);
		assert!(opened.last().is_some_and(|attestation| attestation.opening.is_some()));
		Ok(())
	}

	/// `h` hosts judged, each with the most validators drawn again (`V = 16`, the weight
	/// concentrated in fewer hosts than that: the draw's worst path): all but one open an
	/// attestation of the most check values, all but one of those pass (one outvoted), one is
	/// silent; every host accepted. From 17 hosts, where every host has its 16 validators:
	/// below, hosts take other paths (alone, or too few validators to decide), each touching
	/// storage at one or two values of `h` only, which frame-benchmarking cannot fit; they do
	/// less work per host.
	#[benchmark]
	fn settle(h: Linear<17, 1000>) -> Result<(), BenchmarkError> {
		T::Sprint::schedule_params(HARDEST);
		T::Sprint::run_to_phase(Phase::Commit);
		T::Sprint::run_to_phase(Phase::Sprint);
		T::Sprint::run_to_phase(Phase::Validate);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let seed = epoch.validation_seed.ok_or(BenchmarkError::Weightless)?;
		let weights = PriorWeights::Concentrated;
		let hosts = fill_snapshot::<T>(epoch.index, h, weights)?;
		let snapshot = snapshot::StoredSnapshot::<T>::of(epoch.index);
		for (i, host) in hosts.iter().enumerate() {
			let drawn = assign(&snapshot, &seed, i as u32, HARDEST.validators_per_host);
			let attesting = drawn.len().saturating_sub(1);
			let verdicts = drawn
				.iter()
				.take(attesting)
				.enumerate()
				.filter_map(|(j, index)| {
					let validator = hosts.get(*index as usize)?.clone();
					// Its prior weight, as `fill_snapshot` gave it.
					let weight = weights.of(*index);
					Some(attestation::<T>(validator, weight, Some(j > 0)))
				})
				.collect::<Vec<_>>();
			Verdicts::<T>::insert(epoch.index, host, BoundedVec::truncate_from(verdicts));
		}
		Settling::<T>::put(SettlementCursor {
			epoch: epoch.index,
			stage: SettlementStage::Judging,
			next: 0,
		});

		#[block]
		{
			let cursor = Settling::<T>::get().ok_or(BenchmarkError::Weightless)?;
			let hosts = Snapshots::<T>::get(cursor.epoch).hosts;
			Pallet::<T>::settle_hosts(cursor, hosts, h);
		}

		let outcomes = hosts.iter().filter_map(|host| Results::<T>::get(epoch.index, host));
		assert!(outcomes.into_iter().all(|result| result.outcome == Outcome::Accepted) || h < 3);
		// Settled, and (with weight to pay) on to the payout.
		assert!(Settling::<T>::get().is_none_or(|cursor| cursor.stage == SettlementStage::Paying));
		assert_eq!(EpochSummaries::<T>::get(epoch.index).map(|s| s.settled), Some(h));
		Ok(())
	}

	/// `h` accepted hosts paid, each a share large enough to create its account.
	#[benchmark]
	fn pay(h: Linear<0, 1000>) -> Result<(), BenchmarkError> {
		T::Sprint::run_to_phase(Phase::Commit);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let hosts = fill_snapshot::<T>(epoch.index, h, PriorWeights::Spread)?;
		for host in &hosts {
			let result = HostResult {
				outcome: Outcome::Accepted,
				hits: LEAVES,
				weight: 1,
				passed_by: 1,
				failed_by: 0,
				reward: 0,
				validator_reward: 0,
			};
			Results::<T>::insert(epoch.index, host, result);
		}
		let emission = 1_000_000_000_000_000_000u128;
		let summary = EpochSummary {
			settled: h,
			accepted: h,
			total_weight: h.into(),
			weight_cap: Some(u64::MAX),
			counted_weight: h.into(),
			complete: true,
			emission,
			..Default::default()
		};
		EpochSummaries::<T>::insert(epoch.index, summary);
		let cursor =
			SettlementCursor { epoch: epoch.index, stage: SettlementStage::Paying, next: 0 };

		#[block]
		{
			Pallet::<T>::pay_hosts(cursor, h, h);
		}

		assert!(Settling::<T>::get().is_none());
		// Everyone paid, less the rounding dust (under one unit per host).
		let rewarded = EpochSummaries::<T>::get(epoch.index).map_or(0, |s| s.rewarded);
		assert!(h == 0 || emission.saturating_sub(rewarded) < u128::from(h));
		Ok(())
	}

	/// `k` keys removed in one block: up to the development runtime's `CleanupKeysPerBlock`
	/// (500), so that every key inserted is one removed and the weight grows by each.
	#[benchmark]
	fn clean_up(k: Linear<1, 500>) {
		for i in 0..k {
			let who: T::AccountId = account("host", i, 0);
			let commitment = Commitment { root: Node::default(), count: 1, samples: MIN_SAMPLES };
			Commitments::<T>::insert(0, &who, commitment);
		}
		// Epoch 2 runs, so epoch 0 may go.
		for _ in 0..2 {
			T::Sprint::run_to_phase(Phase::Commit);
			T::Sprint::run_to_phase(Phase::Sprint);
		}
		#[block]
		{
			Pallet::<T>::clean_up_old_epochs();
		}
		assert_eq!(Commitments::<T>::iter_prefix(0).count(), 0, "every key inserted is removed");
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
