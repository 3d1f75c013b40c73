//! The counter-based random streams of DESIGN.md §4.
//!
//! Every value is a pure function of `(key, index)`, so any element of any weight matrix, input
//! or permutation can be computed independently, in any order, on any thread or device.

use crate::hash_concat;

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// `key(seed, label)`: the first 8 bytes, little-endian, of `blake2_256(seed ‖ label)`.
pub fn key(seed: &[u8], label: &[u8]) -> u64 {
	key_of(&[seed, label])
}

/// `key` of the concatenation of `parts` (e.g. `seed ‖ "input" ‖ account ‖ nonce`).
pub fn key_of(parts: &[&[u8]]) -> u64 {
	let [b0, b1, b2, b3, b4, b5, b6, b7, ..] = hash_concat(parts);
	u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7])
}

/// The SplitMix64 finaliser `mix(z)`.
#[inline(always)]
pub fn mix(z: u64) -> u64 {
	let z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
	let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
	z ^ (z >> 31)
}

/// `stream(k, i) = mix(k + (i + 1) · γ)`, all wrapping.
#[inline(always)]
pub fn stream(key: u64, index: u64) -> u64 {
	mix(key.wrapping_add(index.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
}

/// `uniform(k, i) = f32(stream(k, i) >> 40) · 2⁻²⁴`, in `[0, 1)`. Exact: the 24-bit integer
/// and the power of two are both representable in f32.
#[inline(always)]
pub fn uniform(key: u64, index: u64) -> f32 {
	// The shifted value is below 2^24, so the conversion is exact.
	#[allow(clippy::cast_precision_loss)]
	let value = (stream(key, index) >> 40) as f32;
	value * (1.0 / 16_777_216.0)
}

/// `2 · uniform(k, i) − 1`, in `[-1, 1)`; exact in f32.
#[inline(always)]
pub fn symmetric(key: u64, index: u64) -> f32 {
	2.0 * uniform(key, index) - 1.0
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn mix_matches_splitmix64_reference_values() {
		// SplitMix64 seeded with 0 yields these first outputs (Vigna's reference code).
		assert_eq!(stream(0, 0), 0xE220_A839_7B1D_CDAF);
		assert_eq!(stream(0, 1), 0x6E78_9E6A_A1B9_65F4);
		assert_eq!(stream(0, 2), 0x06C4_5D18_8009_454F);
	}

	#[test]
	fn uniform_stays_in_unit_interval_and_is_not_constant() {
		let values: alloc::vec::Vec<f32> = (0..10_000).map(|i| uniform(42, i)).collect();
		assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
		let mean = values.iter().map(|v| f64::from(*v)).sum::<f64>() / 10_000.0;
		assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
	}

	#[test]
	fn key_is_blake2_256_prefix() {
		// blake2_256("") starts with 0e5751c026e543b2.
		assert_eq!(
			key(b"", b""),
			u64::from_le_bytes([0x0e, 0x57, 0x51, 0xc0, 0x26, 0xe5, 0x43, 0xb2])
		);
		assert_eq!(key(b"ab", b"c"), key_of(&[b"a", b"bc"]));
	}
}
