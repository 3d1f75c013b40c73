//! The sprint epoch as the chain runs it (DESIGN.md §3, §5): its phases, their lengths and
//! the parameters every host must use.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::{sampling::MIN_SAMPLES, Distance, Hash32, ModelParams, ParamsError};

/// Largest number of challenged leaves per host.
pub const MAX_SAMPLES: u32 = 64;
/// Largest number of validators per host.
pub const MAX_VALIDATORS_PER_HOST: u32 = 16;
/// Largest tolerance between a claimed and a recomputed distance: 1e-3.
pub const MAX_TOLERANCE: u32 = 1_000_000;
/// Longest epoch, in blocks (one week of 6-second blocks).
pub const MAX_EPOCH_LENGTH: u32 = 100_800;
/// Blocks at the start of the reveal phase, and of the validate phase, whose BABE VRF outputs
/// together make the phase's seed (the challenge seed, the validation seed). A block's author
/// knows its own VRF output in advance, so one block's would let it predict the seed; with
/// two, an author must hold both slots. The seed is fixed in the next block, from which the
/// phase's submissions land.
pub const SEED_BLOCKS: u32 = 2;

/// The phases of an epoch, in order.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
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
pub enum Phase {
	/// Hosts search for hits with the epoch's model.
	#[default]
	Sprint,
	/// Hosts commit the Merkle root and count of their hits.
	Commit,
	/// Hosts reveal the challenged leaves with proofs.
	Reveal,
	/// Validators recompute revealed nonces and seal their attestations.
	Validate,
	/// Validators open their sealed attestations.
	Open,
	/// The chain settles: accepted hits become compute weight.
	Settle,
	/// The rest of the epoch: hosts serve inference.
	Inference,
}

impl Phase {
	/// All phases in order.
	pub const ALL: [Phase; 7] = [
		Phase::Sprint,
		Phase::Commit,
		Phase::Reveal,
		Phase::Validate,
		Phase::Open,
		Phase::Settle,
		Phase::Inference,
	];
}

/// How many blocks each phase lasts.
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
pub struct PhaseLengths {
	/// Blocks of searching.
	pub sprint: u32,
	/// Blocks for commits.
	pub commit: u32,
	/// Blocks for reveals.
	pub reveal: u32,
	/// Blocks for sealed attestations.
	pub validate: u32,
	/// Blocks for opening them.
	pub open: u32,
	/// Blocks for settlement.
	pub settle: u32,
	/// Blocks of inference until the next epoch (may be 0).
	pub inference: u32,
}

impl PhaseLengths {
	/// Length of `phase`.
	pub fn of(&self, phase: Phase) -> u32 {
		match phase {
			Phase::Sprint => self.sprint,
			Phase::Commit => self.commit,
			Phase::Reveal => self.reveal,
			Phase::Validate => self.validate,
			Phase::Open => self.open,
			Phase::Settle => self.settle,
			Phase::Inference => self.inference,
		}
	}

	/// Blocks in the whole epoch (saturating).
	pub fn total(&self) -> u32 {
		Phase::ALL.iter().fold(0u32, |sum, phase| sum.saturating_add(self.of(*phase)))
	}

	/// The phase of the block `offset` blocks after the epoch's first, or `None` past the end.
	pub fn phase_at(&self, offset: u32) -> Option<Phase> {
		let mut end = 0u32;
		for phase in Phase::ALL {
			end = end.saturating_add(self.of(phase));
			if offset < end {
				return Some(phase);
			}
		}
		None
	}

	/// Offset of the first block of `phase` within the epoch.
	pub fn start_of(&self, phase: Phase) -> u32 {
		Phase::ALL
			.iter()
			.take_while(|p| **p != phase)
			.fold(0u32, |sum, p| sum.saturating_add(self.of(*p)))
	}
}

/// Everything a sprint epoch runs with. Changes take effect at the next epoch.
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
pub struct SprintParams {
	/// The model's shape.
	pub model: ModelParams,
	/// A nonce is a hit when its distance is below this.
	pub r_target: Distance,
	/// Challenged leaves per host (for a host of reputation 0); at least
	/// [`MIN_SAMPLES`], and reputation never lowers a host's below it.
	pub samples: u32,
	/// Validators assigned to each host (`V`).
	pub validators_per_host: u32,
	/// Largest accepted `|claimed − recomputed|`, in units of 1e-9.
	pub tolerance: u32,
	/// A validator passes a host whose revealed leaves show at most this many mismatches,
	/// and fewer than a quarter of them ([`SprintParams::passes`]).
	pub max_mismatches: u32,
	/// Phase lengths in blocks.
	pub phases: PhaseLengths,
}

/// Why a [`SprintParams`] is rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SprintParamsError {
	/// The model shape is invalid.
	Model(ParamsError),
	/// `r_target` is 0 or above the largest possible distance (2.0).
	RTargetOutOfRange,
	/// `samples` is below [`MIN_SAMPLES`] or above [`MAX_SAMPLES`].
	SamplesOutOfRange,
	/// `validators_per_host` is 0 or above [`MAX_VALIDATORS_PER_HOST`].
	ValidatorsOutOfRange,
	/// `tolerance` is above [`MAX_TOLERANCE`].
	ToleranceTooLarge,
	/// `max_mismatches` is at least [`MIN_SAMPLES`], the fewest leaves a trusted host
	/// reveals, so such a host could never fail.
	MismatchesOutOfRange,
	/// A phase other than inference lasts 0 blocks.
	EmptyPhase,
	/// The reveal phase lasts at most [`SEED_BLOCKS`] blocks: those make the challenge seed,
	/// so no block would be left for reveals.
	RevealTooShort,
	/// The validate phase lasts at most [`SEED_BLOCKS`] blocks: those make the validation
	/// seed, so no block would be left for attestations.
	ValidateTooShort,
	/// The open phase lasts one block: the pool admits openings once the phase has begun, so
	/// they land from its second block.
	OpenTooShort,
	/// The epoch is longer than [`MAX_EPOCH_LENGTH`].
	EpochTooLong,
}

impl SprintParams {
	/// The development profile: a 25-block (2.5-minute) epoch. Reveals and sealed
	/// attestations each have the last 3 blocks of their phase (the first [`SEED_BLOCKS`] make
	/// its seed), openings the last 2 of theirs (the pool admits an opening only once the open
	/// phase has begun); settlement begins in the settle phase's one block and pays in the
	/// next.
	pub const DEV: Self = Self {
		model: ModelParams::DEV,
		r_target: crate::params::DEV_R_TARGET,
		samples: 8,
		validators_per_host: 3,
		tolerance: 100_000,
		max_mismatches: 0,
		phases: PhaseLengths {
			sprint: 7,
			commit: 3,
			reveal: 5,
			validate: 5,
			open: 3,
			settle: 1,
			inference: 1,
		},
	};

	/// The profile for a public network: the testnet model and a one-hour (600-block) epoch
	/// whose commit, reveal, validate, open and settle phases fit 10,000 hosts
	/// (docs/PERFORMANCE.md); the development chain uses [`SprintParams::DEV`].
	pub const TESTNET: Self = Self {
		model: ModelParams::TESTNET,
		r_target: crate::params::TESTNET_R_TARGET,
		phases: PhaseLengths {
			sprint: 100,
			commit: 10,
			reveal: 20,
			validate: 20,
			open: 20,
			settle: 10,
			inference: 420,
		},
		..Self::DEV
	};

	/// Checks every bound.
	pub fn validate(&self) -> Result<(), SprintParamsError> {
		self.model.validate().map_err(SprintParamsError::Model)?;
		if self.r_target.0 == 0 || self.r_target > Distance(2_000_000_000) {
			return Err(SprintParamsError::RTargetOutOfRange);
		}
		if !(MIN_SAMPLES..=MAX_SAMPLES).contains(&self.samples) {
			return Err(SprintParamsError::SamplesOutOfRange);
		}
		if self.validators_per_host == 0 || self.validators_per_host > MAX_VALIDATORS_PER_HOST {
			return Err(SprintParamsError::ValidatorsOutOfRange);
		}
		if self.tolerance > MAX_TOLERANCE {
			return Err(SprintParamsError::ToleranceTooLarge);
		}
		if self.max_mismatches >= MIN_SAMPLES {
			return Err(SprintParamsError::MismatchesOutOfRange);
		}
		if Phase::ALL.iter().any(|p| *p != Phase::Inference && self.phases.of(*p) == 0) {
			return Err(SprintParamsError::EmptyPhase);
		}
		if self.phases.reveal <= SEED_BLOCKS {
			return Err(SprintParamsError::RevealTooShort);
		}
		if self.phases.validate <= SEED_BLOCKS {
			return Err(SprintParamsError::ValidateTooShort);
		}
		if self.phases.open < 2 {
			return Err(SprintParamsError::OpenTooShort);
		}
		if self.phases.total() > MAX_EPOCH_LENGTH {
			return Err(SprintParamsError::EpochTooLong);
		}
		Ok(())
	}

	/// Whether a validator passes a host with `mismatches` among its `leaves` revealed leaves:
	/// at most `max_mismatches`, and at most `leaves / 4 − 1`, so that a host answering for
	/// few leaves (4 at full reputation) passes none faked whatever governance sets, and
	/// faking a quarter of the leaves or more never passes.
	pub fn passes(&self, mismatches: u32, leaves: u32) -> bool {
		mismatches <= self.max_mismatches.min((leaves / MIN_SAMPLES).saturating_sub(1))
	}

	/// Whether a validator counts a revealed leaf as a mismatch (DESIGN.md §5): its claimed
	/// and recomputed distances differ by more than `tolerance`, or the recomputed distance is
	/// not a hit. "Not a hit" has the same `tolerance` band: an honest host whose true
	/// distance lies just below `r_target` must not fail because the validator's hardware
	/// rounds it just above (docs/STATISTICS.md).
	pub fn is_mismatch(&self, claimed: Distance, recomputed: Distance) -> bool {
		claimed.abs_diff(recomputed) > self.tolerance
			|| recomputed.0 >= self.r_target.0.saturating_add(self.tolerance)
	}
}

/// The epoch in progress.
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
)]
pub struct EpochInfo<BlockNumber> {
	/// Epoch number, from 0.
	pub index: u64,
	/// Its first block.
	pub start: BlockNumber,
	/// The seed every host builds the model from.
	pub seed: Hash32,
	/// The seed of the challenges: from the VRF outputs of the reveal phase's first
	/// [`SEED_BLOCKS`] blocks, fixed in the next ([`derive_phase_seed`]).
	pub challenge_seed: Option<Hash32>,
	/// The seed that draws each host's validators: from the VRF outputs of the validate
	/// phase's first [`SEED_BLOCKS`] blocks, fixed in the next, once the snapshot of
	/// revealed hosts it draws from is final.
	pub validation_seed: Option<Hash32>,
	/// The parameters of this epoch.
	pub params: SprintParams,
}

/// `blake2_256(entropy ‖ block_randomness)`: folds one block's VRF randomness into a phase's
/// entropy (all zeroes before the first).
pub fn fold_entropy(entropy: &Hash32, block_randomness: &[u8]) -> Hash32 {
	crate::hash_concat(&[entropy, block_randomness])
}

/// `blake2_256(entropy ‖ label ‖ epoch_le)`: a phase's seed from the entropy of its first
/// [`SEED_BLOCKS`] blocks (DESIGN.md §3, revision 2): `b"challenge"` for the challenge seed,
/// `b"validation"` for the validation seed. Each block's author can publish or withhold its
/// block, but no choice or order of extrinsics moves a VRF output.
pub fn derive_phase_seed(entropy: &Hash32, label: &[u8], epoch: u64) -> Hash32 {
	crate::hash_concat(&[entropy, label, &epoch.to_le_bytes()])
}

/// `blake2_256(randomness ‖ parent_hash ‖ epoch_le)`: the sprint seed at an epoch's first
/// block (and the challenge seed on a chain whose blocks carry no VRF output).
pub fn derive_seed(randomness: &[u8], parent_hash: &[u8], epoch: u64) -> Hash32 {
	crate::hash_concat(&[randomness, parent_hash, &epoch.to_le_bytes()])
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
	use super::*;

	#[test]
	fn a_mismatch_is_a_distance_beyond_tolerance_or_a_miss_beyond_the_band() {
		let dev = SprintParams::DEV;
		let (r, t) = (dev.r_target.0, dev.tolerance);
		let at = |claimed: u32, recomputed: u32| {
			dev.is_mismatch(Distance(claimed), Distance(recomputed))
		};
		assert!(!at(r - 10, r - 10));
		assert!(!at(r - 10, r - 10 + t));
		assert!(at(r - 10 - t, r - 9));
		assert!(at(1_000, 1_000 + t + 1));
		// Just above the radius but within the band: rounding, not a mismatch.
		assert!(!at(r - 1, r + t - 1));
		assert!(at(r + t - 1, r + t));
	}

	#[test]
	fn phases_follow_their_lengths() {
		let lengths = SprintParams::DEV.phases;
		assert_eq!(lengths.total(), 25);
		assert_eq!(lengths.phase_at(0), Some(Phase::Sprint));
		assert_eq!(lengths.phase_at(6), Some(Phase::Sprint));
		assert_eq!(lengths.phase_at(7), Some(Phase::Commit));
		assert_eq!(lengths.phase_at(10), Some(Phase::Reveal));
		assert_eq!(lengths.phase_at(15), Some(Phase::Validate));
		assert_eq!(lengths.phase_at(20), Some(Phase::Open));
		assert_eq!(lengths.phase_at(23), Some(Phase::Settle));
		assert_eq!(lengths.phase_at(24), Some(Phase::Inference));
		assert_eq!(lengths.phase_at(25), None);
		assert_eq!(lengths.start_of(Phase::Reveal), 10);
	}

	#[test]
	fn few_leaves_tolerate_few_mismatches() {
		let lenient = SprintParams { max_mismatches: 3, ..SprintParams::DEV };
		let allowed = |leaves| (0..=leaves).filter(|m| lenient.passes(*m, leaves)).max();
		assert_eq!(allowed(4), Some(0), "4 leaves with 3 faked used to pass");
		assert_eq!(allowed(7), Some(0));
		assert_eq!(allowed(8), Some(1));
		assert_eq!(allowed(16), Some(3));
		assert_eq!(allowed(64), Some(3), "and never more than governance allows");
		assert!(!SprintParams::DEV.passes(1, 64), "the default allows none");
	}

	#[test]
	fn every_bound_has_its_error() {
		let dev = SprintParams::DEV;
		assert_eq!(dev.validate(), Ok(()));
		assert_eq!(SprintParams::TESTNET.validate(), Ok(()));
		assert_eq!(SprintParams::TESTNET.phases.total(), 600);
		let bad = |p: SprintParams| p.validate().err();
		assert_eq!(
			bad(SprintParams { r_target: Distance(0), ..dev }),
			Some(SprintParamsError::RTargetOutOfRange)
		);
		assert_eq!(
			bad(SprintParams { samples: 0, ..dev }),
			Some(SprintParamsError::SamplesOutOfRange)
		);
		assert_eq!(
			bad(SprintParams { samples: MIN_SAMPLES - 1, ..dev }),
			Some(SprintParamsError::SamplesOutOfRange)
		);
		assert_eq!(
			bad(SprintParams { validators_per_host: MAX_VALIDATORS_PER_HOST + 1, ..dev }),
			Some(SprintParamsError::ValidatorsOutOfRange)
		);
		assert_eq!(
			bad(SprintParams { tolerance: MAX_TOLERANCE + 1, ..dev }),
			Some(SprintParamsError::ToleranceTooLarge)
		);
		assert_eq!(
			bad(SprintParams { max_mismatches: MIN_SAMPLES, ..dev }),
			Some(SprintParamsError::MismatchesOutOfRange)
		);
		let phases = PhaseLengths { commit: 0, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::EmptyPhase));
		let phases = PhaseLengths { open: 0, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::EmptyPhase));
		let phases = PhaseLengths { open: 1, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::OpenTooShort));
		let phases = PhaseLengths { reveal: SEED_BLOCKS, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::RevealTooShort));
		let phases = PhaseLengths { validate: SEED_BLOCKS, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::ValidateTooShort));
		let phases = PhaseLengths { inference: MAX_EPOCH_LENGTH, ..dev.phases };
		assert_eq!(bad(SprintParams { phases, ..dev }), Some(SprintParamsError::EpochTooLong));
		let model = ModelParams { heads: 3, ..dev.model };
		assert!(matches!(bad(SprintParams { model, ..dev }), Some(SprintParamsError::Model(_))));
		let phases = PhaseLengths { inference: 0, ..dev.phases };
		assert_eq!(SprintParams { phases, ..dev }.validate(), Ok(()));
	}
}
