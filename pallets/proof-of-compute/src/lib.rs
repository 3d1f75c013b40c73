//! # Proof-of-Compute pallet
//!
//! The on-chain half of Proof of Compute (DESIGN.md §5), driven by `pallet-sprint`'s clock:
//! - **Commit** phase: a host commits `(root, count)`: the Merkle root over its hits sorted by
//!   nonce, and how many there are ([`Pallet::commit`]).
//! - **Reveal** phase: from the challenge seed the chain derives which pairs of leaves
//!   `(i, i + 1)` each host must reveal; the host reveals them with Merkle proofs
//!   ([`Pallet::reveal`]), and the runtime checks the proofs, the strict increase of nonces
//!   and that every revealed distance is a hit. A passing reveal enters the epoch's weight
//!   snapshot, with the host's weight of the previous epoch.
//! - **Validate** phase: each host gets `V` validators drawn from the snapshot, weighted by
//!   prior weight ([`gonka_primitives::assignment`]); each recomputes the revealed nonces and
//!   attests its distances ([`Pallet::attest`]); the runtime counts mismatches.
//! - **Settle** phase: `on_initialize` settles hosts in pages that fit the block: a host is
//!   accepted when passing validators hold more than half of the responding validators'
//!   weight, or, when none responded, on its reveal alone. Accepted hits become weight; the
//!   results, and the validators outvoted by the majority, are stored and announced. Then the
//!   epoch's emission is paid out by the weight each host counts, the rest to the community
//!   pool.
//! - [`CheckHostSubmission`], a transaction extension, keeps submissions that cannot succeed
//!   (not a host, wrong epoch or phase, a second one) out of the transaction pool. Successful
//!   submissions of registered hosts pay no fee; failed ones pay.
//! - Per-epoch storage is removed two epochs later, a bounded number of keys per block, so
//!   state does not grow with epochs.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod attest;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod cleanup;
pub mod extension;
mod payout;
pub mod queries;
mod reveal;
mod settlement;
mod snapshot;
pub mod types;
pub mod weights;

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod mock;
#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests;

use frame_support::{traits::ConstU32, BoundedVec};
use gonka_primitives::{Distance, Hash32};
use sp_runtime::Perbill;

pub use extension::CheckHostSubmission;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Who may take part in Proof of Compute, how hard each is checked, how much of its work
/// counts, and who hears of the results. Host-reputation implements it.
pub trait HostRegistry<AccountId> {
	/// Whether `who` is a registered host.
	fn is_host(who: &AccountId) -> bool;

	/// How many pairs to challenge `who` for, given the epoch's base number (the number falls
	/// as reputation grows).
	fn samples_for(_who: &AccountId, base: u32) -> u32 {
		base
	}

	/// How much of `hits` accepted hits may count as `who`'s weight: the part its collateral
	/// backs.
	fn backed_weight(_who: &AccountId, hits: u64) -> u64 {
		hits
	}

	/// The largest share of an epoch's total weight one host may count.
	fn max_weight_share() -> Perbill {
		Perbill::one()
	}

	/// `who`'s epoch was settled with `result`.
	fn on_settled(_epoch: u64, _who: &AccountId, _result: &HostResult) {}

	/// Every host of `epoch` that will be settled is: `summary` holds its final totals.
	fn on_epoch_settled(_epoch: u64, _summary: &EpochSummary) {}

	/// Makes `who` a host, for benchmarks.
	#[cfg(feature = "runtime-benchmarks")]
	fn register_for_benchmarks(who: &AccountId);
}

/// What Proof of Compute recorded about a host, for the pallets that judge hosts by it.
pub trait ComputeRecord<AccountId> {
	/// Whether `who` revealed, and passed the reveal's checks, in `epoch`.
	fn revealed(epoch: u64, who: &AccountId) -> bool;
}

/// The clock tells the pallet when to begin settling an epoch and when to queue an old one
/// for cleanup.
impl<T: Config> pallet_sprint::OnPhaseChange<frame_system::pallet_prelude::BlockNumberFor<T>>
	for Pallet<T>
{
	fn on_phase_change(
		epoch: &pallet_sprint::EpochInfo<frame_system::pallet_prelude::BlockNumberFor<T>>,
		phase: pallet_sprint::Phase,
	) -> frame_support::weights::Weight {
		match phase {
			pallet_sprint::Phase::Sprint => {
				Self::close_unfinished_settlement().saturating_add(Self::queue_cleanup(epoch.index))
			}
			pallet_sprint::Phase::Settle => Self::begin_settlement(epoch.index),
			_ => frame_support::weights::Weight::zero(),
		}
	}
}

/// A validator's recomputed distances, one per revealed leaf, in the reveal's order.
pub type RecomputedDistances = BoundedVec<Distance, ConstU32<MAX_REVEALED_LEAVES>>;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use pallet_sprint::Phase;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The sprint clock: epoch, phase, seeds and parameters.
		type Sprint: pallet_sprint::EpochStatus<BlockNumberFor<Self>>;
		/// Who may commit, reveal and attest.
		type Hosts: HostRegistry<Self::AccountId>;
		/// The mint: each epoch's emission, paid out by weight.
		type Rewards: pallet_sprint::EpochRewards<Self::AccountId>;
		/// Most storage keys removed per block when old epochs are cleaned up.
		#[pallet::constant]
		type CleanupKeysPerBlock: Get<u32>;
		/// Most weight settlement may use in one block (it runs in `on_initialize`, so this
		/// must leave room for the block's transactions).
		#[pallet::constant]
		type SettlementWeightPerBlock: Get<Weight>;
		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Commitments by epoch and host.
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		Commitment,
		OptionQuery,
	>;

	/// Reveals that passed every check, by epoch and host: the host's place in the weight
	/// snapshot, its prior weight and its revealed leaves.
	#[pallet::storage]
	pub type Revealed<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, Reveal, OptionQuery>;

	/// The hosts of each epoch's weight snapshot, by snapshot index (reveal order).
	#[pallet::storage]
	pub type Participants<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Twox64Concat, u32, T::AccountId, OptionQuery>;

	/// Size of each epoch's weight snapshot and where its chunks end.
	#[pallet::storage]
	pub type Snapshots<T: Config> = StorageMap<_, Twox64Concat, u64, SnapshotSummary, ValueQuery>;

	/// The weight snapshot's running totals (prefix sums of prior weight), by epoch and chunk
	/// of [`SNAPSHOT_CHUNK`] hosts.
	#[pallet::storage]
	pub type SnapshotChunks<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Twox64Concat,
		u32,
		BoundedVec<u64, ConstU32<SNAPSHOT_CHUNK>>,
		ValueQuery,
	>;

	/// Validators' verdicts by epoch and host.
	#[pallet::storage]
	pub type Verdicts<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		Attestations<T::AccountId>,
		ValueQuery,
	>;

	/// Settled hosts' results by epoch and host.
	#[pallet::storage]
	pub type Results<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		u64,
		Blake2_128Concat,
		T::AccountId,
		HostResult,
		OptionQuery,
	>;

	/// How often each validator was outvoted by the majority, by epoch and validator.
	#[pallet::storage]
	pub type Outvoted<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each epoch's settlement totals.
	#[pallet::storage]
	pub type EpochSummaries<T: Config> =
		StorageMap<_, Twox64Concat, u64, EpochSummary, OptionQuery>;

	/// The settlement in progress, if any.
	#[pallet::storage]
	pub type Settling<T: Config> = StorageValue<_, SettlementCursor, OptionQuery>;

	/// Epochs whose storage is still being removed, oldest first.
	#[pallet::storage]
	pub type PendingCleanup<T: Config> = StorageValue<_, BoundedVec<u64, ConstU32<8>>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A host committed to its hits.
		Committed {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Root of its hits' Merkle tree.
			root: Hash32,
			/// Number of hits.
			count: u32,
		},
		/// A host revealed its challenged leaves and they passed the on-chain checks.
		Revealed {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Number of leaves revealed.
			leaves: u32,
		},
		/// A validator attested its recomputation of a host's revealed leaves.
		Attested {
			/// The epoch.
			epoch: u64,
			/// The host validated.
			host: T::AccountId,
			/// The validator.
			validator: T::AccountId,
			/// Leaves it found mismatched.
			mismatches: u32,
			/// Whether it passed the host.
			passed: bool,
		},
		/// A host's epoch was settled.
		HostSettled {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Its result: outcome, weight earned, validators for and against.
			result: HostResult,
		},
		/// A validator's verdict on a host went against the majority.
		ValidatorOutvoted {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// The validator in the minority.
			validator: T::AccountId,
		},
		/// Every host of an epoch is settled.
		EpochSettled {
			/// The epoch.
			epoch: u64,
			/// Its totals.
			summary: EpochSummary,
		},
		/// An epoch's emission was paid out.
		EpochRewarded {
			/// The epoch.
			epoch: u64,
			/// What it emitted.
			emission: u128,
			/// Paid to its hosts, by the weight each counts.
			to_hosts: u128,
			/// The rest, to the community pool.
			to_pool: u128,
		},
		/// An epoch ended before all its hosts were settled and paid: hosts not yet judged earn
		/// nothing, and the emission not yet paid goes to the community pool.
		SettlementIncomplete {
			/// The epoch left unfinished.
			epoch: u64,
			/// Its totals so far.
			summary: EpochSummary,
		},
		/// The storage of an old epoch was removed completely.
		EpochCleaned {
			/// The epoch.
			epoch: u64,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No sprint epoch is running yet.
		NoEpoch,
		/// The call names an epoch other than the one in progress.
		WrongEpoch,
		/// The epoch is not in the phase this call belongs to (e.g. a commit after the commit
		/// phase ended).
		WrongPhase,
		/// The sender is not a registered host.
		NotAHost,
		/// The host already committed in this epoch.
		AlreadyCommitted,
		/// A commitment must count at least one hit.
		NoHits,
		/// The host did not commit in this epoch, so it has nothing to reveal.
		NoCommitment,
		/// The host already revealed in this epoch.
		AlreadyRevealed,
		/// The revealed leaf indices are not exactly the challenged ones.
		WrongLeaves,
		/// A Merkle proof does not lead to the committed root.
		ProofInvalid,
		/// The nonces of a challenged pair do not strictly increase: repeated or unsorted hits.
		NotIncreasing,
		/// A revealed distance is not below the epoch's `r_target`.
		NotAHit,
		/// The epoch's snapshot is full: 65,536 hosts have revealed already.
		SnapshotFull,
		/// A host cannot validate itself.
		SelfValidation,
		/// The host named has no passing reveal in this epoch, so there is nothing to attest.
		NothingToValidate,
		/// The sender is not among the validators drawn for this host (a validator must also
		/// have revealed in this epoch to be drawn).
		NotAssigned,
		/// The validator already attested for this host in this epoch.
		AlreadyAttested,
		/// The attestation must carry one distance per revealed leaf, in the reveal's order.
		WrongDistanceCount,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::settle_page().saturating_add(Self::clean_up_old_epochs())
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Commits to this epoch's hits: the Merkle root over them (sorted by nonce) and their
		/// number. Only in the commit phase, once per host and epoch. Free for registered
		/// hosts when it succeeds. Operational, like every step of the proof: a phase lasts a
		/// few blocks, and a block that rotates the session has no room for normal
		/// transactions.
		#[pallet::call_index(0)]
		#[pallet::weight((T::WeightInfo::commit(), DispatchClass::Operational))]
		pub fn commit(
			origin: OriginFor<T>,
			epoch: u64,
			root: Hash32,
			count: u32,
		) -> DispatchResultWithPostInfo {
			let host = ensure_signed(origin)?;
			Self::ensure_host_in_phase(&host, epoch, Phase::Commit)?;
			ensure!(count > 0, Error::<T>::NoHits);
			ensure!(!Commitments::<T>::contains_key(epoch, &host), Error::<T>::AlreadyCommitted);
			Commitments::<T>::insert(epoch, &host, Commitment { root, count });
			Self::deposit_event(Event::Committed { epoch, host, root, count });
			Ok(Pays::No.into())
		}

		/// Reveals the challenged leaves with their proofs. Only in the reveal phase, once per
		/// host and epoch; every leaf must be challenged, proven, a hit, and each pair's nonces
		/// must strictly increase. Free for registered hosts when it succeeds.
		#[pallet::call_index(1)]
		#[pallet::weight((T::WeightInfo::reveal(leaves.len() as u32), DispatchClass::Operational))]
		pub fn reveal(
			origin: OriginFor<T>,
			epoch: u64,
			leaves: BoundedVec<RevealedLeaf, ConstU32<MAX_REVEALED_LEAVES>>,
		) -> DispatchResultWithPostInfo {
			let host = ensure_signed(origin)?;
			let current = Self::ensure_host_in_phase(&host, epoch, Phase::Reveal)?;
			let commitment = Commitments::<T>::get(epoch, &host).ok_or(Error::<T>::NoCommitment)?;
			ensure!(!Revealed::<T>::contains_key(epoch, &host), Error::<T>::AlreadyRevealed);
			let checked = Self::check_reveal(&current, &host, commitment, &leaves)?;
			let revealed = checked.len() as u32;
			Self::enter_snapshot(epoch, &host, checked)?;
			Self::deposit_event(Event::Revealed { epoch, host, leaves: revealed });
			Ok(Pays::No.into())
		}

		/// Attests a validator's recomputation of `host`'s revealed leaves: one distance per
		/// leaf, in the reveal's order. Only in the validate phase, by a validator drawn for
		/// the host, once. Free for registered hosts when it succeeds.
		#[pallet::call_index(2)]
		#[pallet::weight((T::WeightInfo::attest(), DispatchClass::Operational))]
		pub fn attest(
			origin: OriginFor<T>,
			epoch: u64,
			host: T::AccountId,
			distances: RecomputedDistances,
		) -> DispatchResultWithPostInfo {
			let validator = ensure_signed(origin)?;
			let current = Self::ensure_host_in_phase(&validator, epoch, Phase::Validate)?;
			Self::record_attestation(&current, &validator, &host, &distances)?;
			Ok(Pays::No.into())
		}
	}
}
