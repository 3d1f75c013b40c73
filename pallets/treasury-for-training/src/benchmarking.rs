//! Benchmark of the grant: the longest purpose, a beneficiary whose account it creates.

use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	BoundedVec,
};

use crate::{Call, Config, GrantCount, Pallet, MAX_PURPOSE_LEN};

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn grant() -> Result<(), BenchmarkError> {
		let origin =
			T::GrantOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		T::Currency::set_balance(&T::TreasuryAccount::get(), 1_000_000_000u32.into());
		let beneficiary: T::AccountId = account("beneficiary", 0, 0);
		let purpose = BoundedVec::truncate_from(vec![b'a'; MAX_PURPOSE_LEN as usize]);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 500_000_000u32.into(), beneficiary, purpose);
		assert_eq!(GrantCount::<T>::get(), 1);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
