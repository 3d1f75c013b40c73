//! What the inference service reads from the chain (models, jobs, draws, deposits, nonces,
//! duties, hosts' endpoints) and writes to it (reports, verdicts, serving), as the host.

use std::sync::Arc;

use codec::Decode;
use gonka_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall, Signature};
use pallet_inference::{
	runtime_api::{Duty, InferenceApi, ModelSummary},
	DepositOf, JobOf, MarketParams, RequestOf,
};
use sc_client_api::StorageProvider;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{storage::StorageKey, H256};

use super::error::ChainError;
use crate::{client::FullClient, host::HostSubmitter};

/// A registered model with its price and servers.
pub type ModelInfo = ModelSummary<AccountId, Balance>;

/// A job's key: the BLAKE2b-256 of its signed request.
pub type JobKey = [u8; 32];

/// The chain as the inference service sees it, and the host that signs for it.
#[derive(Clone)]
pub struct Chain {
	client: Arc<FullClient>,
	submitter: Arc<HostSubmitter>,
}

impl Chain {
	pub fn new(client: Arc<FullClient>, submitter: Arc<HostSubmitter>) -> Self {
		Self { client, submitter }
	}

	/// The host this node signs for, at the best block: the host key's own account, or the
	/// host that named it its operator.
	pub fn host(&self) -> Result<AccountId, ChainError> {
		let signer = self.submitter.signer();
		self.api("finding the host the key acts for", |api, at| {
			gonka_offchain_worker::driver::acting_for(&*api, at, signer)
		})
	}

	fn best(&self) -> H256 {
		self.client.info().best_hash
	}

	/// The best block's number.
	pub fn best_number(&self) -> BlockNumber {
		self.client.info().best_number
	}

	/// The last finalised block's number.
	pub fn finalized_number(&self) -> BlockNumber {
		self.client.info().finalized_number
	}

	/// The chain's genesis hash: what developers' signatures cover.
	pub fn genesis_hash(&self) -> H256 {
		self.client.info().genesis_hash
	}

	fn api<T>(
		&self,
		what: &str,
		call: impl FnOnce(
			sp_api::ApiRef<'_, <FullClient as ProvideRuntimeApi<gonka_runtime::opaque::Block>>::Api>,
			H256,
		) -> Result<T, sp_api::ApiError>,
	) -> Result<T, ChainError> {
		call(self.client.runtime_api(), self.best())
			.map_err(|error| ChainError::Runtime(format!("{what}: {error}")))
	}

	/// Every registered model, at the best block.
	pub fn models(&self) -> Result<Vec<ModelInfo>, ChainError> {
		self.api("listing the models", |api, at| api.models(at))
	}

	/// The registered model called `name`.
	pub fn model_named(&self, name: &str) -> Result<Option<ModelInfo>, ChainError> {
		Ok(self.models()?.into_iter().find(|info| info.model.name.as_slice() == name.as_bytes()))
	}

	/// Job `key` until it is settled, at the best block.
	pub fn job(&self, key: JobKey) -> Result<Option<JobOf<Runtime>>, ChainError> {
		self.api("reading a job", |api, at| api.job(at, key))
	}

	/// The compute weight `who` serves and judges with, at the best block.
	pub fn weight(&self, who: &AccountId) -> Result<u64, ChainError> {
		self.api("reading a weight", |api, at| api.host_weight(at, who.clone()))
	}

	/// The executor the draw gives `request`; none while its anchor's VRF output is unknown
	/// or nobody serves its model.
	pub fn executor_for(
		&self,
		request: &RequestOf<Runtime>,
	) -> Result<Option<AccountId>, ChainError> {
		self.api("drawing the executor", |api, at| api.executor_for(at, request.clone()))
	}

	/// `developer`'s inference deposit.
	pub fn deposit(&self, developer: &AccountId) -> Result<Option<DepositOf<Runtime>>, ChainError> {
		self.api("reading a deposit", |api, at| api.deposit(at, developer.clone()))
	}

	/// Whether job `key` was reported and can still be reported.
	pub fn job_reported(&self, key: JobKey) -> Result<bool, ChainError> {
		self.api("reading a report", |api, at| api.job_reported(at, key))
	}

	/// What this host must do for the marketplace now.
	pub fn duties(&self) -> Result<Vec<Duty>, ChainError> {
		let host = self.host()?;
		self.api("reading the host's duties", |api, at| api.duties(at, host))
	}

	/// Whether `signature` is the developer's over `request` on this chain.
	pub fn signature_matches(
		&self,
		request: &RequestOf<Runtime>,
		signature: &Signature,
	) -> Result<bool, ChainError> {
		use sp_runtime::traits::Verify;
		let payload =
			self.api("encoding the request", |api, at| api.signing_payload(at, request.clone()))?;
		Ok(signature.verify(&payload[..], &request.developer))
	}

	/// The marketplace's parameters.
	pub fn params(&self) -> Result<MarketParams, ChainError> {
		let key = pallet_inference::Params::<Runtime>::hashed_key().to_vec();
		Ok(self.storage(key)?.unwrap_or_default())
	}

	/// The inference endpoint `host` registered, if any.
	pub fn endpoint(&self, host: &AccountId) -> Result<Option<String>, ChainError> {
		let key = pallet_host_reputation::HostInfos::<Runtime>::hashed_key_for(host);
		let info: Option<pallet_host_reputation::HostInfo> = self.storage(key)?;
		Ok(info
			.map(|info| String::from_utf8_lossy(&info.endpoint).trim_end_matches('/').to_string())
			.filter(|endpoint| !endpoint.is_empty()))
	}

	fn storage<T: Decode>(&self, key: Vec<u8>) -> Result<Option<T>, ChainError> {
		let Some(data) = self
			.client
			.storage(self.best(), &StorageKey(key))
			.map_err(|error| ChainError::Runtime(format!("reading the chain's state: {error}")))?
		else {
			return Ok(None);
		};
		T::decode(&mut &data.0[..]).map(Some).map_err(|error| {
			ChainError::Runtime(format!("the chain's state does not decode: {error}"))
		})
	}

	/// Submits `call` as the host, without waiting for its block.
	pub async fn submit(&self, call: pallet_inference::Call<Runtime>) -> Result<(), ChainError> {
		self.submitter
			.submit_call(RuntimeCall::Inference(call))
			.await
			.map(|_| ())
			.map_err(ChainError::Refused)
	}
}
