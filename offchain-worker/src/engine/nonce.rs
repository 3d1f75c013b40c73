//! What depends on the nonce (DESIGN.md §4): the input sequence, and the permutation and
//! distance applied to the output. Shared by every backend.

use gonka_primitives::random;

use super::model::{f16_round, norm};

/// The 32-byte account a host computes for.
pub type Account = [u8; 32];

/// `tag = account ‖ nonce (u64 LE)`.
fn tag(account: &Account, nonce: u64) -> [u8; 40] {
	let mut tag = [0u8; 40];
	tag[..32].copy_from_slice(account);
	tag[32..].copy_from_slice(&nonce.to_le_bytes());
	tag
}

/// `key(seed, "input" ‖ tag)`.
pub fn input_key(seed: &[u8; 32], account: &Account, nonce: u64) -> u64 {
	random::key_of(&[seed, b"input", &tag(account, nonce)])
}

/// `key(seed, "perm" ‖ tag)`.
pub fn perm_key(seed: &[u8; 32], account: &Account, nonce: u64) -> u64 {
	random::key_of(&[seed, b"perm", &tag(account, nonce)])
}

/// Fills `x` (`seq × dim`, row-major) with `f16_round((2·uniform(key, s·dim + j) − 1) · √3)`.
pub fn fill_input(key: u64, x: &mut [f32]) {
	let scale = 3.0f32.sqrt();
	for (i, value) in x.iter_mut().enumerate() {
		*value = f16_round(random::symmetric(key, i as u64) * scale);
	}
}

/// `‖z[perm] / ‖z‖ − t‖₂`, with `perm` the Fisher–Yates shuffle drawn from `key`. `perm` is
/// scratch space of at least `z.len()` entries.
pub fn distance(key: u64, z: &[f32], target: &[f32], perm: &mut Vec<u32>) -> f32 {
	let out = z.len();
	perm.clear();
	perm.extend(0..out as u32);
	for j in 0..out.saturating_sub(1) {
		let i = out - 1 - j;
		let r = (random::stream(key, j as u64) % (i as u64 + 1)) as usize;
		perm.swap(i, r);
	}
	let z_norm = norm(z);
	let squared: f64 = perm
		.iter()
		.zip(target)
		.map(|(p, t)| {
			let d = z[*p as usize] / z_norm - t;
			f64::from(d * d)
		})
		.sum();
	squared.sqrt() as f32
}
