//! The pallet's tests, by topic, and what they share.

mod pricing;
mod rechecks;
mod registry;
mod requests;

use frame_support::{assert_ok, BoundedVec};
use sp_core::Pair;
use sp_runtime::{AccountId32, MultiSignature};

use crate::{mock::*, InferenceRequest, LlamaArchitecture, ModelId, RequestOf};

/// Registers a model at [`PRICE`] and returns its id.
pub fn register_model() -> ModelId {
	let id = crate::ModelCount::<Test>::get();
	assert_ok!(Inference::register_model(
		RuntimeOrigin::signed(account(GOVERNANCE)),
		BoundedVec::truncate_from(b"gonka-test".to_vec()),
		LlamaArchitecture::TEST_MODEL,
		[7; 32],
		PRICE,
	));
	id
}

/// Gives each of `hosts` compute weight `weight` and makes it serve `model`.
pub fn serve(model: ModelId, hosts: &[&str], weight: u64) {
	for host in hosts {
		set_weight(&account(host), weight);
		assert_ok!(Inference::serve(RuntimeOrigin::signed(account(host)), model));
	}
}

/// A request of the developer for `max_tokens` tokens of `model` with `nonce`.
pub fn request(model: ModelId, max_tokens: u32, nonce: u64) -> RequestOf<Test> {
	InferenceRequest {
		developer: account(DEVELOPER),
		model,
		max_tokens,
		max_price: PRICE,
		body_hash: [1; 32],
		nonce,
		valid_until: 20,
	}
}

/// `request` signed by `signer`.
pub fn signed_by(signer: &str, request: &RequestOf<Test>) -> MultiSignature {
	MultiSignature::from(key(signer).sign(&Inference::signing_payload(request)))
}

/// Relays `request`, signed by the developer, from `relayer`; returns the job's executor.
pub fn relay(relayer: &str, request: RequestOf<Test>) -> AccountId32 {
	let signature = signed_by(DEVELOPER, &request);
	let id = crate::JobCount::<Test>::get();
	assert_ok!(Inference::request(RuntimeOrigin::signed(account(relayer)), request, signature));
	crate::Jobs::<Test>::get(id).expect("the job is stored").executor
}
