//! Which validators re-check which host (DESIGN.md §5): `V` distinct validators per host,
//! drawn at random weighted by last epoch's compute weight (uniformly while nobody has any),
//! never the host itself; with fewer than `V` other hosts, all of them.
//!
//! The draw reads the epoch's hosts through [`WeightSnapshot`]: their weights as prefix sums,
//! so that finding the host under a random point is a search, not a scan. [`PrefixSums`] holds
//! them in memory; the runtime keeps them in storage in chunks. Each host's draw costs
//! `O(V log n)`, so assigning every host costs `O(n · V log n)`, never `O(n²)`.

use alloc::vec::Vec;

use crate::{
	random::{key_of, stream},
	Hash32,
};

/// Draws per seat before the draw gives up on randomness and fills the remaining seats in
/// index order (only reachable when a few hosts hold nearly all the weight).
const DRAWS_PER_SEAT: u32 = 64;

/// One epoch's hosts, in snapshot order, with the weights validators are drawn by.
pub trait WeightSnapshot {
	/// Number of hosts.
	fn hosts(&self) -> u32;

	/// Sum of the weights; while every weight is 0, the number of hosts (each counts 1).
	fn total(&self) -> u64;

	/// The host whose weight interval holds `point` (`point < total()`). Hosts without
	/// weight have empty intervals, unless every host has none.
	fn host_at(&self, point: u64) -> u32;
}

/// Up to `v` distinct validators for the host at index `host` of `snapshot`, drawn with the
/// stream keyed by `blake2_256(seed ‖ "assign" ‖ host_le)`, in draw order.
pub fn assign<S: WeightSnapshot>(snapshot: &S, seed: &Hash32, host: u32, v: u32) -> Vec<u32> {
	let n = snapshot.hosts();
	let others = n.saturating_sub(u32::from(host < n));
	let wanted = v.min(others) as usize;
	let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
	let total = snapshot.total();
	let key = key_of(&[seed, b"assign", &host.to_le_bytes()]);
	let budget = u64::from(DRAWS_PER_SEAT).saturating_mul(wanted as u64);
	let mut draw = 0u64;
	while chosen.len() < wanted && draw < budget && total > 0 {
		let point = stream(key, draw).checked_rem(total).unwrap_or(0);
		draw = draw.saturating_add(1);
		let pick = snapshot.host_at(point);
		if pick != host && pick < n && !chosen.contains(&pick) {
			chosen.push(pick);
		}
	}
	// Out of draws (the host itself or a few others hold nearly all the weight): fill the
	// remaining seats in index order, deterministically.
	let mut index = 0u32;
	while chosen.len() < wanted && index < n {
		if index != host && !chosen.contains(&index) {
			chosen.push(index);
		}
		index = index.saturating_add(1);
	}
	chosen
}

/// A [`WeightSnapshot`] in memory: `prefix[i]` = total weight of hosts `0..=i`.
pub struct PrefixSums {
	prefix: Vec<u64>,
	uniform: bool,
}

impl PrefixSums {
	/// The snapshot of `weights`, one per host.
	pub fn new(weights: &[u64]) -> Self {
		let mut running = 0u64;
		let prefix = weights
			.iter()
			.map(|w| {
				running = running.saturating_add(*w);
				running
			})
			.collect();
		Self { prefix, uniform: running == 0 }
	}
}

impl WeightSnapshot for PrefixSums {
	fn hosts(&self) -> u32 {
		u32::try_from(self.prefix.len()).unwrap_or(u32::MAX)
	}

	fn total(&self) -> u64 {
		if self.uniform {
			u64::from(self.hosts())
		} else {
			self.prefix.last().copied().unwrap_or(0)
		}
	}

	fn host_at(&self, point: u64) -> u32 {
		if self.uniform {
			return u32::try_from(point).unwrap_or(u32::MAX);
		}
		u32::try_from(self.prefix.partition_point(|end| *end <= point)).unwrap_or(u32::MAX)
	}
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::cast_precision_loss)]
mod tests {
	use super::*;

	fn seed(i: u32) -> Hash32 {
		crate::hash_concat(&[b"assignment test", &i.to_le_bytes()])
	}

	#[test]
	fn validators_are_distinct_and_never_the_host() {
		let sampler = PrefixSums::new(&[5, 1, 9, 0, 3, 7, 2, 8]);
		for host in 0..8 {
			for s in 0..200 {
				let picked = assign(&sampler, &seed(s), host, 3);
				assert_eq!(picked.len(), 3);
				assert!(!picked.contains(&host));
				let mut sorted = picked.clone();
				sorted.sort();
				sorted.dedup();
				assert_eq!(sorted.len(), 3, "{picked:?}");
			}
		}
	}

	#[test]
	fn with_fewer_than_v_others_all_of_them_validate() {
		let sampler = PrefixSums::new(&[4, 4, 4]);
		let mut picked = assign(&sampler, &seed(1), 1, 5);
		picked.sort();
		assert_eq!(picked, vec![0, 2]);
		assert!(assign(&PrefixSums::new(&[10]), &seed(1), 0, 3).is_empty());
	}

	#[test]
	fn draws_follow_the_weights() {
		// Host 0 draws one validator among 1..=4 weighted 1:2:3:4.
		let sampler = PrefixSums::new(&[100, 1, 2, 3, 4]);
		let mut counts = [0u32; 5];
		let trials = 20_000;
		for s in 0..trials {
			counts[assign(&sampler, &seed(s), 0, 1)[0] as usize] += 1;
		}
		assert_eq!(counts[0], 0);
		for (validator, weight) in [(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)] {
			let share = f64::from(counts[validator]) / f64::from(trials);
			assert!((share - weight / 10.0).abs() < 0.015, "validator {validator}: {share}");
		}
	}

	#[test]
	fn without_any_weight_the_draw_is_uniform() {
		let sampler = PrefixSums::new(&[0; 6]);
		let mut counts = [0u32; 6];
		for s in 0..12_000 {
			for v in assign(&sampler, &seed(s), 5, 1) {
				counts[v as usize] += 1;
			}
		}
		assert_eq!(counts[5], 0);
		for count in &counts[..5] {
			assert!((f64::from(*count) / 12_000.0 - 0.2).abs() < 0.02, "{counts:?}");
		}
	}

	#[test]
	fn hosts_without_weight_are_not_drawn_while_others_have_some() {
		let sampler = PrefixSums::new(&[0, 5, 0, 5, 0]);
		for s in 0..500 {
			let picked = assign(&sampler, &seed(s), 0, 2);
			let mut sorted = picked.clone();
			sorted.sort();
			assert_eq!(sorted, vec![1, 3]);
		}
	}

	#[test]
	fn a_dominant_host_still_gets_its_seats_filled() {
		// Host 1 holds nearly everything; host 1 itself needs 3 validators among the rest.
		let sampler = PrefixSums::new(&[1, u64::from(u32::MAX), 1, 1, 1]);
		let picked = assign(&sampler, &seed(3), 1, 3);
		assert_eq!(picked.len(), 3);
		assert!(!picked.contains(&1));
	}

	#[test]
	fn assignment_is_deterministic() {
		let sampler = PrefixSums::new(&[3, 1, 4, 1, 5, 9, 2, 6]);
		assert_eq!(assign(&sampler, &seed(7), 2, 3), assign(&sampler, &seed(7), 2, 3));
		assert_ne!(assign(&sampler, &seed(7), 2, 3), assign(&sampler, &seed(8), 2, 3));
	}
}
