//! Benchmarks of `pallet-sprint` (frame-benchmarking v2): the parameter call and the three
//! paths of the clock's `on_initialize`.

use frame_benchmarking::v2::*;
use frame_support::traits::EnsureOrigin;
use frame_system::pallet_prelude::BlockNumberFor;

use crate::*;

/// Block `n` as the runtime's block number type.
fn block<T: Config>(n: u32) -> BlockNumberFor<T> {
	n.into()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_emission() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let schedule = EmissionSchedule { initial: 1_000_000, decay_ppb: 1_000 };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, schedule);
		assert_eq!(Emission::<T>::get(), schedule);
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = SprintParams::DEV;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(NextParams::<T>::get(), Some(params));
		Ok(())
	}

	#[benchmark]
	fn advance_within_phase() {
		Pallet::<T>::advance(block::<T>(1));
		#[block]
		{
			Pallet::<T>::advance(block::<T>(2));
		}
		assert_eq!(CurrentPhase::<T>::get(), Phase::Sprint);
	}

	#[benchmark]
	fn enter_phase() {
		Pallet::<T>::advance(block::<T>(1));
		let reveal = SprintParams::DEV.phases.start_of(Phase::Reveal).saturating_add(1);
		#[block]
		{
			Pallet::<T>::advance(block::<T>(reveal));
		}
		assert_eq!(CurrentPhase::<T>::get(), Phase::Reveal);
	}

	#[benchmark]
	fn start_epoch() {
		Pallet::<T>::advance(block::<T>(1));
		let next = SprintParams::DEV.phases.total().saturating_add(1);
		#[block]
		{
			Pallet::<T>::advance(block::<T>(next));
		}
		assert_eq!(CurrentEpoch::<T>::get().map(|e| e.index), Some(1));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
