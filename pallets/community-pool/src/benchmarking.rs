//! Benchmarks of the community pool's calls, each on its most expensive path: the longest
//! call proposed, a vote replacing an earlier one, a passed proposal closed with `v` voters.

use alloc::{boxed::Box, vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::Weight,
};
use frame_system::RawOrigin as SystemOrigin;
use sp_runtime::Saturating;

use crate::{
	BalanceOf, Call, ComputeVotes, Config, Pallet, Proposals, VoteChoice, Votes, MAX_CALL_LEN,
};

/// An account with enough for many deposits.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let plenty: BalanceOf<T> = T::ProposalDeposit::get().saturating_mul(100u32.into());
	T::Currency::set_balance(&who, plenty.saturating_add(1_000_000_000u32.into()));
	who
}

/// The longest call a proposal may carry: a remark filling the bound.
fn longest_call<T: Config>() -> Box<<T as Config>::RuntimeCall> {
	let remark = vec![1u8; (MAX_CALL_LEN as usize).saturating_sub(8)];
	Box::new(frame_system::Call::<T>::remark { remark }.into())
}

/// A proposal by a fresh proposer, with a voter of weight `1` so that an epoch is settled.
fn proposal<T: Config>() -> Result<u32, BenchmarkError> {
	let host = funded::<T>("host", 0);
	T::Votes::set_weight_for_benchmarks(&host, 100);
	let proposer = funded::<T>("proposer", 0);
	Pallet::<T>::propose(SystemOrigin::Signed(proposer).into(), longest_call::<T>())
		.map_err(|_| BenchmarkError::Weightless)?;
	Ok(crate::NextProposal::<T>::get().saturating_sub(1))
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn propose() {
		let host = funded::<T>("host", 0);
		T::Votes::set_weight_for_benchmarks(&host, 100);
		let proposer = funded::<T>("proposer", 0);
		#[extrinsic_call]
		_(SystemOrigin::Signed(proposer), longest_call::<T>());
		assert!(Proposals::<T>::contains_key(0));
	}

	#[benchmark]
	fn vote() -> Result<(), BenchmarkError> {
		let index = proposal::<T>()?;
		let voter: T::AccountId = account("host", 0, 0);
		Pallet::<T>::vote(SystemOrigin::Signed(voter.clone()).into(), index, VoteChoice::Nay)
			.map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(SystemOrigin::Signed(voter.clone()), index, VoteChoice::Aye);
		assert!(matches!(Votes::<T>::get(index, &voter), Some((VoteChoice::Aye, _))));
		Ok(())
	}

	/// A passed proposal with `v` voters (its call's own weight is added by the caller).
	#[benchmark]
	fn close(v: Linear<1, 1_000>) -> Result<(), BenchmarkError> {
		let index = proposal::<T>()?;
		for i in 0..v {
			let voter: T::AccountId = account("voter", i, 0);
			T::Votes::set_weight_for_benchmarks(&voter, 100);
			Pallet::<T>::vote(SystemOrigin::Signed(voter).into(), index, VoteChoice::Aye)
				.map_err(|_| BenchmarkError::Weightless)?;
		}
		let ends = Proposals::<T>::get(index).map(|p| p.ends).ok_or(BenchmarkError::Weightless)?;
		frame_system::Pallet::<T>::set_block_number(ends.saturating_add(1u32.into()));
		let closer = funded::<T>("closer", 0);
		#[extrinsic_call]
		_(SystemOrigin::Signed(closer), index, v, Weight::MAX);
		assert!(!Proposals::<T>::contains_key(index));
		Ok(())
	}

	#[benchmark]
	fn spend() -> Result<(), BenchmarkError> {
		let origin =
			T::SpendOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let pool = T::PoolAccount::get();
		T::Currency::set_balance(&pool, 1_000_000_000u32.into());
		let beneficiary: T::AccountId = account("beneficiary", 0, 0);
		#[extrinsic_call]
		_(
			origin as <T as frame_system::Config>::RuntimeOrigin,
			500_000_000u32.into(),
			beneficiary.clone(),
		);
		assert!(frame_system::Pallet::<T>::account_exists(&beneficiary));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
