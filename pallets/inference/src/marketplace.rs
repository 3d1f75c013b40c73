//! The marketplace's logic: registry, servers, accepting a request (signature, escrow,
//! executor draw) and the weighted draw of hosts.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	traits::{fungible::MutateHold, ConstU32, Get, Randomness},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{text::is_printable, Hash32};
use sp_runtime::{
	traits::{Saturating, Verify, Zero},
	DispatchError, DispatchResult,
};

use crate::{
	BalanceOf, Config, Error, Event, HoldReason, InferenceHosts, Job, JobCount, JobStatus, Jobs,
	LlamaArchitecture, Model, ModelCount, ModelId, Models, Pallet, Params, Prices, RequestOf,
	Servers, UsedNonces, MAX_MODEL_NAME_LEN,
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

	/// What a developer's signature covers: the chain's genesis hash and the request, so that
	/// it is valid on this chain only.
	pub fn signing_payload(request: &RequestOf<T>) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(genesis, request).encode()
	}

	pub(crate) fn accept(request: RequestOf<T>, signature: T::Signature) -> DispatchResult {
		let payload = Self::signing_payload(&request);
		ensure!(signature.verify(&payload[..], &request.developer), Error::<T>::BadSignature);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= request.valid_until, Error::<T>::RequestExpired);
		ensure!(
			!UsedNonces::<T>::contains_key(&request.developer, request.nonce),
			Error::<T>::NonceUsed
		);
		let model = Models::<T>::get(request.model).ok_or(Error::<T>::UnknownModel)?;
		ensure!(
			request.max_tokens > 0 && request.max_tokens <= model.architecture.context,
			Error::<T>::InvalidTokenCount
		);
		let price = Prices::<T>::get(request.model).unwrap_or(model.base_price);
		ensure!(price <= request.max_price, Error::<T>::PriceTooHigh);
		let escrow = price.saturating_mul(request.max_tokens.into());
		let id = JobCount::<T>::get();
		let executor = Self::draw_server(request.model, None, (b"gonka/executor", id))
			.ok_or(Error::<T>::NoServer)?;
		let serve_blocks = Params::<T>::get().serve_blocks;
		T::Currency::hold(&HoldReason::Escrow.into(), &request.developer, escrow)
			.map_err(|_| Error::<T>::InsufficientFunds)?;
		UsedNonces::<T>::insert(&request.developer, request.nonce, ());
		JobCount::<T>::put(id.saturating_add(1));
		Jobs::<T>::insert(
			id,
			Job {
				developer: request.developer.clone(),
				model: request.model,
				executor: executor.clone(),
				price,
				max_tokens: request.max_tokens,
				escrow,
				body_hash: request.body_hash,
				status: JobStatus::Serving,
				deadline: now.saturating_add(serve_blocks.into()),
			},
		);
		Self::deposit_event(Event::Requested {
			id,
			developer: request.developer,
			nonce: request.nonce,
			executor,
			escrow,
		});
		Ok(())
	}

	/// A server of `model` other than `excluded`, drawn with probability proportional to its
	/// compute weight with the block's randomness for `subject`; none when no such server
	/// has weight.
	pub(crate) fn draw_server(
		model: ModelId,
		excluded: Option<&T::AccountId>,
		subject: impl Encode,
	) -> Option<T::AccountId> {
		let weighted = Self::weighted_servers(model, excluded);
		let total = weighted.iter().fold(0u128, |sum, (_, weight)| sum.saturating_add(*weight));
		let (random, _) = T::Randomness::random(&subject.encode());
		let mut bytes = [0u8; 16];
		for (to, from) in bytes.iter_mut().zip(random.as_ref()) {
			*to = *from;
		}
		let mut point = u128::from_le_bytes(bytes).checked_rem(total)?;
		for (host, weight) in weighted {
			if point < weight {
				return Some(host);
			}
			point = point.saturating_sub(weight);
		}
		None
	}

	/// The servers of `model` but `excluded` that have compute weight, with their weight.
	pub(crate) fn weighted_servers(
		model: ModelId,
		excluded: Option<&T::AccountId>,
	) -> Vec<(T::AccountId, u128)> {
		Servers::<T>::get(model)
			.into_iter()
			.filter(|host| Some(host) != excluded)
			.map(|host| {
				let weight = u128::from(T::Hosts::weight(&host));
				(host, weight)
			})
			.filter(|(_, weight)| *weight > 0)
			.collect()
	}
}
