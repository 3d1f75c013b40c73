//! The runtime API a host's compute worker (and any client) asks what to do now.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::{
	merkle::{Leaf, Node},
	sprint::{EpochInfo, Phase},
};

/// The epoch in progress as a worker sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct SprintStatus {
	/// The epoch: number, first block, seeds and parameters.
	pub epoch: EpochInfo<u32>,
	/// Its current phase.
	pub phase: Phase,
	/// Blocks of the phase left, counting the block this was read at.
	pub blocks_left_in_phase: u32,
}

/// What the chain holds of one host's own submissions in the epoch in progress: a worker
/// checks it before submitting, so a restart or a reorg never submits a step twice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct HostSubmissions {
	/// Whether the account is a host that may submit in this epoch.
	pub host: bool,
	/// The committed root (hash and nonce range) and hit count, once the commitment is on
	/// chain.
	pub commitment: Option<(Node, u32)>,
	/// Whether a reveal passed the on-chain checks.
	pub revealed: bool,
}

/// A host a validator must re-check, with the leaves to recompute.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ValidationDuty<AccountId> {
	/// The host.
	pub host: AccountId,
	/// Its revealed leaves `(index, leaf)`; the attestation carries one recomputation per
	/// leaf, in this order.
	pub leaves: Vec<(u32, Leaf)>,
	/// Whether the validator's sealed attestation is on chain.
	pub sealed: bool,
	/// Whether the validator has opened it.
	pub opened: bool,
}

sp_api::decl_runtime_apis! {
	/// What a host must do now: the epoch, its phase, seeds and parameters, the leaves the
	/// host must reveal and the hosts it must validate. Version 2 adds `acting_for`.
	#[api_version(2)]
	pub trait ProofOfComputeApi<AccountId> where AccountId: codec::Codec {
		/// The epoch in progress; `None` before the first block.
		fn sprint_status() -> Option<SprintStatus>;

		/// The leaf indices `account` must reveal in the epoch in progress: empty before the
		/// challenge seed is fixed or without a commitment.
		fn challenged_leaves(account: AccountId) -> Vec<u32>;

		/// The hosts `account` must validate in the epoch in progress, with their revealed
		/// leaves: empty outside the validate and open phases or when `account` has no
		/// passing reveal.
		fn validation_duties(account: AccountId) -> Vec<ValidationDuty<AccountId>>;

		/// What `account` has committed and revealed in the epoch in progress.
		fn submissions(account: AccountId) -> HostSubmissions;

		/// The host whose steps `signer` submits in the epoch in progress: the host whose
		/// operator key it is, else itself. The node asks it of its own key.
		#[api_version(2)]
		fn acting_for(signer: AccountId) -> AccountId;
	}

	/// Hosts and their results, as operators and dashboards read them: the registry record,
	/// recent weight, and each epoch's settlement.
	pub trait HostsApi<AccountId, Host, HostResult, EpochSummary> where
		AccountId: codec::Codec,
		Host: codec::Codec,
		HostResult: codec::Codec,
		EpochSummary: codec::Codec,
	{
		/// The registry record of `account`; `None` when it is not registered.
		fn host(account: AccountId) -> Option<Host>;

		/// `account`'s compute weight in its most recent epochs that earned any, as
		/// `(epoch, weight)`, oldest first.
		fn recent_weights(account: AccountId) -> Vec<(u64, u64)>;

		/// `account`'s results in the epochs whose results the chain still stores, newest
		/// first.
		fn host_results(account: AccountId) -> Vec<(u64, HostResult)>;

		/// How far `epoch`'s settlement has gone, while the chain stores it.
		fn epoch_summary(epoch: u64) -> Option<EpochSummary>;

		/// Up to `count` (at most 1,000) of `epoch`'s results in storage order, starting after
		/// the result of `after` (from the first when `None`).
		fn epoch_results(epoch: u64, after: Option<AccountId>, count: u32) -> Vec<(AccountId, HostResult)>;
	}

	/// The training treasury: what it holds and every grant governance made from it.
	pub trait TrainingTreasuryApi<Balance, Grant> where Balance: codec::Codec, Grant: codec::Codec {
		/// What the treasury can grant now.
		fn balance() -> Balance;

		/// Up to `count` grants (at most 1,000) from index `from` on, each with its index.
		fn grants(from: u32, count: u32) -> Vec<(u32, Grant)>;
	}
}
