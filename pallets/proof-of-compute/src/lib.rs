//! # Proof-of-Compute pallet
//!
//! The on-chain half of Proof of Compute (DESIGN.md §5, revision 2), driven by
//! `pallet-sprint`'s clock:
//! - **Commit** phase: a host commits `(root, count)`: the root triple `(hash, lo, hi)` of
//!   the range-annotated Merkle tree over its hits sorted by nonce, and how many there are
//!   ([`Pallet::commit`]); `count` may not exceed the nonces the range holds.
//! - **Reveal** phase: from the challenge seed (the VRF outputs of the phase's first blocks)
//!   the chain derives `k ≥ 4` distinct leaves each host must reveal; the host reveals them
//!   with their proofs ([`Pallet::reveal`]), and the runtime checks every proof with its
//!   ranges (so the leaves that verify have distinct nonces) and that every revealed distance
//!   is a hit. A passing reveal enters the epoch's weight snapshot, with the host's weight of
//!   the previous epoch. A host that committed and does not pass its reveal has committed to
//!   what it cannot prove: the registry punishes it as fraud ([`ComputeRecord`]).
//! - **Validate** phase: each host gets `V` validators drawn from the snapshot, weighted by
//!   prior weight ([`gonka_primitives::assignment`]), with the validation seed (the VRF
//!   outputs of the phase's first blocks, fixed once the snapshot is final); each recomputes
//!   the revealed nonces, with a check value per leaf that only running the model gives
//!   ([`gonka_primitives::attestation`]), and seals them ([`Pallet::attest`]).
//! - **Open** phase: each validator opens its seal ([`Pallet::open_attestation`]); the
//!   runtime counts mismatches against the host's claimed distances.
//! - **Settle** phase: `on_initialize` settles hosts in pages that fit the block
//!   ([`settlement`]): a validator whose check values stray from the weighted median is
//!   outvoted and its verdict does not count; a host is accepted by a majority of its drawn
//!   validators' weight; a host none of whose validators opened an attestation is
//!   `Unvalidated` (no weight, no punishment) and its silent validators are penalised as for
//!   downtime; only a host beside which no other host committed is accepted on its reveal
//!   alone. Accepted hits become weight, no host counting more than the registry's share of
//!   the counted total. Then the epoch's emission is paid out: the
//!   validators' share by their attestations that agreed with the outcome, the rest by the
//!   weight each host counts, what is left to the community pool.
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
mod invariants;
mod payout;
pub mod queries;
mod reveal;
pub mod settlement;
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
use gonka_primitives::{attestation::Recomputed, merkle::Node, Hash32};
use sp_runtime::Perbill;

pub use extension::CheckHostSubmission;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

/// Who may take part in Proof of Compute, how hard each is checked, how much of its work
/// counts, and who hears of the results. Host-reputation implements it.
pub trait HostRegistry<AccountId: Clone> {
	/// Whether `who` is a registered host.
	fn is_host(who: &AccountId) -> bool;

	/// The host whose steps `signer` submits: the host whose operator key it is, else itself.
	fn acting_for(signer: &AccountId) -> AccountId {
		signer.clone()
	}

	/// The most [`HostRegistry::acting_for`] costs: what it adds to the weight of a step,
	/// benchmarked as signed by the host itself.
	fn acting_for_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}

	/// How many leaves to challenge `who` for, given the epoch's base number (the number falls
	/// as reputation grows; the sampler never draws fewer than
	/// [`gonka_primitives::sampling::MIN_SAMPLES`]).
	fn samples_for(_who: &AccountId, base: u32) -> u32 {
		base
	}

	/// How much of `hits` accepted hits may count as `who`'s weight: the part its collateral
	/// backs.
	fn backed_weight(_who: &AccountId, hits: u64) -> u64 {
		hits
	}

	/// The largest share of an epoch's counted weight one host may count.
	fn max_weight_share() -> Perbill {
		Perbill::one()
	}

	/// The validators' share of each epoch's emission, paid by attestations that agreed with
	/// the outcome.
	fn validator_share() -> Perbill {
		Perbill::zero()
	}

	/// `who`, an assigned validator, was silent for at least one host of `epoch` (told once
	/// per validator and epoch): penalised as for downtime.
	fn on_validator_silent(_epoch: u64, _who: &AccountId) {}

	/// `who`, a validator, was outvoted on at least one host of `epoch` (told once per
	/// validator and epoch, at its first defeat); `slash` when its check values showed it did
	/// not run the model, or it was outvoted in the previous epoch too.
	fn on_validator_outvoted(_epoch: u64, _who: &AccountId, _slash: bool) {}

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
	/// Whether `who` committed in `epoch`.
	fn committed(epoch: u64, who: &AccountId) -> bool;
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
			pallet_sprint::Phase::Sprint => Self::close_unfinished_settlement(),
			pallet_sprint::Phase::Settle => Self::begin_settlement(epoch.index),
			_ => frame_support::weights::Weight::zero(),
		}
	}
}

/// What frame-benchmarking estimates one `SnapshotChunks` item adds to a proof (its
/// `MaxEncodedLen` and the trie nodes above it).
pub const SNAPSHOT_CHUNK_PROOF: u64 = 4_553;

/// Storage the `attest` and `settle` benchmarks do not reach, per validator seat drawn: their
/// weight sits in one snapshot chunk, so every draw reads the same one; where weight is
/// spread, each seat's draw may read another chunk.
pub fn seat_reads<T: Config>(seats: u32) -> frame_support::weights::Weight {
	<T::DbWeight as frame_support::traits::Get<_>>::get().reads(seats.into()).saturating_add(
		frame_support::weights::Weight::from_parts(
			0,
			SNAPSHOT_CHUNK_PROOF.saturating_mul(seats.into()),
		),
	)
}

/// A validator's recomputations, one per revealed leaf, in the reveal's order.
pub type RecomputedValues = BoundedVec<Recomputed, ConstU32<MAX_REVEALED_LEAVES>>;

// FRAME's macros expand to `expect` calls carrying this module's spans; the module holds only
// declarations and thin calls, and the logic lives in the domain modules, where the lints hold.
#[allow(clippy::expect_used)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{dispatch::PostDispatchInfo, pallet_prelude::*};
	use frame_system::pallet_prelude::*;
	use gonka_primitives::sprint::MAX_VALIDATORS_PER_HOST;
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

	/// How many hosts committed in each epoch: a host that revealed is alone, and accepted on
	/// its reveal, only when no other host committed.
	#[pallet::storage]
	pub type Committers<T: Config> = StorageMap<_, Twox64Concat, u64, u32, ValueQuery>;

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

	/// Validators' attestations by epoch and host: sealed, then opened.
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

	/// How many hosts each assigned validator stayed silent on, by epoch and validator.
	#[pallet::storage]
	pub type Silent<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// How many of each validator's attestations agreed with their host's outcome, by epoch
	/// and validator: its claim on the validators' part of the emission.
	#[pallet::storage]
	pub type Agreed<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u64, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Each epoch's settlement totals.
	#[pallet::storage]
	pub type EpochSummaries<T: Config> =
		StorageMap<_, Twox64Concat, u64, EpochSummary, OptionQuery>;

	/// The settlement in progress, if any.
	#[pallet::storage]
	pub type Settling<T: Config> = StorageValue<_, SettlementCursor, OptionQuery>;

	/// The oldest epoch whose storage is not yet removed. Epochs are removed in order, each
	/// once the epoch two after it has begun, so none is ever skipped however far cleanup
	/// falls behind.
	#[pallet::storage]
	pub type CleanupCursor<T: Config> = StorageValue<_, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A host committed to its hits.
		Committed {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// Root of its hits' Merkle tree: hash and nonce range.
			root: Node,
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
		/// A validator sealed its attestation on a host.
		AttestationSealed {
			/// The epoch.
			epoch: u64,
			/// The host validated.
			host: T::AccountId,
			/// The validator.
			validator: T::AccountId,
		},
		/// A validator opened its attestation on a host.
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
		/// An assigned validator did not attest for a host.
		ValidatorSilent {
			/// The epoch.
			epoch: u64,
			/// The host.
			host: T::AccountId,
			/// The silent validator.
			validator: T::AccountId,
		},
		/// A validator's verdict on a host went against the outcome, or its check values
		/// strayed from the other validators' (it did not run the model): it does not count.
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
			/// Paid to its validators, by their attestations that agreed with the outcome.
			to_validators: u128,
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
		/// The commitment counts more leaves than distinct nonces fit in its root's range
		/// (`count > hi − lo + 1`), or the range is inverted.
		CountBeyondRange,
		/// The host did not commit in this epoch, so it has nothing to reveal.
		NoCommitment,
		/// The host already revealed in this epoch.
		AlreadyRevealed,
		/// The revealed leaf indices are not exactly the challenged ones.
		WrongLeaves,
		/// A Merkle proof does not lead to the committed root, or has the wrong length.
		ProofInvalid,
		/// A proof's ranges are out of order: a sibling's range is inverted, or at some level
		/// the left range does not end below the right one (repeated or unsorted hits).
		RangesOutOfOrder,
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
		/// The attestation must carry one recomputation per revealed leaf, in the reveal's
		/// order.
		WrongValueCount,
		/// The validator has no sealed attestation on this host to open.
		NotSealed,
		/// The validator already opened its attestation on this host.
		AlreadyOpened,
		/// The values and salt do not give the sealed hash.
		SealMismatch,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_now: BlockNumberFor<T>) -> Weight {
			Self::settle_page().saturating_add(Self::clean_up_old_epochs())
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Commits to this epoch's hits: the root triple of the range-annotated Merkle tree over
		/// them (sorted by nonce) and their number, at most the nonces the root's range holds.
		/// Only in the commit phase, once per host and epoch. A commitment binds: a host that
		/// then fails its reveal is punished as for fraud. Free for registered
		/// hosts when it succeeds. Operational, like every step of the proof: a phase lasts a
		/// few blocks, and a block that rotates the session has no room for normal
		/// transactions.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(0)]
		#[pallet::weight((
			T::WeightInfo::commit().saturating_add(T::Hosts::acting_for_weight()),
			DispatchClass::Operational
		))]
		pub fn commit(
			origin: OriginFor<T>,
			epoch: u64,
			root: Node,
			count: u32,
		) -> DispatchResultWithPostInfo {
			let host = T::Hosts::acting_for(&ensure_signed(origin)?);
			let current = Self::ensure_host_in_phase(&host, epoch, Phase::Commit)?;
			ensure!(count > 0, Error::<T>::NoHits);
			ensure!(
				gonka_primitives::merkle::plausible_commitment(&root, count),
				Error::<T>::CountBeyondRange
			);
			ensure!(!Commitments::<T>::contains_key(epoch, &host), Error::<T>::AlreadyCommitted);
			let samples = T::Hosts::samples_for(&host, current.params.samples);
			Commitments::<T>::insert(epoch, &host, Commitment { root, count, samples });
			Committers::<T>::mutate(epoch, |committers| *committers = committers.saturating_add(1));
			Self::deposit_event(Event::Committed { epoch, host, root, count });
			Ok(Pays::No.into())
		}

		/// Reveals the challenged leaves with their proofs. Only in the reveal phase once the
		/// challenge seed is fixed, once per host and epoch; every leaf must be challenged,
		/// proven with ranges in order, and a hit. Free for registered hosts when it succeeds.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(1)]
		#[pallet::weight((
			T::WeightInfo::reveal(leaves.len() as u32).saturating_add(T::Hosts::acting_for_weight()),
			DispatchClass::Operational
		))]
		pub fn reveal(
			origin: OriginFor<T>,
			epoch: u64,
			leaves: BoundedVec<RevealedLeaf, ConstU32<MAX_REVEALED_LEAVES>>,
		) -> DispatchResultWithPostInfo {
			let host = T::Hosts::acting_for(&ensure_signed(origin)?);
			let current = Self::ensure_host_in_phase(&host, epoch, Phase::Reveal)?;
			let commitment = Commitments::<T>::get(epoch, &host).ok_or(Error::<T>::NoCommitment)?;
			ensure!(!Revealed::<T>::contains_key(epoch, &host), Error::<T>::AlreadyRevealed);
			let checked = Self::check_reveal(&current, &host, commitment, &leaves)?;
			let revealed = checked.len() as u32;
			Self::enter_snapshot(epoch, &host, checked)?;
			Self::deposit_event(Event::Revealed { epoch, host, leaves: revealed });
			Ok(Pays::No.into())
		}

		/// Seals a validator's attestation on `host`: `blake2_256(SCALE((values, salt)))` of
		/// its recomputations of the host's revealed leaves (distance and check value each, in
		/// the reveal's order) and a secret salt. Only in the validate phase once the validation
		/// seed is fixed, by a validator drawn for the host, once. Free for registered hosts
		/// when it succeeds.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(2)]
		// Declared for the most validators a host can have; what the epoch's draw of
		// `validators_per_host` costs is refunded.
		#[pallet::weight((
			T::WeightInfo::attest(MAX_VALIDATORS_PER_HOST)
				.saturating_add(seat_reads::<T>(MAX_VALIDATORS_PER_HOST))
				.saturating_add(T::Hosts::acting_for_weight()),
			DispatchClass::Operational
		))]
		pub fn attest(
			origin: OriginFor<T>,
			epoch: u64,
			host: T::AccountId,
			seal: Hash32,
		) -> DispatchResultWithPostInfo {
			let validator = T::Hosts::acting_for(&ensure_signed(origin)?);
			let current = Self::ensure_host_in_phase(&validator, epoch, Phase::Validate)?;
			Self::record_seal(&current, &validator, &host, seal)?;
			let drawn = current.params.validators_per_host.min(MAX_VALIDATORS_PER_HOST);
			Ok(PostDispatchInfo {
				actual_weight: Some(
					T::WeightInfo::attest(drawn)
						.saturating_add(seat_reads::<T>(drawn))
						.saturating_add(T::Hosts::acting_for_weight()),
				),
				pays_fee: Pays::No,
			})
		}

		/// Opens a validator's sealed attestation on `host` with its values and salt. Only in
		/// the open phase, once. An attestation never opened counts as silence. Free for
		/// registered hosts when it succeeds.
		/// Signed by the host or by its operator key (host-reputation's `set_operator`).
		#[pallet::call_index(3)]
		#[pallet::weight((
			T::WeightInfo::open_attestation().saturating_add(T::Hosts::acting_for_weight()),
			DispatchClass::Operational
		))]
		pub fn open_attestation(
			origin: OriginFor<T>,
			epoch: u64,
			host: T::AccountId,
			values: RecomputedValues,
			salt: Hash32,
		) -> DispatchResultWithPostInfo {
			let validator = T::Hosts::acting_for(&ensure_signed(origin)?);
			let current = Self::ensure_host_in_phase(&validator, epoch, Phase::Open)?;
			Self::record_opening(&current, &validator, &host, &values, &salt)?;
			Ok(Pays::No.into())
		}
	}
}
