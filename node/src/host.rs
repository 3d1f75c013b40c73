//! The host's key and its transactions: one account signs the compute worker's steps and the
//! inference endpoint's requests, results and verdicts, so one submitter keeps its nonces.
//! The key is the host's own account, or the operator key a host named to act for it
//! (host-reputation's `set_operator`): the runtime says which host it acts for.

use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
};

use codec::Encode;
use gonka_offchain_worker::driver::HOST_KEY_TYPE;
use gonka_runtime::{opaque::Block, AccountId, Nonce, RuntimeCall};
use pallet_proof_of_compute::extension::{
	ALREADY_SUBMITTED, NOT_A_HOST, NOT_READY, WRONG_EPOCH_OR_PHASE, WRONG_LEAVES, WRONG_OPENING,
};
use sc_service::Configuration;
use sc_transaction_pool_api::{
	error::{Error as PoolError, IntoPoolError},
	InPoolTransaction, TransactionPool, TransactionSource,
};
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, H256};
use sp_keystore::KeystorePtr;
use sp_runtime::transaction_validity::InvalidTransaction;
use substrate_frame_rpc_system::AccountNonceApi;

use crate::{
	client::{FullClient, FullPool},
	signing::{signed_extrinsic, SigningContext},
};

/// The host key (key type `gpoc`, sr25519) in `keystore`, inserting the development key first
/// when the node was started with one (e.g. `--dev`). `needed_by` names the option that needs
/// it and `or_else` how to do without, for the error.
pub fn host_key(
	config: &Configuration,
	keystore: &KeystorePtr,
	needed_by: &str,
	or_else: &str,
) -> Result<sr25519::Public, String> {
	if let Some(seed) = &config.dev_key_seed {
		keystore
			.sr25519_generate_new(HOST_KEY_TYPE, Some(seed))
			.map_err(|error| format!("cannot insert the development host key: {error}"))?;
	}
	the_host_key(keystore, needed_by, or_else)
}

/// The one host key in `keystore`, once it has signed; the error says how to insert it, that
/// there are several, or that its file cannot sign (a secret that is not one, or that gives
/// another key than the file's name).
pub fn the_host_key(
	keystore: &KeystorePtr,
	needed_by: &str,
	or_else: &str,
) -> Result<sr25519::Public, String> {
	match keystore.sr25519_public_keys(HOST_KEY_TYPE).as_slice() {
		[public] => match keystore.sr25519_sign(HOST_KEY_TYPE, public, b"gonka/host-key-check") {
			Ok(Some(_)) => Ok(*public),
			failed => Err(format!(
				"the host key {} (key type gpoc) cannot sign: {}; remove its file from the \
				 keystore and insert the key again with `gonka-node key insert --key-type gpoc \
				 --scheme sr25519 --suri <SECRET>`",
				sp_core::crypto::Ss58Codec::to_ss58check(public),
				match failed {
					Err(error) => error.to_string(),
					_ => "the keystore has no secret for it".into(),
				}
			)),
		},
		[] => Err(format!(
			"{needed_by} needs the host key in the keystore: insert it with `gonka-node key \
			 insert --key-type gpoc --scheme sr25519 --suri <SECRET> --base-path <BASE PATH> \
			 --chain <CHAIN>`, or {or_else}"
		)),
		several => Err(format!(
			"the keystore holds {} host keys (key type gpoc); keep exactly one",
			several.len()
		)),
	}
}

/// The pool's refusal of a transaction in words.
fn refusal<E: IntoPoolError + std::fmt::Display>(error: E) -> String {
	match error.into_pool_error() {
		Ok(error) => describe(error),
		Err(error) => error.to_string(),
	}
}

/// Signs calls with the host key and submits them to the local pool: the compute worker's
/// steps and the inference endpoint's requests, results and verdicts, from one account and
/// so one sequence of nonces.
pub struct HostSubmitter {
	client: Arc<FullClient>,
	pool: Arc<FullPool>,
	keystore: KeystorePtr,
	public: sr25519::Public,
	/// The nonces of its own transactions, with their hashes, while they may be in the pool.
	submitted: Mutex<BTreeMap<Nonce, H256>>,
	/// Held from choosing a nonce until the transaction is in the pool, so that the compute
	/// worker and the inference endpoint never choose the same one.
	submitting: tokio::sync::Mutex<()>,
}

impl HostSubmitter {
	/// A submitter for the host key `public` of `keystore`.
	pub fn new(
		client: Arc<FullClient>,
		pool: Arc<FullPool>,
		keystore: KeystorePtr,
		public: sr25519::Public,
	) -> Self {
		Self {
			client,
			pool,
			keystore,
			public,
			submitted: Mutex::new(BTreeMap::new()),
			submitting: tokio::sync::Mutex::new(()),
		}
	}

	/// The host key's account: the host's own, or its operator's.
	pub fn signer(&self) -> AccountId {
		AccountId::from(self.public)
	}

	/// Signs `call` and submits it at the best block; the error says why the pool refused it.
	pub async fn submit_call(&self, call: RuntimeCall) -> Result<H256, String> {
		let _turn = self.submitting.lock().await;
		let info = self.client.info();
		let nonce = self.next_nonce(info.best_hash)?;
		let extrinsic = self.sign(call, nonce, &info)?;
		let tx = self
			.pool
			.submit_one(info.best_hash, TransactionSource::Local, extrinsic.into())
			.await
			.map_err(refusal)?;
		self.submitted.lock().map_err(|_| "the nonce record is poisoned")?.insert(nonce, tx);
		Ok(tx)
	}

	/// Whether `tx` waits in the pool, ready or not.
	pub fn in_pool(&self, tx: &H256) -> bool {
		self.pool.ready_transaction(tx).is_some()
			|| self.pool.futures().iter().any(|future| future.hash() == tx)
	}

	/// Signs `call` with `nonce`, mortal from the last finalised block: its hash is the same on
	/// every fork, so a reorganisation cannot invalidate the signature. While finality lags by
	/// half the mortality or more, from the best block.
	fn sign(
		&self,
		call: RuntimeCall,
		nonce: Nonce,
		chain: &sp_blockchain::Info<Block>,
	) -> Result<gonka_runtime::UncheckedExtrinsic, String> {
		let version = self
			.client
			.runtime_api()
			.version(chain.best_hash)
			.map_err(|error| format!("cannot read the runtime version: {error}"))?;
		let context = SigningContext::new(
			(version.spec_version, version.transaction_version),
			chain.genesis_hash,
			(chain.finalized_hash, chain.finalized_number),
			(chain.best_hash, chain.best_number),
		);
		signed_extrinsic(call, AccountId::from(self.public), nonce, &context, |bytes| {
			self.keystore
				.sr25519_sign(HOST_KEY_TYPE, &self.public, bytes)
				.map_err(|error| format!("the keystore cannot sign: {error}"))?
				.ok_or_else(|| "the host key is no longer in the keystore".to_string())
		})
	}

	/// The lowest nonce from the account's nonce at `at` that no transaction of it in the pool
	/// uses: not one of its own submissions still waiting (ready or future, in whichever view
	/// of the fork-aware pool), nor one its operator sent from a wallet. A dropped submission's
	/// nonce is used again, which unblocks those after it.
	fn next_nonce(&self, at: H256) -> Result<Nonce, String> {
		let account = AccountId::from(self.public);
		let chain_nonce = self
			.client
			.runtime_api()
			.account_nonce(at, account.clone())
			.map_err(|error| format!("cannot read the account nonce: {error}"))?;
		let mut submitted = self.submitted.lock().map_err(|_| "the nonce record is poisoned")?;
		submitted.retain(|nonce, tx| *nonce >= chain_nonce && self.in_pool(tx));
		let mut nonce = chain_nonce;
		let mut tag = (&account, nonce).encode();
		let ready: Vec<_> = self.pool.ready().collect();
		while submitted.contains_key(&nonce)
			|| ready.iter().any(|tx| tx.provides().first() == Some(&tag))
		{
			nonce = nonce.saturating_add(1);
			tag = (&account, nonce).encode();
		}
		Ok(nonce)
	}
}

/// The pool's refusal in words, with Proof-of-Compute's own reasons.
fn describe(error: PoolError) -> String {
	match error {
		PoolError::InvalidTransaction(InvalidTransaction::Custom(NOT_A_HOST)) => {
			"the account is not a registered host".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(WRONG_EPOCH_OR_PHASE)) => {
			"the epoch or phase has moved on".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(ALREADY_SUBMITTED)) => {
			"this step is already on chain".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(NOT_READY)) => {
			"the phase's seed is not fixed yet, or there is no commitment to reveal".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(WRONG_LEAVES)) => {
			"the challenge seed changed (a reorganisation): revealing again for the new one".into()
		}
		PoolError::InvalidTransaction(InvalidTransaction::Custom(WRONG_OPENING)) => {
			"the opening's values and salt do not give the sealed hash".into()
		}
		other => other.to_string(),
	}
}
