//! `gonka-node operator-consent --host <account>`: the node's host key signs its consent to
//! act for a host as its operator, for the host's `hostReputation.setOperator` (docs/
//! OPERATORS.md §4).

use gonka_offchain_worker::driver::HOST_KEY_TYPE;
use gonka_runtime::{AccountId, Nonce};
use sc_cli::{KeystoreParams, SharedParams, SubstrateCli};
use sc_keystore::LocalKeystore;
use sc_service::config::{BasePath, KeystoreConfig};
use sp_core::crypto::Ss58Codec;
use sp_keystore::KeystorePtr;

use crate::host::the_host_key;

/// Signs, with the node's host key (`gpoc`), its consent to operate `--host`: pass the key's
/// address and the consent printed to `hostReputation.setOperator` from the host's account.
#[derive(Debug, Clone, clap::Parser)]
pub struct OperatorConsentCmd {
	/// The host account (SS58) that will name this node's host key its operator.
	#[arg(long, value_parser = parse_account)]
	host: AccountId,

	/// The host key's account nonce on chain (`system.account(<key>).nonce`): 0 for a key
	/// that never sent a transaction. The consent is good until the key's next one.
	#[arg(long, default_value_t = 0)]
	nonce: Nonce,

	#[allow(missing_docs)]
	#[clap(flatten)]
	shared_params: SharedParams,

	#[allow(missing_docs)]
	#[clap(flatten)]
	keystore_params: KeystoreParams,
}

fn parse_account(text: &str) -> Result<AccountId, String> {
	AccountId::from_ss58check(text).map_err(|error| {
		format!("'{text}' is not an SS58 account address ({error:?}): pass the host's address")
	})
}

impl OperatorConsentCmd {
	/// Prints the operator key's address and its consent.
	pub fn run<C: SubstrateCli>(&self, cli: &C) -> sc_cli::Result<()> {
		let base_path = self
			.shared_params
			.base_path()?
			.unwrap_or_else(|| BasePath::from_project("", "", &C::executable_name()));
		let chain_spec =
			cli.load_spec(&self.shared_params.chain_id(self.shared_params.is_dev()))?;
		let config_dir = base_path.config_dir(chain_spec.id());
		let KeystoreConfig::Path { path, password } =
			self.keystore_params.keystore_config(&config_dir)?
		else {
			return Err(sc_cli::Error::Input("the keystore must be a folder".into()));
		};
		let keystore: KeystorePtr = LocalKeystore::open(path, password)?.into();
		let public = the_host_key(
			&keystore,
			"operator-consent",
			"pass the --base-path and --chain the node runs with",
		)
		.map_err(sc_cli::Error::Input)?;
		let payload = pallet_host_reputation::operator_consent_payload(&self.host, self.nonce);
		let consent = keystore
			.sr25519_sign(HOST_KEY_TYPE, &public, &payload)
			.map_err(|error| sc_cli::Error::Input(format!("the keystore cannot sign: {error}")))?
			.ok_or_else(|| sc_cli::Error::Input("the host key left the keystore".into()))?;
		println!("operator: {}", AccountId::from(public).to_ss58check());
		println!("host:     {}", self.host.to_ss58check());
		println!("nonce:    {}", self.nonce);
		println!("consent:  0x{}", hex::encode(consent.0));
		println!(
			"From the host's account submit hostReputation.setOperator(operator, {{ Sr25519: \
			 consent }}) before this key sends a transaction; it acts from the next epoch on."
		);
		Ok(())
	}
}
