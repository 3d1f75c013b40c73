//! # Inference pallet
//!
//! The marketplace in which developers buy inference from hosts (DESIGN.md §1, §6):
//! - a model registry that only `ModelOrigin` (`ComputeMajority`) extends;
//! - hosts declare the models they serve ([`Pallet::serve`]);
//! - a developer signs an [`InferenceRequest`]; any host relays it ([`Pallet::request`]); the
//!   maximum cost is held from the developer's account and an executor is drawn among the
//!   model's servers, weighted by compute weight;
//! - the executor reports the tokens used and the output's hash ([`Pallet::finish`]): the real
//!   cost is paid, 80% to the executor and 20% to the training treasury, the rest released;
//! - a request not finished by its deadline is refunded in full ([`Pallet::refund_expired`]).
//!
//! Work in progress (issue 9): price steps with utilisation and sampled re-checks come next;
//! `weights.rs` is to be generated once `benchmarking.rs` exists.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod marketplace;
pub mod types;
pub mod weights;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The compute weight hosts earned: what the executor draw is weighted by.
pub trait ComputeWeights<AccountId> {
	/// `who`'s weight in the last settled epoch; 0 for accounts that are not hosts.
	fn weight(who: &AccountId) -> u64;
}

/// The marketplace's balance type.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

/// A request as developers sign it for this runtime.
pub type RequestOf<T> = InferenceRequest<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// A job as the runtime stores it.
pub type JobOf<T> = Job<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::{fungible, Randomness},
	};
	use frame_system::pallet_prelude::*;
	use gonka_primitives::Hash32;
	use sp_runtime::traits::{IdentifyAccount, Verify};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The maximum cost of a developer's request, until it is settled or refunded.
		Escrow,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency requests are paid in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;
		/// The runtime's hold reasons, of which [`HoldReason::Escrow`] is one.
		type RuntimeHoldReason: From<HoldReason>;
		/// The signature developers sign requests with.
		type Signature: Verify<Signer = Self::Signer> + Parameter;
		/// Its public key, which is the developer's account.
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;
		/// Who may register models: `ComputeMajority`.
		type ModelOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Hosts' compute weight.
		type Weights: ComputeWeights<Self::AccountId>;
		/// Randomness for the executor draw.
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;
		/// The training treasury and its share of revenue.
		type Training: pallet_treasury_for_training::TrainingFund<Self::AccountId, BalanceOf<Self>>;
		/// The most models the registry holds.
		#[pallet::constant]
		type MaxModels: Get<u32>;
		/// The most hosts serving one model.
		#[pallet::constant]
		type MaxServers: Get<u32>;
		/// Blocks an executor has to finish a request.
		#[pallet::constant]
		type RequestTimeout: Get<BlockNumberFor<Self>>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Registered models, by id.
	#[pallet::storage]
	pub type Models<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, Model<BalanceOf<T>>, OptionQuery>;

	/// The number of models registered: the next model's id.
	#[pallet::storage]
	pub type ModelCount<T: Config> = StorageValue<_, ModelId, ValueQuery>;

	/// The hosts serving each model.
	#[pallet::storage]
	pub type Servers<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, BoundedVec<T::AccountId, T::MaxServers>, ValueQuery>;

	/// Requests in progress, by id.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, u64, JobOf<T>, OptionQuery>;

	/// The number of requests accepted: the next request's id.
	#[pallet::storage]
	pub type JobCount<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// Request nonces each developer has used.
	#[pallet::storage]
	pub type UsedNonces<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, u64, (), OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance registered a model.
		ModelRegistered {
			/// Its id.
			model: ModelId,
			/// Its weights' hash.
			weights_hash: Hash32,
			/// Its price per token.
			base_price: BalanceOf<T>,
		},
		/// A host serves a model from now on.
		Serving {
			/// The host.
			host: T::AccountId,
			/// The model.
			model: ModelId,
		},
		/// A host stopped serving a model.
		StoppedServing {
			/// The host.
			host: T::AccountId,
			/// The model.
			model: ModelId,
		},
		/// A request was accepted, its maximum cost held, its executor drawn.
		Requested {
			/// The request's id.
			id: u64,
			/// Who pays.
			developer: T::AccountId,
			/// The host that serves it.
			executor: T::AccountId,
			/// What is held.
			escrow: BalanceOf<T>,
		},
		/// A request was served and paid.
		Finished {
			/// The request's id.
			id: u64,
			/// Tokens used, prompt and completion.
			tokens: u32,
			/// BLAKE2b-256 of the output and its per-token top-k log-probabilities.
			output_hash: Hash32,
			/// What the developer paid.
			cost: BalanceOf<T>,
			/// Of it, to the executor.
			to_executor: BalanceOf<T>,
			/// Of it, to the training treasury.
			to_treasury: BalanceOf<T>,
		},
		/// A request passed its deadline unserved: its escrow went back to the developer.
		Refunded {
			/// The request's id.
			id: u64,
			/// What was released.
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The registry holds `MaxModels` models.
		TooManyModels,
		/// The model name must be printable UTF-8, not empty.
		InvalidModelName,
		/// The architecture's sizes must be positive and fit together (heads divide the width,
		/// key/value heads divide the heads).
		InvalidArchitecture,
		/// No model has this id.
		UnknownModel,
		/// Only hosts with compute weight may serve.
		NotAHost,
		/// The host already serves this model.
		AlreadyServing,
		/// The host does not serve this model.
		NotServing,
		/// The model has `MaxServers` servers.
		TooManyServers,
		/// The developer's signature does not match the request.
		BadSignature,
		/// The request's `valid_until` has passed.
		RequestExpired,
		/// The developer already used this nonce.
		NonceUsed,
		/// The request asks for no tokens, or more than the model's context.
		InvalidTokenCount,
		/// The model's price is above the request's `max_price`.
		PriceTooHigh,
		/// No host with compute weight serves the model.
		NoServer,
		/// The developer cannot hold the maximum cost.
		InsufficientFunds,
		/// No request has this id.
		UnknownRequest,
		/// Only the request's executor may finish it.
		NotExecutor,
		/// More tokens than the request paid for.
		TooManyTokens,
		/// The request's deadline has not passed.
		NotExpired,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers a model. Only `ModelOrigin` (`ComputeMajority`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_model())]
		pub fn register_model(
			origin: OriginFor<T>,
			name: BoundedVec<u8, ConstU32<MAX_MODEL_NAME_LEN>>,
			architecture: LlamaArchitecture,
			weights_hash: Hash32,
			base_price: BalanceOf<T>,
		) -> DispatchResult {
			T::ModelOrigin::ensure_origin(origin)?;
			Self::add_model(name, architecture, weights_hash, base_price)
		}

		/// Declares that the sender, a host with compute weight, serves `model`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::serve())]
		pub fn serve(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::add_server(host, model)
		}

		/// The sender stops serving `model`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::stop_serving())]
		pub fn stop_serving(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::remove_server(host, model)
		}

		/// Relays a developer's signed `request`: holds its maximum cost and draws its
		/// executor. The sender (any account, usually the host the developer called) pays the
		/// transaction.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::request())]
		pub fn request(
			origin: OriginFor<T>,
			request: RequestOf<T>,
			signature: T::Signature,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::accept(request, signature)
		}

		/// The executor reports request `id` served with `tokens` tokens and the hash of its
		/// output; the developer pays the real cost.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::finish())]
		pub fn finish(
			origin: OriginFor<T>,
			id: u64,
			tokens: u32,
			output_hash: Hash32,
		) -> DispatchResult {
			let executor = ensure_signed(origin)?;
			Self::settle(executor, id, tokens, output_hash)
		}

		/// Refunds request `id`, unserved past its deadline. Anyone may call it.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::refund_expired())]
		pub fn refund_expired(origin: OriginFor<T>, id: u64) -> DispatchResult {
			ensure_signed(origin)?;
			Self::refund(id)
		}
	}
}
