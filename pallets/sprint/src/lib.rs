//! # Sprint pallet
//!
//! The epoch clock of Proof of Compute (DESIGN.md §3, §5). Every epoch runs the phases
//! Sprint → Commit → Reveal → Validate → Settle → Inference, each for a set number of blocks.
//! At an epoch's first block the pallet fixes the sprint seed
//! `blake2_256(babe_randomness_one_epoch_ago ‖ parent_hash ‖ epoch_le)`, and at the first
//! block of its reveal phase the challenge seed, the same way. Every phase change is an event
//! and is passed to [`Config::OnPhaseChange`] (the proof-of-compute pallet).
//!
//! The epoch's [`SprintParams`] (model shape, `r_target`, samples `k`, validators `V`,
//! tolerance, phase lengths) are bounded and validated; a change made with
//! [`Pallet::set_params`] takes effect at the next epoch, never mid-epoch.

#![cfg_attr(not(feature = "std"), no_std)]

mod clock;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
// Test code may overflow and index: a panic there is a failed test, not a halted chain.
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests;

pub use gonka_primitives::sprint::{EpochInfo, Phase, PhaseLengths, SprintParams};
pub use pallet::*;
pub use weights::WeightInfo;

use frame_support::weights::Weight;

/// Told about every phase change; proof-of-compute and host-reputation implement it, and a
/// tuple of them tells each in turn.
pub trait OnPhaseChange<BlockNumber> {
	/// `epoch` has entered `phase` in this block. Returns the weight it used.
	fn on_phase_change(epoch: &EpochInfo<BlockNumber>, phase: Phase) -> Weight;
}

#[impl_trait_for_tuples::impl_for_tuples(4)]
impl<BlockNumber> OnPhaseChange<BlockNumber> for Tuple {
	fn on_phase_change(epoch: &EpochInfo<BlockNumber>, phase: Phase) -> Weight {
		let mut used = Weight::zero();
		for_tuples!( #( used = used.saturating_add(Tuple::on_phase_change(epoch, phase)); )* );
		used
	}
}

/// Reads the epoch in progress; the sprint pallet implements it for the pallets that follow
/// its clock.
pub trait EpochStatus<BlockNumber> {
	/// The epoch in progress and its phase; `None` before the first block.
	fn status() -> Option<(EpochInfo<BlockNumber>, Phase)>;

	/// Runs the clock until the epoch in progress (the first one, if none runs yet) enters
	/// `phase`, so that other pallets' benchmarks can start there.
	#[cfg(feature = "runtime-benchmarks")]
	fn run_to_phase(phase: Phase);

	/// Makes the next epoch run with `params`, for other pallets' benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn schedule_params(params: SprintParams);
}

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in `clock`, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::Randomness};
	use frame_system::pallet_prelude::*;
	use gonka_primitives::sprint::SprintParamsError;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Randomness that nobody could know one epoch ago: BABE's `RandomnessFromOneEpochAgo`.
		type EpochRandomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// Who may change the parameters (root; compute-weighted governance later).
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Told about every phase change.
		type OnPhaseChange: OnPhaseChange<BlockNumberFor<Self>>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The epoch in progress; `None` before the first block.
	#[pallet::storage]
	pub type CurrentEpoch<T: Config> = StorageValue<_, EpochInfo<BlockNumberFor<T>>, OptionQuery>;

	/// The phase of the epoch in progress.
	#[pallet::storage]
	pub type CurrentPhase<T: Config> = StorageValue<_, Phase, ValueQuery>;

	/// Parameters of the next epoch; `None` means the next epoch keeps the current ones.
	#[pallet::storage]
	pub type NextParams<T: Config> = StorageValue<_, SprintParams, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters of the first epoch; the development profile when absent.
		pub params: Option<SprintParams>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or(SprintParams::DEV);
			// A genesis that cannot run is a mistake in the chain spec: refuse to build it.
			assert!(params.validate().is_ok(), "invalid sprint parameters in genesis: {params:?}");
			NextParams::<T>::put(params);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A new epoch started with this seed.
		EpochStarted {
			/// The epoch number.
			epoch: u64,
			/// The seed hosts build the model from.
			seed: [u8; 32],
		},
		/// The epoch entered a phase.
		PhaseChanged {
			/// The epoch number.
			epoch: u64,
			/// The phase it entered.
			phase: Phase,
		},
		/// The challenge seed of the epoch was fixed (first block of the reveal phase).
		ChallengeSeedFixed {
			/// The epoch number.
			epoch: u64,
			/// The seed the challenges derive from.
			challenge_seed: [u8; 32],
		},
		/// New parameters will apply from the next epoch.
		ParamsScheduled {
			/// The parameters.
			params: SprintParams,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The model shape is invalid: a zero or too large size, `dim` not a multiple of
		/// `heads`, or an odd head size.
		InvalidModel,
		/// `r_target` must lie in (0, 2.0].
		RTargetOutOfRange,
		/// `samples` must lie in 1..=64.
		SamplesOutOfRange,
		/// `validators_per_host` must lie in 1..=16.
		ValidatorsOutOfRange,
		/// `tolerance` may be at most 1e-3 (1,000,000 units).
		ToleranceTooLarge,
		/// `max_mismatches` must be below the number of leaves a host reveals (`2 · samples`).
		MismatchesOutOfRange,
		/// Every phase but inference must last at least one block.
		EmptyPhase,
		/// An epoch may last at most 100,800 blocks.
		EpochTooLong,
	}

	impl<T> From<SprintParamsError> for Error<T> {
		fn from(error: SprintParamsError) -> Self {
			match error {
				SprintParamsError::Model(_) => Error::InvalidModel,
				SprintParamsError::RTargetOutOfRange => Error::RTargetOutOfRange,
				SprintParamsError::SamplesOutOfRange => Error::SamplesOutOfRange,
				SprintParamsError::ValidatorsOutOfRange => Error::ValidatorsOutOfRange,
				SprintParamsError::ToleranceTooLarge => Error::ToleranceTooLarge,
				SprintParamsError::MismatchesOutOfRange => Error::MismatchesOutOfRange,
				SprintParamsError::EmptyPhase => Error::EmptyPhase,
				SprintParamsError::EpochTooLong => Error::EpochTooLong,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::advance(now)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Schedules new parameters; they take effect when the next epoch starts.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: SprintParams) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			params.validate().map_err(Error::<T>::from)?;
			NextParams::<T>::put(params);
			Self::deposit_event(Event::ParamsScheduled { params });
			Ok(())
		}
	}
}
