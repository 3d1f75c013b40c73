//! Block production (BABE), finality (GRANDPA), sessions and time, and the punishment of
//! validators that equivocate: reports checked against the historical sessions' key roots,
//! recorded by the offences pallet, and slashed through host-reputation.

use alloc::vec::Vec;
use frame_support::{
	parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use pallet_session::historical::IdentificationTuple;
use sp_runtime::{
	traits::{Convert, ConvertInto, OpaqueKeys},
	Perbill,
};
use sp_staking::{
	offence::{OffenceDetails, OffenceSeverity, OnOffenceHandler},
	SessionIndex,
};

use crate::{
	time::{EPOCH_DURATION_IN_SLOTS, MILLISECS_PER_BLOCK, SLOT_DURATION},
	AccountId, Babe, Balances, Historical, HostReputation, Offences, Runtime, RuntimeCall,
	RuntimeEvent, Session, SessionKeys, UncheckedExtrinsic,
};

/// Sessions for which an equivocation can still be reported: their key-ownership roots are
/// kept, and GRANDPA remembers their set ids. 720 two-minute sessions: a day.
pub const REPORTABLE_SESSIONS: u32 = 720;

/// The most block-producing validators the chain supports.
pub type MaxAuthorities = ConstU32<100>;

parameter_types! {
	pub const EpochDuration: u64 = EPOCH_DURATION_IN_SLOTS;
	pub const ExpectedBlockTime: u64 = MILLISECS_PER_BLOCK;
	/// How long an equivocation report stays valid in the transaction pool, in blocks.
	pub const ReportLongevity: u64 = (REPORTABLE_SESSIONS as u64).saturating_mul(EPOCH_DURATION_IN_SLOTS);
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
	/// A block author that signs two blocks for one slot is reported with a proof, from the
	/// historical sessions, that the key was its own.
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_babe::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = MaxAuthorities;
	type MaxNominators = ConstU32<0>;
	/// Set ids are remembered as long as key-ownership roots: a day of sessions.
	type MaxSetIdSessionEntries = ConstU64<{ REPORTABLE_SESSIONS as u64 }>;
	/// A voter that signs two votes in one round is reported like a BABE equivocation.
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

/// The block's author, for the reporter of an unsigned equivocation report.
impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Babe>;
	type EventHandler = ();
}

/// Validators are identified by their account alone: there is no stake to record.
pub struct AccountOnly;
impl Convert<AccountId, Option<()>> for AccountOnly {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

/// A Merkle root of each session's validators and keys, against which reports prove who
/// owned a key.
impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = AccountOnly;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = IdentificationTuple<Self>;
	type OnOffenceHandler = SlashEquivocation;
}

/// Equivocation is fraud: host-reputation slashes `fraud_slash` of the offender's collateral,
/// zeroes its reputation and removes it, once per session (the offences pallet hands over
/// every offender of a slot again with each new report of it).
pub struct SlashEquivocation;
impl OnOffenceHandler<AccountId, IdentificationTuple<Runtime>, Weight> for SlashEquivocation {
	fn on_offence(
		offenders: &[OffenceDetails<AccountId, IdentificationTuple<Runtime>>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			let offender = &details.offender.0;
			HostReputation::punish_equivocation(offender, session);
			// It stops authoring for the rest of the session, within the disabling limit.
			Session::report_offence(offender.clone(), OffenceSeverity(*fraction));
		}
		// Per offender: whether it was punished in the session, the host, the parameters, its
		// recent weights, its held collateral, the pool's account, the validators and the
		// disabled ones; written back, with the total collateral, the record and the disabled.
		// (pallet-offences 48 drops this figure: the report's own weight, BABE's and GRANDPA's,
		// is what the block accounts.)
		let count = offenders.len() as u64;
		<Runtime as frame_system::Config>::DbWeight::get()
			.reads_writes(count.saturating_mul(9), count.saturating_mul(7))
	}
}

/// The validator set compute elects (host-reputation), with each session's key root noted
/// for equivocation proofs and roots older than [`REPORTABLE_SESSIONS`] pruned.
pub struct ElectedByCompute;

impl pallet_session::SessionManager<AccountId> for ElectedByCompute {
	fn new_session(index: SessionIndex) -> Option<Vec<AccountId>> {
		<HostReputation as pallet_session::SessionManager<AccountId>>::new_session(index)
	}
	fn new_session_genesis(index: SessionIndex) -> Option<Vec<AccountId>> {
		<HostReputation as pallet_session::SessionManager<AccountId>>::new_session_genesis(index)
	}
	fn start_session(index: SessionIndex) {
		<HostReputation as pallet_session::SessionManager<AccountId>>::start_session(index)
	}
	fn end_session(index: SessionIndex) {
		<HostReputation as pallet_session::SessionManager<AccountId>>::end_session(index);
		Historical::prune_up_to(index.saturating_sub(REPORTABLE_SESSIONS));
	}
}

/// Validators with their (empty) historical identification.
fn identified(validators: Option<Vec<AccountId>>) -> Option<Vec<(AccountId, ())>> {
	validators.map(|validators| validators.into_iter().map(|validator| (validator, ())).collect())
}

impl pallet_session::historical::SessionManager<AccountId, ()> for ElectedByCompute {
	fn new_session(index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		identified(<Self as pallet_session::SessionManager<AccountId>>::new_session(index))
	}
	fn new_session_genesis(index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		identified(<Self as pallet_session::SessionManager<AccountId>>::new_session_genesis(index))
	}
	fn start_session(index: SessionIndex) {
		<Self as pallet_session::SessionManager<AccountId>>::start_session(index)
	}
	fn end_session(index: SessionIndex) {
		<Self as pallet_session::SessionManager<AccountId>>::end_session(index)
	}
}

/// Equivocation reports are unsigned transactions the node creates from the runtime.
impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
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
	/// Each session's key root is noted for equivocation proofs.
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, ElectedByCompute>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// A validator reported for equivocation stops authoring for the rest of the session, as
	/// long as fewer than a third of the validators are disabled (none of one, one of four).
	type DisablingStrategy = pallet_session::disabling::UpToLimitDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Setting session keys holds no deposit.
	type KeyDeposit = ();
}
