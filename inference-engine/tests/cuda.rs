//! The CUDA path. Its kernels are compiled to PTX by NVRTC on every run (no GPU needed); the
//! tests that need a GPU run when one is present and otherwise say why they skip (with
//! `GONKA_REQUIRE_GPU=1` they fail instead).
#![cfg(feature = "cuda")]

mod common;

use gonka_inference_engine::{
	cuda, generate, recheck, test_model::StoredAs, tokenizer::bytes as tokenizer, RecheckVerdict,
	Sampling,
};

#[test]
fn the_kernels_compile_to_ptx() {
	if !gonka_cuda::testing::nvrtc() {
		return;
	}
	let ptx = cuda::compile().expect("the kernels compile");
	gonka_cuda::has_entry_points(&ptx, &cuda::KERNELS).expect("every kernel in the PTX");
}

#[test]
fn a_completion_on_the_gpu_passes_the_cpu_recheck() {
	if gonka_cuda::testing::gpus().is_none() {
		return;
	}
	let (cpu, _folder) = common::test_model(StoredAs::F32);
	let (mut gpu, _gpu_folder) = common::test_model(StoredAs::F32);
	gpu.use_cuda(&[0]).expect("the GPU opens");
	let prompt = tokenizer::encode("The GPU serves, the CPU checks.");
	for sampling in [Sampling::Greedy, Sampling::Seeded { seed: 11, temperature: 0.8, top_p: 1.0 }]
	{
		let served = generate(&gpu, &prompt, 48, sampling, 5).expect("the GPU generates");
		let verdict = recheck(&cpu, &prompt, &served.tokens, sampling).expect("the CPU re-checks");
		assert_eq!(verdict, RecheckVerdict::Pass, "{sampling:?}");
	}
}

/// Served from several copies of the weights (every GPU of the machine, or GPU 0 twice on a
/// machine with one), sequences alternate between them and the logits of one sequence come
/// from any copy: every completion must be the one a single GPU serves.
#[test]
fn completions_spread_over_several_gpus_are_those_of_one() {
	let Some(count) = gonka_cuda::testing::gpus() else { return };
	let (mut one, _folder) = common::test_model(StoredAs::F32);
	one.use_cuda(&[0]).expect("the GPU opens");
	let (mut several, _several_folder) = common::test_model(StoredAs::F32);
	let ordinals: Vec<usize> = if count > 1 { (0..count).collect() } else { vec![0, 0] };
	several.use_cuda(&ordinals).expect("every GPU opens");
	for (index, text) in ["first sequence", "second, on the next copy", "third"].iter().enumerate()
	{
		let prompt = tokenizer::encode(text);
		let alone = generate(&one, &prompt, 24, Sampling::Greedy, 5).expect("one GPU");
		let spread = generate(&several, &prompt, 24, Sampling::Greedy, 5).expect("several");
		assert_eq!(spread.tokens, alone.tokens, "completion {index} on {ordinals:?}");
	}
}
