//! Benchmarks of the marketplace's calls and its repricing, each on its most expensive path:
//! `MaxServers` servers to draw from and to tally, a dispute decided by the last vote, every
//! model repriced.

use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::{
	traits::{Bounded, Saturating},
	Perbill,
};

use crate::{
	BalanceOf, Call, Config, InferenceRequest, JobCount, JobStatus, Jobs, LlamaArchitecture,
	MarketParams, ModelCount, ModelId, Pallet, Params, Servers, UsedTokens, MAX_MODEL_NAME_LEN,
};

/// What benchmarks need from the runtime: a developer key that signs requests, and hosts with
/// compute weight.
pub trait BenchmarkHelper<AccountId, Signature> {
	/// A new developer account whose key [`BenchmarkHelper::sign`] can use.
	fn developer() -> AccountId;
	/// `developer`'s signature over `payload`.
	fn sign(developer: &AccountId, payload: &[u8]) -> Signature;
	/// Makes `who` a host with compute weight `weight`.
	fn set_weight(who: &AccountId, weight: u64);
}

/// The price per token of the benchmarks' models: the existential deposit, so that the
/// executor's and the treasury's shares can open accounts.
fn price<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(1u32.into())
}

/// Registers a model and returns its id.
fn model<T: Config>() -> ModelId {
	let id = ModelCount::<T>::get();
	let name = BoundedVec::truncate_from(vec![b'm'; MAX_MODEL_NAME_LEN as usize]);
	let _ = Pallet::<T>::add_model(name, LlamaArchitecture::TEST_MODEL, [7; 32], price::<T>());
	id
}

/// `MaxServers` hosts with weight serving `model`; returns them.
fn servers<T: Config>(model: ModelId) -> vec::Vec<T::AccountId> {
	(0..T::MaxServers::get())
		.map(|index| {
			let host: T::AccountId = account("server", index, 0);
			T::BenchmarkHelper::set_weight(&host, 100);
			let _ = Pallet::<T>::add_server(host.clone(), model);
			host
		})
		.collect()
}

/// A funded developer's signed request for `model`, accepted: its id.
fn accepted<T: Config>(model: ModelId) -> u64 {
	let (request, signature) = signed_request::<T>(model);
	let id = JobCount::<T>::get();
	let _ = Pallet::<T>::accept(request, signature);
	id
}

/// A funded developer's signed request for `model`.
fn signed_request<T: Config>(model: ModelId) -> (crate::RequestOf<T>, T::Signature) {
	let developer = T::BenchmarkHelper::developer();
	T::Currency::set_balance(&developer, price::<T>().saturating_mul(10_000u32.into()));
	let request = InferenceRequest {
		developer: developer.clone(),
		model,
		max_tokens: 512,
		max_price: price::<T>(),
		body_hash: [1; 32],
		nonce: 1,
		valid_until: BlockNumberFor::<T>::max_value(),
	};
	let signature = T::BenchmarkHelper::sign(&developer, &Pallet::<T>::signing_payload(&request));
	(request, signature)
}

/// Every request re-checked, so that `finish` takes the checker's path.
fn always_recheck<T: Config>() {
	Params::<T>::put(MarketParams {
		recheck_ceiling: Perbill::one(),
		recheck_floor: Perbill::one(),
		..Params::<T>::get()
	});
}

/// Request `id`, served and sampled: its checker.
fn rechecking<T: Config>(id: u64) -> Result<T::AccountId, BenchmarkError> {
	let job = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?;
	Pallet::<T>::report(job.executor.clone(), id, 100, [2; 32])
		.map_err(|_| BenchmarkError::Stop("not reported"))?;
	match Jobs::<T>::get(id).map(|job| job.status) {
		Some(JobStatus::Rechecking { checker, .. }) => Ok(checker),
		_ => Err(BenchmarkError::Stop("not sampled")),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_model() -> Result<(), BenchmarkError> {
		let origin =
			T::ModelOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let name = BoundedVec::truncate_from(vec![b'm'; MAX_MODEL_NAME_LEN as usize]);
		let before = ModelCount::<T>::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, name, LlamaArchitecture::TEST_MODEL, [7; 32], price::<T>());
		assert_eq!(ModelCount::<T>::get(), before + 1);
		Ok(())
	}

	#[benchmark]
	fn serve() {
		let model = model::<T>();
		let host: T::AccountId = account("host", 0, 0);
		T::BenchmarkHelper::set_weight(&host, 100);
		#[extrinsic_call]
		_(RawOrigin::Signed(host.clone()), model);
		assert!(Servers::<T>::get(model).contains(&host));
	}

	#[benchmark]
	fn stop_serving() {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		let last = hosts.last().cloned().unwrap_or_else(|| account("server", 0, 0));
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), model);
		assert!(!Servers::<T>::get(model).contains(&last));
	}

	#[benchmark]
	fn request() {
		let model = model::<T>();
		servers::<T>(model);
		let (developers_request, signature) = signed_request::<T>(model);
		let relayer: T::AccountId = account("relayer", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(relayer), developers_request, signature);
		assert_eq!(JobCount::<T>::get(), 1);
	}

	/// Sampled: the checker drawn among `MaxServers − 1` servers.
	#[benchmark]
	fn finish() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		servers::<T>(model);
		always_recheck::<T>();
		let id = accepted::<T>(model);
		let executor = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?.executor;
		#[extrinsic_call]
		_(RawOrigin::Signed(executor), id, 100, [2; 32]);
		assert!(matches!(
			Jobs::<T>::get(id).map(|job| job.status),
			Some(JobStatus::Rechecking { .. })
		));
		Ok(())
	}

	/// Failed: the dispute opens over `MaxServers − 1` servers' weight.
	#[benchmark]
	fn recheck() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		servers::<T>(model);
		always_recheck::<T>();
		let id = accepted::<T>(model);
		let checker = rechecking::<T>(id)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(checker), id, false);
		assert!(matches!(
			Jobs::<T>::get(id).map(|job| job.status),
			Some(JobStatus::Disputed { .. })
		));
		Ok(())
	}

	/// The vote that decides the dispute: the developer refunded, the executor punished and
	/// removed from every model's servers.
	#[benchmark]
	fn vote() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		always_recheck::<T>();
		let id = accepted::<T>(model);
		let checker = rechecking::<T>(id)?;
		Pallet::<T>::judge(checker.clone(), id, false)
			.map_err(|_| BenchmarkError::Stop("not disputed"))?;
		let executor = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?.executor;
		let voters: vec::Vec<_> =
			hosts.into_iter().filter(|host| *host != executor && *host != checker).collect();
		let (last, others) = voters.split_last().ok_or(BenchmarkError::Stop("no voters"))?;
		// All but the last vote: the last one's weight makes the majority.
		let needed = others.len().saturating_sub(others.len() / 2);
		for voter in others.iter().take(needed.saturating_sub(1)) {
			Pallet::<T>::cast_vote(voter.clone(), id, false)
				.map_err(|_| BenchmarkError::Stop("vote refused"))?;
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), id, false);
		assert!(Jobs::<T>::get(id).is_none());
		Ok(())
	}

	/// An unanswered re-check, paid.
	#[benchmark]
	fn close_expired() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		servers::<T>(model);
		always_recheck::<T>();
		let id = accepted::<T>(model);
		rechecking::<T>(id)?;
		let deadline = Jobs::<T>::get(id).ok_or(BenchmarkError::Stop("no job"))?.deadline;
		frame_system::Pallet::<T>::set_block_number(deadline.saturating_add(1u32.into()));
		let anyone: T::AccountId = account("anyone", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(anyone), id);
		assert!(Jobs::<T>::get(id).is_none());
		Ok(())
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin =
			T::ParamsOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = MarketParams { price_period: 20, ..Params::<T>::get() };
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	/// `m` models, each used above its target, each repriced.
	#[benchmark]
	fn reprice(m: Linear<0, 64>) {
		for index in 0..m {
			let model = model::<T>();
			let host: T::AccountId = account("server", index, 0);
			T::BenchmarkHelper::set_weight(&host, 100);
			let _ = Pallet::<T>::add_server(host, model);
			UsedTokens::<T>::insert(model, u64::MAX);
		}
		let period: BlockNumberFor<T> = Params::<T>::get().price_period.into();
		#[block]
		{
			Pallet::<T>::reprice_at(period);
		}
		if m > 0 {
			assert_eq!(UsedTokens::<T>::get(0), 0);
		}
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
