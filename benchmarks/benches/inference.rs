//! The inference engine on the test model, on the CPU: a completion (tokens/s, prompt and
//! KV cache included) and the re-check of that completion, side by side in one run, so
//! their ratio is the re-check's cost relative to the inference (docs/PERFORMANCE.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gonka_inference_engine::{
	generate, recheck,
	test_model::{write_test_model, StoredAs},
	tokenizer::bytes as tokenizer,
	Model, RecheckVerdict, Sampling,
};

/// Generated tokens per completion.
const TOKENS: usize = 64;

fn completion_and_recheck(c: &mut Criterion) {
	let folder = tempfile::tempdir().expect("a temporary folder");
	let hash = write_test_model(folder.path(), 7, StoredAs::F32).expect("the test model");
	let model = Model::load(folder.path(), Some(hash)).expect("it loads");
	let prompt = tokenizer::encode("Benchmark: how fast does the test model write?");
	let sampling = Sampling::Seeded { seed: 1, temperature: 1.0, top_p: 1.0 };
	let completion = generate(&model, &prompt, TOKENS, sampling, 5).expect("generates");
	assert_eq!(completion.tokens.len(), TOKENS, "no early end-of-sequence at this seed");

	let mut group = c.benchmark_group("test_model_cpu");
	group.sample_size(20);
	group.throughput(Throughput::Elements(TOKENS as u64));
	group.bench_function("completion", |b| {
		b.iter(|| generate(&model, &prompt, TOKENS, sampling, 5).expect("generates"))
	});
	group.bench_function("recheck", |b| {
		b.iter(|| {
			let verdict = recheck(&model, &prompt, &completion.tokens, sampling).expect("runs");
			assert_eq!(verdict, RecheckVerdict::Pass);
		})
	});
	group.finish();
}

criterion_group!(benches, completion_and_recheck);
criterion_main!(benches);
