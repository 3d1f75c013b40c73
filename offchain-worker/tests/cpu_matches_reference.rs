//! The batched CPU backend agrees with the literal transcription of DESIGN.md §4, and the
//! model is the same however many threads build it.

use std::{num::NonZeroUsize, sync::Arc};

use gonka_offchain_worker::engine::{cpu::CpuBackend, reference, Backend, Model};
use gonka_primitives::ModelParams;

/// A small shape that still has several heads, layers and an odd-sized FFN.
const SMALL: ModelParams = ModelParams { dim: 64, layers: 2, heads: 4, ffn: 172, seq: 8, out: 256 };

fn seed(byte: u8) -> [u8; 32] {
	[byte; 32]
}

#[test]
fn batched_cpu_path_matches_reference_within_1e_5() {
	for (params, nonces) in [(SMALL, 0..40u64), (ModelParams::DEV, 1000..1006u64)] {
		let model = Arc::new(Model::build(seed(3), params).expect("valid params"));
		let backend = CpuBackend::new(model, NonZeroUsize::new(2));
		let account = [9u8; 32];
		let nonces: Vec<u64> = nonces.collect();
		let fast = backend.distances(&account, &nonces).expect("cpu computes");
		for (nonce, fast) in nonces.iter().zip(fast) {
			let literal = reference::distance_of(&seed(3), params, &account, *nonce);
			assert!(
				(fast - literal).abs() <= 1e-5,
				"{params:?} nonce {nonce}: batched {fast} vs reference {literal}"
			);
			assert!((0.0..=2.0).contains(&fast), "distance {fast} out of [0, 2]");
		}
	}
}

#[test]
fn distances_do_not_depend_on_batching_or_threads() {
	let model = Arc::new(Model::build(seed(5), SMALL).expect("valid params"));
	let account = [1u8; 32];
	let nonces: Vec<u64> = (0..300).collect();
	let many = CpuBackend::new(model.clone(), NonZeroUsize::new(2)).distances(&account, &nonces);
	let one = CpuBackend::new(model, NonZeroUsize::new(1)).distances(&account, &nonces[7..8]);
	assert_eq!(many.expect("cpu")[7], one.expect("cpu")[0]);
}

#[test]
fn weights_are_identical_whatever_the_thread_count() {
	let build = |threads| {
		rayon::ThreadPoolBuilder::new()
			.num_threads(threads)
			.build()
			.expect("thread pool")
			.install(|| Model::build(seed(7), ModelParams::DEV).expect("valid params"))
	};
	assert_eq!(build(1), build(2));
}

#[test]
fn inputs_accounts_and_seeds_change_the_distance() {
	let model = Arc::new(Model::build(seed(1), SMALL).expect("valid params"));
	let backend = CpuBackend::new(model, NonZeroUsize::new(1));
	let d = |account: [u8; 32], nonce| backend.distances(&account, &[nonce]).expect("cpu")[0];
	assert_ne!(d([1; 32], 0), d([1; 32], 1));
	assert_ne!(d([1; 32], 0), d([2; 32], 0));
	let other = CpuBackend::new(Arc::new(Model::build(seed(2), SMALL).expect("valid")), None);
	assert_ne!(d([1; 32], 0), other.distances(&[1; 32], &[0]).expect("cpu")[0]);
}
