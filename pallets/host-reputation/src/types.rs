//! What the registry keeps about a host, and the parameters it runs by.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use pallet_proof_of_compute::MIN_WEIGHT_SHARE;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// Full reputation. Reputation counts in hundredths of a point, from 0 to 100 points, so that
/// the default gain of 100/30 points per honest epoch is exact enough to reach 100 in 30.
pub const MAX_REPUTATION: u32 = 10_000;
/// Longest host name, in bytes.
pub const MAX_NAME_LEN: u32 = 64;
/// Longest inference endpoint URL, in bytes.
pub const MAX_ENDPOINT_LEN: u32 = 256;
/// Longest hardware description, in bytes.
pub const MAX_HARDWARE_LEN: u32 = 128;
/// How many of its most recent weights the registry keeps per host, and how many settled
/// epochs it remembers: the longest a governance vote may rest on one epoch's weight.
pub const WEIGHT_HISTORY: u32 = 16;
/// Longest unbonding period a parameter change may set, in epochs.
pub const MAX_UNBONDING_EPOCHS: u32 = 10_000;
/// The largest share of an epoch's emission the validators may be paid.
pub const MAX_VALIDATOR_REWARD_SHARE: Perbill = Perbill::from_percent(50);

/// Where a host stands.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum HostStatus {
	/// Computes every epoch.
	Active,
	/// Unregistered: still a host until `last_epoch` ends (so it answers for the work it
	/// committed), then its collateral stays held, and slashable, until `withdrawable_from`.
	Leaving {
		/// The last epoch it takes part in.
		last_epoch: u64,
		/// The first epoch in which it may withdraw its collateral.
		withdrawable_from: u64,
	},
	/// Removed for fraud: no longer a host; what is left of its collateral can be withdrawn
	/// from `withdrawable_from` on.
	Removed {
		/// The first epoch in which it may withdraw its collateral.
		withdrawable_from: u64,
	},
}

impl HostStatus {
	/// The epoch from which the collateral may be withdrawn, once the host is no longer active.
	pub fn withdrawable_from(self) -> Option<u64> {
		match self {
			HostStatus::Active => None,
			HostStatus::Leaving { withdrawable_from, .. }
			| HostStatus::Removed { withdrawable_from } => Some(withdrawable_from),
		}
	}
}

/// What an operator key signs to consent to act for a host: this context, the host's account
/// and the key's account nonce, SCALE-encoded (`gonka-node operator-consent` prints it
/// signed). The nonce makes a consent good until the key's next transaction: a key that
/// resigned, or acted for the host, cannot be named again with an old consent.
pub const OPERATOR_CONSENT_CONTEXT: [u8; 14] = *b"gonka/operator";

/// The bytes an operator key whose account nonce is `nonce` signs to consent to act for
/// `host`.
pub fn operator_consent_payload<AccountId: Encode, Nonce: Encode>(
	host: &AccountId,
	nonce: Nonce,
) -> alloc::vec::Vec<u8> {
	(OPERATOR_CONSENT_CONTEXT, host, nonce).encode()
}

/// The most operator keys a host has at once: the one acting and the one taking over at the
/// next epoch.
pub const MAX_OPERATOR_KEYS: u32 = 2;

/// An operator key's term: the host it acts for, and the epochs in which it does.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct OperatorTerm<AccountId> {
	/// The host it acts for.
	pub host: AccountId,
	/// The first epoch in which it acts.
	pub from: u64,
	/// The first epoch in which it no longer acts, once it was replaced, removed or resigned.
	pub until: Option<u64>,
}

impl<AccountId> OperatorTerm<AccountId> {
	/// Whether the key acts for its host in `epoch`.
	pub fn acts_in(&self, epoch: u64) -> bool {
		self.from <= epoch && self.until.is_none_or(|until| epoch < until)
	}

	/// Whether the key may still finish its host's marketplace duties in `epoch`: while it
	/// acts, and in the epoch after its term (the reports and verdicts of the requests it
	/// served at the end of its last epoch land then).
	pub fn finishes_duties_in(&self, epoch: u64) -> bool {
		self.acts_in(epoch) || self.until == Some(epoch)
	}

	/// Whether the key's term is over by `epoch`.
	pub fn ended_by(&self, epoch: u64) -> bool {
		self.until.is_some_and(|until| until <= epoch)
	}
}

/// The weight a host earned in an epoch.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct EpochWeight {
	/// The epoch.
	pub epoch: u64,
	/// The weight its collateral backed (before the epoch's cap on one host's share).
	pub weight: u64,
}

/// A registered host.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Host<Balance> {
	/// Collateral on hold, slashable while the record exists.
	pub collateral: Balance,
	/// Reputation, 0 to [`MAX_REPUTATION`]: one unit everywhere (events, RPC, `host status`).
	pub reputation: u32,
	/// The epoch in which it registered: it must commit in every later one.
	pub registered_in: u64,
	/// Active, leaving or removed.
	pub status: HostStatus,
	/// The weight it earned in its last settled epoch.
	pub last_weight: EpochWeight,
}

impl<Balance> Host<Balance> {
	/// Whether it was removed for fraud.
	pub fn is_removed(&self) -> bool {
		matches!(self.status, HostStatus::Removed { .. })
	}
}

/// What a settled epoch counted: the cap on one host's weight and the total within it.
#[derive(
	Clone,
	Copy,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SettledEpoch {
	/// The most weight one host counted.
	pub weight_cap: u64,
	/// The total weight counted.
	pub counted_weight: u64,
}

/// What an operator tells about its host: shown to developers choosing where to send
/// inference. Checked on the way in ([`crate::info`]).
#[derive(
	Clone,
	Debug,
	Default,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct HostInfo {
	/// A display name: printable UTF-8, not empty.
	pub name: BoundedVec<u8, ConstU32<MAX_NAME_LEN>>,
	/// The inference endpoint: an `http://` or `https://` URL, or empty when the host serves
	/// no inference.
	pub endpoint: BoundedVec<u8, ConstU32<MAX_ENDPOINT_LEN>>,
	/// Declared hardware, e.g. "8x H100 80GB": printable UTF-8.
	pub hardware: BoundedVec<u8, ConstU32<MAX_HARDWARE_LEN>>,
}

/// Why a host was slashed.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum SlashReason {
	/// Its validators rejected its work.
	Fraud,
	/// It committed but did not pass its reveal: it committed to what it could not prove,
	/// which is fraud.
	FailedReveal,
	/// It was registered but did not commit and reveal in the epoch.
	Downtime,
	/// As a validator drawn for a host, it did not attest.
	SilentValidator,
	/// As a validator, it was outvoted by the majority in two epochs running.
	OutvotedValidator,
	/// An inference it served failed its re-check, and the dispute upheld the failure.
	Forgery,
	/// It accused an inference of forgery, and the dispute found it served honestly.
	FalseAccusation,
	/// Drawn to re-check an inference or to decide a dispute, it gave no verdict in time.
	SilentChecker,
	/// As a validator, it signed two blocks for one slot, or two votes in one finality round.
	Equivocation,
}

/// The registry's parameters (DESIGN.md §6). Changed by [`crate::Pallet::set_params`].
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct ReputationParams<Balance> {
	/// Least collateral to register with.
	pub min_collateral: Balance,
	/// Collateral each unit of weight beyond the free share needs (0: none).
	pub collateral_per_weight: Balance,
	/// Share of a host's weight that needs no collateral.
	pub free_weight_share: Perbill,
	/// Largest share of an epoch's counted weight one host counts (at least 10%).
	pub max_weight_share: Perbill,
	/// Share of each epoch's emission paid to validators, by their attestations that agreed
	/// with the outcome (at most 50%).
	pub validator_reward_share: Perbill,
	/// Share of collateral slashed for fraud.
	pub fraud_slash: Perbill,
	/// Share of collateral slashed for a missed epoch.
	pub downtime_slash: Perbill,
	/// Reputation gained per honest epoch, in hundredths of a point.
	pub reputation_gain: u32,
	/// Reputation lost per missed epoch, in hundredths of a point.
	pub reputation_loss: u32,
	/// Share of the epoch's challenged samples a host of full reputation answers for; a new
	/// host answers for all of them.
	pub min_sample_share: Perbill,
	/// Epochs between a host's last epoch and the withdrawal of its collateral (at least 1,
	/// so that the last epoch's settlement, and any slash, comes first).
	pub unbonding_epochs: u32,
}

impl<Balance: Default> Default for ReputationParams<Balance> {
	/// DESIGN.md §6's defaults, with no collateral required (the runtime sets the amounts).
	fn default() -> Self {
		Self {
			min_collateral: Balance::default(),
			collateral_per_weight: Balance::default(),
			free_weight_share: Perbill::from_percent(20),
			max_weight_share: Perbill::from_percent(25),
			validator_reward_share: Perbill::from_percent(5),
			fraud_slash: Perbill::from_percent(20),
			downtime_slash: Perbill::from_percent(1),
			reputation_gain: MAX_REPUTATION.div_ceil(30),
			reputation_loss: MAX_REPUTATION / 10,
			min_sample_share: Perbill::from_percent(25),
			unbonding_epochs: 2,
		}
	}
}

impl<Balance> ReputationParams<Balance> {
	/// Whether the parameters are usable: a share cap the settlement can apply, reputation
	/// steps within the scale, some samples always checked, an unbonding period that outlasts
	/// the last epoch's settlement.
	pub fn is_valid(&self) -> bool {
		self.max_weight_share >= MIN_WEIGHT_SHARE
			&& self.validator_reward_share <= MAX_VALIDATOR_REWARD_SHARE
			&& self.reputation_gain <= MAX_REPUTATION
			&& self.reputation_loss <= MAX_REPUTATION
			&& !self.min_sample_share.is_zero()
			&& (1..=MAX_UNBONDING_EPOCHS).contains(&self.unbonding_epochs)
	}
}
