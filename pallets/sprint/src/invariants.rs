//! The clock's invariants, checked by `try-state` and by the runtime fuzzer after every block
//! (DESIGN.md §3): the epoch in progress covers the block and its recorded phase is the one
//! the block falls in; each phase seed is fixed exactly when its gathering blocks are over;
//! entropy is held only while a seed is being gathered; every parameter set passes its checks.

use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::sprint::SEED_BLOCKS;
use sp_runtime::{
	traits::{Saturating, Zero},
	SaturatedConversion, TryRuntimeError,
};

use crate::{Config, CurrentEpoch, CurrentPhase, NextParams, Pallet, Phase, PhaseEntropy};

impl<T: Config> Pallet<T> {
	/// Checks the clock at the end of block `now`.
	pub fn do_try_state(now: BlockNumberFor<T>) -> Result<(), TryRuntimeError> {
		if let Some(next) = NextParams::<T>::get() {
			ensure!(next.validate().is_ok(), "the scheduled parameters fail their checks");
		}
		let Some(epoch) = CurrentEpoch::<T>::get() else {
			ensure!(now.is_zero(), "no epoch after the first block");
			return Ok(());
		};
		ensure!(epoch.params.validate().is_ok(), "the epoch's parameters fail their checks");
		ensure!(epoch.start <= now, "the epoch starts after the block");
		let offset: u32 = now.saturating_sub(epoch.start).saturated_into();
		let phase = CurrentPhase::<T>::get();
		ensure!(
			epoch.params.phases.phase_at(offset) == Some(phase),
			"the recorded phase is not the block's"
		);
		let gathered = |seed_phase: Phase| {
			let order = |p: Phase| Phase::ALL.iter().position(|q| *q == p);
			order(phase) > order(seed_phase)
				|| (phase == seed_phase
					&& offset.saturating_sub(epoch.params.phases.start_of(phase)) >= SEED_BLOCKS)
		};
		ensure!(
			epoch.challenge_seed.is_some() == gathered(Phase::Reveal),
			"the challenge seed is fixed too early or too late"
		);
		ensure!(
			epoch.validation_seed.is_some() == gathered(Phase::Validate),
			"the validation seed is fixed too early or too late"
		);
		let into_phase = offset.saturating_sub(epoch.params.phases.start_of(phase));
		let gathering = matches!(phase, Phase::Reveal | Phase::Validate)
			&& (1..SEED_BLOCKS).contains(&into_phase);
		ensure!(
			gathering || PhaseEntropy::<T>::get() == [0; 32],
			"phase entropy is held outside a seed's gathering blocks"
		);
		Ok(())
	}
}
