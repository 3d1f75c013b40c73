//! Benchmarks of the marketplace's calls and hooks, each on its most expensive path:
//! `MaxServers` servers to draw from, full batches of reports, disputes with
//! [`MAX_DISPUTE_CHECKERS`] checkers, every model repriced and redrawn.

use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use gonka_primitives::Hash32;
use sp_runtime::{traits::Saturating, Perbill};

use crate::{
	BalanceOf, BlockVrfs, Call, Config, CurrentDraws, InferenceRequest, JobExpiries, JobStatus,
	Jobs, LlamaArchitecture, MarketParams, ModelCount, ModelId, Pallet, Params, QueuedJobs, Report,
	ReportOf, ReportedJobs, SampleQueue, Servers, UsedTokens, Verdict, WeightInfo,
	MAX_DISPUTE_CHECKERS, MAX_MODEL_NAME_LEN,
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

/// `MaxServers` hosts with weight serving `model`, in its draw; returns them.
fn servers<T: Config>(model: ModelId) -> Vec<T::AccountId> {
	let hosts: Vec<T::AccountId> = (0..T::MaxServers::get())
		.map(|index| {
			let host: T::AccountId = account("server", index, 0);
			T::BenchmarkHelper::set_weight(&host, 100);
			host
		})
		.collect();
	Servers::<T>::insert(model, BoundedVec::truncate_from(hosts.clone()));
	Pallet::<T>::refresh_draw(model);
	hosts
}

/// Moves to block 10 with a VRF output for block 9, the benchmarks' anchor.
fn anchored<T: Config>() -> BlockNumberFor<T> {
	let anchor: BlockNumberFor<T> = 9u32.into();
	frame_system::Pallet::<T>::set_block_number(anchor.saturating_add(1u32.into()));
	BlockVrfs::<T>::insert(anchor, [5; 32]);
	anchor
}

/// A funded developer's request for `model`, signed until the draw gives it to `executor`.
fn report_for<T: Config>(model: ModelId, executor: &T::AccountId) -> ReportOf<T> {
	let developer = T::BenchmarkHelper::developer();
	T::Currency::set_balance(&developer, price::<T>().saturating_mul(100_000u32.into()));
	let _ = Pallet::<T>::add_deposit(&developer, price::<T>().saturating_mul(50_000u32.into()));
	let anchor: BlockNumberFor<T> = 9u32.into();
	let mut nonce = 0u64;
	loop {
		let request = InferenceRequest {
			developer: developer.clone(),
			model,
			body_hash: [1; 32],
			nonce,
			max_tokens: 512,
			max_price: price::<T>(),
			valid_until: anchor.saturating_add(1u32.into()),
			anchor,
		};
		let drawn = Pallet::<T>::executor_for(&request);
		if drawn.as_ref() == Some(executor) || nonce > 10_000 {
			let signature =
				T::BenchmarkHelper::sign(&developer, &Pallet::<T>::signing_payload(&request));
			return Report { request, signature, tokens: 100, output_hash: [2; 32] };
		}
		nonce = nonce.saturating_add(1);
	}
}

/// Every report re-checked.
fn always_recheck<T: Config>() {
	Params::<T>::put(MarketParams {
		recheck_ceiling: Perbill::one(),
		recheck_floor: Perbill::one(),
		dispute_checkers: MAX_DISPUTE_CHECKERS,
		..Params::<T>::get()
	});
}

/// A job of `model` reported by the first of `hosts` and sampled: its key and checker.
fn rechecking<T: Config>(
	model: ModelId,
	hosts: &[T::AccountId],
) -> Result<(Hash32, T::AccountId), BenchmarkError> {
	let executor = hosts.first().ok_or(BenchmarkError::Stop("no hosts"))?;
	let report = report_for::<T>(model, executor);
	let key = Pallet::<T>::job_key(&report.request);
	Pallet::<T>::accept_reports(executor, vec![report]);
	let reported = frame_system::Pallet::<T>::block_number();
	BlockVrfs::<T>::insert(reported.saturating_add(1u32.into()), [6; 32]);
	Pallet::<T>::sample_reported(reported.saturating_add(2u32.into()));
	match Jobs::<T>::get(key).map(|job| job.status) {
		Some(JobStatus::Rechecking { checker }) => Ok((key, checker)),
		_ => Err(BenchmarkError::Stop("not sampled")),
	}
}

/// A job disputed by its checker: its key and the drawn checkers.
fn disputed<T: Config>(
	model: ModelId,
	hosts: &[T::AccountId],
) -> Result<(Hash32, Vec<T::AccountId>), BenchmarkError> {
	let (key, checker) = rechecking::<T>(model, hosts)?;
	Pallet::<T>::judge(checker, key, Verdict::Failed)
		.map_err(|_| BenchmarkError::Stop("not judged"))?;
	match Jobs::<T>::get(key).map(|job| job.status) {
		Some(JobStatus::Disputed { checkers, .. }) => {
			Ok((key, checkers.into_iter().map(|(host, _)| host).collect()))
		}
		_ => Err(BenchmarkError::Stop("not disputed")),
	}
}

/// Whether `last`'s accusation would decide the dispute over `key` as forged.
fn deciding<T: Config>(key: Hash32, last: &T::AccountId) -> bool {
	let Some(JobStatus::Disputed { checkers, forged, .. }) = Jobs::<T>::get(key).map(|j| j.status)
	else {
		return false;
	};
	let total = checkers.iter().fold(0u64, |sum, (_, weight)| sum.saturating_add(*weight));
	let own = checkers.iter().find(|(host, _)| host == last).map_or(0, |(_, weight)| *weight);
	forged.saturating_add(own) > total / 2
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
		assert_eq!(ModelCount::<T>::get(), before.saturating_add(1));
		Ok(())
	}

	/// The last server of an empty draw: the draw is written at once, over every server.
	#[benchmark]
	fn serve() {
		let model = model::<T>();
		let mut hosts = servers::<T>(model);
		let host = hosts.pop().unwrap_or_else(|| account("server", 0, 0));
		Servers::<T>::insert(model, BoundedVec::truncate_from(hosts));
		CurrentDraws::<T>::remove(model);
		#[extrinsic_call]
		_(RawOrigin::Signed(host.clone()), model);
		assert!(CurrentDraws::<T>::get(model).iter().any(|(server, _)| *server == host));
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
	fn deposit() {
		let developer: T::AccountId = account("developer", 0, 0);
		T::Currency::set_balance(&developer, price::<T>().saturating_mul(1_000u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(developer.clone()), price::<T>());
		assert_eq!(Pallet::<T>::available_deposit(&developer), price::<T>());
	}

	#[benchmark]
	fn unlock() {
		let developer: T::AccountId = account("developer", 0, 0);
		T::Currency::set_balance(&developer, price::<T>().saturating_mul(1_000u32.into()));
		let _ = Pallet::<T>::add_deposit(&developer, price::<T>().saturating_mul(2u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(developer.clone()), price::<T>());
		assert_eq!(Pallet::<T>::available_deposit(&developer), price::<T>());
	}

	#[benchmark]
	fn withdraw() {
		let developer: T::AccountId = account("developer", 0, 0);
		T::Currency::set_balance(&developer, price::<T>().saturating_mul(1_000u32.into()));
		let _ = Pallet::<T>::add_deposit(&developer, price::<T>().saturating_mul(2u32.into()));
		let _ = Pallet::<T>::start_unlock(&developer, price::<T>());
		let delay: BlockNumberFor<T> = Params::<T>::get().withdraw_delay.into();
		frame_system::Pallet::<T>::set_block_number(delay.saturating_add(10u32.into()));
		#[extrinsic_call]
		_(RawOrigin::Signed(developer.clone()));
		assert_eq!(Pallet::<T>::available_deposit(&developer), price::<T>());
	}

	/// `n` reports of as many developers, each drawn among `MaxServers` servers.
	#[benchmark]
	fn finish(n: Linear<1, { T::MaxReports::get() }>) -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		anchored::<T>();
		let executor = hosts.first().cloned().ok_or(BenchmarkError::Stop("no hosts"))?;
		let reports: Vec<_> = (0..n).map(|_| report_for::<T>(model, &executor)).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(executor), BoundedVec::truncate_from(reports));
		assert_eq!(SampleQueue::<T>::get().1, u64::from(n));
		Ok(())
	}

	/// `n` reported jobs sampled, each given a checker drawn among `MaxServers − 1` servers.
	/// From one job on, the draw reads every server's weight once: the hook declares no more
	/// than its queue's head and tail for a block that samples none.
	#[benchmark]
	fn sample(n: Linear<1, { T::MaxSamplesPerBlock::get() }>) -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		always_recheck::<T>();
		let reported = anchored::<T>().saturating_add(1u32.into());
		let executor = hosts.first().cloned().ok_or(BenchmarkError::Stop("no hosts"))?;
		let reports: Vec<_> = (0..n).map(|_| report_for::<T>(model, &executor)).collect();
		Pallet::<T>::accept_reports(&executor, reports);
		BlockVrfs::<T>::insert(reported.saturating_add(1u32.into()), [6; 32]);
		#[block]
		{
			Pallet::<T>::sample_reported(reported.saturating_add(2u32.into()));
		}
		assert_eq!(SampleQueue::<T>::get().0, u64::from(n));
		assert!(QueuedJobs::<T>::iter().next().is_none());
		Ok(())
	}

	/// Failed: the dispute draws its checkers among `MaxServers − 2` servers.
	#[benchmark]
	fn recheck() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		always_recheck::<T>();
		anchored::<T>();
		let (key, checker) = rechecking::<T>(model, &hosts)?;
		#[extrinsic_call]
		_(RawOrigin::Signed(checker), key, Verdict::Failed);
		assert!(matches!(
			Jobs::<T>::get(key).map(|job| job.status),
			Some(JobStatus::Disputed { .. })
		));
		Ok(())
	}

	/// The verdict that decides the dispute: the developer refunded, the executor punished and
	/// removed from every model's servers.
	#[benchmark]
	fn vote() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		always_recheck::<T>();
		anchored::<T>();
		let (key, checkers) = disputed::<T>(model, &hosts)?;
		let (last, others) = checkers.split_last().ok_or(BenchmarkError::Stop("no checkers"))?;
		// The others accuse until the last checker's verdict is the one that decides.
		for checker in others {
			if deciding::<T>(key, last) {
				break;
			}
			Pallet::<T>::give_verdict(checker.clone(), key, false)
				.map_err(|_| BenchmarkError::Stop("verdict refused"))?;
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), key, false);
		assert!(Jobs::<T>::get(key).is_none());
		Ok(())
	}

	/// A dispute nobody answered: paid, every checker penalised for silence.
	#[benchmark]
	fn close_expired() -> Result<(), BenchmarkError> {
		let model = model::<T>();
		let hosts = servers::<T>(model);
		always_recheck::<T>();
		anchored::<T>();
		let (key, _) = disputed::<T>(model, &hosts)?;
		let deadline = Jobs::<T>::get(key).ok_or(BenchmarkError::Stop("no job"))?.deadline;
		frame_system::Pallet::<T>::set_block_number(deadline.saturating_add(1u32.into()));
		let anyone: T::AccountId = account("anyone", 0, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(anyone), key);
		assert!(Jobs::<T>::get(key).is_none());
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
		let mut first = None;
		for index in 0..m {
			let model = model::<T>();
			first.get_or_insert(model);
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
		if let Some(model) = first {
			assert_eq!(UsedTokens::<T>::get(model), 0);
		}
	}

	/// A new draw period: `m` models of `MaxServers` servers each redrawn, each model with its
	/// own servers (every server's weight is read once), as many as the hook declares: the
	/// storage work grows with models × servers, which a fit over two components cannot
	/// express, so the servers are held at their most. The genesis's models are replaced, so
	/// that `m` is every model there is.
	#[benchmark]
	fn refresh_draws(m: Linear<1, { T::MaxModels::get() }>) {
		ModelCount::<T>::kill();
		let servers = T::MaxServers::get();
		let mut first = None;
		for seed in 0..m {
			let model = model::<T>();
			first.get_or_insert(model);
			let hosts: Vec<T::AccountId> = (0..servers)
				.map(|index| {
					let host: T::AccountId = account("server", index, seed);
					T::BenchmarkHelper::set_weight(&host, 100);
					host
				})
				.collect();
			Servers::<T>::insert(model, BoundedVec::truncate_from(hosts));
		}
		let period: BlockNumberFor<T> = Params::<T>::get().draw_period.into();
		let now = period.saturating_mul(3u32.into());
		#[block]
		{
			Pallet::<T>::refresh_draws_at(now);
		}
		assert_eq!(first.map(|model| CurrentDraws::<T>::get(model).len() as u32), Some(servers));
	}

	/// One expired report forgotten.
	#[benchmark]
	fn prune_nonce() {
		let expiry: BlockNumberFor<T> = 1u32.into();
		Pallet::<T>::mark_reported([7; 32], expiry);
		#[block]
		{
			Pallet::<T>::prune_reported(
				3u32.into(),
				T::WeightInfo::prune_nonce().saturating_mul(4),
			);
		}
		assert!(ReportedJobs::<T>::get([7; 32]).is_none());
		assert!(JobExpiries::<T>::iter().next().is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
