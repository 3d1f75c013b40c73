//! Benchmarks of the community pool's calls, each on its most expensive path: the longest
//! call proposed, a vote replacing an earlier one, a vote of `v` voters that missed the quorum
//! closed and its deposit forfeited, the longest call decoded and dispatched.

use alloc::{boxed::Box, vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, EnsureOrigin, Get},
	weights::Weight,
};
use frame_system::RawOrigin as SystemOrigin;
use sp_runtime::Saturating;

use crate::{
	BalanceOf, Call, ComputeVotes, Config, GovernanceParams, Pallet, Params, ProposalStage,
	Proposals, VoteChoice, Votes, MAX_CALL_LEN,
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

/// A proposal of the longest call by a proposer with weight 1 beside a host of weight `100`.
fn proposal<T: Config>() -> Result<u32, BenchmarkError> {
	let host = funded::<T>("host", 0);
	T::Votes::set_weight_for_benchmarks(&host, 100);
	let proposer = funded::<T>("proposer", 0);
	T::Votes::set_weight_for_benchmarks(&proposer, 1);
	Pallet::<T>::propose(SystemOrigin::Signed(proposer).into(), longest_call::<T>())
		.map_err(|_| BenchmarkError::Weightless)?;
	Ok(crate::NextProposal::<T>::get().saturating_sub(1))
}

/// Moves past the end of proposal `index`'s vote.
fn after_vote<T: Config>(index: u32) -> Result<(), BenchmarkError> {
	let ends = Proposals::<T>::get(index).map(|p| p.ends).ok_or(BenchmarkError::Weightless)?;
	frame_system::Pallet::<T>::set_block_number(ends.saturating_add(1u32.into()));
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn propose() {
		let host = funded::<T>("host", 0);
		T::Votes::set_weight_for_benchmarks(&host, 100);
		let proposer = funded::<T>("proposer", 0);
		T::Votes::set_weight_for_benchmarks(&proposer, 1);
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

	/// A vote of `v` voters, each of weight 1 beside the host's 100, that missed the quorum:
	/// every vote removed and the deposit forfeited to the pool.
	#[benchmark]
	fn close(v: Linear<1, 1_000>) -> Result<(), BenchmarkError> {
		// A host that does not vote holds nearly all the weight: the quorum is out of reach.
		T::Votes::set_weight_for_benchmarks(&account("host", 1, 0), 1_000_000);
		let index = proposal::<T>()?;
		for i in 0..v {
			let voter: T::AccountId = account("voter", i, 0);
			T::Votes::set_weight_for_benchmarks(&voter, 1);
			Pallet::<T>::vote(SystemOrigin::Signed(voter).into(), index, VoteChoice::Aye)
				.map_err(|_| BenchmarkError::Weightless)?;
		}
		after_vote::<T>(index)?;
		let closer = funded::<T>("closer", 0);
		#[extrinsic_call]
		_(SystemOrigin::Signed(closer), index, v);
		assert!(!Proposals::<T>::contains_key(index));
		Ok(())
	}

	/// A passed proposal of the longest call, decoded and dispatched (the call's own weight
	/// is added by the caller).
	#[benchmark]
	fn enact() -> Result<(), BenchmarkError> {
		let index = proposal::<T>()?;
		let host: T::AccountId = account("host", 0, 0);
		Pallet::<T>::vote(SystemOrigin::Signed(host).into(), index, VoteChoice::Aye)
			.map_err(|_| BenchmarkError::Weightless)?;
		after_vote::<T>(index)?;
		let closer = funded::<T>("closer", 0);
		Pallet::<T>::close(SystemOrigin::Signed(closer.clone()).into(), index, 1)
			.map_err(|_| BenchmarkError::Weightless)?;
		let Some(ProposalStage::Approved { enact_at }) =
			Proposals::<T>::get(index).map(|proposal| proposal.stage)
		else {
			return Err(BenchmarkError::Stop("not approved"));
		};
		frame_system::Pallet::<T>::set_block_number(enact_at);
		#[extrinsic_call]
		_(SystemOrigin::Signed(closer), index, Weight::MAX);
		assert!(!Proposals::<T>::contains_key(index));
		Ok(())
	}

	#[benchmark]
	fn authorize_upgrade() -> Result<(), BenchmarkError> {
		let origin =
			T::UpgradeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as <T as frame_system::Config>::RuntimeOrigin, T::Hash::default());
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = GovernanceParams { voting_period: 100, enactment_delay: 100 };
		#[extrinsic_call]
		_(origin as <T as frame_system::Config>::RuntimeOrigin, params);
		assert_eq!(Params::<T>::get(), params);
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
