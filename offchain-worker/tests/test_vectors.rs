//! The committed test vectors (`tests/vectors/poc.json`): distances the CPU path produced for
//! fixed (seed, account, nonce, params). Any implementation, and any later version of this
//! one, must reproduce each within 1e-5.
//!
//! Regenerate (only when DESIGN.md §4 itself changes): `GONKA_WRITE_VECTORS=1 cargo test -p
//! gonka-offchain-worker --test test_vectors`.

use std::{collections::BTreeMap, num::NonZeroUsize, path::PathBuf, sync::Arc};

use gonka_offchain_worker::engine::{cpu::CpuBackend, Backend, Model};
use gonka_primitives::ModelParams;
use serde::{Deserialize, Serialize};

/// One vector.
#[derive(Serialize, Deserialize)]
struct Vector {
	params: ModelParams,
	seed: String,
	account: String,
	nonce: u64,
	distance: f32,
}

/// Found when the test runs, not where it was compiled: clones share one target directory,
/// so the binary may come from another clone.
fn path() -> PathBuf {
	let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets it");
	PathBuf::from(manifest_dir).join("tests/vectors/poc.json")
}

fn bytes32(text: &str) -> [u8; 32] {
	hex::decode(text).expect("hex").try_into().expect("32 bytes")
}

/// Distances of `vectors`, computed by the CPU path (one model per seed and shape).
fn compute(vectors: &[Vector]) -> Vec<f32> {
	let mut models = BTreeMap::new();
	vectors
		.iter()
		.map(|v| {
			let backend =
				models.entry((v.seed.clone(), format!("{:?}", v.params))).or_insert_with(|| {
					let model = Model::build(bytes32(&v.seed), v.params).expect("valid params");
					CpuBackend::new(Arc::new(model), NonZeroUsize::new(2))
				});
			backend.distances(&bytes32(&v.account), &[v.nonce]).expect("cpu computes")[0]
		})
		.collect()
}

fn cases() -> Vec<Vector> {
	let small = ModelParams { dim: 64, layers: 2, heads: 4, ffn: 172, seq: 8, out: 256 };
	let mut vectors = Vec::new();
	for (params, seeds, nonces) in [
		(ModelParams::DEV, ["00", "5a", "c3"], vec![0, 1, 2, 99, 123_456_789, u64::MAX]),
		(ModelParams::TESTNET, ["00", "5a", "c3"], vec![0, 7]),
		(small, ["01", "02", "03"], vec![0, 1, 1 << 40]),
	] {
		for seed in seeds {
			for (account, nonce) in
				["11", "d4"].iter().flat_map(|a| nonces.iter().map(move |n| (a, *n)))
			{
				vectors.push(Vector {
					params,
					seed: seed.repeat(32),
					account: account.repeat(32),
					nonce,
					distance: 0.0,
				});
			}
		}
	}
	vectors
}

#[test]
fn committed_vectors_reproduce_within_1e_5() {
	if std::env::var_os("GONKA_WRITE_VECTORS").is_some() {
		let mut vectors = cases();
		for (vector, distance) in vectors.iter_mut().zip(compute(&cases())) {
			vector.distance = distance;
		}
		let json = serde_json::to_string_pretty(&vectors).expect("serialise");
		std::fs::write(path(), json + "\n").expect("write vectors");
	}
	let text = std::fs::read_to_string(path()).expect("tests/vectors/poc.json exists");
	let vectors: Vec<Vector> = serde_json::from_str(&text).expect("valid vectors file");
	assert!(vectors.len() >= 50, "only {} vectors", vectors.len());
	for (vector, distance) in vectors.iter().zip(compute(&vectors)) {
		assert!(
			(distance - vector.distance).abs() <= 1e-5,
			"seed {} account {} nonce {} {:?}: computed {distance}, committed {}",
			vector.seed,
			vector.account,
			vector.nonce,
			vector.params,
			vector.distance
		);
	}
}
