//! The model registry and the hosts serving its models.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use super::*;
use crate::{Error, Event, Models, Servers};

#[test]
fn only_governance_registers_models() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Inference::register_model(
				RuntimeOrigin::signed(account(DEVELOPER)),
				BoundedVec::truncate_from(b"mine".to_vec()),
				LlamaArchitecture::TEST_MODEL,
				[7; 32],
				PRICE,
			),
			DispatchError::BadOrigin
		);
		let model = register_model();
		let stored = Models::<Test>::get(model).unwrap();
		assert_eq!(
			(stored.weights_hash, stored.base_price, stored.architecture),
			([7; 32], PRICE, LlamaArchitecture::TEST_MODEL)
		);
		System::assert_last_event(
			Event::ModelRegistered { model, weights_hash: [7; 32], base_price: PRICE }.into(),
		);
	});
}

#[test]
fn architectures_that_do_not_fit_and_bad_names_are_refused() {
	new_test_ext().execute_with(|| {
		let governance = || RuntimeOrigin::signed(account(GOVERNANCE));
		let name = || BoundedVec::truncate_from(b"model".to_vec());
		let mut odd = LlamaArchitecture::TEST_MODEL;
		odd.kv_heads = 3;
		assert_noop!(
			Inference::register_model(governance(), name(), odd, [0; 32], PRICE),
			Error::<Test>::InvalidArchitecture
		);
		assert_noop!(
			Inference::register_model(
				governance(),
				BoundedVec::new(),
				LlamaArchitecture::TEST_MODEL,
				[0; 32],
				PRICE
			),
			Error::<Test>::InvalidModelName
		);
		for _ in 0..4 {
			register_model();
		}
		assert_noop!(
			Inference::register_model(
				governance(),
				name(),
				LlamaArchitecture::TEST_MODEL,
				[0; 32],
				PRICE
			),
			Error::<Test>::TooManyModels
		);
	});
}

#[test]
fn hosts_with_weight_serve_and_stop() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		let host = account(HOSTS[0]);
		assert_noop!(
			Inference::serve(RuntimeOrigin::signed(host.clone()), model),
			Error::<Test>::NotAHost
		);
		set_weight(&host, 5);
		assert_noop!(
			Inference::serve(RuntimeOrigin::signed(host.clone()), 9),
			Error::<Test>::UnknownModel
		);
		assert_ok!(Inference::serve(RuntimeOrigin::signed(host.clone()), model));
		assert_noop!(
			Inference::serve(RuntimeOrigin::signed(host.clone()), model),
			Error::<Test>::AlreadyServing
		);
		assert_eq!(Servers::<Test>::get(model).into_inner(), vec![host.clone()]);
		assert_ok!(Inference::stop_serving(RuntimeOrigin::signed(host.clone()), model));
		assert!(Servers::<Test>::get(model).is_empty());
		assert_noop!(
			Inference::stop_serving(RuntimeOrigin::signed(host), model),
			Error::<Test>::NotServing
		);
	});
}

#[test]
fn a_model_has_at_most_max_servers() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS, 1);
		let sixth = account("//Host6");
		set_weight(&sixth, 1);
		assert_noop!(
			Inference::serve(RuntimeOrigin::signed(sixth), model),
			Error::<Test>::TooManyServers
		);
	});
}
