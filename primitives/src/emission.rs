//! Epoch emission (DESIGN.md §6): `E_e = E_0 · (1 − decay)^e`, Bitcoin-like but smooth.
//!
//! Computed in integers only, so that every node and every runtime agrees to the unit:
//! `(1 − decay)^e` by binary exponentiation in units of 1e-18, each product rounded down,
//! then `E_0` times that factor, rounded down. At most 128 roundings of 1e-18 each, on
//! factors never above one, keep the result within 2 base units of the exact value (*tested*
//! over 10,000 epochs against the recurrence and the closed-form sum).

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The unit of the decay: parts per billion.
pub const PARTS_PER_BILLION: u32 = 1_000_000_000;
/// The largest first-epoch emission a schedule may have, in base units: with it, `E_0` times a
/// factor in units of 1e-18 stays far inside `u128`.
pub const MAX_INITIAL_EMISSION: u128 = 100_000_000_000_000_000_000;
/// One, in the factor's units of 1e-18.
const ONE: u128 = 1_000_000_000_000_000_000;
/// One part per billion, in the factor's units.
const PER_PART: u128 = 1_000_000_000;

/// What each epoch emits.
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
#[serde(rename_all = "camelCase")]
pub struct EmissionSchedule {
	/// `E_0`: what epoch 0 emits, in base units.
	pub initial: u128,
	/// The decay per epoch, in parts per billion (Gonka's 0.000475 is 475,000).
	pub decay_ppb: u32,
}

/// Why a schedule is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmissionError {
	/// `initial` exceeds [`MAX_INITIAL_EMISSION`].
	InitialTooLarge,
	/// `decay_ppb` exceeds one billion (a decay above 100%).
	DecayAboveOne,
}

impl Default for EmissionSchedule {
	/// Nothing emitted, with Gonka's decay: a chain sets its own `initial` at genesis.
	fn default() -> Self {
		Self { initial: 0, decay_ppb: 475_000 }
	}
}

impl EmissionSchedule {
	/// Checks the schedule's bounds.
	pub fn validate(&self) -> Result<(), EmissionError> {
		if self.initial > MAX_INITIAL_EMISSION {
			return Err(EmissionError::InitialTooLarge);
		}
		if self.decay_ppb > PARTS_PER_BILLION {
			return Err(EmissionError::DecayAboveOne);
		}
		Ok(())
	}

	/// `(1 − decay)^epoch` in units of 1e-18, rounded down at every product.
	pub fn factor(&self, epoch: u64) -> u128 {
		let decay = u128::from(self.decay_ppb.min(PARTS_PER_BILLION)).saturating_mul(PER_PART);
		let mut base = ONE.saturating_sub(decay);
		let mut factor = ONE;
		let mut exponent = epoch;
		while exponent > 0 {
			if exponent & 1 == 1 {
				factor = factor.saturating_mul(base) / ONE;
			}
			base = base.saturating_mul(base) / ONE;
			exponent >>= 1;
		}
		factor
	}

	/// What `epoch` emits: `initial · (1 − decay)^epoch`, rounded down.
	pub fn at(&self, epoch: u64) -> u128 {
		self.initial.min(MAX_INITIAL_EMISSION).saturating_mul(self.factor(epoch)) / ONE
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::cast_precision_loss)]
mod tests {
	use super::*;

	/// Gonka's schedule for one-hour epochs: 323,000 GNK a day (9 decimals), decay 0.000475.
	const HOURLY: EmissionSchedule =
		EmissionSchedule { initial: 323_000_000_000_000 / 24, decay_ppb: 475_000 };

	#[test]
	fn epoch_zero_emits_the_initial_amount_and_no_decay_keeps_it() {
		assert_eq!(HOURLY.at(0), HOURLY.initial);
		let flat = EmissionSchedule { decay_ppb: 0, ..HOURLY };
		assert_eq!(flat.at(1_000_000), HOURLY.initial);
		let gone = EmissionSchedule { decay_ppb: PARTS_PER_BILLION, ..HOURLY };
		assert_eq!(gone.at(1), 0);
	}

	#[test]
	fn each_epoch_is_the_last_times_one_minus_decay_within_two_units() {
		let mut previous = HOURLY.at(0);
		for epoch in 1..=10_000u64 {
			let now = HOURLY.at(epoch);
			let expected = previous as f64 * (1.0 - 475e-6);
			assert!(now <= previous, "epoch {epoch} emits more than the one before");
			assert!((now as f64 - expected).abs() <= 2.0, "epoch {epoch}: {now} vs {expected}");
			previous = now;
		}
	}

	#[test]
	fn ten_thousand_epochs_follow_the_decay_curve() {
		let decay = 475e-6f64;
		let mut total = 0u128;
		for epoch in 0..10_000u64 {
			let emitted = HOURLY.at(epoch);
			let curve = HOURLY.initial as f64 * (1.0 - decay).powi(epoch as i32);
			// f64 carries about 16 significant digits: a relative 1e-12 is well above its error.
			assert!((emitted as f64 - curve).abs() <= curve * 1e-12 + 2.0, "epoch {epoch}");
			total += emitted;
		}
		// The geometric sum E_0 (1 − (1 − d)^N) / d, within the 2-unit bound per epoch.
		let closed = HOURLY.initial as f64 * (1.0 - (1.0 - decay).powi(10_000)) / decay;
		assert!((total as f64 - closed).abs() <= 20_000.0 + closed * 1e-12);
		// After 10,000 epochs the hourly emission has fallen to about 0.87%.
		assert_eq!(HOURLY.at(10_000) * 1000 / HOURLY.initial, 8);
	}

	#[test]
	fn the_largest_schedule_does_not_overflow() {
		let largest = EmissionSchedule { initial: MAX_INITIAL_EMISSION, decay_ppb: 1 };
		assert_eq!(largest.at(0), MAX_INITIAL_EMISSION);
		assert!(largest.at(u64::MAX) < MAX_INITIAL_EMISSION);
		assert_eq!(
			EmissionSchedule { initial: MAX_INITIAL_EMISSION + 1, decay_ppb: 0 }.validate(),
			Err(EmissionError::InitialTooLarge)
		);
		assert_eq!(
			EmissionSchedule { initial: 1, decay_ppb: PARTS_PER_BILLION + 1 }.validate(),
			Err(EmissionError::DecayAboveOne)
		);
	}
}
