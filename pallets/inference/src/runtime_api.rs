//! The runtime API the node's inference endpoint and clients read the marketplace with.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

use crate::{
	Config, InferenceRequest, Job, Model, ModelCount, ModelId, Models, Pallet, Prices, Servers,
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
		/// Request `id`, while it is in progress.
		fn job(id: u64) -> Option<Job<AccountId, Balance, BlockNumber>>;
		/// The compute weight `who`'s draws and votes count: 0 for accounts that may not serve.
		fn host_weight(who: AccountId) -> u64;
		/// The bytes a developer signs to authorise `request` on this chain.
		fn signing_payload(request: InferenceRequest<AccountId, Balance, BlockNumber>) -> Vec<u8>;
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
}
