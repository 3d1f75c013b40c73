//! The host registry: collateral, reputation, slashing and the compute-elected validators.

use frame_support::traits::{tokens::imbalance::ResolveTo, ConstU32, Contains};
use pallet_host_reputation::ReputationParams;

use crate::{
	configs::{
		consensus::MaxAuthorities, governance::ParamsOrigin, monetary::CommunityPoolAccount,
	},
	currency::GNK,
	AccountId, Balance, Balances, ProofOfCompute, Runtime, RuntimeHoldReason, Sprint,
};

/// Accounts whose session keys are set for the next session: they can author blocks.
pub struct HasSessionKeys;
impl Contains<AccountId> for HasSessionKeys {
	fn contains(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
}

/// The registry's parameters at genesis: DESIGN.md §6's shares and reputation steps, 100 GNK
/// to register, and 0.1 GNK of collateral for each unit of weight beyond the free 20%.
pub fn genesis_params() -> ReputationParams<Balance> {
	ReputationParams {
		min_collateral: 100 * GNK,
		collateral_per_weight: GNK / 10,
		..Default::default()
	}
}

impl pallet_host_reputation::Config for Runtime {
	type Balance = Balance;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type OnSlash = ResolveTo<CommunityPoolAccount, Balances>;
	type Sprint = Sprint;
	type Compute = ProofOfCompute;
	type ValidatorKeys = HasSessionKeys;
	type ParamsOrigin = ParamsOrigin;
	/// As many as BABE and GRANDPA accept.
	type MaxValidators = MaxAuthorities;
	/// As many as one epoch's weight snapshot holds.
	type MaxHosts = ConstU32<65_536>;
	type DowntimeChecksPerBlock = ConstU32<500>;
	type WeightInfo = pallet_host_reputation::weights::SubstrateWeight<Runtime>;
}
