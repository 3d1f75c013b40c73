//! The runtime API a host's compute worker (and any client) asks what to do now.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::sprint::{EpochInfo, Phase};

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

sp_api::decl_runtime_apis! {
	/// What a host must do now: the epoch, its phase, seeds and parameters, and the leaves the
	/// host must reveal.
	pub trait ProofOfComputeApi<AccountId> where AccountId: codec::Codec {
		/// The epoch in progress; `None` before the first block.
		fn sprint_status() -> Option<SprintStatus>;

		/// The leaf indices `account` must reveal in the epoch in progress: empty before the
		/// challenge seed is fixed or without a commitment.
		fn challenged_leaves(account: AccountId) -> Vec<u32>;
	}
}
