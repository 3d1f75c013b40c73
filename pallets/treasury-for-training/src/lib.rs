//! # Treasury-for-training pallet
//!
//! Funds the training of open models (DESIGN.md §1, §6): 20% of every inference payment comes
//! in through [`TrainingFund`] (the inference pallet's side), and only compute-weighted
//! governance grants it out ([`Pallet::grant`], `GrantOrigin` = `ComputeMajority`). Every
//! grant is recorded, and the runtime API `TrainingTreasuryApi` reports the balance and the
//! history.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod invariants;
mod treasury;
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

/// Where inference revenue reaches the training treasury.
pub trait TrainingFund<AccountId, Balance> {
	/// The treasury's share of `revenue`.
	fn share_of(revenue: Balance) -> Balance;
	/// Moves `amount` from `payer` into the treasury.
	fn fund(payer: &AccountId, amount: Balance) -> sp_runtime::DispatchResult;
}

/// A grant as the runtime stores it.
pub type GrantOf<T> = Grant<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;

/// The treasury's balance type.
pub type BalanceOf<T> = <<T as Config>::Currency as frame_support::traits::fungible::Inspect<
	<T as frame_system::Config>::AccountId,
>>::Balance;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use sp_runtime::Perbill;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency of the treasury.
		type Currency: fungible::Mutate<Self::AccountId>;
		/// The treasury's account.
		#[pallet::constant]
		type TreasuryAccount: Get<Self::AccountId>;
		/// The treasury's share of inference revenue.
		#[pallet::constant]
		type RevenueShare: Get<Perbill>;
		/// Who may grant: `ComputeMajority`.
		type GrantOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Every grant made, by index.
	#[pallet::storage]
	pub type Grants<T: Config> = StorageMap<_, Twox64Concat, u32, GrantOf<T>, OptionQuery>;

	/// The number of grants made: the next grant's index.
	#[pallet::storage]
	pub type GrantCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Everything the treasury has received from inference revenue.
	#[pallet::storage]
	pub type TotalReceived<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// The treasury received its share of inference revenue.
		Funded {
			/// Who paid.
			payer: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
		},
		/// Governance granted funds for training.
		Granted {
			/// The grant's index in [`Grants`].
			index: u32,
			/// Who received them.
			beneficiary: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The treasury cannot pay this much and stay alive.
		TreasuryTooLow,
		/// The purpose must be printable UTF-8, not empty.
		InvalidPurpose,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Grants `amount` to `beneficiary` for `purpose`. Only `GrantOrigin`
		/// (`ComputeMajority`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::grant())]
		pub fn grant(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
			beneficiary: T::AccountId,
			purpose: BoundedVec<u8, ConstU32<MAX_PURPOSE_LEN>>,
		) -> DispatchResult {
			T::GrantOrigin::ensure_origin(origin)?;
			Self::make_grant(amount, beneficiary, purpose)
		}
	}
}
