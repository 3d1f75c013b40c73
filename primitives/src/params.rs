//! The shape of the sprint Transformer, as stored on chain and validated before use.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::Distance;

/// Hit radius of [`ModelParams::DEV`]: about 1 hit per 100 nonces. Measured with
/// `gonka-node poc calibrate --params dev --hit-rate 0.01 --samples 400000 --seeds 8`.
pub const DEV_R_TARGET: Distance = Distance(1_361_785_769);

/// Hit radius of [`ModelParams::TESTNET`]: about 1 hit per 100 nonces. Measured with
/// `gonka-node poc calibrate --params testnet --hit-rate 0.01 --samples 24000 --seeds 8`.
pub const TESTNET_R_TARGET: Distance = Distance(1_388_111_591);

/// Largest model width the chain accepts.
pub const MAX_DIM: u32 = 4096;
/// Largest number of layers.
pub const MAX_LAYERS: u32 = 64;
/// Largest number of attention heads.
pub const MAX_HEADS: u32 = 64;
/// Largest feed-forward width.
pub const MAX_FFN: u32 = 16_384;
/// Largest sequence length.
pub const MAX_SEQ: u32 = 1024;
/// Largest output size.
pub const MAX_OUT: u32 = 65_536;

/// The sprint Transformer's shape (DESIGN.md §4). `head_dim = dim / heads` must be even.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct ModelParams {
	/// Model width.
	pub dim: u32,
	/// Number of Transformer layers.
	pub layers: u32,
	/// Attention heads per layer.
	pub heads: u32,
	/// Feed-forward (SwiGLU) width.
	pub ffn: u32,
	/// Tokens per input sequence.
	pub seq: u32,
	/// Length of the output vector compared with the target.
	pub out: u32,
}

/// Why a [`ModelParams`] is not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamsError {
	/// A size is zero.
	Zero(&'static str),
	/// A size is above the chain's maximum for it.
	TooLarge {
		/// The field.
		field: &'static str,
		/// Its value.
		value: u32,
		/// The largest value accepted.
		max: u32,
	},
	/// `dim` is not a multiple of `heads`.
	DimNotDivisibleByHeads {
		/// Model width.
		dim: u32,
		/// Attention heads.
		heads: u32,
	},
	/// `dim / heads` is odd, so RoPE cannot pair the head's dimensions.
	OddHeadDim(u32),
}

impl core::fmt::Display for ParamsError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::Zero(field) => write!(f, "`{field}` must be at least 1"),
			Self::TooLarge { field, value, max } => {
				write!(f, "`{field}` is {value}, above the maximum of {max}")
			}
			Self::DimNotDivisibleByHeads { dim, heads } => {
				write!(f, "`dim` ({dim}) must be a multiple of `heads` ({heads})")
			}
			Self::OddHeadDim(head_dim) => {
				write!(f, "the head size `dim / heads` is {head_dim}; it must be even for RoPE")
			}
		}
	}
}

impl ModelParams {
	/// The development profile (DESIGN.md §4).
	pub const DEV: Self = Self { dim: 128, layers: 2, heads: 4, ffn: 344, seq: 16, out: 1024 };

	/// The testnet profile.
	pub const TESTNET: Self = Self { dim: 512, layers: 8, heads: 8, ffn: 1376, seq: 32, out: 4096 };

	/// The named fields with their maxima, in declaration order.
	fn sizes(&self) -> [(&'static str, u32, u32); 6] {
		[
			("dim", self.dim, MAX_DIM),
			("layers", self.layers, MAX_LAYERS),
			("heads", self.heads, MAX_HEADS),
			("ffn", self.ffn, MAX_FFN),
			("seq", self.seq, MAX_SEQ),
			("out", self.out, MAX_OUT),
		]
	}

	/// Checks every constraint; the first violation is returned.
	pub fn validate(&self) -> Result<(), ParamsError> {
		for (field, value, max) in self.sizes() {
			if value == 0 {
				return Err(ParamsError::Zero(field));
			}
			if value > max {
				return Err(ParamsError::TooLarge { field, value, max });
			}
		}
		if self.dim.checked_rem(self.heads) != Some(0) {
			return Err(ParamsError::DimNotDivisibleByHeads { dim: self.dim, heads: self.heads });
		}
		let head_dim = self.head_dim();
		if !head_dim.is_multiple_of(2) {
			return Err(ParamsError::OddHeadDim(head_dim));
		}
		Ok(())
	}

	/// `dim / heads` (0 when `heads` is 0; validated params never are).
	pub fn head_dim(&self) -> u32 {
		self.dim.checked_div(self.heads).unwrap_or(0)
	}

	/// Floating-point operations of one forward pass (multiply and add counted apart), for
	/// reporting throughput.
	pub fn flops_per_nonce(&self) -> u64 {
		let [dim, layers, ffn, seq, out] =
			[self.dim, self.layers, self.ffn, self.seq, self.out].map(u64::from);
		let product = |factors: &[u64]| factors.iter().fold(1u64, |a, b| a.saturating_mul(*b));
		let projections = product(&[4, seq, dim, dim]);
		let feed_forward = product(&[3, seq, dim, ffn]);
		// Causal attention: about half of the seq × seq scores, each for q·k and p·v.
		let attention = product(&[seq, seq.saturating_add(1), dim]);
		let per_layer = projections.saturating_add(feed_forward).saturating_add(attention);
		product(&[layers, per_layer]).saturating_add(product(&[dim, out])).saturating_mul(2)
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn profiles_are_valid() {
		assert_eq!(ModelParams::DEV.validate(), Ok(()));
		assert_eq!(ModelParams::TESTNET.validate(), Ok(()));
		assert_eq!(ModelParams::DEV.head_dim(), 32);
	}

	#[test]
	fn each_violation_has_its_own_error() {
		let dev = ModelParams::DEV;
		assert_eq!(ModelParams { seq: 0, ..dev }.validate(), Err(ParamsError::Zero("seq")));
		assert_eq!(ModelParams { heads: 0, ..dev }.validate(), Err(ParamsError::Zero("heads")));
		assert_eq!(
			ModelParams { out: MAX_OUT + 1, ..dev }.validate(),
			Err(ParamsError::TooLarge { field: "out", value: MAX_OUT + 1, max: MAX_OUT })
		);
		assert_eq!(
			ModelParams { heads: 3, ..dev }.validate(),
			Err(ParamsError::DimNotDivisibleByHeads { dim: 128, heads: 3 })
		);
		assert_eq!(
			ModelParams { dim: 120, heads: 8, ..dev }.validate(),
			Err(ParamsError::OddHeadDim(15))
		);
	}

	#[test]
	fn flops_of_dev_profile() {
		// 2 layers × (4·16·128² + 3·16·128·344 + 16·17·128) + 128·1024, times 2.
		assert_eq!(
			ModelParams::DEV.flops_per_nonce(),
			2 * (2 * (1_048_576 + 2_113_536 + 34_816) + 131_072)
		);
	}

	#[test]
	fn errors_read_as_sentences() {
		let text = alloc::format!("{}", ParamsError::OddHeadDim(15));
		assert!(text.contains("must be even"));
	}
}
