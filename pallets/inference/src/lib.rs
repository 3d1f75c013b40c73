//! # Inference pallet
//!
//! The marketplace in which developers buy inference from hosts, revision 2 of DESIGN.md §6b:
//! served at once, paid on chain, checked honestly.
//! - a model registry that only `ModelOrigin` (`ComputeMajority`) extends; hosts declare
//!   the models they serve ([`Pallet::serve`]);
//! - [`deposits`]: a developer's inference deposit ([`Pallet::deposit`]), withdrawn after a
//!   delay longer than any job lives ([`Pallet::unlock`], [`Pallet::withdraw`]);
//! - [`draws`]: requests are signed off chain with an `anchor` block; the executor is drawn
//!   by compute weight with `blake2_256(job_key ‖ vrf_output(anchor))` (the job key is the
//!   signed request's hash), among the servers and weights of the draw period the anchor lies
//!   in, so any node can find it and serve at once, and the chain can check it;
//! - [`reports`]: the executor reports what it served in batches ([`Pallet::finish`]); each
//!   report's signature, draw, freshness (a request is reported once while it can be, see
//!   [`replay`]) and price are checked, and the cost, at most what the deposit holds, moves to
//!   escrow;
//! - [`rechecks`]: the VRF output of the block after a report decides whether it is
//!   re-checked, so no executor can time its report to dodge the draw. A checker's failed
//!   verdict opens a dispute that `dispute_checkers` more servers decide by more than half of
//!   their weight: a forger is punished for forgery, an overturned accuser for false
//!   accusation. Silence is no verdict: an unanswered re-check is paid and counts as the
//!   silent hosts' downtime;
//! - [`settlement`]: a paid job gives 80% of its cost to the executor and 20% to the training
//!   treasury; a forged one goes back to the deposit;
//! - [`pricing`]: each model's price moves every `price_period` blocks with the utilisation
//!   of its servers' capacity.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod deposits;
mod draws;
mod invariants;
mod pricing;
mod rechecks;
mod registry;
mod replay;
mod reports;
pub mod runtime_api;
mod settlement;
pub mod types;
mod vrf;
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
pub trait InferenceHosts<AccountId: Clone> {
	/// The host whose duties `signer` performs: the host whose operator key it is, else
	/// itself. Serving, reports and verdicts count, and are paid, as that host's.
	fn acting_for(signer: &AccountId) -> AccountId {
		signer.clone()
	}
	/// The most [`InferenceHosts::acting_for`] costs: what it adds to a host's call, which is
	/// benchmarked as signed by the host itself.
	fn acting_for_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
	/// `who`'s compute weight in the last settled epoch (0 for accounts that are not hosts):
	/// what draws and votes are weighted by.
	fn weight(who: &AccountId) -> u64;
	/// `who`'s reputation as a share of the highest: the re-check rate falls with it.
	fn reputation(who: &AccountId) -> sp_runtime::Perbill;
	/// `who` served a forged inference, as a dispute decided: slash it, zero its reputation,
	/// remove it.
	fn punish_forgery(who: &AccountId);
	/// `who` accused an honest executor, as a dispute decided: punished as for forgery.
	fn punish_false_accusation(who: &AccountId);
	/// `who` was drawn to re-check or decide a dispute and gave no verdict in time: the
	/// downtime penalty.
	fn punish_silence(who: &AccountId);
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

/// An executor's report as this runtime takes it.
pub type ReportOf<T> = Report<RequestOf<T>, <T as Config>::Signature>;

/// A developer's deposit as this runtime stores it.
pub type DepositOf<T> = Deposit<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

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
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use gonka_primitives::Hash32;
	use sp_runtime::traits::{IdentifyAccount, SaturatedConversion, Verify};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A reported request's cost, from its report until it is paid or refunded.
		Escrow,
		/// A developer's inference deposit.
		Deposit,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency requests are paid in.
		type Currency: fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;
		/// The runtime's hold reasons, of which [`HoldReason`]'s are two.
		type RuntimeHoldReason: From<HoldReason>;
		/// The signature developers sign requests with.
		type Signature: Verify<Signer = Self::Signer> + Parameter + MaxEncodedLen;
		/// Its public key, which is the developer's account.
		type Signer: IdentifyAccount<AccountId = Self::AccountId>;
		/// Who may register models: `ComputeMajority`.
		type ModelOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Hosts' compute weight and reputation, and their punishment.
		type Hosts: InferenceHosts<Self::AccountId>;
		/// Who may change [`Params`].
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The VRF output of the parent block (BABE's, every slot of the chain carries one):
		/// read in each block's `on_initialize` and kept for the draws.
		type ParentBlockVrf: Get<Option<Hash32>>;
		/// The training treasury and its share of revenue.
		type Training: pallet_treasury_for_training::TrainingFund<Self::AccountId, BalanceOf<Self>>;
		/// The most models the registry holds.
		#[pallet::constant]
		type MaxModels: Get<u32>;
		/// The most hosts serving one model.
		#[pallet::constant]
		type MaxServers: Get<u32>;
		/// The most reports one [`Pallet::finish`] carries.
		#[pallet::constant]
		type MaxReports: Get<u32>;
		/// The most reported jobs sampled for re-checks in one block.
		#[pallet::constant]
		type MaxSamplesPerBlock: Get<u32>;
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

	/// The hosts serving each model; they enter the draw at the next draw period.
	#[pallet::storage]
	pub type Servers<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, BoundedVec<T::AccountId, T::MaxServers>, ValueQuery>;

	/// Each model's servers with compute weight and their weight, as the draws of requests
	/// anchored in the current draw period see them.
	#[pallet::storage]
	pub type CurrentDraws<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ModelId,
		BoundedVec<(T::AccountId, u64), T::MaxServers>,
		ValueQuery,
	>;

	/// The same for requests anchored in the draw period before.
	#[pallet::storage]
	pub type PreviousDraws<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ModelId,
		BoundedVec<(T::AccountId, u64), T::MaxServers>,
		ValueQuery,
	>;

	/// The first block of the current draw period and of the one before.
	#[pallet::storage]
	pub type DrawPeriods<T: Config> =
		StorageValue<_, (BlockNumberFor<T>, BlockNumberFor<T>), ValueQuery>;

	/// The VRF output of each recent block, recorded in the block after it; kept for
	/// [`MarketParams::job_life`] blocks.
	#[pallet::storage]
	pub type BlockVrfs<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, Hash32, OptionQuery>;

	/// Each model's price per token now: its base price, moved with utilisation.
	#[pallet::storage]
	pub type Prices<T: Config> = StorageMap<_, Twox64Concat, ModelId, BalanceOf<T>, OptionQuery>;

	/// Tokens each model's requests used in the current price period.
	#[pallet::storage]
	pub type UsedTokens<T: Config> = StorageMap<_, Twox64Concat, ModelId, u64, ValueQuery>;

	/// Developers' inference deposits.
	#[pallet::storage]
	pub type Deposits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, DepositOf<T>, OptionQuery>;

	/// Reported requests until they are settled, by the BLAKE2b-256 of the signed request.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Identity, Hash32, JobOf<T>, OptionQuery>;

	/// How many jobs each executor has in [`Jobs`]: served, not yet settled. Its collateral
	/// cannot be withdrawn while any is open.
	#[pallet::storage]
	pub type OpenJobs<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Reported jobs waiting for their re-check draw, in report order: `SampleQueue` holds
	/// positions `head..tail` of [`QueuedJobs`].
	#[pallet::storage]
	pub type SampleQueue<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	/// The jobs of the sample queue, by position.
	#[pallet::storage]
	pub type QueuedJobs<T: Config> = StorageMap<_, Twox64Concat, u64, Hash32, OptionQuery>;

	/// Jobs reported, by key, with the last block at which their request could be reported:
	/// a report of the same request is refused until then.
	#[pallet::storage]
	pub type ReportedJobs<T: Config> =
		StorageMap<_, Identity, Hash32, BlockNumberFor<T>, OptionQuery>;

	/// The same keys by the block after which they are forgotten, for pruning.
	#[pallet::storage]
	pub type JobExpiries<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Identity, Hash32, (), OptionQuery>;

	/// Keys expiring up to this block are pruned.
	#[pallet::storage]
	pub type JobsPrunedTo<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Who gave a verdict in each dispute.
	#[pallet::storage]
	pub type Verdicts<T: Config> =
		StorageDoubleMap<_, Identity, Hash32, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; [`MarketParams::default`] when absent.
		pub params: Option<MarketParams>,
		/// Models registered from the start, in id order.
		pub models: alloc::vec::Vec<GenesisModel>,
		/// Developers' inference deposits from the start, held from their balances.
		pub deposits: alloc::vec::Vec<(T::AccountId, u128)>,
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
			for (developer, amount) in &self.deposits {
				Pallet::<T>::add_deposit(developer, BalanceOf::<T>::saturated_from(*amount))
					.expect("genesis deposits are covered by the developers' balances");
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::record_parent_vrf(now)
				.saturating_add(Self::refresh_draws_at(now))
				.saturating_add(Self::sample_reported(now))
				.saturating_add(Self::reprice_at(now))
		}

		fn on_idle(now: BlockNumberFor<T>, limit: Weight) -> Weight {
			Self::prune_reported(now, limit)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
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
		/// A host serves a model from the next draw period on.
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
		/// A developer's inference deposit grew.
		Deposited {
			/// The developer.
			developer: T::AccountId,
			/// What was added.
			amount: BalanceOf<T>,
		},
		/// A developer asked to withdraw part of its deposit.
		Unlocking {
			/// The developer.
			developer: T::AccountId,
			/// The part on its way out, in all.
			amount: BalanceOf<T>,
			/// From when it can be withdrawn.
			at: BlockNumberFor<T>,
		},
		/// A developer withdrew what it had unlocked.
		Withdrawn {
			/// The developer.
			developer: T::AccountId,
			/// What went back to its free balance.
			amount: BalanceOf<T>,
		},
		/// An executor's report was accepted: its cost moved from the deposit to escrow.
		Finished {
			/// The job: BLAKE2b-256 of the signed request.
			job: Hash32,
			/// Who pays.
			developer: T::AccountId,
			/// The request's nonce.
			nonce: u64,
			/// The executor.
			executor: T::AccountId,
			/// Tokens used, prompt and completion.
			tokens: u32,
			/// What was taken from the deposit: tokens × price, or what the deposit held.
			charged: BalanceOf<T>,
		},
		/// A report of a batch was refused; the others stand.
		ReportRefused {
			/// Its position in the batch.
			index: u32,
			/// Why.
			error: DispatchError,
		},
		/// A reported job was sampled for a re-check: it is paid once the checker passes it.
		RecheckRequested {
			/// The job.
			job: Hash32,
			/// The host that re-computes it.
			checker: T::AccountId,
		},
		/// A job was paid.
		Paid {
			/// The job.
			job: Hash32,
			/// What the developer paid.
			cost: BalanceOf<T>,
			/// Of it, to the executor.
			to_executor: BalanceOf<T>,
			/// Of it, to the training treasury.
			to_treasury: BalanceOf<T>,
		},
		/// The checker could not get the executor's evidence of a job: its charge went back
		/// to the developer's deposit, and nobody is punished.
		EvidenceWithheld {
			/// The job.
			job: Hash32,
		},
		/// A forged job's charge went back to the developer's deposit.
		Refunded {
			/// The job.
			job: Hash32,
			/// What went back.
			amount: BalanceOf<T>,
		},
		/// The checker found a job forged: `checkers` decide.
		Disputed {
			/// The job.
			job: Hash32,
			/// The checker that accused.
			accuser: T::AccountId,
			/// The hosts drawn to decide.
			checkers: alloc::vec::Vec<T::AccountId>,
			/// The last block of the dispute.
			until: BlockNumberFor<T>,
		},
		/// A dispute's checker gave its verdict.
		Verdict {
			/// The job.
			job: Hash32,
			/// The checker.
			checker: T::AccountId,
			/// Whether it found the job served honestly.
			valid: bool,
			/// Its compute weight.
			weight: u64,
		},
		/// A dispute was decided by more than half of its checkers' weight: forged, the
		/// executor is punished; not, the accuser is.
		DisputeDecided {
			/// The job.
			job: Hash32,
			/// The verdict.
			forged: bool,
		},
		/// A host drawn to judge a job gave no verdict in time: the job is paid, the silence
		/// counts as its downtime.
		Silent {
			/// The job.
			job: Hash32,
			/// The silent host.
			host: T::AccountId,
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
		/// A deposit, an unlock or a withdrawal of nothing.
		ZeroAmount,
		/// The account's free balance cannot hold the deposit.
		InsufficientFunds,
		/// More than the deposit holds outside what is already unlocking.
		NotEnoughDeposit,
		/// Nothing is unlocking, or its delay has not passed.
		NothingToWithdraw,
		/// The developer's signature does not match the request.
		BadSignature,
		/// The request's anchor is not a recent past block whose VRF output the chain keeps,
		/// or its `valid_until` is more than `request_blocks` after it.
		BadAnchor,
		/// The request's report window (`valid_until` + `report_blocks`) has passed.
		ReportTooLate,
		/// This request was reported already.
		AlreadyReported,
		/// The reporter is not the executor the draw gives for this request.
		NotExecutor,
		/// The report counts no tokens, or more than the request paid for.
		InvalidTokenCount,
		/// The request's deposit holds nothing.
		DepositEmpty,
		/// No job has this hash.
		UnknownJob,
		/// The job is not at the stage this call belongs to.
		WrongStage,
		/// Only the drawn checker may re-check the job, and only a dispute's drawn checkers
		/// give verdicts in it.
		NotChecker,
		/// The checker already gave its verdict.
		AlreadyJudged,
		/// The stage's deadline has passed.
		DeadlinePassed,
		/// The job's current stage has not reached its deadline.
		NotExpired,
		/// The parameters cannot run: see [`MarketParams::is_valid`].
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

		/// Declares that the sender, a host with compute weight, serves `model`: it enters
		/// the draw at the next draw period (at once when the model has no server in it).
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::serve().saturating_add(T::Hosts::acting_for_weight()))]
		pub fn serve(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let host = T::Hosts::acting_for(&ensure_signed(origin)?);
			Self::add_server(host, model)
		}

		/// The sender stops serving `model` from the next draw period on.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::stop_serving().saturating_add(T::Hosts::acting_for_weight()))]
		pub fn stop_serving(origin: OriginFor<T>, model: ModelId) -> DispatchResult {
			let host = T::Hosts::acting_for(&ensure_signed(origin)?);
			Self::remove_server(host, model)
		}

		/// Adds `amount` of the sender's free balance to its inference deposit.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let developer = ensure_signed(origin)?;
			Self::add_deposit(&developer, amount)
		}

		/// Starts withdrawing `amount` of the sender's deposit: new requests no longer count
		/// on it, and it can be withdrawn `withdraw_delay` blocks later, less what requests
		/// signed before are charged meanwhile.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::unlock())]
		pub fn unlock(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let developer = ensure_signed(origin)?;
			Self::start_unlock(&developer, amount)
		}

		/// Returns what the sender unlocked to its free balance, once the delay has passed.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
			let developer = ensure_signed(origin)?;
			Self::finish_withdrawal(&developer)
		}

		/// The sender's reports of requests it served as their drawn executor. Each is checked
		/// on its own (signature, draw, nonce, window, tokens) and a refused one does not stop
		/// the others ([`Event::ReportRefused`]).
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::finish(reports.len() as u32).saturating_add(T::Hosts::acting_for_weight()))]
		pub fn finish(
			origin: OriginFor<T>,
			reports: BoundedVec<ReportOf<T>, T::MaxReports>,
		) -> DispatchResult {
			let executor = T::Hosts::acting_for(&ensure_signed(origin)?);
			Self::accept_reports(&executor, reports.into_inner());
			Ok(())
		}

		/// The drawn checker's verdict on `job`: passed, the job is paid; failed, a dispute
		/// opens; the executor withheld its evidence, the charge goes back to the deposit.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::recheck().saturating_add(T::Hosts::acting_for_weight()))]
		pub fn recheck(origin: OriginFor<T>, job: Hash32, verdict: Verdict) -> DispatchResult {
			let checker = T::Hosts::acting_for(&ensure_signed(origin)?);
			Self::judge(checker, job, verdict)
		}

		/// A dispute checker's verdict on `job`: `valid` when its own re-computation passes.
		/// More than half of the drawn checkers' weight decides at once.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::vote().saturating_add(T::Hosts::acting_for_weight()))]
		pub fn vote(origin: OriginFor<T>, job: Hash32, valid: bool) -> DispatchResult {
			let checker = T::Hosts::acting_for(&ensure_signed(origin)?);
			Self::give_verdict(checker, job, valid)
		}

		/// Closes `job` past its re-check's or dispute's deadline: it is paid (silence never
		/// convicts) and the hosts that gave no verdict are penalised for downtime. Anyone may
		/// call it.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::close_expired())]
		pub fn close_expired(origin: OriginFor<T>, job: Hash32) -> DispatchResult {
			ensure_signed(origin)?;
			Self::close(job)
		}

		/// Sets the marketplace's parameters. Only `ParamsOrigin`.
		#[pallet::call_index(10)]
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
