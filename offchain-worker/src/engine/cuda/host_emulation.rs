//! The kernels of `kernels.cu`, compiled as C++ and run on the host by `host_emulation.cpp`
//! (threads for a block's threads, barriers for `__syncthreads` and warp shuffles), against
//! the CPU reference. A machine without a GPU thus still runs the device code's logic: the
//! keys' BLAKE2b, the attention's online softmax with RoPE applied as q and k are read, at
//! lengths past the old 96, and the shuffle with its draws made in parallel. Rounding is the
//! host's, so results compare within tolerances, except the keys, which are exact.

use std::{path::PathBuf, process::Command, sync::OnceLock};

use gonka_primitives::random;
use half::f16;

use super::{kernels::SOURCE, Shape};
use crate::engine::{model::rope_table, nonce, ops};

/// The emulator, built once per test run.
fn emulator() -> &'static PathBuf {
	static BUILT: OnceLock<PathBuf> = OnceLock::new();
	BUILT.get_or_init(|| {
		let folder = scratch("build");
		std::fs::write(folder.join("kernels.cu"), SOURCE).expect("write kernels.cu");
		std::fs::write(folder.join("host_emulation.cpp"), include_str!("host_emulation.cpp"))
			.expect("write host_emulation.cpp");
		let binary = folder.join("host_emulation");
		let compiler = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
		let status = Command::new(&compiler)
			.args(["-std=c++20", "-O2", "-pthread", "-o"])
			.arg(&binary)
			.arg(folder.join("host_emulation.cpp"))
			.status()
			.unwrap_or_else(|e| {
				panic!("cannot run the C++ compiler `{compiler}` ({e}): install g++")
			});
		assert!(status.success(), "kernels.cu does not compile as C++ for the host emulation");
		binary
	})
}

fn scratch(name: &str) -> PathBuf {
	let folder =
		std::env::temp_dir().join(format!("gonka-host-emulation-{}-{name}", std::process::id()));
	std::fs::create_dir_all(&folder).expect("a scratch folder");
	folder
}

/// Runs `kernel` on `inputs` (raw files) and returns the folder holding its outputs.
fn run(kernel: &str, shape: &[u32], inputs: &[(&str, Vec<u8>)]) -> PathBuf {
	let folder = scratch(kernel);
	std::fs::write(folder.join("shape"), bytes(shape)).expect("write shape");
	for (name, data) in inputs {
		std::fs::write(folder.join(name), data).expect("write an input");
	}
	let status = Command::new(emulator()).arg(kernel).arg(&folder).status().expect("run");
	assert!(status.success(), "the emulated {kernel} failed");
	folder
}

fn bytes<T: Copy>(values: &[T]) -> Vec<u8> {
	// SAFETY: plain numbers, read as the bytes they are made of.
	unsafe {
		std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values))
	}
	.to_vec()
}

fn read<T: Copy + Default>(path: PathBuf) -> Vec<T> {
	let raw = std::fs::read(path).expect("an output");
	let mut values = vec![T::default(); raw.len() / std::mem::size_of::<T>()];
	// SAFETY: `values` has room for exactly `raw.len()` bytes of plain numbers.
	unsafe {
		std::ptr::copy_nonoverlapping(raw.as_ptr(), values.as_mut_ptr().cast::<u8>(), raw.len())
	};
	values
}

fn noise(key: u64, count: usize) -> Vec<f32> {
	(0..count as u64).map(|i| random::symmetric(key, i)).collect()
}

#[test]
fn the_device_derives_every_nonce_s_keys_as_the_host_does() {
	let (seed, account) = ([7u8; 32], [9u8; 32]);
	let nonces: Vec<u64> = (0..200).chain([u64::MAX, 1 << 40, 0xDEAD_BEEF]).collect();
	let folder = run(
		"nonce_keys",
		&[0],
		&[("seed", seed.to_vec()), ("account", account.to_vec()), ("nonces", bytes(&nonces))],
	);
	let input_keys: Vec<u64> = read(folder.join("input_keys"));
	let perm_keys: Vec<u64> = read(folder.join("perm_keys"));
	for (i, nonce) in nonces.iter().enumerate() {
		assert_eq!(
			input_keys[i],
			nonce::input_key(&seed, &account, *nonce),
			"input key of {nonce}"
		);
		assert_eq!(perm_keys[i], nonce::perm_key(&seed, &account, *nonce), "perm key of {nonce}");
	}
}

#[test]
fn attention_of_any_length_with_rope_on_the_fly_matches_the_reference() {
	// Past the old limit of 96 positions, a head narrower than a warp, a head that is not a
	// multiple of it, and one with more rotation pairs than a warp has lanes; lengths that
	// leave the last block's warps partly idle.
	for (batch, seq, dim, head_dim) in
		[(2u32, 37u32, 64u32, 16u32), (1, 130, 96, 48), (1, 200, 64, 64), (1, 40, 256, 128)]
	{
		let params = gonka_primitives::ModelParams {
			dim,
			layers: 1,
			heads: dim / head_dim,
			ffn: 2 * dim,
			seq,
			out: 64,
		};
		let warps = Shape::of(params).attention_warps;
		let width = 3 * dim as usize;
		let qkv = noise(u64::from(seq), (batch * seq) as usize * width);
		let (seq, dim, head_dim) = (seq as usize, dim as usize, head_dim as usize);
		let table = rope_table(seq, head_dim);
		let (cos, sin): (Vec<f32>, Vec<f32>) = table.iter().copied().unzip();
		let folder = run(
			"attention",
			&[batch, seq as u32, dim as u32, head_dim as u32, warps],
			&[("qkv", bytes(&qkv)), ("cos", bytes(&cos)), ("sin", bytes(&sin))],
		);
		let got: Vec<u16> = read(folder.join("out"));
		// The reference rotates q and k in memory first, as the CPU engines do.
		let mut rotated = qkv.clone();
		for (position, row) in rotated.chunks_exact_mut(width).enumerate() {
			let s = position % seq;
			let rotations = &table[s * head_dim / 2..(s + 1) * head_dim / 2];
			ops::rope(&mut row[..dim], head_dim, rotations);
			ops::rope(&mut row[dim..2 * dim], head_dim, rotations);
		}
		let qkv = rotated;
		let mut worst = 0.0f32;
		for b in 0..batch as usize {
			for head in 0..dim / head_dim {
				let at = |s: usize, part: usize| {
					let start = (b * seq + s) * width + part * dim + head * head_dim;
					&qkv[start..start + head_dim]
				};
				let (mut scores, mut mixed) = (vec![0.0; seq], vec![0.0; head_dim]);
				ops::causal_attention(
					seq,
					head_dim,
					|s| at(s, 0),
					|s| at(s, 1),
					|s| at(s, 2),
					&mut scores,
					&mut mixed,
					|s, values| {
						let start = (b * seq + s) * dim + head * head_dim;
						for (j, expected) in values.iter().enumerate() {
							let device = f16::from_bits(got[start + j]).to_f32();
							worst = worst.max((device - f16::from_f32(*expected).to_f32()).abs());
						}
					},
				);
			}
		}
		// One f16 step near the largest values (|v| < 1) is 2⁻¹¹ ≈ 4.9e-4.
		assert!(worst <= 1e-3, "seq {seq}, head {head_dim}: emulated attention strays {worst}");
	}
}

#[test]
fn the_parallel_shuffle_gives_the_reference_distance() {
	for (out, in_shared) in [(1024u32, 1u32), (1024, 0), (6000, 0), (37, 1)] {
		let batch = 3u32;
		let z = noise(u64::from(out), (batch * out) as usize);
		let target = {
			let raw = noise(99, out as usize);
			let norm = raw.iter().map(|v| v * v).sum::<f32>().sqrt();
			raw.iter().map(|v| v / norm).collect::<Vec<_>>()
		};
		let keys: Vec<u64> = (0..u64::from(batch)).map(|b| random::stream(5, b)).collect();
		let folder = run(
			"distance",
			&[batch, out, in_shared],
			&[("z", bytes(&z)), ("target", bytes(&target)), ("keys", bytes(&keys))],
		);
		let got: Vec<f32> = read(folder.join("distances"));
		let mut perm = Vec::new();
		for b in 0..batch as usize {
			let row = &z[b * out as usize..(b + 1) * out as usize];
			let expected = nonce::distance(keys[b], row, &target, &mut perm);
			assert!(
				(got[b] - expected).abs() <= 1e-5 * expected,
				"out {out}, shared {in_shared}: {} against {expected}",
				got[b]
			);
		}
	}
}
