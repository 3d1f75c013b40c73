//! Measures the engine as the numpy comparison needs it, and prints one JSON object:
//! `poc-throughput PROFILE SECONDS [CHECK_NONCES]`.
//!
//! PROFILE is `dev` or `testnet`; CHECK_NONCES (default 4) distances of nonces 0.. are
//! printed for the comparison to verify that both implementations compute the same thing.

use std::{sync::Arc, time::Instant};

use gonka_offchain_worker::engine::{cpu::CpuBackend, Backend, Model};
use gonka_primitives::ModelParams;

/// The seed and account both implementations use.
const SEED: [u8; 32] = [0x42; 32];
const ACCOUNT: [u8; 32] = [0x17; 32];

fn main() {
	let args: Vec<String> = std::env::args().collect();
	let usage = "usage: poc-throughput dev|testnet SECONDS [CHECK_NONCES]";
	let params = match args.get(1).map(String::as_str) {
		Some("dev") => ModelParams::DEV,
		Some("testnet") => ModelParams::TESTNET,
		_ => {
			eprintln!("{usage}");
			std::process::exit(2);
		}
	};
	let seconds: f64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10.0);
	let check: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4);

	let started = Instant::now();
	let model = Arc::new(Model::build(SEED, params).expect("profiles are valid"));
	let build_seconds = started.elapsed().as_secs_f64();
	let backend = CpuBackend::new(model.clone(), None);
	let threads = backend.threads();

	let check_nonces: Vec<u64> = (0..check).collect();
	let distances = backend.distances(&ACCOUNT, &check_nonces).expect("cpu computes");

	let batch = backend.preferred_batch();
	let started = Instant::now();
	let mut evaluated = 0u64;
	let mut next = 1_000_000u64;
	while started.elapsed().as_secs_f64() < seconds {
		let nonces: Vec<u64> = (next..next + batch as u64).collect();
		backend.distances(&ACCOUNT, &nonces).expect("cpu computes");
		evaluated += batch as u64;
		next += batch as u64;
	}
	let elapsed = started.elapsed().as_secs_f64();
	let nonces_per_s = evaluated as f64 / elapsed;
	let gflops = nonces_per_s * params.flops_per_nonce() as f64 / 1e9;
	let large_gemm = gonka_benchmarks::large_sgemm_gflops(2048, threads);

	println!(
		"{}",
		serde_json::json!({
			"threads": threads,
			"model_build_seconds": build_seconds,
			"weight_bytes": model.weight_bytes(),
			"nonces_per_s": nonces_per_s,
			"gflops": gflops,
			"large_sgemm_gflops": large_gemm,
			"distances": distances,
		})
	);
}
