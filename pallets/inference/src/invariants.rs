//! The marketplace's invariants, checked by `try-state` and by the runtime fuzzer after every
//! block: each executor's count of open jobs matches the jobs stored, and no deposit unlocks
//! more than it holds.

use alloc::collections::BTreeMap;
use frame_support::ensure;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{Config, Deposits, Jobs, OpenJobs, Pallet};

impl<T: Config> Pallet<T> {
	/// [`OpenJobs`] counts each executor's stored [`Jobs`], and every deposit's unlocking
	/// part is within its total.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut by_executor = BTreeMap::<T::AccountId, u32>::new();
		for (_, job) in Jobs::<T>::iter() {
			by_executor.entry(job.executor).or_default().saturating_inc();
		}
		let counted: BTreeMap<_, _> = OpenJobs::<T>::iter().collect();
		ensure!(counted == by_executor, "an executor's open jobs are miscounted");
		for (_, deposit) in Deposits::<T>::iter() {
			ensure!(deposit.unlocking <= deposit.total, "a deposit unlocks more than it holds");
		}
		Ok(())
	}
}
