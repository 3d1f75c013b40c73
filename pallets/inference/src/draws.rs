//! Who serves and who checks: draws among a model's servers by compute weight.
//!
//! Every `draw_period` blocks the servers of each model and their weights are written down
//! ([`crate::CurrentDraws`]); the set of the period before is kept ([`crate::PreviousDraws`]).
//! A request's executor is drawn from the set of the period its anchor lies in, with
//! `blake2_256(job_key ‖ vrf_output(anchor))`, the job key being the BLAKE2b-256 of the signed
//! request: the request and a VRF output that neither relay nor executor chose fix it, and
//! any node can find it at once. (DESIGN.md hashes the signature; sr25519 signatures are
//! randomised, so one request signed twice would be drawn twice, and served by two executors
//! of which one is paid.)
//! Since the period covers a request's whole report window, the chain can still check the
//! draw when the report arrives, whatever servers joined, left or changed weight meanwhile.

use alloc::vec::Vec;
use codec::Encode;
use frame_support::{traits::Get, weights::Weight, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::Hash32;
use sp_runtime::traits::Saturating;

use crate::{
	Config, CurrentDraws, DrawPeriods, InferenceHosts, ModelCount, ModelId, Pallet, Params,
	PreviousDraws, Servers, WeightInfo,
};

/// A draw set: servers with their weight.
pub type DrawSet<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, u64), <T as Config>::MaxServers>;

impl<T: Config> Pallet<T> {
	/// Starts a new draw period when block `now` ends the current one. Servers without
	/// weight leave the model's servers then (their node declares them again once they have
	/// weight), so that hosts that stopped computing do not hold its `MaxServers` seats.
	pub(crate) fn refresh_draws_at(now: BlockNumberFor<T>) -> Weight {
		let (current, _) = DrawPeriods::<T>::get();
		let period: BlockNumberFor<T> = Params::<T>::get().draw_period.into();
		if now < current.saturating_add(period) && current > 0u32.into() {
			return T::DbWeight::get().reads(2);
		}
		DrawPeriods::<T>::put((now, current));
		let models = ModelCount::<T>::get();
		for model in 0..models {
			PreviousDraws::<T>::insert(model, CurrentDraws::<T>::get(model));
			Self::refresh_draw(model);
			let weighted = CurrentDraws::<T>::get(model);
			Servers::<T>::mutate(model, |servers| {
				servers.retain(|server| weighted.iter().any(|(host, _)| host == server))
			});
		}
		T::DbWeight::get().reads_writes(3, 1).saturating_add(T::WeightInfo::refresh_draws(models))
	}

	/// Writes down `model`'s servers with weight and their weight for the current period.
	pub(crate) fn refresh_draw(model: ModelId) {
		let weighted: Vec<_> = Servers::<T>::get(model)
			.into_iter()
			.map(|host| {
				let weight = T::Hosts::weight(&host);
				(host, weight)
			})
			.filter(|(_, weight)| *weight > 0)
			.collect();
		CurrentDraws::<T>::insert(model, BoundedVec::truncate_from(weighted));
	}

	/// The draw set requests anchored at `anchor` are drawn from; none when the anchor lies
	/// before the previous period.
	pub fn draw_set(model: ModelId, anchor: BlockNumberFor<T>) -> Option<DrawSet<T>> {
		let (current, previous) = DrawPeriods::<T>::get();
		if anchor >= current {
			Some(CurrentDraws::<T>::get(model))
		} else if anchor >= previous {
			Some(PreviousDraws::<T>::get(model))
		} else {
			None
		}
	}

	/// The executor of `request`: none when its anchor's VRF output or draw set is gone, or
	/// nobody serves its model.
	pub fn executor_for(request: &crate::RequestOf<T>) -> Option<T::AccountId> {
		let vrf = Self::block_vrf(request.anchor)?;
		let set = Self::draw_set(request.model, request.anchor)?;
		let mut seed = Self::job_key(request).to_vec();
		seed.extend_from_slice(&vrf);
		let random = crate::vrf::leading_u128(&sp_io::hashing::blake2_256(&seed));
		Self::pick(&set, random, &[])
	}

	/// The member of `set` not in `excluded` that `random` falls on, each with a chance in
	/// proportion to its weight.
	pub(crate) fn pick(
		set: &[(T::AccountId, u64)],
		random: u128,
		excluded: &[&T::AccountId],
	) -> Option<T::AccountId> {
		let eligible = || set.iter().filter(|(host, _)| !excluded.contains(&host));
		let total = eligible().fold(0u128, |sum, (_, weight)| sum.saturating_add((*weight).into()));
		let mut point = random.checked_rem(total)?;
		for (host, weight) in eligible() {
			let weight = u128::from(*weight);
			if point < weight {
				return Some(host.clone());
			}
			point = point.saturating_sub(weight);
		}
		None
	}

	/// `set` without the hosts that lost their weight since it was written (removed for
	/// fraud, or gone): they judge nobody.
	pub(crate) fn still_weighted(set: DrawSet<T>) -> Vec<(T::AccountId, u64)> {
		set.into_iter().filter(|(host, _)| T::Hosts::weight(host) > 0).collect()
	}

	/// Up to `count` distinct members of `set` outside `excluded`, drawn by weight with
	/// `vrf` for `subject`, with their weight.
	pub(crate) fn pick_many(
		set: &[(T::AccountId, u64)],
		vrf: &Hash32,
		subject: impl Encode + Copy,
		count: u32,
		excluded: &[&T::AccountId],
	) -> Vec<(T::AccountId, u64)> {
		let mut chosen: Vec<(T::AccountId, u64)> = Vec::new();
		for round in 0..count {
			let mut skip: Vec<&T::AccountId> = excluded.to_vec();
			skip.extend(chosen.iter().map(|(host, _)| host));
			let random = Self::random_u128(vrf, (subject, round));
			let Some(host) = Self::pick(set, random, &skip) else { break };
			let weight = set.iter().find(|(member, _)| *member == host).map_or(0, |(_, w)| *w);
			chosen.push((host, weight));
		}
		chosen
	}
}
