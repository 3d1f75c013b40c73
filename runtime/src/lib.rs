//! The Gonka runtime: a solochain secured by BABE and GRANDPA whose economy rests on
//! verifiable Transformer compute (see `docs/ARCHITECTURE.md`).
//!
//! This file composes the pallets; their configuration lives in [`configs`], the runtime
//! APIs in [`apis`] and the genesis presets in [`genesis_config_presets`].

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`'s expansion is huge; the WASM build needs the larger limit.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

impl_opaque_keys! {
	/// The session keys of a block-producing validator.
	pub struct SessionKeys {
		/// Block production (BABE, sr25519).
		pub babe: Babe,
		/// Finality (GRANDPA, ed25519).
		pub grandpa: Grandpa,
	}
}

/// The runtime's version: bump `spec_version` on every change of runtime logic, and
/// `transaction_version` on every change of a call's index or arguments.
#[cfg(not(feature = "upgrade-rehearsal"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("gonka"),
	impl_name: alloc::borrow::Cow::Borrowed("gonka-node"),
	authoring_version: 1,
	spec_version: 106,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

// The rehearsal runtime is built for WASM alone (runtime/rehearsal): with `std`, the feature
// would have reached the node's own runtime (e.g. through `--all-features`).
#[cfg(all(feature = "upgrade-rehearsal", feature = "std"))]
compile_error!("`upgrade-rehearsal` is for scripts/build-rehearsal-runtime.sh only");

/// The upgrade rehearsal's version (`runtime/rehearsal`, docs/OPERATORS.md): the same runtime
/// one `spec_version` later. The version macro reads literals only, hence a second constant.
#[cfg(feature = "upgrade-rehearsal")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("gonka"),
	impl_name: alloc::borrow::Cow::Borrowed("gonka-node"),
	authoring_version: 1,
	spec_version: 107,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// Time and block-production constants.
pub mod time {
	use super::BlockNumber;

	/// Target block time. A slot is one block time; BABE's secondary slots make every slot
	/// produce a block even with a single authority.
	pub const MILLISECS_PER_BLOCK: u64 = 6000;
	/// BABE's slot duration; it cannot change after genesis.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// One BABE epoch, which is also one session: the validator set can change at every
	/// session. Two minutes, so that compute weight earned in a sprint reaches the validator
	/// set within minutes (see docs/ARCHITECTURE.md). Cannot change after genesis.
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 2 * MINUTES as u64;
	/// BABE's `c`: the probability that a slot has a primary author is 1/4; secondary slots
	/// fill the rest.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
}

/// Currency constants: GNK has 9 decimals.
pub mod currency {
	use super::Balance;

	/// One GNK.
	pub const GNK: Balance = 1_000_000_000;
	/// 1/1000 GNK.
	pub const MILLI_GNK: Balance = GNK / 1000;
	/// 1/1,000,000 GNK.
	pub const MICRO_GNK: Balance = MILLI_GNK / 1000;
	/// The smallest balance an account may hold.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_GNK;
	/// Token symbol shown by wallets.
	pub const TOKEN_SYMBOL: &str = "GNK";
	/// Token decimals shown by wallets.
	pub const TOKEN_DECIMALS: u8 = 9;
	/// SS58 address prefix (42: the generic Substrate prefix).
	pub const SS58_PREFIX: u16 = 42;
}

/// Signature of transactions.
pub type Signature = MultiSignature;
/// Account identifier: the public key of the signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// Address format of transaction senders.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed transaction carries.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_proof_of_compute::CheckHostSubmission<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The extensions of a transaction signed by an account with `nonce`, valid during `era`, with
/// no tip and no metadata hash: what the node's compute worker signs.
pub fn tx_extension(nonce: Nonce, era: generic::Era) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(era),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_proof_of_compute::CheckHostSubmission::<Runtime>::default(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// Extrinsic format.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a transaction's signature covers.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Dispatches blocks and extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(3)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(4)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(5)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(6)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(8)]
	pub type Sudo = pallet_sudo;

	// Proof of Compute: indices 10 and up.
	#[runtime::pallet_index(10)]
	pub type Sprint = pallet_sprint;

	#[runtime::pallet_index(11)]
	pub type ProofOfCompute = pallet_proof_of_compute;

	#[runtime::pallet_index(12)]
	pub type HostReputation = pallet_host_reputation;

	#[runtime::pallet_index(13)]
	pub type CommunityPool = pallet_community_pool;

	#[runtime::pallet_index(14)]
	pub type TreasuryForTraining = pallet_treasury_for_training;

	#[runtime::pallet_index(15)]
	pub type Inference = pallet_inference;

	// Equivocation: the block's author, reported offences, and the sessions' key roots.
	#[runtime::pallet_index(16)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(17)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(18)]
	pub type Historical = pallet_session::historical;
}
