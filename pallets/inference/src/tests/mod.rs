//! The pallet's tests, by topic, and what they share.

mod deposits;
mod pricing;
mod rechecks;
mod registry;
mod reports;

use frame_support::{assert_ok, BoundedVec};
use gonka_primitives::Hash32;
use sp_core::Pair;
use sp_runtime::MultiSignature;

use crate::{mock::*, InferenceRequest, LlamaArchitecture, ModelId, Report, ReportOf, RequestOf};

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

/// Gives each of `hosts` compute weight `weight` and makes it serve `model`, in the draw
/// from the next block on.
pub fn serve(model: ModelId, hosts: &[&str], weight: u64) {
	for host in hosts {
		set_weight(&account(host), weight);
		assert_ok!(Inference::serve(RuntimeOrigin::signed(account(host)), model));
	}
	crate::Pallet::<Test>::refresh_draw(model);
}

/// A registered model that the first `servers` of [`HOSTS`] serve with weight 10, at block 3
/// (the draw written, anchors' VRF outputs known): its id.
pub fn market(servers: usize) -> ModelId {
	let model = register_model();
	serve(model, &HOSTS[..servers], 10);
	run_to_block(3);
	model
}

/// A request of the developer for `max_tokens` tokens of `model` with `nonce`, anchored at
/// the parent block.
pub fn request(model: ModelId, max_tokens: u32, nonce: u64) -> RequestOf<Test> {
	let anchor = System::block_number() - 1;
	InferenceRequest {
		developer: account(DEVELOPER),
		model,
		body_hash: [1; 32],
		nonce,
		max_tokens,
		max_price: PRICE,
		valid_until: anchor + 10,
		anchor,
	}
}

/// `request` signed by `signer`. sr25519 signatures are randomised, and the executor draw
/// depends on the signature: each request and signer is signed once, and the signature kept.
pub fn signed_by(signer: &str, request: &RequestOf<Test>) -> MultiSignature {
	thread_local! {
		static SIGNED: std::cell::RefCell<std::collections::BTreeMap<(String, Vec<u8>), MultiSignature>> =
			const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
	}
	let payload = Inference::signing_payload(request);
	SIGNED.with(|signed| {
		signed
			.borrow_mut()
			.entry((signer.to_string(), payload.clone()))
			.or_insert_with(|| MultiSignature::from(key(signer).sign(&payload)))
			.clone()
	})
}

/// The developer-signed report of `request` with `tokens` tokens.
pub fn report_of(request: &RequestOf<Test>, tokens: u32) -> ReportOf<Test> {
	Report {
		request: request.clone(),
		signature: signed_by(DEVELOPER, request),
		tokens,
		output_hash: [3; 32],
	}
}

/// The host the draw gives `request` to, as its seed among [`HOSTS`].
pub fn executor_of(request: &RequestOf<Test>) -> &'static str {
	let drawn = Inference::executor_for(request).expect("a server is drawn");
	HOSTS.into_iter().find(|host| account(host) == drawn).expect("a test host")
}

/// Submits `reports` from `host`.
pub fn finish(host: &str, reports: Vec<ReportOf<Test>>) {
	assert_ok!(Inference::finish(
		RuntimeOrigin::signed(account(host)),
		BoundedVec::truncate_from(reports)
	));
}

/// Has `request`'s drawn executor report it with `tokens` tokens; returns the executor and
/// the job's key, and asserts that it was accepted.
pub fn served(request: &RequestOf<Test>, tokens: u32) -> (&'static str, Hash32) {
	let executor = executor_of(request);
	finish(executor, vec![report_of(request, tokens)]);
	let key = Inference::job_key(request);
	assert!(crate::Jobs::<Test>::contains_key(key), "the report was accepted");
	(executor, key)
}

/// The reports refused in the last block's events, with their errors.
pub fn refusals() -> Vec<sp_runtime::DispatchError> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Inference(crate::Event::ReportRefused { error, .. }) => Some(error),
			_ => None,
		})
		.collect()
}
