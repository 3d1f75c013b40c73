//! Criterion benches of the engine on both profiles: model construction and nonce evaluation.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gonka_offchain_worker::engine::{cpu::CpuBackend, Backend, Model};
use gonka_primitives::ModelParams;

fn profiles(c: &mut Criterion) {
	for (name, params) in [("dev", ModelParams::DEV), ("testnet", ModelParams::TESTNET)] {
		let mut group = c.benchmark_group(name);
		group.sample_size(10);
		group.bench_function("build_model", |b| {
			b.iter(|| Model::build([1; 32], params).expect("valid"))
		});
		let model = Arc::new(Model::build([1; 32], params).expect("valid"));
		let backend = CpuBackend::new(model, None);
		let nonces: Vec<u64> = (0..backend.preferred_batch() as u64).collect();
		group.throughput(Throughput::Elements(nonces.len() as u64));
		group.bench_function("distances", |b| {
			b.iter(|| backend.distances(&[7; 32], &nonces).expect("cpu"))
		});
		group.finish();
	}
}

criterion_group!(benches, profiles);
criterion_main!(benches);
