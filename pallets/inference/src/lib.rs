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
//! - a sample of finished requests, `max(floor, ceiling · (1 − reputation))` of them, waits
//!   for a checker drawn among the model's other servers ([`Pallet::recheck`]); a failed
//!   re-check is voted on by those servers' compute weight ([`Pallet::vote`]), and a forgery
//!   refunds the developer and has the executor slashed and removed;
//! - each model's price moves every `price_period` blocks with the utilisation of its
//!   servers' capacity, by at most `max_price_step`, between its base price and
//!   `max_price_multiple` times it;
//! - a request past its stage's deadline is closed by anyone ([`Pallet::close_expired`]):
//!   unserved, it is refunded; unchecked, it is paid; disputed, the votes cast decide.
//!

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod marketplace;
mod pricing;
mod recheck;
pub mod runtime_api;
mod settlement;
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

/// What the marketplace asks of the host registry: host-reputation implements it.
pub trait InferenceHosts<AccountId> {
	/// `who`'s compute weight in the last settled epoch (0 for accounts that are not hosts):
	/// what draws and votes are weighted by.
	fn weight(who: &AccountId) -> u64;
	/// `who`'s reputation as a share of the highest: the re-check rate falls with it.
	fn reputation(who: &AccountId) -> sp_runtime::Perbill;
	/// `who` served a forged inference, as the vote decided: slash it, zero its reputation,
	/// remove it.
	fn punish_forgery(who: &AccountId);
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
	use sp_runtime::traits::{IdentifyAccount, SaturatedConversion, Verify};

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
		/// Hosts' compute weight and reputation, and their punishment.
		type Hosts: InferenceHosts<Self::AccountId>;
		/// Who may change [`Params`].
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
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
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
		/// Developer keys and hosts with weight for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: benchmarking::BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// The marketplace's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, MarketParams, ValueQuery>;

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

	/// Each model's price per token now: its base price, moved with utilisation.
	#[pallet::storage]
	pub type Prices<T: Config> = StorageMap<_, Twox64Concat, ModelId, BalanceOf<T>, OptionQuery>;

	/// Tokens each model's requests used in the current price period.
	#[pallet::storage]
	pub type UsedTokens<T: Config> = StorageMap<_, Twox64Concat, ModelId, u64, ValueQuery>;

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

	/// Who voted on each disputed request.
	#[pallet::storage]
	pub type Votes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; [`MarketParams::default`] when absent.
		pub params: Option<MarketParams>,
		/// Models registered from the start, in id order.
		pub models: alloc::vec::Vec<GenesisModel>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_default();
			// A genesis that cannot run is a mistake in the chain spec: refuse to build it.
			assert!(params.is_valid(), "invalid inference parameters in genesis");
			Params::<T>::put(params);
			for model in &self.models {
				let name = BoundedVec::try_from(model.name.clone().into_bytes())
					.expect("genesis model names are at most 64 bytes");
				let price = BalanceOf::<T>::saturated_from(model.base_price);
				Pallet::<T>::add_model(name, model.architecture, model.weights_hash, price)
					.expect("genesis models are valid");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::reprice_at(now)
		}
	}

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
			/// The developer's nonce of the request.
			nonce: u64,
			/// The host that serves it.
			executor: T::AccountId,
			/// What is held.
			escrow: BalanceOf<T>,
		},
		/// The executor served a request.
		Finished {
			/// The request's id.
			id: u64,
			/// Tokens used, prompt and completion.
			tokens: u32,
			/// BLAKE2b-256 of the output and its per-token top-k log-probabilities.
			output_hash: Hash32,
		},
		/// A served request was sampled for a re-check: it is paid once the checker passes it.
		RecheckRequested {
			/// The request's id.
			id: u64,
			/// The host that re-computes it.
			checker: T::AccountId,
		},
		/// A request was paid at its real cost.
		Paid {
			/// The request's id.
			id: u64,
			/// What the developer paid: tokens × price.
			cost: BalanceOf<T>,
			/// Of it, to the executor.
			to_executor: BalanceOf<T>,
			/// Of it, to the training treasury.
			to_treasury: BalanceOf<T>,
		},
		/// A request's escrow went back to the developer: unserved by its deadline, or forged.
		Refunded {
			/// The request's id.
			id: u64,
			/// What was released.
			amount: BalanceOf<T>,
		},
		/// The checker found a request forged: the model's other servers vote.
		Disputed {
			/// The request's id.
			id: u64,
			/// The checker.
			checker: T::AccountId,
			/// The last block of the vote.
			until: BlockNumberFor<T>,
		},
		/// A server voted on a disputed request.
		Voted {
			/// The request's id.
			id: u64,
			/// The server.
			voter: T::AccountId,
			/// Whether it found the request served honestly.
			valid: bool,
			/// Its compute weight.
			weight: u64,
		},
		/// A dispute was decided: the request is paid (`forged` false) or refunded and its
		/// executor punished (`forged` true).
		DisputeDecided {
			/// The request's id.
			id: u64,
			/// The verdict.
			forged: bool,
		},
		/// A model's price moved with its utilisation.
		PriceChanged {
			/// The model.
			model: ModelId,
			/// The new price per token.
			price: BalanceOf<T>,
		},
		/// The parameters changed.
		ParamsSet {
			/// The new parameters.
			params: MarketParams,
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
		/// The request's current stage has not reached its deadline.
		NotExpired,
		/// The request is not at the stage this call belongs to.
		WrongStage,
		/// Only the drawn checker may re-check the request.
		NotChecker,
		/// The stage's deadline has passed.
		DeadlinePassed,
		/// Only the model's servers with compute weight, not its executor, vote.
		NotAVoter,
		/// The server already voted on this request.
		AlreadyVoted,
		/// The parameters cannot run: periods must be at least a block, the re-check floor at
		/// least 1% and at most the ceiling, capacity and target utilisation above 0, the
		/// price multiple at least 1.
		InvalidParams,
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
		/// output; the developer pays the real cost, at once or once a sampled re-check
		/// passes.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::finish())]
		pub fn finish(
			origin: OriginFor<T>,
			id: u64,
			tokens: u32,
			output_hash: Hash32,
		) -> DispatchResult {
			let executor = ensure_signed(origin)?;
			Self::report(executor, id, tokens, output_hash)
		}

		/// Closes request `id` past its stage's deadline: refunds it unserved, pays it when
		/// its checker did not answer, decides its dispute by the votes cast. Anyone may call
		/// it.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::close_expired())]
		pub fn close_expired(origin: OriginFor<T>, id: u64) -> DispatchResult {
			ensure_signed(origin)?;
			Self::close(id)
		}

		/// The drawn checker's verdict on request `id`, which it re-computed with the
		/// executor's tokens: passed, the request is paid; failed, it is disputed.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::recheck())]
		pub fn recheck(origin: OriginFor<T>, id: u64, passed: bool) -> DispatchResult {
			let checker = ensure_signed(origin)?;
			Self::judge(checker, id, passed)
		}

		/// A vote of one of the model's servers on disputed request `id`: `valid` when its
		/// own re-computation passes. Weighted by compute weight; a side with more than half
		/// of the eligible weight decides at once.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::vote())]
		pub fn vote(origin: OriginFor<T>, id: u64, valid: bool) -> DispatchResult {
			let voter = ensure_signed(origin)?;
			Self::cast_vote(voter, id, valid)
		}

		/// Sets the marketplace's parameters. Only `ParamsOrigin`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: MarketParams) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			ensure!(params.is_valid(), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
