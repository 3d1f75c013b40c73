//! Executors' reports (`finish`): each is the developer's signed request with the tokens used
//! and the output's hash. The chain checks what the executor could not fake: the developer's
//! signature on this chain, that the reporter is the request's drawn executor, the anchor and
//! report window, that the request was not reported before, and the token count; then it takes `tokens × price`, at most
//! what the deposit holds, into escrow, and queues the job for its re-check draw.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::ensure;
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::Hash32;
use sp_runtime::{
	traits::{Saturating, Verify, Zero},
	DispatchError,
};

use crate::{
	Config, Error, Event, Job, JobStatus, Jobs, Models, Pallet, Params, Prices, QueuedJobs,
	ReportOf, RequestOf, SampleQueue, Served, UsedTokens,
};

impl<T: Config> Pallet<T> {
	/// What a developer's signature covers: the chain's genesis hash and the request, so that
	/// it is valid on this chain only.
	pub fn signing_payload(request: &RequestOf<T>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(genesis, request).encode()
	}

	/// A job's key: the BLAKE2b-256 of its signed request.
	pub fn job_key(request: &RequestOf<T>) -> Hash32 {
		sp_io::hashing::blake2_256(&request.encode())
	}

	/// Accepts each of `reports` that holds, and records why the others do not.
	pub(crate) fn accept_reports(executor: &T::AccountId, reports: Vec<ReportOf<T>>) {
		for (index, report) in reports.into_iter().enumerate() {
			if let Err(error) = Self::accept_report(executor, report) {
				let index = u32::try_from(index).unwrap_or(u32::MAX);
				Self::deposit_event(Event::ReportRefused { index, error });
			}
		}
	}

	fn accept_report(executor: &T::AccountId, report: ReportOf<T>) -> Result<(), DispatchError> {
		let request = &report.request;
		let payload = Self::signing_payload(request);
		ensure!(
			report.signature.verify(&payload[..], &request.developer),
			Error::<T>::BadSignature
		);
		let params = Params::<T>::get();
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			request.anchor < now
				&& request.valid_until
					<= request.anchor.saturating_add(params.request_blocks.into()),
			Error::<T>::BadAnchor
		);
		let last = request.valid_until.saturating_add(params.report_blocks.into());
		ensure!(now <= last, Error::<T>::ReportTooLate);
		let key = Self::job_key(request);
		ensure!(
			!Self::job_reported(&key) && !Jobs::<T>::contains_key(key),
			Error::<T>::AlreadyReported
		);
		let model = Models::<T>::get(request.model).ok_or(Error::<T>::UnknownModel)?;
		let drawn = Self::executor_for(request).ok_or(Error::<T>::BadAnchor)?;
		ensure!(drawn == *executor, Error::<T>::NotExecutor);
		ensure!(
			report.tokens > 0
				&& report.tokens <= request.max_tokens
				&& report.tokens <= model.architecture.context,
			Error::<T>::InvalidTokenCount
		);
		let price =
			Prices::<T>::get(request.model).unwrap_or(model.base_price).min(request.max_price);
		let cost = price.saturating_mul(report.tokens.into());
		let charged = Self::charge(&request.developer, cost);
		ensure!(!charged.is_zero() || cost.is_zero(), Error::<T>::DepositEmpty);
		Self::mark_reported(key, last);
		UsedTokens::<T>::mutate(request.model, |used| {
			*used = used.saturating_add(report.tokens.into())
		});
		Self::open_job(
			key,
			Job {
				developer: request.developer.clone(),
				model: request.model,
				executor: executor.clone(),
				body_hash: request.body_hash,
				served: Served { tokens: report.tokens, output_hash: report.output_hash },
				charged,
				reported_at: now,
				status: JobStatus::Reported,
				deadline: now,
			},
		);
		SampleQueue::<T>::mutate(|(_, tail)| {
			QueuedJobs::<T>::insert(*tail, key);
			*tail = tail.saturating_add(1);
		});
		Self::deposit_event(Event::Finished {
			job: key,
			developer: request.developer.clone(),
			nonce: request.nonce,
			executor: executor.clone(),
			tokens: report.tokens,
			charged,
		});
		Ok(())
	}
}
