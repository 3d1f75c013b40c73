//! What the endpoint reads from the chain (models, jobs, balances, hosts' endpoints, a block's
//! events) and writes to it (requests, results, verdicts and votes), as the host.

use std::sync::Arc;

use codec::Decode;
use gonka_runtime::{AccountId, Balance, Runtime, RuntimeCall, RuntimeEvent};
use pallet_inference::{
	runtime_api::{InferenceApi, ModelSummary},
	JobOf, RequestOf,
};
use sc_client_api::StorageProvider;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{storage::StorageKey, H256};
use sp_runtime::MultiSignature;

use crate::{host::HostSubmitter, service::FullClient};

/// Why a request was not relayed.
pub enum RelayError {
	/// The inference pallet refused it.
	Refused(pallet_inference::Error<Runtime>),
	/// Anything else: the pool, the chain's state, another pallet.
	Other(String),
}

/// The refusal a request's failed dispatch stands for.
fn refusal(error: sp_runtime::DispatchError) -> RelayError {
	use frame_support::traits::PalletInfo;
	let inference =
		<Runtime as frame_system::Config>::PalletInfo::index::<pallet_inference::Pallet<Runtime>>();
	match error {
		sp_runtime::DispatchError::Module(module)
			if Some(usize::from(module.index)) == inference =>
		{
			match pallet_inference::Error::<Runtime>::decode(&mut &module.error[..]) {
				Ok(error) => RelayError::Refused(error),
				Err(_) => RelayError::Other(format!("the chain refused the request: {module:?}")),
			}
		}
		other => RelayError::Other(format!("the chain refused the request: {other:?}")),
	}
}

/// A registered model with its price and servers.
pub type ModelInfo = ModelSummary<AccountId, Balance>;

/// The chain as the endpoint sees it, and the host that signs for it.
#[derive(Clone)]
pub struct Chain {
	client: Arc<FullClient>,
	submitter: Arc<HostSubmitter>,
}

impl Chain {
	pub fn new(client: Arc<FullClient>, submitter: Arc<HostSubmitter>) -> Self {
		Self { client, submitter }
	}

	/// The host this node signs for.
	pub fn host(&self) -> AccountId {
		self.submitter.account()
	}

	fn best(&self) -> H256 {
		self.client.info().best_hash
	}

	/// Every registered model, at the best block.
	pub fn models(&self) -> Result<Vec<ModelInfo>, String> {
		self.client
			.runtime_api()
			.models(self.best())
			.map_err(|error| format!("the runtime could not list the models: {error}"))
	}

	/// The registered model called `name`.
	pub fn model_named(&self, name: &str) -> Result<Option<ModelInfo>, String> {
		Ok(self.models()?.into_iter().find(|info| info.model.name.as_slice() == name.as_bytes()))
	}

	/// Request `id` while it is in progress, at the best block.
	pub fn job(&self, id: u64) -> Result<Option<JobOf<Runtime>>, String> {
		self.client
			.runtime_api()
			.job(self.best(), id)
			.map_err(|error| format!("the runtime could not read request {id}: {error}"))
	}

	/// The compute weight `who` serves and votes with, at the best block.
	pub fn weight(&self, who: &AccountId) -> Result<u64, String> {
		self.client
			.runtime_api()
			.host_weight(self.best(), who.clone())
			.map_err(|error| format!("the runtime could not read a weight: {error}"))
	}

	/// Whether `signature` is the developer's over `request` on this chain.
	pub fn signature_matches(
		&self,
		request: &RequestOf<Runtime>,
		signature: &MultiSignature,
	) -> Result<bool, String> {
		use sp_runtime::traits::Verify;
		let payload = self
			.client
			.runtime_api()
			.signing_payload(self.best(), request.clone())
			.map_err(|error| format!("the runtime could not encode the request: {error}"))?;
		Ok(signature.verify(&payload[..], &request.developer))
	}

	/// `who`'s free balance at the best block.
	pub fn free_balance(&self, who: &AccountId) -> Result<Balance, String> {
		type AccountInfo =
			frame_system::AccountInfo<gonka_runtime::Nonce, pallet_balances::AccountData<Balance>>;
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		let account: Option<AccountInfo> = self.storage(self.best(), key)?;
		Ok(account.map_or(0, |info| info.data.free))
	}

	/// The inference endpoint `host` registered, if any.
	pub fn endpoint(&self, host: &AccountId) -> Result<Option<String>, String> {
		let key = pallet_host_reputation::HostInfos::<Runtime>::hashed_key_for(host);
		let info: Option<pallet_host_reputation::HostInfo> = self.storage(self.best(), key)?;
		Ok(info
			.map(|info| String::from_utf8_lossy(&info.endpoint).trim_end_matches('/').to_string())
			.filter(|endpoint| !endpoint.is_empty()))
	}

	/// The events of block `at`.
	pub fn events(&self, at: H256) -> Result<Vec<RuntimeEvent>, String> {
		// `System::Events`, whose storage type frame-system keeps private.
		let key =
			[sp_io::hashing::twox_128(b"System"), sp_io::hashing::twox_128(b"Events")].concat();
		let records: Option<Vec<Box<frame_system::EventRecord<RuntimeEvent, H256>>>> =
			self.storage(at, key)?;
		Ok(records.unwrap_or_default().into_iter().map(|record| record.event).collect())
	}

	fn storage<T: Decode>(&self, at: H256, key: Vec<u8>) -> Result<Option<T>, String> {
		let Some(data) = self
			.client
			.storage(at, &StorageKey(key))
			.map_err(|error| format!("cannot read the chain's state: {error}"))?
		else {
			return Ok(None);
		};
		T::decode(&mut &data.0[..])
			.map(Some)
			.map_err(|error| format!("the chain's state does not decode: {error}"))
	}

	/// Relays the developer's signed `request` and waits for its block: the request's id and
	/// the executor the chain drew.
	pub async fn relay(
		&self,
		request: RequestOf<Runtime>,
		signature: MultiSignature,
	) -> Result<(u64, AccountId), RelayError> {
		let (developer, nonce) = (request.developer.clone(), request.nonce);
		let call = RuntimeCall::Inference(pallet_inference::Call::request { request, signature });
		let block = self.submitter.submit_and_wait(call).await.map_err(RelayError::Other)?;
		for event in self.events(block).map_err(RelayError::Other)? {
			match event {
				RuntimeEvent::Inference(pallet_inference::Event::Requested {
					id,
					developer: payer,
					nonce: used,
					executor,
					..
				}) if payer == developer && used == nonce => return Ok((id, executor)),
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				}) => return Err(refusal(dispatch_error)),
				_ => {}
			}
		}
		Err(RelayError::Other("the request's block holds no record of it".into()))
	}

	/// Submits `call` as the host, without waiting for its block.
	pub async fn submit(&self, call: pallet_inference::Call<Runtime>) -> Result<(), String> {
		self.submitter.submit_call(RuntimeCall::Inference(call)).await.map(|_| ())
	}
}
