//! The epoch clock: which epoch and phase a block belongs to, and what happens when they change.

use codec::Encode;
use frame_support::{
	traits::{Get, Randomness},
	weights::Weight,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::sprint::{derive_phase_seed, derive_seed, fold_entropy, SEED_BLOCKS};
use sp_runtime::{traits::Saturating, SaturatedConversion};

use crate::{
	weights::WeightInfo, Config, CurrentEpoch, CurrentPhase, EpochInfo, EpochStatus, Event,
	NextParams, OnPhaseChange, Pallet, Phase, PhaseEntropy, SprintParams,
};

impl<T: Config> Pallet<T> {
	/// Moves the clock to block `now`: starts the next epoch when the current one is over, and
	/// enters a new phase when the block begins one.
	pub(crate) fn advance(now: BlockNumberFor<T>) -> Weight {
		let Some(epoch) = CurrentEpoch::<T>::get() else {
			return Self::start_epoch(now, 0, None);
		};
		let offset: u32 = now.saturating_sub(epoch.start).saturated_into();
		match epoch.params.phases.phase_at(offset) {
			None => Self::start_epoch(now, epoch.index.saturating_add(1), Some(epoch.params)),
			Some(phase) if phase != CurrentPhase::<T>::get() => Self::enter(epoch, phase),
			Some(phase @ (Phase::Reveal | Phase::Validate)) => {
				let into_phase = offset.saturating_sub(epoch.params.phases.start_of(phase));
				if (1..=SEED_BLOCKS).contains(&into_phase) {
					Self::gather_seed(epoch, phase, into_phase)
				} else {
					T::WeightInfo::advance_within_phase()
				}
			}
			Some(_) => T::WeightInfo::advance_within_phase(),
		}
	}

	/// Starts epoch `index` at block `now` with the scheduled parameters, or the previous
	/// epoch's when none are scheduled.
	fn start_epoch(now: BlockNumberFor<T>, index: u64, previous: Option<SprintParams>) -> Weight {
		let params = NextParams::<T>::take().or(previous).unwrap_or(SprintParams::DEV);
		let seed = Self::seed(index);
		let epoch = EpochInfo {
			index,
			start: now,
			seed,
			challenge_seed: None,
			validation_seed: None,
			params,
		};
		CurrentEpoch::<T>::put(epoch);
		Self::deposit_event(Event::EpochStarted { epoch: index, seed });
		T::WeightInfo::start_epoch().saturating_add(Self::enter(epoch, Phase::Sprint))
	}

	/// Records that `epoch` entered `phase` and tells [`Config::OnPhaseChange`].
	fn enter(epoch: EpochInfo<BlockNumberFor<T>>, phase: Phase) -> Weight {
		CurrentPhase::<T>::put(phase);
		Self::deposit_event(Event::PhaseChanged { epoch: epoch.index, phase });
		T::WeightInfo::enter_phase()
			.saturating_add(T::OnPhaseChange::on_phase_change(&epoch, phase))
	}

	/// In block `into_phase` (1 to [`SEED_BLOCKS`]) of the reveal or validate phase, folds
	/// the VRF output of its parent, the phase's block `into_phase − 1`, into the phase's
	/// entropy; in the last of them fixes the phase's seed (DESIGN.md §3, revision 2). BABE
	/// stores a block's VRF output in its `on_finalize`, so here it is the parent's. Every
	/// commitment (for the challenge seed) or reveal (for the validation seed) was final
	/// before the phase's first block was built, each author knows only its own block's
	/// output in advance, and no choice or order of extrinsics moves it. Without a VRF output
	/// (a chain whose slots carry none; this runtime's BABE allows only VRF slots) the
	/// parent hash stands in, rather than stalling the phase.
	fn gather_seed(
		mut epoch: EpochInfo<BlockNumberFor<T>>,
		phase: Phase,
		into_phase: u32,
	) -> Weight {
		let randomness = match T::BlockRandomness::random(b"gonka/phase-seed") {
			(Some(randomness), _) => randomness.encode(),
			(None, _) => frame_system::Pallet::<T>::parent_hash().encode(),
		};
		let entropy = fold_entropy(&PhaseEntropy::<T>::get(), &randomness);
		// What gathering adds to a phase's bookkeeping (`enter_phase`), counted by hand: the
		// entropy and the block's randomness read, the entropy and the epoch written.
		let weight =
			T::WeightInfo::enter_phase().saturating_add(T::DbWeight::get().reads_writes(2, 2));
		if into_phase < SEED_BLOCKS {
			PhaseEntropy::<T>::put(entropy);
			return weight;
		}
		PhaseEntropy::<T>::kill();
		if phase == Phase::Reveal {
			let challenge_seed = derive_phase_seed(&entropy, b"challenge", epoch.index);
			epoch.challenge_seed = Some(challenge_seed);
			Self::deposit_event(Event::ChallengeSeedFixed { epoch: epoch.index, challenge_seed });
		} else {
			let validation_seed = derive_phase_seed(&entropy, b"validation", epoch.index);
			epoch.validation_seed = Some(validation_seed);
			Self::deposit_event(Event::ValidationSeedFixed { epoch: epoch.index, validation_seed });
		}
		CurrentEpoch::<T>::put(epoch);
		weight
	}

	/// `blake2_256(randomness ‖ parent_hash ‖ epoch_le)` for this block.
	fn seed(epoch: u64) -> [u8; 32] {
		let (randomness, _) = T::EpochRandomness::random_seed();
		let parent_hash = frame_system::Pallet::<T>::parent_hash();
		derive_seed(&randomness.encode(), &parent_hash.encode(), epoch)
	}

	/// Blocks left in the current phase, counting this one.
	pub fn blocks_left_in_phase(now: BlockNumberFor<T>) -> u32 {
		let Some((epoch, phase)) = <Self as EpochStatus<_>>::status() else { return 0 };
		let offset: u32 = now.saturating_sub(epoch.start).saturated_into();
		let phases = epoch.params.phases;
		phases.start_of(phase).saturating_add(phases.of(phase)).saturating_sub(offset)
	}
}

impl<T: Config> EpochStatus<BlockNumberFor<T>> for Pallet<T> {
	fn status() -> Option<(EpochInfo<BlockNumberFor<T>>, Phase)> {
		CurrentEpoch::<T>::get().map(|epoch| (epoch, CurrentPhase::<T>::get()))
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn run_to_phase(phase: Phase) {
		let first = frame_system::Pallet::<T>::block_number().max(1u32.into());
		if CurrentEpoch::<T>::get().is_none() {
			frame_system::Pallet::<T>::set_block_number(first);
			Self::advance(first);
		}
		let mut now = frame_system::Pallet::<T>::block_number();
		while CurrentPhase::<T>::get() != phase {
			now = now.saturating_add(1u32.into());
			frame_system::Pallet::<T>::set_block_number(now);
			Self::advance(now);
		}
		// Reveals and attestations need their phase's seed, fixed after its first blocks.
		if matches!(phase, Phase::Reveal | Phase::Validate) {
			for _ in 0..SEED_BLOCKS {
				now = now.saturating_add(1u32.into());
				frame_system::Pallet::<T>::set_block_number(now);
				Self::advance(now);
			}
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn schedule_params(params: SprintParams) {
		NextParams::<T>::put(params);
	}
}
