//! Block production (BABE), finality (GRANDPA), sessions and time.

use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_runtime::traits::{ConvertInto, OpaqueKeys};

use crate::{
	time::{EPOCH_DURATION_IN_SLOTS, MILLISECS_PER_BLOCK, SLOT_DURATION},
	AccountId, Babe, Balances, HostReputation, Runtime, RuntimeEvent, Session, SessionKeys,
};

/// The most block-producing validators the chain supports.
pub type MaxAuthorities = ConstU32<100>;

parameter_types! {
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
	pub const ExpectedBlockTime: u64 = MILLISECS_PER_BLOCK;
}

impl pallet_babe::Config for Runtime {
	type EpochDuration = EpochDuration;
	type ExpectedBlockTime = ExpectedBlockTime;
	/// Epochs change when the session pallet rotates the session.
	type EpochChangeTrigger = pallet_babe::ExternalTrigger;
	type DisabledValidators = Session;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	/// Equivocation reports are not accepted yet: there is no key-ownership proof system.
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Babe;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Validators are identified by their account.
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	/// A session is one BABE epoch.
	type ShouldEndSession = Babe;
	type NextSessionRotation = Babe;
	/// Compute weight elects the validators; the genesis authorities serve until it does.
	type SessionManager = HostReputation;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Setting session keys holds no deposit.
	type KeyDeposit = ();
}
