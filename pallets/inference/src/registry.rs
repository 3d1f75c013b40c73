//! The registry: models governance registers, and the hosts that serve each.

use frame_support::{
	ensure,
	traits::{ConstU32, Get},
	BoundedVec,
};
use gonka_primitives::{text::is_printable, Hash32};
use sp_runtime::{DispatchError, DispatchResult};

use crate::{
	BalanceOf, Config, CurrentDraws, Error, Event, InferenceHosts, LlamaArchitecture, Model,
	ModelCount, ModelId, Models, Pallet, Prices, Servers, MAX_MODEL_NAME_LEN,
};

impl LlamaArchitecture {
	/// Whether the sizes are positive and fit together.
	pub fn is_valid(&self) -> bool {
		let sizes = [
			self.vocab_size,
			self.hidden_size,
			self.intermediate_size,
			self.layers,
			self.heads,
			self.kv_heads,
			self.context,
		];
		sizes.iter().all(|size| *size > 0)
			&& self.hidden_size.is_multiple_of(self.heads)
			&& self.heads.is_multiple_of(self.kv_heads)
	}
}

impl<T: Config> Pallet<T> {
	pub(crate) fn add_model(
		name: BoundedVec<u8, ConstU32<MAX_MODEL_NAME_LEN>>,
		architecture: LlamaArchitecture,
		weights_hash: Hash32,
		base_price: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!name.is_empty() && is_printable(&name), Error::<T>::InvalidModelName);
		ensure!(architecture.is_valid(), Error::<T>::InvalidArchitecture);
		let model = ModelCount::<T>::get();
		ensure!(model < T::MaxModels::get(), Error::<T>::TooManyModels);
		Models::<T>::insert(model, Model { name, architecture, weights_hash, base_price });
		Prices::<T>::insert(model, base_price);
		ModelCount::<T>::put(model.saturating_add(1));
		Self::deposit_event(Event::ModelRegistered { model, weights_hash, base_price });
		Ok(())
	}

	pub(crate) fn add_server(host: T::AccountId, model: ModelId) -> DispatchResult {
		ensure!(Models::<T>::contains_key(model), Error::<T>::UnknownModel);
		ensure!(T::Hosts::weight(&host) > 0, Error::<T>::NotAHost);
		Servers::<T>::try_mutate(model, |servers| {
			ensure!(!servers.contains(&host), Error::<T>::AlreadyServing);
			servers.try_push(host.clone()).map_err(|_| Error::<T>::TooManyServers)
		})?;
		// Nobody can have been drawn for a model without servers: it may start at once.
		if CurrentDraws::<T>::decode_len(model).unwrap_or(0) == 0 {
			Self::refresh_draw(model);
		}
		Self::deposit_event(Event::Serving { host, model });
		Ok(())
	}

	pub(crate) fn remove_server(host: T::AccountId, model: ModelId) -> DispatchResult {
		Servers::<T>::try_mutate(model, |servers| {
			let before = servers.len();
			servers.retain(|server| *server != host);
			ensure!(servers.len() < before, Error::<T>::NotServing);
			Ok::<_, DispatchError>(())
		})?;
		Self::deposit_event(Event::StoppedServing { host, model });
		Ok(())
	}

	/// Removes `host` from every model's servers.
	pub(crate) fn stop_serving_everything(host: &T::AccountId) {
		for model in 0..ModelCount::<T>::get() {
			Servers::<T>::mutate(model, |servers| servers.retain(|server| server != host));
		}
	}
}
