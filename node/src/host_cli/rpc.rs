//! The node's JSON-RPC over HTTP (every Substrate node serves it on its RPC port), with what
//! the `host` commands read: the chain's identity, accounts, storage, fees and blocks.

use codec::Decode;
use gonka_runtime::{opaque::Block, AccountId, Balance, Nonce, Runtime};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sp_core::{crypto::Ss58Codec, H256};
use sp_runtime::traits::Header as _;

use crate::signing::SigningContext;

/// A JSON-RPC error the node answered with.
#[derive(Debug)]
pub struct RpcError {
	/// The JSON-RPC error code.
	pub code: i64,
	/// The node's message.
	pub message: String,
	/// Its details, e.g. why a transaction is invalid.
	pub data: Option<Value>,
}

impl std::fmt::Display for RpcError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "{}", self.message)?;
		match &self.data {
			Some(Value::String(data)) => write!(f, ": {data}")?,
			Some(data) => write!(f, ": {data}")?,
			None => {}
		}
		write!(f, " (code {})", self.code)
	}
}

/// A node's JSON-RPC endpoint.
pub struct NodeRpc {
	url: String,
	http: reqwest::Client,
}

/// An account's nonce and balances.
pub struct Account {
	/// The next nonce, counting its transactions in the node's pool.
	pub nonce: Nonce,
	/// What it can spend.
	pub free: Balance,
}

impl NodeRpc {
	/// The endpoint at `url` (`http://…`, or `ws://…`, which is asked over HTTP on the same port).
	pub fn new(url: &str) -> Self {
		let url = url.replacen("ws://", "http://", 1).replacen("wss://", "https://", 1);
		let http = reqwest::Client::builder()
			.timeout(std::time::Duration::from_secs(30))
			.build()
			.unwrap_or_default();
		Self { url, http }
	}

	/// `method` with `params`; a node error is `Ok(Err(..))`, an unreachable node `Err(..)`.
	pub async fn try_call<T: DeserializeOwned>(
		&self,
		method: &str,
		params: Value,
	) -> Result<Result<T, RpcError>, String> {
		let reply: Value = self
			.http
			.post(&self.url)
			.json(&json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }))
			.send()
			.await
			.and_then(|reply| reply.error_for_status())
			.map_err(|error| {
				format!(
					"--rpc {}: cannot reach the node's JSON-RPC ({error}); start the node or point \
					 --rpc at one",
					self.url
				)
			})?
			.json()
			.await
			.map_err(|error| format!("--rpc {}: not a JSON-RPC answer ({error})", self.url))?;
		if let Some(error) = reply.get("error") {
			return Ok(Err(RpcError {
				code: error["code"].as_i64().unwrap_or_default(),
				message: error["message"].as_str().unwrap_or("no message").to_string(),
				data: error.get("data").cloned(),
			}));
		}
		serde_json::from_value(reply["result"].clone())
			.map(Ok)
			.map_err(|error| format!("{method}: unexpected answer ({error})"))
	}

	/// `method` with `params`, any error in words.
	pub async fn call<T: DeserializeOwned>(
		&self,
		method: &str,
		params: Value,
	) -> Result<T, String> {
		self.try_call(method, params).await?.map_err(|error| format!("{method}: {error}"))
	}

	/// The signing context at the last finalised block (the same on every fork), after
	/// checking that the chain's runtime is the one this node was built with.
	pub async fn signing_context(&self) -> Result<SigningContext, String> {
		let version: Value = self.call("state_getRuntimeVersion", json!([])).await?;
		let native = &gonka_runtime::VERSION;
		let spec = version["specVersion"].as_u64().unwrap_or_default();
		let transaction = version["transactionVersion"].as_u64().unwrap_or_default();
		if version["specName"].as_str() != Some(&native.spec_name[..])
			|| transaction != u64::from(native.transaction_version)
		{
			return Err(format!(
				"the chain runs {} with transaction version {transaction}, this binary signs for \
				 {} version {}: use the gonka-node release that matches the chain",
				version["specName"], native.spec_name, native.transaction_version
			));
		}
		let health: Value = self.call("system_health", json!([])).await?;
		if health["isSyncing"].as_bool() == Some(true) {
			return Err(format!(
				"--rpc {}: the node is still syncing; wait until it has caught up, or use another",
				self.url
			));
		}
		if spec != u64::from(native.spec_version) {
			eprintln!(
				"note: the chain runs spec version {spec}, this binary knows {}: its events and \
				 errors may be named wrongly",
				native.spec_version
			);
		}
		let genesis: H256 = self.call("chain_getBlockHash", json!([0])).await?;
		let finalized: H256 = self.call("chain_getFinalizedHead", json!([])).await?;
		let best = self.best().await?;
		let (finalized_number, best_number) =
			(*self.header(finalized).await?.number(), *self.header(best).await?.number());
		let spec = u32::try_from(spec).map_err(|_| "a spec version beyond u32")?;
		Ok(SigningContext::new(
			(spec, native.transaction_version),
			genesis,
			(finalized, finalized_number),
			(best, best_number),
		))
	}

	/// The header of block `hash`.
	pub async fn header(
		&self,
		hash: H256,
	) -> Result<<Block as sp_runtime::traits::Block>::Header, String> {
		self.call("chain_getHeader", json!([hash])).await
	}

	/// The best block's hash.
	pub async fn best(&self) -> Result<H256, String> {
		self.call("chain_getBlockHash", json!([])).await
	}

	/// The SCALE-encoded extrinsics of block `hash`.
	pub async fn extrinsics(&self, hash: H256) -> Result<Vec<sp_core::Bytes>, String> {
		let block: Value = self.call("chain_getBlock", json!([hash])).await?;
		serde_json::from_value(block["block"]["extrinsics"].clone())
			.map_err(|error| format!("chain_getBlock: unexpected answer ({error})"))
	}

	/// The storage item at `key` in block `at` (the best block when `None`), decoded.
	pub async fn storage<T: Decode>(
		&self,
		key: Vec<u8>,
		at: Option<H256>,
	) -> Result<Option<T>, String> {
		let raw: Option<sp_core::Bytes> =
			self.call("state_getStorage", json!([sp_core::Bytes(key), at])).await?;
		raw.map(|bytes| {
			T::decode(&mut &bytes[..]).map_err(|error| {
				format!("storage this binary cannot decode ({error}): use the gonka-node release that matches the chain")
			})
		})
		.transpose()
	}

	/// `who`'s next nonce and free balance.
	pub async fn account(&self, who: &AccountId) -> Result<Account, String> {
		let nonce: Nonce =
			self.call("system_accountNextIndex", json!([who.to_ss58check()])).await?;
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		let info: Option<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>> =
			self.storage(key, None).await?;
		Ok(Account { nonce, free: info.map_or(0, |info| info.data.free) })
	}

	/// The fee the chain would charge for `extrinsic` now.
	pub async fn fee(&self, extrinsic: &[u8]) -> Result<Balance, String> {
		let info: Value =
			self.call("payment_queryInfo", json!([sp_core::Bytes(extrinsic.to_vec())])).await?;
		let fee = &info["partialFee"];
		fee.as_str()
			.map(str::to_string)
			.or_else(|| fee.as_u64().map(|fee| fee.to_string()))
			.and_then(|fee| fee.parse().ok())
			.ok_or_else(|| format!("payment_queryInfo: no fee in {info}"))
	}
}
