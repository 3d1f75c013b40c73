//! The mint: what each epoch emits, and the minting of its shares.

use frame_support::traits::{fungible::Mutate, Get};
use sp_runtime::{SaturatedConversion, Saturating};

use crate::{Config, Emission, EpochRewards, Event, Pallet, TotalEmitted};

impl<T: Config> Pallet<T> {
	/// Mints `amount` to `who`; returns what was minted.
	fn mint(who: &T::AccountId, amount: u128) -> u128 {
		if amount == 0 {
			return 0;
		}
		let Ok(minted) = T::Currency::mint_into(who, amount.saturated_into()) else { return 0 };
		let minted: u128 = minted.saturated_into();
		TotalEmitted::<T>::mutate(|total| total.saturating_accrue(minted));
		minted
	}
}

impl<T: Config> EpochRewards<T::AccountId> for Pallet<T> {
	fn emission(epoch: u64) -> u128 {
		Emission::<T>::get().at(epoch)
	}

	fn reward(epoch: u64, host: &T::AccountId, amount: u128) -> u128 {
		let minted = Self::mint(host, amount);
		if minted > 0 {
			Self::deposit_event(Event::HostRewarded { epoch, host: host.clone(), amount: minted });
		}
		minted
	}

	fn reward_pool(epoch: u64, amount: u128) {
		let minted = Self::mint(&T::CommunityPool::get(), amount);
		if minted > 0 {
			Self::deposit_event(Event::PoolRewarded { epoch, amount: minted });
		}
	}
}
