//! The proof's invariants, checked by `try-state` and by the runtime fuzzer after every block
//! (DESIGN.md §5–§6): for each epoch whose storage is live (the one in progress and the one
//! before it), a reveal stands on a commitment, the weight snapshot holds exactly the revealed
//! hosts in reveal order with running totals that add up, every result belongs to a revealed
//! host and the epoch's summary counts them; the settlement cursor stays within its snapshot;
//! and nothing is left of an epoch cleanup has passed.

use alloc::collections::BTreeMap;
use frame_support::ensure;
use gonka_primitives::sampling::samples_floor;
use pallet_sprint::EpochStatus as _;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{
	types::SNAPSHOT_CHUNK, CleanupCursor, Commitments, Committers, Config, EpochSummaries, Pallet,
	Participants, Results, Revealed, Settling, SnapshotChunks, Snapshots, Verdicts,
};

impl<T: Config> Pallet<T> {
	/// Checks every live epoch, the settlement cursor and what cleanup left.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let cleaned_below = CleanupCursor::<T>::get();
		ensure!(
			Commitments::<T>::iter_keys().all(|(epoch, _)| epoch >= cleaned_below)
				&& Revealed::<T>::iter_keys().all(|(epoch, _)| epoch >= cleaned_below)
				&& Verdicts::<T>::iter_keys().all(|(epoch, _)| epoch >= cleaned_below)
				&& Results::<T>::iter_keys().all(|(epoch, _)| epoch >= cleaned_below),
			"storage is left of an epoch cleanup has passed"
		);
		let current = T::Sprint::status().map_or(0, |(info, _)| info.index);
		// Cleanup takes an epoch only once the epoch two after it has begun, so the one in
		// progress and the one before it are whole; older ones may be half removed.
		for epoch in current.saturating_sub(1).max(cleaned_below)..=current {
			Self::check_epoch(epoch)?;
		}
		if let Some(cursor) = Settling::<T>::get() {
			ensure!(
				cursor.next <= Snapshots::<T>::get(cursor.epoch).hosts,
				"the settlement cursor is past its snapshot"
			);
		}
		Ok(())
	}

	fn check_epoch(epoch: u64) -> Result<(), TryRuntimeError> {
		let commitments: BTreeMap<_, _> = Commitments::<T>::iter_prefix(epoch).collect();
		ensure!(
			u32::try_from(commitments.len()).ok() == Some(Committers::<T>::get(epoch)),
			"the committers are miscounted"
		);
		let summary = Snapshots::<T>::get(epoch);
		let mut revealed = 0u32;
		let mut prior_weights = BTreeMap::new();
		for (host, reveal) in Revealed::<T>::iter_prefix(epoch) {
			let commitment = commitments.get(&host).ok_or("a reveal without a commitment")?;
			let answers_for = samples_floor(commitment.samples).min(commitment.count);
			ensure!(
				u32::try_from(reveal.leaves.len()).is_ok_and(|n| n == answers_for),
				"the leaves revealed are not as many as the host answers for"
			);
			ensure!(
				Participants::<T>::get(epoch, reveal.index) == Some(host),
				"a revealed host is not at its place in the snapshot"
			);
			prior_weights.insert(reveal.index, reveal.prior_weight);
			revealed.saturating_inc();
		}
		ensure!(revealed == summary.hosts, "the snapshot's size is not the revealed hosts'");
		ensure!(
			Participants::<T>::iter_prefix(epoch).count() == prior_weights.len(),
			"the snapshot holds a host that did not reveal"
		);
		let mut running = 0u64;
		for chunk in 0..summary.hosts.div_ceil(SNAPSHOT_CHUNK) {
			let ends = SnapshotChunks::<T>::get(epoch, chunk);
			for (offset, end) in ends.iter().enumerate() {
				let index = chunk
					.saturating_mul(SNAPSHOT_CHUNK)
					.saturating_add(u32::try_from(offset).unwrap_or(u32::MAX));
				running = running.saturating_add(prior_weights.get(&index).copied().unwrap_or(0));
				ensure!(*end == running, "a running total of the snapshot does not add up");
			}
			ensure!(
				summary.chunk_ends.get(chunk as usize) == ends.last(),
				"a chunk's end is not its last running total"
			);
		}
		let mut settled = 0u32;
		for (host, _) in Results::<T>::iter_prefix(epoch) {
			ensure!(
				Revealed::<T>::contains_key(epoch, &host),
				"a result for a host that did not reveal"
			);
			settled.saturating_inc();
		}
		let counted = EpochSummaries::<T>::get(epoch).map_or(0, |summary| summary.settled);
		ensure!(counted == settled, "the epoch's summary miscounts its results");
		Ok(())
	}
}
