//! Genesis presets: `development` (Alice alone produces and finalises blocks),
//! `local_testnet` (Alice and Bob) and `four_hosts` (Alice, Bob, Charlie and Dave: the smallest
//! set whose finality survives one node down), each authority also a registered host, the
//! community pool holding 12% of the supply, the training treasury's account opened, the
//! project's test model and SmolLM2 registered for inference, every served request re-checked,
//! Alice and Bob holding inference deposits ([`INFERENCE_DEPOSIT`]) so that a gateway with
//! either key is paid for at once. Only `development` has a sudo key (Alice); elsewhere
//! parameters change by compute-weighted governance alone, which votes for a day and waits a
//! day before dispatching (`development`: 10 and 5 blocks).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_community_pool::GovernanceParams;
use serde_json::Value;
use sp_consensus_babe::AuthorityId as BabeId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	apis::BABE_GENESIS_EPOCH_CONFIG,
	configs::{
		governance::{development_governance, TrainingTreasuryAccount},
		host_reputation::genesis_params,
		inference,
		monetary::CommunityPoolAccount,
		proof_of_compute::development_emission,
	},
	currency::{EXISTENTIAL_DEPOSIT, GNK},
	AccountId, Balance, BalancesConfig, CommunityPoolConfig, HostReputationConfig, InferenceConfig,
	RuntimeGenesisConfig, SessionConfig, SessionKeys, SprintConfig, SudoConfig,
};

/// What every endowed development account starts with: one million GNK.
pub const ENDOWMENT: Balance = 1_000_000 * GNK;
/// The collateral each genesis authority holds as a host: enough to back a million units of
/// weight.
pub const GENESIS_COLLATERAL: Balance = 100_000 * GNK;

/// What Alice and Bob hold as inference deposits at genesis: ten thousand GNK, ten million
/// tokens of the registered models at their base price.
pub const INFERENCE_DEPOSIT: Balance = 10_000 * GNK;

/// A genesis authority: its account and its session keys.
struct Authority {
	account: AccountId,
	keys: SessionKeys,
}

/// The authority whose keys derive from the well-known development seed `//<name>`.
fn authority(keyring: Sr25519Keyring, grandpa: Ed25519Keyring) -> Authority {
	Authority {
		account: keyring.to_account_id(),
		keys: SessionKeys {
			babe: BabeId::from(keyring.public()),
			grandpa: GrandpaId::from(grandpa.public()),
		},
	}
}

/// The community pool's share of the genesis supply (DESIGN.md §6).
pub const COMMUNITY_POOL_SHARE_PERCENT: Balance = 12;

/// Every genesis authority is also a host, with [`GENESIS_COLLATERAL`] held; the community
/// pool holds [`COMMUNITY_POOL_SHARE_PERCENT`] of the supply, the endowed accounts the rest.
/// `root`, when given, is the sudo key; `governance`, when given, governance's timing (a day
/// of voting and a day's delay otherwise).
fn genesis(
	authorities: Vec<Authority>,
	endowed: Vec<AccountId>,
	root: Option<AccountId>,
	governance: Option<GovernanceParams>,
) -> Value {
	let mut balances: Vec<(AccountId, Balance)> =
		endowed.into_iter().map(|account| (account, ENDOWMENT)).collect();
	let endowed_total = ENDOWMENT.saturating_mul(balances.len() as Balance);
	let pool = endowed_total.saturating_mul(COMMUNITY_POOL_SHARE_PERCENT)
		/ (100 - COMMUNITY_POOL_SHARE_PERCENT);
	balances.push((CommunityPoolAccount::get(), pool));
	// Opened, so that the 20% share of even the cheapest job can be paid into it.
	balances.push((TrainingTreasuryAccount::get(), EXISTENTIAL_DEPOSIT));
	let deposits: Vec<(AccountId, u128)> = [Sr25519Keyring::Alice, Sr25519Keyring::Bob]
		.into_iter()
		.map(|developer| (developer.to_account_id(), INFERENCE_DEPOSIT))
		.collect();
	let hosts: Vec<(AccountId, Balance)> =
		authorities.iter().map(|a| (a.account.clone(), GENESIS_COLLATERAL)).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		host_reputation: HostReputationConfig { params: Some(genesis_params()), hosts },
		sprint: SprintConfig { emission: Some(development_emission()) },
		babe: pallet_babe::GenesisConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		session: SessionConfig {
			keys: authorities
				.into_iter()
				.map(|a| (a.account.clone(), a.account, a.keys))
				.collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: root },
		community_pool: CommunityPoolConfig { params: governance },
		inference: InferenceConfig {
			params: Some(inference::development_params()),
			models: vec![inference::test_model(), inference::smollm2()],
			deposits,
		},
	})
}

/// The well-known development accounts (Alice … Ferdie and their stashes).
fn development_accounts() -> Vec<AccountId> {
	Sr25519Keyring::iter()
		.filter(|k| *k != Sr25519Keyring::One && *k != Sr25519Keyring::Two)
		.map(|k| k.to_account_id())
		.collect()
}

/// One authority, Alice, who is also the sudo key.
pub fn development_genesis() -> Value {
	genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		development_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		Some(development_governance()),
	)
}

/// Two authorities, Alice and Bob, and no sudo key: parameters change by compute-weighted
/// governance only.
pub fn local_testnet_genesis() -> Value {
	genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		development_accounts(),
		None,
		None,
	)
}

/// The name of the preset with four authorities.
pub const FOUR_HOSTS_PRESET: &str = "four_hosts";

/// Four authorities, Alice, Bob, Charlie and Dave, and no sudo key: GRANDPA needs three of
/// them, so the chain keeps finalising with any one down.
pub fn four_hosts_genesis() -> Value {
	genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		development_accounts(),
		None,
		None,
	)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
		FOUR_HOSTS_PRESET => four_hosts_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(alloc::string::String::into_bytes)
}

/// The names of all presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(FOUR_HOSTS_PRESET),
	]
}
