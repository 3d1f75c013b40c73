//! The validator set (DESIGN.md §3): while an epoch settles, the hosts with the most weight
//! that have session keys gather on a leaderboard of `MaxValidators` places; when the
//! settlement closes it becomes [`Elected`], and every new session is planned with those of
//! them still hosts with keys. When none qualifies, the session keeps its current set, so the
//! chain never loses its block producers.

use alloc::vec::Vec;
use frame_support::traits::Contains;
use pallet_session::SessionManager;

use crate::{Config, Elected, Event, Hosts, Leaderboard, Pallet};

impl<T: Config> Pallet<T> {
	/// Places `who`, with `weight` earned in `epoch`, on the epoch's leaderboard if it has
	/// session keys and outweighs the last place (on equal weight, the earlier settled stays
	/// ahead).
	pub(crate) fn enter_leaderboard(epoch: u64, who: &T::AccountId, weight: u64) {
		if weight == 0 || !T::ValidatorKeys::contains(who) {
			return;
		}
		Leaderboard::<T>::mutate(|(board_epoch, leaders)| {
			if *board_epoch != epoch {
				*board_epoch = epoch;
				leaders.clear();
			}
			let place = leaders.iter().position(|(_, w)| *w < weight).unwrap_or(leaders.len());
			// A full board drops its last place; a host below all of them is not placed.
			let _ = leaders.force_insert_keep_left(place, (who.clone(), weight));
		});
	}

	/// Makes `epoch`'s leaderboard the elected set: empty when nobody on it earned weight in
	/// `epoch`.
	pub(crate) fn close_leaderboard(epoch: u64) {
		let (board_epoch, leaders) = Leaderboard::<T>::take();
		let leaders = if board_epoch == epoch { leaders } else { Default::default() };
		Elected::<T>::put((epoch, leaders));
	}

	/// The elected hosts that can validate now: still hosts, with session keys.
	pub fn validators() -> Vec<T::AccountId> {
		let epoch = Self::current_epoch();
		Elected::<T>::get()
			.1
			.into_iter()
			.map(|(who, _)| who)
			.filter(|who| {
				T::ValidatorKeys::contains(who)
					&& Hosts::<T>::get(who).is_some_and(|host| Self::takes_part(&host, epoch))
			})
			.collect()
	}
}

impl<T: Config> SessionManager<T::AccountId> for Pallet<T> {
	fn new_session(session: u32) -> Option<Vec<T::AccountId>> {
		let validators = Self::validators();
		if validators.is_empty() {
			return None;
		}
		let epoch = Elected::<T>::get().0;
		Self::deposit_event(Event::ValidatorsElected {
			session,
			epoch,
			validators: validators.clone(),
		});
		Some(validators)
	}

	fn end_session(_session: u32) {}

	fn start_session(_session: u32) {}
}
