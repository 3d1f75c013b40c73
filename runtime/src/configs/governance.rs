//! Compute-weighted governance: the community pool, its proposals and the `ComputeMajority`
//! origin, which (with root, where a development chain has a sudo key) alone changes the
//! chain's parameters, and alone spends the pool and the training treasury and authorises
//! runtime upgrades.

use frame_support::{
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstU32, EitherOfDiverse},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use pallet_community_pool::{ComputeVotes, EnsureComputeMajority, GovernanceParams};
use sp_runtime::{traits::AccountIdConversion, Perbill};

use crate::{
	configs::{monetary::CommunityPoolAccount, system::RuntimeBlockWeights},
	currency::GNK,
	AccountId, Balance, Balances, HostReputation, Runtime, RuntimeCall, RuntimeHoldReason,
	RuntimeOrigin,
};

/// Who may change the sprint, proof-of-compute, reputation and economic parameters: a passed
/// proposal, or root (only where the chain has a sudo key: the development preset).
pub type ParamsOrigin = EitherOfDiverse<EnsureRoot<AccountId>, EnsureComputeMajority>;

/// Compute weight as host-reputation remembers it.
pub struct HostComputeVotes;
impl ComputeVotes<AccountId> for HostComputeVotes {
	fn last_settled_epoch() -> Option<u64> {
		pallet_host_reputation::LastSettledEpoch::<Runtime>::get()
	}

	fn weight_of(epoch: u64, who: &AccountId) -> u64 {
		HostReputation::counted_weight_in(epoch, who)
	}

	fn total_weight(epoch: u64) -> u64 {
		HostReputation::counted_total(epoch)
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn set_weight_for_benchmarks(who: &AccountId, weight: u64) {
		HostReputation::record_weight_for_benchmarks(who, weight);
	}
}

parameter_types! {
	/// The training treasury's account.
	pub TrainingTreasuryAccount: AccountId = PalletId(*b"gnk/trai").into_account_truncating();
	/// The training treasury's share of inference revenue.
	pub const TrainingRevenueShare: Perbill = Perbill::from_percent(20);
	pub const ProposalDeposit: Balance = 100 * GNK;
	pub const Quorum: Perbill = Perbill::from_percent(25);
	pub const MaxVoteShare: Perbill = Perbill::from_percent(25);
	/// Half of what a normal extrinsic may weigh: `enact` adds its own weight to the call's.
	pub MaxProposalCallWeight: Weight = RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.max_extrinsic
		.unwrap_or_else(|| RuntimeBlockWeights::get().max_block)
		.saturating_div(2);
}

/// The most proposals one proposer has open: 2. The upgrade rehearsal's runtime allows 3, the
/// behaviour change its test looks for once the network has upgraded.
#[cfg(not(feature = "upgrade-rehearsal"))]
pub type MaxProposalsPerProposer = ConstU32<2>;
/// The rehearsal's visible change: 3 proposals per proposer.
#[cfg(feature = "upgrade-rehearsal")]
pub type MaxProposalsPerProposer = ConstU32<3>;

/// Governance's timing on the development chain: a minute of voting (10 blocks), then half a
/// minute (5 blocks) before the call is dispatched, so that a proposal can be watched from
/// start to end. Every other preset keeps the default: a day of voting, then a day's delay.
pub fn development_governance() -> GovernanceParams {
	GovernanceParams { voting_period: 10, enactment_delay: 5 }
}

impl pallet_community_pool::Config for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type RuntimeCall = RuntimeCall;
	type SpendOrigin = EnsureComputeMajority;
	type UpgradeOrigin = EnsureComputeMajority;
	type ParamsOrigin = ParamsOrigin;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Votes = HostComputeVotes;
	type PoolAccount = CommunityPoolAccount;
	type ProposalDeposit = ProposalDeposit;
	type Quorum = Quorum;
	type MaxVoteShare = MaxVoteShare;
	type MaxProposals = ConstU32<16>;
	type MaxProposalsPerProposer = MaxProposalsPerProposer;
	type MaxCallWeight = MaxProposalCallWeight;
	type WeightInfo = pallet_community_pool::weights::SubstrateWeight<Runtime>;
}

impl pallet_treasury_for_training::Config for Runtime {
	type Currency = Balances;
	type TreasuryAccount = TrainingTreasuryAccount;
	type RevenueShare = TrainingRevenueShare;
	type GrantOrigin = EnsureComputeMajority;
	type WeightInfo = pallet_treasury_for_training::weights::SubstrateWeight<Runtime>;
}
