//! The epoch clock: which epoch and phase a block belongs to, and what happens when they change.

use codec::Encode;
use frame_support::{traits::Randomness, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::sprint::{derive_challenge_seed, derive_seed};
use sp_runtime::{traits::Saturating, SaturatedConversion};

use crate::{
	weights::WeightInfo, Config, CurrentEpoch, CurrentPhase, EpochInfo, EpochStatus, Event,
	NextParams, OnPhaseChange, Pallet, Phase, SprintParams,
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
			Some(Phase::Reveal) if epoch.challenge_seed.is_none() => {
				Self::fix_challenge_seed(epoch)
			}
			Some(_) => T::WeightInfo::advance_within_phase(),
		}
	}

	/// Starts epoch `index` at block `now` with the scheduled parameters, or the previous
	/// epoch's when none are scheduled.
	fn start_epoch(now: BlockNumberFor<T>, index: u64, previous: Option<SprintParams>) -> Weight {
		let params = NextParams::<T>::take().or(previous).unwrap_or(SprintParams::DEV);
		let seed = Self::seed(index);
		let epoch = EpochInfo { index, start: now, seed, challenge_seed: None, params };
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

	/// Fixes the challenge seed in the reveal phase's second block, from the VRF output of its
	/// parent, the phase's first block (DESIGN.md §3, revision 2). Every commitment was final
	/// before that block was built, and its author could not move its VRF output by choosing
	/// or ordering extrinsics. Without a VRF output (a chain whose slots carry none; this
	/// runtime's BABE allows only VRF slots) the seed falls back to the sprint seed's formula.
	fn fix_challenge_seed(mut epoch: EpochInfo<BlockNumberFor<T>>) -> Weight {
		let challenge_seed = match T::BlockRandomness::random(b"gonka/challenge") {
			(Some(randomness), _) => derive_challenge_seed(randomness.as_ref(), epoch.index),
			(None, _) => Self::seed(epoch.index),
		};
		epoch.challenge_seed = Some(challenge_seed);
		CurrentEpoch::<T>::put(epoch);
		Self::deposit_event(Event::ChallengeSeedFixed { epoch: epoch.index, challenge_seed });
		T::WeightInfo::enter_phase()
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
		// Reveals need the challenge seed, fixed in the phase's second block.
		if phase == Phase::Reveal {
			now = now.saturating_add(1u32.into());
			frame_system::Pallet::<T>::set_block_number(now);
			Self::advance(now);
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn schedule_params(params: SprintParams) {
		NextParams::<T>::put(params);
	}
}
