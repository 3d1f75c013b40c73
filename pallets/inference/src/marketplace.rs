//! The marketplace's logic: registry, servers, accepting a request (signature, escrow,
//! executor draw), settling it and refunding it.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{
	ensure,
	traits::{
		fungible::{InspectHold, Mutate, MutateHold},
		tokens::{Precision, Preservation},
		ConstU32, Get, Randomness,
	},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::{text::is_printable, Hash32};
use pallet_treasury_for_training::TrainingFund;
use sp_runtime::{
	traits::{Saturating, Verify, Zero},
	DispatchError, DispatchResult,
};

use crate::{
	BalanceOf, ComputeWeights, Config, Error, Event, HoldReason, Job, JobCount, Jobs,
	LlamaArchitecture, Model, ModelCount, ModelId, Models, Pallet, RequestOf, Servers, UsedNonces,
	MAX_MODEL_NAME_LEN,
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
		ModelCount::<T>::put(model.saturating_add(1));
		Self::deposit_event(Event::ModelRegistered { model, weights_hash, base_price });
		Ok(())
	}

	pub(crate) fn add_server(host: T::AccountId, model: ModelId) -> DispatchResult {
		ensure!(Models::<T>::contains_key(model), Error::<T>::UnknownModel);
		ensure!(T::Weights::weight(&host) > 0, Error::<T>::NotAHost);
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
		let price = model.base_price;
		ensure!(price <= request.max_price, Error::<T>::PriceTooHigh);
		let escrow = price.saturating_mul(request.max_tokens.into());
		let id = JobCount::<T>::get();
		let executor = Self::draw_executor(request.model, id)?;
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
				prompt_hash: request.prompt_hash,
				deadline: now.saturating_add(T::RequestTimeout::get()),
			},
		);
		Self::deposit_event(Event::Requested {
			id,
			developer: request.developer,
			executor,
			escrow,
		});
		Ok(())
	}

	/// A server of `model` drawn with probability proportional to its compute weight, with
	/// the block's randomness and the request's id.
	fn draw_executor(model: ModelId, id: u64) -> Result<T::AccountId, DispatchError> {
		let weighted: Vec<(T::AccountId, u128)> = Servers::<T>::get(model)
			.into_iter()
			.map(|host| {
				let weight = u128::from(T::Weights::weight(&host));
				(host, weight)
			})
			.filter(|(_, weight)| *weight > 0)
			.collect();
		let total = weighted.iter().fold(0u128, |sum, (_, weight)| sum.saturating_add(*weight));
		let (random, _) = T::Randomness::random(&(b"gonka/executor", id).encode());
		let mut bytes = [0u8; 16];
		for (to, from) in bytes.iter_mut().zip(random.as_ref()) {
			*to = *from;
		}
		let mut point =
			u128::from_le_bytes(bytes).checked_rem(total).ok_or(Error::<T>::NoServer)?;
		for (host, weight) in weighted {
			if point < weight {
				return Ok(host);
			}
			point = point.saturating_sub(weight);
		}
		Err(Error::<T>::NoServer.into())
	}

	pub(crate) fn settle(
		executor: T::AccountId,
		id: u64,
		tokens: u32,
		output_hash: Hash32,
	) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(job.executor == executor, Error::<T>::NotExecutor);
		ensure!(tokens <= job.max_tokens, Error::<T>::TooManyTokens);
		let cost = job.price.saturating_mul(tokens.into());
		T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.developer,
			job.escrow,
			Precision::BestEffort,
		)?;
		let to_treasury = T::Training::share_of(cost);
		let to_executor = cost.saturating_sub(to_treasury);
		T::Currency::transfer(&job.developer, &executor, to_executor, Preservation::Expendable)?;
		T::Training::fund(&job.developer, to_treasury)?;
		Jobs::<T>::remove(id);
		Self::deposit_event(Event::Finished {
			id,
			tokens,
			output_hash,
			cost,
			to_executor,
			to_treasury,
		});
		Ok(())
	}

	pub(crate) fn refund(id: u64) -> DispatchResult {
		let job = Jobs::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now > job.deadline, Error::<T>::NotExpired);
		let amount = T::Currency::release(
			&HoldReason::Escrow.into(),
			&job.developer,
			job.escrow,
			Precision::BestEffort,
		)?;
		Jobs::<T>::remove(id);
		Self::deposit_event(Event::Refunded { id, amount });
		Ok(())
	}

	/// What `who` has held in escrow.
	pub fn escrowed(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::Escrow.into(), who)
	}
}
