//! # Host-reputation pallet
//!
//! Who may compute, what they put at stake, how trust grows, what fraud costs, and how
//! compute weight elects the block producers (DESIGN.md §1, §3, §6):
//! - **Registration** ([`Pallet::register_host`]): a host puts collateral on hold (a fungible
//!   hold, [`HoldReason::Collateral`]) and describes itself ([`HostInfo`]); it may add
//!   collateral and change its description. [`Pallet::unregister`] keeps it a host until the
//!   epoch ends, then keeps its collateral held, and slashable, for `unbonding_epochs` more;
//!   only then can it be withdrawn, and only once none of its inference jobs can still be
//!   re-checked or disputed ([`OpenJobs`]). Leaving, or being removed, cannot escape a slash
//!   that is still to come.
//! - **Reputation** (0 to 100 points, in hundredths): grows with every accepted epoch, falls
//!   with every missed one, and is zeroed by fraud. The more of it, the fewer leaves a host
//!   is challenged for ([`Pallet::samples_for`]): new hosts are checked hardest.
//! - **Collateral-backed weight** ([`Pallet::backed_weight`]): a free share of a host's weight
//!   needs no collateral; the rest counts only as far as its collateral covers it at
//!   `collateral_per_weight` each. Proof-of-compute caps what one host counts at
//!   `max_weight_share` of the epoch's counted total, and pays `validator_reward_share` of the
//!   emission to the validators whose attestations agreed with the outcome.
//! - **Slashing**: a host whose work validators reject, or that committed and did not pass
//!   its reveal, loses `fraud_slash` of its collateral, all its reputation and its place; one
//!   that was registered for a whole epoch without committing loses `downtime_slash` and some
//!   reputation (checked a page of hosts per block from the validate phase on), and so does a
//!   validator that stays silent on a host it was drawn for. A validator outvoted by the
//!   majority loses reputation, and is slashed as well when it was outvoted the epoch before.
//!   Slashed funds go to `OnSlash` (the community pool); every slash is an event with its
//!   reason.
//! - **Operator keys** ([`Pallet::set_operator`]): the host's account keeps its funds and
//!   collateral away from the node; the node's hot key, named the host's operator with its
//!   consent, submits the host's Proof-of-Compute steps and marketplace duties for it from
//!   the next epoch on ([`Pallet::acting_for`]), and can do nothing else with the host's
//!   account.
//! - **The validator set**: as a `pallet_session::SessionManager`, it elects for each new
//!   session the hosts of the last settled epoch with the most weight that have session
//!   keys, at most `MaxValidators`; when none qualifies the current set stays.
//!
//! The pallet is proof-of-compute's [`HostRegistry`], and reads what proof-of-compute
//! recorded through [`ComputeRecord`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod collateral;
mod downtime;
mod election;
mod governance;
pub mod info;
mod invariants;
pub mod operators;
mod registry;
pub mod types;
pub mod weights;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;

use frame_support::traits::fungible;
use pallet_proof_of_compute::ComputeRecord;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// The registry's balance type.
pub type BalanceOf<T> = <T as Config>::Balance;

/// Work a host did that may still be judged, and slashed: its collateral stays held while
/// any is open.
pub trait OpenJobs<AccountId> {
	/// How many of `who`'s jobs may still be re-checked or disputed.
	fn open_jobs(who: &AccountId) -> u32;
}

impl<AccountId> OpenJobs<AccountId> for () {
	fn open_jobs(_: &AccountId) -> u32 {
		0
	}
}
/// Funds taken by a slash, on their way to [`Config::OnSlash`].
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{tokens::Balance, Contains, OnUnbalanced},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{IdentifyAccount, MaybeSerializeDeserialize, Verify};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Why the pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A host's collateral.
		Collateral,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The balance of collateral.
		type Balance: Balance + MaybeSerializeDeserialize;
		/// The currency collateral is held in.
		type Currency: fungible::MutateHold<
				Self::AccountId,
				Reason = Self::RuntimeHoldReason,
				Balance = Self::Balance,
			> + fungible::BalancedHold<Self::AccountId, Balance = Self::Balance>
			+ fungible::Mutate<Self::AccountId, Balance = Self::Balance>;
		/// The runtime's hold reasons, of which [`HoldReason::Collateral`] is one.
		type RuntimeHoldReason: From<HoldReason>;
		/// Where slashed collateral goes: the community pool.
		type OnSlash: OnUnbalanced<CreditOf<Self>>;
		/// The sprint clock: the epoch in progress.
		type Sprint: pallet_sprint::EpochStatus<BlockNumberFor<Self>>;
		/// What proof-of-compute recorded: who revealed in an epoch.
		type Compute: ComputeRecord<Self::AccountId>;
		/// The accounts that have session keys set, so that they can author blocks.
		type ValidatorKeys: Contains<Self::AccountId>;
		/// The inference jobs a host served that may still be judged (the marketplace's).
		type Jobs: OpenJobs<Self::AccountId>;
		/// Who may change [`Params`].
		type ParamsOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// An operator key's signature over [`operator_consent_payload`]: its consent to act
		/// for a host.
		type OperatorConsent: Verify<Signer = Self::OperatorSigner> + Parameter;
		/// The consent's public key, which is the operator's account.
		type OperatorSigner: IdentifyAccount<AccountId = Self::AccountId>;
		/// The most validators a session has.
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// The most hosts that may be registered at once.
		#[pallet::constant]
		type MaxHosts: Get<u32>;
		/// Hosts checked for downtime per block.
		#[pallet::constant]
		type DowntimeChecksPerBlock: Get<u32>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
		/// Operator keys and their consent for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: operators::BenchmarkHelper<Self::AccountId, Self::OperatorConsent>;
	}

	/// The registry's parameters.
	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, ReputationParams<BalanceOf<T>>, ValueQuery>;

	/// Validators punished for equivocation, by session: each is punished once per session
	/// however often its offence is reported again.
	#[pallet::storage]
	pub type PunishedEquivocations<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// Registered hosts, including those leaving or removed until they withdraw.
	#[pallet::storage]
	pub type Hosts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Host<BalanceOf<T>>, OptionQuery>;

	/// What each host's operator tells about it.
	#[pallet::storage]
	pub type HostInfos<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, HostInfo, OptionQuery>;

	/// Each host's operator keys: the one acting in the epoch in progress and the one taking
	/// over at the next (or one whose term ended, until the host's next change).
	#[pallet::storage]
	pub type Operators<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<T::AccountId, ConstU32<MAX_OPERATOR_KEYS>>,
		ValueQuery,
	>;

	/// Each operator key's term: the host it submits for and in which epochs.
	#[pallet::storage]
	pub type OperatedHosts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OperatorTerm<T::AccountId>, OptionQuery>;

	/// Number of entries in [`Hosts`].
	#[pallet::storage]
	pub type HostCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Sum of every host's collateral: always what is on hold for [`HoldReason::Collateral`].
	#[pallet::storage]
	pub type TotalCollateral<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The hosts with the most weight in the epoch being settled, most first, that have
	/// session keys: the next [`Elected`] once the settlement closes.
	#[pallet::storage]
	pub type Leaderboard<T: Config> =
		StorageValue<_, (u64, BoundedVec<(T::AccountId, u64), T::MaxValidators>), ValueQuery>;

	/// The leaders of the last settled epoch, and its number: the validators of the next
	/// session (those still hosts with session keys).
	#[pallet::storage]
	pub type Elected<T: Config> =
		StorageValue<_, (u64, BoundedVec<(T::AccountId, u64), T::MaxValidators>), ValueQuery>;

	/// Each host's weight in its most recent epochs that earned any, oldest first (at most
	/// [`WEIGHT_HISTORY`]): what its governance votes rest on.
	#[pallet::storage]
	pub type RecentWeights<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<EpochWeight, ConstU32<WEIGHT_HISTORY>>,
		ValueQuery,
	>;

	/// What the last [`WEIGHT_HISTORY`] settled epochs counted.
	#[pallet::storage]
	pub type SettledEpochs<T: Config> = StorageMap<_, Twox64Concat, u64, SettledEpoch, OptionQuery>;

	/// The last epoch whose settlement closed.
	#[pallet::storage]
	pub type LastSettledEpoch<T: Config> = StorageValue<_, u64, OptionQuery>;

	/// The downtime check in progress: its epoch and the last host checked.
	#[pallet::storage]
	pub type DowntimeCheck<T: Config> = StorageValue<_, (u64, Option<T::AccountId>), OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The parameters; DESIGN.md §6's defaults (with no collateral required) when absent.
		pub params: Option<ReputationParams<BalanceOf<T>>>,
		/// Hosts registered from the start, with their collateral (held from their balance).
		pub hosts: Vec<(T::AccountId, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			let params = self.params.unwrap_or_default();
			// A genesis that cannot run is a mistake in the chain spec: refuse to build it.
			assert!(params.is_valid(), "invalid host-reputation parameters in genesis");
			Params::<T>::put(params);
			for (host, collateral) in &self.hosts {
				let info = HostInfo {
					name: BoundedVec::truncate_from(b"genesis host".to_vec()),
					..Default::default()
				};
				Pallet::<T>::register(host, *collateral, info)
					.expect("genesis hosts must afford their collateral");
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A host registered with collateral.
		HostRegistered {
			/// The host.
			host: T::AccountId,
			/// Collateral put on hold.
			collateral: BalanceOf<T>,
		},
		/// A host put more collateral on hold.
		CollateralAdded {
			/// The host.
			host: T::AccountId,
			/// The amount added.
			amount: BalanceOf<T>,
			/// Its collateral now.
			collateral: BalanceOf<T>,
		},
		/// A host changed what it tells about itself.
		HostInfoSet {
			/// The host.
			host: T::AccountId,
		},
		/// A host unregistered: it remains one until `last_epoch` ends.
		HostUnregistered {
			/// The host.
			host: T::AccountId,
			/// Its last epoch.
			last_epoch: u64,
			/// The first epoch in which it may withdraw its collateral.
			withdrawable_from: u64,
		},
		/// A former host withdrew its collateral and left the registry.
		CollateralWithdrawn {
			/// The former host.
			host: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// A host's collateral was slashed.
		HostSlashed {
			/// The host.
			host: T::AccountId,
			/// The epoch it was slashed for.
			epoch: u64,
			/// Why.
			reason: SlashReason,
			/// The amount taken.
			amount: BalanceOf<T>,
		},
		/// A host was removed for fraud.
		HostRemoved {
			/// The host.
			host: T::AccountId,
			/// The epoch of the fraud.
			epoch: u64,
		},
		/// A host missed a duty of an epoch: it did not commit, or, drawn as a validator, did
		/// not attest, or was outvoted.
		EpochMissed {
			/// The host.
			host: T::AccountId,
			/// The epoch.
			epoch: u64,
			/// Its reputation now.
			reputation: u32,
			/// Which duty it missed.
			reason: SlashReason,
		},
		/// A validator's verdict went against the majority: its reputation fell (a second
		/// epoch running also slashes it, announced as `EpochMissed`).
		ValidatorOutvoted {
			/// The validator.
			host: T::AccountId,
			/// The epoch.
			epoch: u64,
			/// Its reputation now.
			reputation: u32,
		},
		/// The validators of a new session were elected by compute weight.
		ValidatorsElected {
			/// The session they will validate.
			session: u32,
			/// The epoch whose weight elected them.
			epoch: u64,
			/// The validators, most weight first.
			validators: Vec<T::AccountId>,
		},
		/// A host named, with its consent, the operator key that submits its steps for it.
		OperatorSet {
			/// The host.
			host: T::AccountId,
			/// Its operator.
			operator: T::AccountId,
			/// The first epoch in which the operator acts.
			from_epoch: u64,
		},
		/// An operator key stops submitting for its host: the host replaced or removed it,
		/// it resigned, or it registered as a host itself.
		OperatorRemoved {
			/// The host.
			host: T::AccountId,
			/// The operator.
			operator: T::AccountId,
			/// The first epoch in which it no longer acts.
			from_epoch: u64,
		},
		/// The parameters changed.
		ParamsSet {
			/// The new parameters.
			params: ReputationParams<BalanceOf<T>>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is registered already (or still withdrawing an earlier registration).
		AlreadyRegistered,
		/// The account is not a registered host.
		NotRegistered,
		/// The collateral is below the registry's `min_collateral`.
		CollateralBelowMinimum,
		/// The account cannot put this much on hold: its free balance is too low.
		InsufficientBalance,
		/// The registry is full: `MaxHosts` are registered.
		TooManyHosts,
		/// The host is leaving or was removed: only an active host may do this.
		NotActive,
		/// The host is still active: unregister first.
		StillActive,
		/// The unbonding period has not ended: the collateral may be withdrawn from the epoch
		/// given in the host's status.
		StillUnbonding,
		/// Inference jobs the host served may still be re-checked or disputed: its collateral
		/// stays slashable until they settle.
		JobsOpen,
		/// The amount must be more than zero.
		ZeroAmount,
		/// The name must be printable UTF-8 and not empty.
		InvalidName,
		/// The endpoint must be an `http://` or `https://` URL with a host, without spaces (or
		/// empty).
		InvalidEndpoint,
		/// The hardware description must be printable UTF-8.
		InvalidHardware,
		/// The parameters are unusable: the share cap must be at least 10%, reputation steps
		/// at most 10,000, the smallest sample share above 0, and the unbonding period between
		/// 1 and 10,000 epochs.
		InvalidParams,
		/// The operator is a registered host: a host submits only for itself.
		OperatorIsHost,
		/// The account already operates another host: one operator key per host.
		OperatorTaken,
		/// The consent is not the operator key's signature over its consent to act for this
		/// host at its current account nonce (`gonka-node operator-consent --host <host>
		/// --nonce <the key's nonce>` prints it; a consent is good until the key's next
		/// transaction).
		BadOperatorConsent,
		/// The host has no operator acting after this epoch.
		NoOperator,
		/// The sender operates no host after this epoch.
		NotAnOperator,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::check_downtime_page()
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the sender as a host, putting `collateral` (at least `min_collateral`) on
		/// hold, with what it tells about itself. It must commit in every epoch after this
		/// one.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_host())]
		pub fn register_host(
			origin: OriginFor<T>,
			collateral: BalanceOf<T>,
			info: HostInfo,
		) -> DispatchResult {
			let host = ensure_signed(origin)?;
			info.validate::<T>()?;
			Self::register(&host, collateral, info)
		}

		/// Puts `amount` more of the sender's balance on hold as its collateral.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_collateral())]
		pub fn add_collateral(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::add(&host, amount)
		}

		/// Replaces what the sender's host tells about itself.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_host_info())]
		pub fn set_host_info(origin: OriginFor<T>, info: HostInfo) -> DispatchResult {
			let host = ensure_signed(origin)?;
			ensure!(Hosts::<T>::contains_key(&host), Error::<T>::NotRegistered);
			info.validate::<T>()?;
			HostInfos::<T>::insert(&host, info);
			Self::deposit_event(Event::HostInfoSet { host });
			Ok(())
		}

		/// Unregisters the sender: it stays a host until the current epoch ends, and its
		/// collateral stays held, and slashable, for `unbonding_epochs` after that.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unregister())]
		pub fn unregister(origin: OriginFor<T>) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::leave(&host)
		}

		/// Releases a former host's collateral once its unbonding period is over, and removes
		/// it from the registry.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_collateral())]
		pub fn withdraw_collateral(origin: OriginFor<T>) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::withdraw(&host)
		}

		/// Sets the registry's parameters.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: ReputationParams<BalanceOf<T>>,
		) -> DispatchResult {
			T::ParamsOrigin::ensure_origin(origin)?;
			ensure!(params.is_valid(), Error::<T>::InvalidParams);
			Params::<T>::put(params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}

		/// Names `operator`, the node's host key, the sender's operator from the next epoch
		/// on, replacing any other (which finishes the epoch in progress): its
		/// Proof-of-Compute steps and marketplace duties count as the sender's, and their
		/// rewards are paid to the sender. It can do nothing else for the sender. `consent`
		/// is the operator key's signature over [`operator_consent_payload`] of the sender
		/// and the key's account nonce (`gonka-node operator-consent --host <sender>` prints
		/// it). The sender must be an active host; the operator must not be a host, nor
		/// operate another one.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_operator())]
		pub fn set_operator(
			origin: OriginFor<T>,
			operator: T::AccountId,
			consent: T::OperatorConsent,
		) -> DispatchResult {
			let host = ensure_signed(origin)?;
			Self::appoint(&host, operator, &consent)
		}

		/// Removes the sender's operator: it stops submitting for the sender when the epoch
		/// in progress ends.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_operator())]
		pub fn remove_operator(origin: OriginFor<T>) -> DispatchResult {
			let host = ensure_signed(origin)?;
			ensure!(Self::dismiss(&host), Error::<T>::NoOperator);
			Ok(())
		}

		/// The sender, an operator key, stops submitting for its host when the epoch in
		/// progress ends.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::resign_operator())]
		pub fn resign_operator(origin: OriginFor<T>) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			Self::resign(&operator)
		}
	}
}
