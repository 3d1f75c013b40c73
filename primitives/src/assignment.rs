//! Which validators re-check which host (DESIGN.md §5): `V` distinct validators per host,
//! drawn at random weighted by last epoch's compute weight (uniformly while nobody has any),
//! never the host itself; with fewer than `V` other hosts, all of them.
//!
//! The sampler is built once per epoch from the weight snapshot (prefix sums, `O(n)`), then
//! each host's draw costs `O(V log n)` expected, so assigning every host costs
//! `O(n · V log n)`, never `O(n²)`.

use alloc::vec::Vec;

use crate::{
	random::{key_of, stream},
	Hash32,
};

/// Draws per host before the sampler gives up on randomness and fills the remaining seats in
/// index order (only reachable when a few hosts hold nearly all the weight).
const DRAWS_PER_SEAT: u32 = 64;

/// Weighted sampling over one epoch's snapshot of hosts.
pub struct ValidatorSampler {
	/// `prefix[i]` = total weight of hosts `0..=i` (every weight counted as 1 when all are 0).
	prefix: Vec<u64>,
}

impl ValidatorSampler {
	/// A sampler over `weights`, one per host, in the snapshot's order.
	pub fn new(weights: &[u64]) -> Self {
		let uniform = weights.iter().all(|w| *w == 0);
		let mut running = 0u64;
		let prefix = weights
			.iter()
			.map(|w| {
				running = running.saturating_add(if uniform { 1 } else { *w });
				running
			})
			.collect();
		Self { prefix }
	}

	/// Number of hosts in the snapshot.
	pub fn len(&self) -> usize {
		self.prefix.len()
	}

	/// Whether the snapshot is empty.
	pub fn is_empty(&self) -> bool {
		self.prefix.is_empty()
	}

	fn total(&self) -> u64 {
		self.prefix.last().copied().unwrap_or(0)
	}

	/// The host whose weight interval holds `point` (`point < total`).
	fn host_at(&self, point: u64) -> usize {
		self.prefix.partition_point(|end| *end <= point)
	}

	/// Up to `v` distinct validators for the host at `host` (an index into the snapshot), drawn
	/// with the stream keyed by `blake2_256(seed ‖ "assign" ‖ host_le)`, in draw order.
	pub fn assign(&self, seed: &Hash32, host: u32, v: u32) -> Vec<u32> {
		let n = self.prefix.len();
		let host = host as usize;
		let others = n.saturating_sub(usize::from(host < n));
		let wanted = (v as usize).min(others);
		let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
		let total = self.total();
		let key = key_of(&[seed, b"assign", &(host as u32).to_le_bytes()]);
		let mut draw = 0u64;
		let budget = u64::from(DRAWS_PER_SEAT).saturating_mul(wanted as u64);
		while chosen.len() < wanted && draw < budget && total > 0 {
			let point = stream(key, draw).checked_rem(total).unwrap_or(0);
			draw = draw.saturating_add(1);
			let pick = self.host_at(point);
			// Hosts without weight have empty intervals and are never picked by a point.
			if pick != host && pick < n && !chosen.contains(&(pick as u32)) {
				chosen.push(pick as u32);
			}
		}
		// Out of draws (the host itself or a few others hold nearly all the weight): fill the
		// remaining seats in index order, deterministically.
		let mut index = 0usize;
		while chosen.len() < wanted && index < n {
			if index != host && !chosen.contains(&(index as u32)) {
				chosen.push(index as u32);
			}
			index = index.saturating_add(1);
		}
		chosen
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
		let sampler = ValidatorSampler::new(&[5, 1, 9, 0, 3, 7, 2, 8]);
		for host in 0..8 {
			for s in 0..200 {
				let picked = sampler.assign(&seed(s), host, 3);
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
		let sampler = ValidatorSampler::new(&[4, 4, 4]);
		let mut picked = sampler.assign(&seed(1), 1, 5);
		picked.sort();
		assert_eq!(picked, vec![0, 2]);
		assert!(ValidatorSampler::new(&[10]).assign(&seed(1), 0, 3).is_empty());
	}

	#[test]
	fn draws_follow_the_weights() {
		// Host 0 draws one validator among 1..=4 weighted 1:2:3:4.
		let sampler = ValidatorSampler::new(&[100, 1, 2, 3, 4]);
		let mut counts = [0u32; 5];
		let trials = 20_000;
		for s in 0..trials {
			counts[sampler.assign(&seed(s), 0, 1)[0] as usize] += 1;
		}
		assert_eq!(counts[0], 0);
		for (validator, weight) in [(1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)] {
			let share = f64::from(counts[validator]) / f64::from(trials);
			assert!((share - weight / 10.0).abs() < 0.015, "validator {validator}: {share}");
		}
	}

	#[test]
	fn without_any_weight_the_draw_is_uniform() {
		let sampler = ValidatorSampler::new(&[0; 6]);
		let mut counts = [0u32; 6];
		for s in 0..12_000 {
			for v in sampler.assign(&seed(s), 5, 1) {
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
		let sampler = ValidatorSampler::new(&[0, 5, 0, 5, 0]);
		for s in 0..500 {
			let picked = sampler.assign(&seed(s), 0, 2);
			let mut sorted = picked.clone();
			sorted.sort();
			assert_eq!(sorted, vec![1, 3]);
		}
	}

	#[test]
	fn a_dominant_host_still_gets_its_seats_filled() {
		// Host 1 holds nearly everything; host 1 itself needs 3 validators among the rest.
		let sampler = ValidatorSampler::new(&[1, u64::from(u32::MAX), 1, 1, 1]);
		let picked = sampler.assign(&seed(3), 1, 3);
		assert_eq!(picked.len(), 3);
		assert!(!picked.contains(&1));
	}

	#[test]
	fn assignment_is_deterministic() {
		let sampler = ValidatorSampler::new(&[3, 1, 4, 1, 5, 9, 2, 6]);
		assert_eq!(sampler.assign(&seed(7), 2, 3), sampler.assign(&seed(7), 2, 3));
		assert_ne!(sampler.assign(&seed(7), 2, 3), sampler.assign(&seed(8), 2, 3));
	}
}
