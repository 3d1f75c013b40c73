//! # Sprint pallet
//!
//! The epoch clock of Proof of Compute (DESIGN.md §3, §5). Every epoch runs the phases
//! Sprint → Commit → Reveal → Validate → Open → Settle → Inference, each for a set number of blocks.
//! At an epoch's first block the pallet fixes the sprint seed
//! `blake2_256(babe_randomness_one_epoch_ago ‖ parent_hash ‖ epoch_le)`. From the BABE VRF
//! outputs of the first two blocks of its reveal phase it fixes the challenge seed, and of the
//! first two of its validate phase the validation seed that draws validators (revision 2: no
//! choice or order of extrinsics moves them, and no single author knows them in advance). Every phase change is an event
//! and is passed to [`Config::OnPhaseChange`] (the proof-of-compute pallet).
//!
//! The epoch's [`SprintParams`] (model shape, `r_target`, samples `k`, validators `V`,
//! tolerance, phase lengths) are bounded and validated; a change made with
//! [`Pallet::set_params`] takes effect at the next epoch, never mid-epoch.
//!
//! The pallet is also the mint (DESIGN.md §6): epoch `e` emits
//! `E_e = E_0 · (1 − decay)^e` ([`EmissionSchedule`], in integer fixed point), which
//! proof-of-compute shares out by weight when it settles the epoch
//! ([`EpochRewards`]); what no host receives goes to the community pool. Every unit minted
//! is counted in [`TotalEmitted`].

#![cfg_attr(not(feature = "std"), no_std)]

mod clock;
mod emission;
mod invariants;
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

pub use gonka_primitives::{
	emission::EmissionSchedule,
	sprint::{EpochInfo, Phase, PhaseLengths, SprintParams},
};
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

/// The mint, as proof-of-compute uses it to pay an epoch's emission out by weight.
pub trait EpochRewards<AccountId> {
	/// What `epoch` emits, in base units.
	fn emission(epoch: u64) -> u128;
	/// Mints `amount` of `epoch`'s emission to `host`; returns what was minted (0 when the
	/// account cannot receive it, in which case the share stays unclaimed).
	fn reward(epoch: u64, host: &AccountId, amount: u128) -> u128;
	/// Mints the rest of `epoch`'s emission (rounding dust and unclaimed shares) to the
	/// community pool.
	fn reward_pool(epoch: u64, amount: u128);
}

/// Reads the epoch in progress; the sprint pallet implements it for the pallets that follow
/// its clock.
pub trait EpochStatus<BlockNumber> {
	/// The epoch in progress and its phase; `None` before the first block.
	fn status() -> Option<(EpochInfo<BlockNumber>, Phase)>;

	/// Runs the clock until the epoch in progress (the first one, if none runs yet) enters
	/// `phase` (for the reveal phase, until its challenge seed is fixed), so that other
	/// pallets' benchmarks can start there.
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
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, Randomness},
	};
	use frame_system::pallet_prelude::*;
	use gonka_primitives::emission::EmissionError;
	use gonka_primitives::sprint::SprintParamsError;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// Randomness that nobody could know one epoch ago: BABE's `RandomnessFromOneEpochAgo`.
		type EpochRandomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// Randomness from the parent block's VRF output: BABE's `ParentBlockRandomness`. The
		/// challenge and validation seeds are taken from it (`None` on a block without a VRF
		/// output).
		type BlockRandomness: Randomness<Option<Self::Hash>, BlockNumberFor<Self>>;
		/// Who may change the parameters and the emission (`ComputeMajority` in the runtime).
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Told about every phase change.
		type OnPhaseChange: OnPhaseChange<BlockNumberFor<Self>>;
		/// The currency rewards are minted in.
		type Currency: fungible::Mutate<Self::AccountId>;
		/// The community pool: receives what no host does.
		type CommunityPool: Get<Self::AccountId>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// The epoch in progress; `None` before the first block.
	#[pallet::storage]
	pub type CurrentEpoch<T: Config> = StorageValue<_, EpochInfo<BlockNumberFor<T>>, OptionQuery>;

	/// The phase of the epoch in progress.
	#[pallet::storage]
	pub type CurrentPhase<T: Config> = StorageValue<_, Phase, ValueQuery>;

	/// The VRF randomness gathered so far for the seed of the reveal or validate phase in
	/// progress (present only between the phase's first blocks).
	#[pallet::storage]
	pub type PhaseEntropy<T: Config> = StorageValue<_, [u8; 32], ValueQuery>;

	/// Parameters of the next epoch; `None` means the next epoch keeps the current ones.
	#[pallet::storage]
	pub type NextParams<T: Config> = StorageValue<_, SprintParams, OptionQuery>;

	/// What each epoch emits.
	#[pallet::storage]
	pub type Emission<T: Config> = StorageValue<_, EmissionSchedule, ValueQuery>;

	/// Every unit minted as epoch emission so far, to hosts and to the community pool.
	#[pallet::storage]
	pub type TotalEmitted<T: Config> = StorageValue<_, u128, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Parameters of the first epoch; the development profile when absent.
		pub params: Option<SprintParams>,
		/// The emission schedule; none (nothing emitted) when absent.
		pub emission: Option<EmissionSchedule>,
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
			let emission = self.emission.unwrap_or_default();
			assert!(emission.validate().is_ok(), "invalid emission in genesis: {emission:?}");
			Emission::<T>::put(emission);
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
		/// The challenge seed of the epoch was fixed (from the VRF outputs of the reveal phase's
		/// first two blocks); reveals land from this block on.
		ChallengeSeedFixed {
			/// The epoch number.
			epoch: u64,
			/// The seed the challenges derive from.
			challenge_seed: [u8; 32],
		},
		/// The validation seed of the epoch was fixed (from the VRF outputs of the validate
		/// phase's first two blocks); attestations land from this block on.
		ValidationSeedFixed {
			/// The epoch number.
			epoch: u64,
			/// The seed each host's validators are drawn with.
			validation_seed: [u8; 32],
		},
		/// New parameters will apply from the next epoch.
		ParamsScheduled {
			/// The parameters.
			params: SprintParams,
		},
		/// A host received its share of an epoch's emission.
		HostRewarded {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// The amount minted to it.
			amount: u128,
		},
		/// What no host received of an epoch's emission went to the community pool.
		PoolRewarded {
			/// The epoch.
			epoch: u64,
			/// The amount minted to the pool.
			amount: u128,
		},
		/// The emission schedule changed; it applies to every epoch settled from now on.
		EmissionSet {
			/// The schedule.
			schedule: EmissionSchedule,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The model shape is invalid: a zero or too large size, `dim` not a multiple of
		/// `heads`, or an odd head size.
		InvalidModel,
		/// `r_target` must lie in (0, 2.0].
		RTargetOutOfRange,
		/// `samples` must lie in 4..=64.
		SamplesOutOfRange,
		/// `validators_per_host` must lie in 1..=16.
		ValidatorsOutOfRange,
		/// `tolerance` may be at most 1e-3 (1,000,000 units).
		ToleranceTooLarge,
		/// `max_mismatches` must be below 4, the fewest leaves a trusted host reveals.
		MismatchesOutOfRange,
		/// Every phase but inference must last at least one block.
		EmptyPhase,
		/// The reveal phase must last at least 3 blocks: its first two blocks' VRF outputs
		/// make the challenge seed, and reveals land from the third on.
		RevealTooShort,
		/// The validate phase must last at least 3 blocks: its first two blocks' VRF outputs
		/// make the validation seed, and attestations land from the third on.
		ValidateTooShort,
		/// The open phase must last at least 2 blocks: openings land from its second on.
		OpenTooShort,
		/// An epoch may last at most 100,800 blocks.
		EpochTooLong,
		/// The first epoch's emission may be at most 10^20 base units.
		InitialEmissionTooLarge,
		/// The decay may be at most one billion parts per billion (100%).
		DecayAboveOne,
	}

	impl<T> From<EmissionError> for Error<T> {
		fn from(error: EmissionError) -> Self {
			match error {
				EmissionError::InitialTooLarge => Error::InitialEmissionTooLarge,
				EmissionError::DecayAboveOne => Error::DecayAboveOne,
			}
		}
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
				SprintParamsError::RevealTooShort => Error::RevealTooShort,
				SprintParamsError::ValidateTooShort => Error::ValidateTooShort,
				SprintParamsError::OpenTooShort => Error::OpenTooShort,
				SprintParamsError::EpochTooLong => Error::EpochTooLong,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::advance(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(now)
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

		/// Sets the emission schedule; it applies to every epoch settled from now on.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_emission())]
		pub fn set_emission(origin: OriginFor<T>, schedule: EmissionSchedule) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			schedule.validate().map_err(Error::<T>::from)?;
			Emission::<T>::put(schedule);
			Self::deposit_event(Event::EmissionSet { schedule });
			Ok(())
		}
	}
}
