//! Distances as the chain stores them: `u32` in units of 1e-9 (`round(distance · 10⁹)`).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A distance between the model's output and the target, in units of 1e-9. Distances lie in
/// `[0, 2]`, so they fit a `u32` with room to spare.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct Distance(pub u32);

impl Distance {
	/// Units per 1.0 of distance.
	pub const UNITS_PER_ONE: f64 = 1e9;

	/// `round(distance · 10⁹)`, saturating; NaN (a broken computation) becomes the largest
	/// distance, which is never a hit.
	pub fn from_f64(distance: f64) -> Self {
		if distance.is_nan() {
			return Self(u32::MAX);
		}
		// Round half away from zero; the cast saturates at 0 and u32::MAX.
		#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
		let units = (distance * Self::UNITS_PER_ONE + 0.5) as u32;
		Self(units)
	}

	/// The distance as a float.
	pub fn as_f64(self) -> f64 {
		f64::from(self.0) / Self::UNITS_PER_ONE
	}

	/// Whether this distance is a hit for the target radius `r_target` (strictly closer).
	pub fn is_hit(self, r_target: Distance) -> bool {
		self < r_target
	}

	/// `|self − other|` in units.
	pub fn abs_diff(self, other: Distance) -> u32 {
		self.0.abs_diff(other.0)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rounds_to_nearest_unit() {
		assert_eq!(Distance::from_f64(1.3617), Distance(1_361_700_000));
		assert_eq!(Distance::from_f64(0.000_000_000_4), Distance(0));
		assert_eq!(Distance::from_f64(0.000_000_000_6), Distance(1));
		assert_eq!(Distance::from_f64(2.0).as_f64(), 2.0);
	}

	#[test]
	fn broken_values_are_never_hits() {
		let radius = Distance::from_f64(1.5);
		assert!(!Distance::from_f64(f64::NAN).is_hit(radius));
		assert!(!Distance::from_f64(f64::INFINITY).is_hit(radius));
		assert_eq!(Distance::from_f64(-1.0), Distance(0));
		assert!(Distance::from_f64(1.4).is_hit(radius));
		assert!(!radius.is_hit(radius));
	}
}
