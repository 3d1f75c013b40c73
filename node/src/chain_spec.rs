//! The built-in chain specifications, generated from the runtime's genesis presets.

use gonka_runtime::{
	currency::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL},
	WASM_BINARY,
};
use sc_service::{ChainType, Properties};

/// The chain specification type of this node.
pub type ChainSpec = sc_service::GenericChainSpec;

/// The token properties wallets read: symbol GNK, 9 decimals, SS58 prefix 42.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn from_preset(
	name: &str,
	id: &str,
	chain_type: ChainType,
	preset: &str,
) -> Result<ChainSpec, String> {
	let wasm = WASM_BINARY.ok_or_else(|| {
		"this node was built without its runtime WASM (SKIP_WASM_BUILD was set); rebuild it \
		 without SKIP_WASM_BUILD"
			.to_string()
	})?;
	Ok(ChainSpec::builder(wasm, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// `--chain dev`: Alice alone authors and finalises blocks.
pub fn development() -> Result<ChainSpec, String> {
	from_preset(
		"Development",
		"dev",
		ChainType::Development,
		sp_genesis_builder::DEV_RUNTIME_PRESET,
	)
}

/// `--chain local`: Alice and Bob author and finalise blocks together.
pub fn local_testnet() -> Result<ChainSpec, String> {
	from_preset(
		"Local Testnet",
		"local_testnet",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// `--chain four-hosts`: Alice, Bob, Charlie and Dave author and finalise blocks; finality
/// survives any one of them down. The network of `zombienet/four-hosts.toml`.
pub fn four_hosts() -> Result<ChainSpec, String> {
	from_preset(
		"Four Hosts Testnet",
		"four_hosts",
		ChainType::Local,
		gonka_runtime::genesis_config_presets::FOUR_HOSTS_PRESET,
	)
}
