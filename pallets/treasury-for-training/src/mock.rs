//! A runtime with balances and this pallet, for the pallet's tests. Accounts 1–10 hold
//! 10,000 each; the treasury starts empty (its account, [`TREASURY`], is created by funding).

use frame_support::{derive_impl, parameter_types, traits::EnsureOrigin};
use sp_runtime::{BuildStorage, Perbill};

use crate::{self as pallet_treasury_for_training};

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeHoldReason,
		RuntimeFreezeReason,
		RuntimeTask
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(2)]
	pub type TreasuryForTraining = pallet_treasury_for_training;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// The treasury's account.
pub const TREASURY: u64 = 77;
/// The account that stands for governance: only its signature passes `GrantOrigin` here.
pub const GOVERNANCE: u64 = 42;

parameter_types! {
	pub const Treasury: u64 = TREASURY;
	pub const RevenueShare: Perbill = Perbill::from_percent(20);
}

/// Lets only [`GOVERNANCE`] grant (the runtime uses `ComputeMajority`).
pub struct EnsureGovernance;
impl EnsureOrigin<RuntimeOrigin> for EnsureGovernance {
	type Success = ();

	fn try_origin(origin: RuntimeOrigin) -> Result<(), RuntimeOrigin> {
		match origin.clone().into() {
			Ok(frame_system::RawOrigin::Signed(GOVERNANCE)) => Ok(()),
			_ => Err(origin),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::signed(GOVERNANCE))
	}
}

impl crate::Config for Test {
	type Currency = Balances;
	type TreasuryAccount = Treasury;
	type RevenueShare = RevenueShare;
	type GrantOrigin = EnsureGovernance;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let balances: Vec<(u64, u64)> = (1..=10).map(|who| (who, 10_000)).collect();
	let storage = RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig { balances, ..Default::default() },
	}
	.build_storage()
	.expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
