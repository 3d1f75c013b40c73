//! The epoch's weight snapshot: every host whose reveal passed, in reveal order, with its
//! weight of the previous epoch, kept as running totals in chunks of [`SNAPSHOT_CHUNK`]
//! hosts. Drawing a validator is then a search over at most [`MAX_SNAPSHOT_CHUNKS`] chunk ends
//! and one chunk: two storage reads, whatever the number of hosts.

use gonka_primitives::assignment::WeightSnapshot;

use crate::{
	Config, Error, Pallet, Participants, Reveal, Revealed, RevealedLeaves, SnapshotChunks,
	SnapshotSummary, Snapshots, SNAPSHOT_CHUNK,
};

impl<T: Config> Pallet<T> {
	/// Stores `host`'s passing reveal and appends it to the epoch's snapshot with its weight
	/// of the previous epoch.
	pub(crate) fn enter_snapshot(
		epoch: u64,
		host: &T::AccountId,
		leaves: RevealedLeaves,
	) -> Result<(), Error<T>> {
		let prior_weight =
			epoch.checked_sub(1).map_or(0, |previous| Self::counted_weight(previous, host));
		let mut summary = Snapshots::<T>::get(epoch);
		let index = summary.hosts;
		let chunk = index / SNAPSHOT_CHUNK;
		let running = summary.chunk_ends.last().copied().unwrap_or(0).saturating_add(prior_weight);
		if index.is_multiple_of(SNAPSHOT_CHUNK) {
			summary.chunk_ends.try_push(running).map_err(|_| Error::<T>::SnapshotFull)?;
		} else if let Some(end) = summary.chunk_ends.last_mut() {
			*end = running;
		}
		SnapshotChunks::<T>::try_mutate(epoch, chunk, |ends| ends.try_push(running))
			.map_err(|_| Error::<T>::SnapshotFull)?;
		summary.hosts = index.saturating_add(1);
		Snapshots::<T>::insert(epoch, summary);
		Participants::<T>::insert(epoch, index, host);
		Revealed::<T>::insert(epoch, host, Reveal { index, prior_weight, leaves });
		Ok(())
	}
}

/// An epoch's snapshot as read from storage, for [`gonka_primitives::assignment::assign`].
pub(crate) struct StoredSnapshot<T> {
	epoch: u64,
	summary: SnapshotSummary,
	_config: core::marker::PhantomData<T>,
}

impl<T: Config> StoredSnapshot<T> {
	/// The snapshot of `epoch`.
	pub(crate) fn of(epoch: u64) -> Self {
		Self { epoch, summary: Snapshots::<T>::get(epoch), _config: Default::default() }
	}

	fn total_weight(&self) -> u64 {
		self.summary.chunk_ends.last().copied().unwrap_or(0)
	}
}

impl<T: Config> WeightSnapshot for StoredSnapshot<T> {
	fn hosts(&self) -> u32 {
		self.summary.hosts
	}

	fn total(&self) -> u64 {
		match self.total_weight() {
			0 => u64::from(self.summary.hosts),
			total => total,
		}
	}

	fn host_at(&self, point: u64) -> u32 {
		if self.total_weight() == 0 {
			return u32::try_from(point).unwrap_or(u32::MAX);
		}
		let chunk = self.summary.chunk_ends.partition_point(|end| *end <= point);
		let chunk = u32::try_from(chunk).unwrap_or(u32::MAX);
		let within =
			SnapshotChunks::<T>::get(self.epoch, chunk).partition_point(|end| *end <= point);
		chunk
			.saturating_mul(SNAPSHOT_CHUNK)
			.saturating_add(u32::try_from(within).unwrap_or(u32::MAX))
	}
}
