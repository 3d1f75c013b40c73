//! The runtime API the node's inference service, gateways and clients read the marketplace
//! with.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use gonka_primitives::Hash32;
use scale_info::TypeInfo;

use crate::{
	Config, Deposit, InferenceRequest, Job, JobStatus, Jobs, Model, ModelCount, ModelId, Models,
	Pallet, Prices, Servers, Verdicts,
};

/// A registered model as clients see it: what governance registered, its price now and who
/// serves it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ModelSummary<AccountId, Balance> {
	/// Its id.
	pub id: ModelId,
	/// Name, architecture, weights hash and base price.
	pub model: Model<Balance>,
	/// The price per token a request pays now.
	pub price: Balance,
	/// The hosts that serve it.
	pub servers: Vec<AccountId>,
}

/// Something a host must do for the marketplace now.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Encode, Decode, TypeInfo)]
pub enum Duty {
	/// Re-check the job as its drawn checker (`recheck`).
	Recheck(Hash32),
	/// Give a verdict in the job's dispute (`vote`).
	Judge(Hash32),
	/// Close the host's own job, whose re-check or dispute ran out (`close_expired`).
	Close(Hash32),
}

sp_api::decl_runtime_apis! {
	/// The inference marketplace.
	pub trait InferenceApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Every registered model, in id order.
		fn models() -> Vec<ModelSummary<AccountId, Balance>>;
		/// Job `key` (the BLAKE2b-256 of its signed request) until it is settled.
		fn job(key: Hash32) -> Option<Job<AccountId, Balance, BlockNumber>>;
		/// The compute weight `who`'s draws and verdicts count: 0 for accounts that may not
		/// serve.
		fn host_weight(who: AccountId) -> u64;
		/// The bytes a developer signs to authorise `request` on this chain.
		fn signing_payload(request: InferenceRequest<AccountId, Balance, BlockNumber>) -> Vec<u8>;
		/// The executor of `request`: none while its anchor's VRF output is unknown, or when
		/// nobody serves its model.
		fn executor_for(request: InferenceRequest<AccountId, Balance, BlockNumber>) -> Option<AccountId>;
		/// `developer`'s deposit.
		fn deposit(developer: AccountId) -> Option<Deposit<Balance, BlockNumber>>;
		/// Whether job `key` was reported and can still be reported.
		fn job_reported(key: Hash32) -> bool;
		/// What `host` must do now: re-checks, dispute verdicts and its jobs to close.
		fn duties(host: AccountId) -> Vec<Duty>;
	}
}

impl<T: Config> Pallet<T> {
	/// Every registered model with its price and servers.
	pub fn model_summaries() -> Vec<ModelSummary<T::AccountId, crate::BalanceOf<T>>> {
		(0..ModelCount::<T>::get())
			.filter_map(|id| {
				let model = Models::<T>::get(id)?;
				let price = Prices::<T>::get(id).unwrap_or(model.base_price);
				Some(ModelSummary { id, model, price, servers: Servers::<T>::get(id).into_inner() })
			})
			.collect()
	}

	/// What `host` must do now. Reads every job: for the node, never for a block.
	pub fn duties_of(host: &T::AccountId) -> Vec<Duty> {
		let now = frame_system::Pallet::<T>::block_number();
		Jobs::<T>::iter()
			.filter_map(|(key, job)| {
				let open = now <= job.deadline;
				match &job.status {
					JobStatus::Rechecking { checker } if open && checker == host => {
						Some(Duty::Recheck(key))
					}
					JobStatus::Disputed { checkers, .. }
						if open
							&& checkers.iter().any(|(checker, _)| checker == host)
							&& !Verdicts::<T>::contains_key(key, host) =>
					{
						Some(Duty::Judge(key))
					}
					JobStatus::Rechecking { .. } | JobStatus::Disputed { .. }
						if !open && job.executor == *host =>
					{
						Some(Duty::Close(key))
					}
					_ => None,
				}
			})
			.collect()
	}
}
