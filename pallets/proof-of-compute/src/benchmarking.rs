//! Benchmarks of `pallet-proof-of-compute` (frame-benchmarking v2).
//!
//! `reveal` is measured at its worst case: the most challenged pairs (`MAX_SAMPLES`) over a
//! tree of 2¹⁶ leaves, so every leaf carries a 16-level proof; `clean_up` per removed key.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;
use gonka_primitives::{
	merkle::{Leaf, MerkleTree},
	sampling::leaves_to_reveal,
	sprint::{SprintParams, MAX_SAMPLES},
	Distance,
};
use pallet_sprint::{EpochStatus, Phase};

use crate::*;

/// Leaves of the benchmark host's tree.
const LEAVES: u32 = 1 << 16;

fn host<T: Config>() -> T::AccountId {
	let who: T::AccountId = whitelisted_caller();
	T::Hosts::register_for_benchmarks(&who);
	who
}

fn hits() -> Vec<Leaf> {
	(0..u64::from(LEAVES)).map(|n| Leaf { nonce: n, distance: Distance(1) }).collect()
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
		_(RawOrigin::Signed(who.clone()), epoch, [7; 32], LEAVES);
		assert!(Commitments::<T>::contains_key(epoch, &who));
	}

	#[benchmark]
	fn reveal(l: Linear<2, { MAX_REVEALED_LEAVES }>) -> Result<(), BenchmarkError> {
		let who = host::<T>();
		T::Sprint::schedule_params(SprintParams { samples: MAX_SAMPLES, ..SprintParams::DEV });
		T::Sprint::run_to_phase(Phase::Commit);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let leaves = hits();
		let tree = MerkleTree::from_leaves(&leaves);
		Commitments::<T>::insert(
			epoch.index,
			&who,
			Commitment { root: tree.root(), count: LEAVES },
		);
		T::Sprint::run_to_phase(Phase::Reveal);
		let (epoch, _) = T::Sprint::status().ok_or(BenchmarkError::Weightless)?;
		let seed = epoch.challenge_seed.ok_or(BenchmarkError::Weightless)?;
		let indices = leaves_to_reveal(&seed, &codec::Encode::encode(&who), LEAVES, MAX_SAMPLES);
		let revealed: Vec<RevealedLeaf> = indices
			.into_iter()
			.take(l as usize)
			.filter_map(|index| {
				let leaf = *leaves.get(index as usize)?;
				let proof = tree.proof(index as usize)?.try_into().ok()?;
				Some(RevealedLeaf { index, leaf, proof })
			})
			.collect();
		let revealed: BoundedVec<_, _> =
			revealed.try_into().map_err(|_| BenchmarkError::Weightless)?;
		let all = revealed.len()
			== leaves_to_reveal(&seed, &codec::Encode::encode(&who), LEAVES, MAX_SAMPLES).len();

		#[block]
		{
			// A reveal cut short fails its check (`WrongLeaves`) after the same work.
			let _ =
				Pallet::<T>::reveal(RawOrigin::Signed(who.clone()).into(), epoch.index, revealed);
		}
		assert_eq!(Revealed::<T>::contains_key(epoch.index, &who), all);
		Ok(())
	}

	#[benchmark]
	fn clean_up(k: Linear<1, 1000>) {
		for i in 0..k {
			let who: T::AccountId = account("host", i, 0);
			Commitments::<T>::insert(0, &who, Commitment { root: [0; 32], count: 1 });
		}
		PendingCleanup::<T>::put(BoundedVec::truncate_from(alloc::vec![0u64]));
		#[block]
		{
			Pallet::<T>::clean_up_old_epochs();
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
