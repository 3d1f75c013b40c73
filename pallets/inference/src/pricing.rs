//! Prices that follow demand: every `price_period` blocks each model's price moves toward
//! where its servers' capacity would be used at the target utilisation, by at most
//! `max_price_step` of the price, between the base price and `max_price_multiple` times it.

use frame_support::{traits::Get, weights::Weight};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{SaturatedConversion, Saturating},
	Perbill,
};

use crate::{
	Config, Event, MarketParams, ModelCount, ModelId, Models, Pallet, Params, Prices, Servers,
	UsedTokens, WeightInfo,
};

impl<T: Config> Pallet<T> {
	/// Reprices every model when block `now` ends a price period.
	pub(crate) fn reprice_at(now: BlockNumberFor<T>) -> Weight {
		let params = Params::<T>::get();
		let now: u64 = now.saturated_into();
		if now.checked_rem(params.price_period.into()) != Some(0) {
			return T::DbWeight::get().reads(1);
		}
		let models = ModelCount::<T>::get();
		for model in 0..models {
			Self::reprice(model, &params);
		}
		T::WeightInfo::reprice(models)
	}

	/// Moves `model`'s price by the utilisation of the period that ends, and starts a new one.
	fn reprice(model: ModelId, params: &MarketParams) {
		let Some(base) = Models::<T>::get(model).map(|model| model.base_price) else { return };
		let used = UsedTokens::<T>::take(model);
		let servers = Servers::<T>::decode_len(model).unwrap_or(0) as u64;
		let capacity = servers
			.saturating_mul(params.server_capacity.into())
			.saturating_mul(params.price_period.into());
		// Without servers nobody can buy: the price waits for them.
		if capacity == 0 {
			return;
		}
		let target = params.target_utilisation.mul_ceil(capacity).max(1);
		let price = Prices::<T>::get(model).unwrap_or(base);
		let moved = if used > target {
			let pressure = Perbill::from_rational(used.saturating_sub(target), target);
			price.saturating_add(params.max_price_step.saturating_mul(pressure).mul_ceil(price))
		} else {
			let slack = Perbill::from_rational(target.saturating_sub(used), target);
			price.saturating_sub(params.max_price_step.saturating_mul(slack).mul_floor(price))
		};
		let highest = base.saturating_mul(params.max_price_multiple.into());
		let moved = moved.min(highest).max(base);
		if moved != price {
			Prices::<T>::insert(model, moved);
			Self::deposit_event(Event::PriceChanged { model, price: moved });
		}
	}
}
