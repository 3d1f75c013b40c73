//! Requests: the developer's signature, the escrow, the executor draw, settlement at the real
//! cost (80% executor, 20% treasury, the rest released) and refunds after the deadline.

use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use sp_core::H256;

use super::*;
use crate::{Error, Event, Jobs};

fn free(seed: &str) -> u64 {
	Balances::balance(&account(seed))
}

#[test]
fn a_relayed_request_holds_the_maximum_cost_and_draws_a_server() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..2], 10);
		let executor = relay(HOSTS[2], request(model, 100, 1));
		assert!(executor == account(HOSTS[0]) || executor == account(HOSTS[1]));
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 100 * PRICE);
		assert_eq!(free(DEVELOPER), BALANCE - 100 * PRICE, "held, not spent");
		System::assert_last_event(
			Event::Requested {
				id: 0,
				developer: account(DEVELOPER),
				nonce: 1,
				executor,
				escrow: 100 * PRICE,
			}
			.into(),
		);
	});
}

#[test]
fn the_draw_follows_compute_weight() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		set_weight(&account(HOSTS[0]), 1);
		set_weight(&account(HOSTS[1]), 3);
		for host in &HOSTS[..2] {
			assert_ok!(Inference::serve(RuntimeOrigin::signed(account(host)), model));
		}
		// Points 0 of 4 fall to the first host, 1..=3 to the second.
		let mut drawn = Vec::new();
		for (nonce, point) in [0u8, 1, 2, 3].into_iter().enumerate() {
			let mut random = [0u8; 32];
			random[0] = point;
			RANDOM.with(|r| *r.borrow_mut() = H256(random));
			drawn.push(relay(DEVELOPER, request(model, 1, nonce as u64)));
		}
		let first = account(HOSTS[0]);
		let second = account(HOSTS[1]);
		assert_eq!(drawn, vec![first, second.clone(), second.clone(), second]);
	});
}

#[test]
fn requests_others_signed_or_replayed_are_refused() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..1], 1);
		let relayer = RuntimeOrigin::signed(account(HOSTS[0]));
		let request = request(model, 10, 1);
		assert_noop!(
			Inference::request(relayer.clone(), request.clone(), signed_by(HOSTS[1], &request)),
			Error::<Test>::BadSignature
		);
		let mut changed = request.clone();
		changed.max_tokens = 20;
		assert_noop!(
			Inference::request(relayer.clone(), changed, signed_by(DEVELOPER, &request)),
			Error::<Test>::BadSignature
		);
		relay(HOSTS[0], request.clone());
		assert_noop!(
			Inference::request(relayer, request.clone(), signed_by(DEVELOPER, &request)),
			Error::<Test>::NonceUsed
		);
	});
}

#[test]
fn requests_the_chain_cannot_serve_are_refused_with_nothing_held() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		let relayer = || RuntimeOrigin::signed(account(HOSTS[0]));
		let refused = |request: RequestOf<Test>, error: Error<Test>| {
			let signature = signed_by(DEVELOPER, &request);
			assert_noop!(Inference::request(relayer(), request, signature), error);
		};
		refused(request(model, 10, 1), Error::<Test>::NoServer);
		serve(model, &HOSTS[..1], 1);
		refused(request(9, 10, 1), Error::<Test>::UnknownModel);
		refused(request(model, 0, 1), Error::<Test>::InvalidTokenCount);
		refused(request(model, 513, 1), Error::<Test>::InvalidTokenCount);
		let mut cheap = request(model, 10, 1);
		cheap.max_price = PRICE - 1;
		refused(cheap, Error::<Test>::PriceTooHigh);
		let mut late = request(model, 10, 1);
		late.valid_until = 0;
		refused(late, Error::<Test>::RequestExpired);
		let mut broke = request(model, 10, 1);
		broke.developer = account("//Nobody");
		let signature = signed_by("//Nobody", &broke);
		assert_noop!(
			Inference::request(relayer(), broke, signature),
			Error::<Test>::InsufficientFunds
		);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 0);
	});
}

#[test]
fn finishing_pays_the_real_cost_eighty_twenty_and_releases_the_rest() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..1], 1);
		relay(HOSTS[0], request(model, 100, 1));
		let executor_before = free(HOSTS[0]);
		assert_noop!(
			Inference::finish(RuntimeOrigin::signed(account(HOSTS[1])), 0, 40, [2; 32]),
			Error::<Test>::NotExecutor
		);
		assert_noop!(
			Inference::finish(RuntimeOrigin::signed(account(HOSTS[0])), 0, 101, [2; 32]),
			Error::<Test>::TooManyTokens
		);
		assert_ok!(Inference::finish(RuntimeOrigin::signed(account(HOSTS[0])), 0, 40, [2; 32]));
		let cost = 40 * PRICE;
		assert_eq!(free(DEVELOPER), BALANCE - cost, "exactly tokens × price");
		assert_eq!(free(HOSTS[0]) - executor_before, cost * 80 / 100);
		assert_eq!(free(TREASURY), cost * 20 / 100);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 0);
		assert!(Jobs::<Test>::get(0).is_none());
		System::assert_has_event(
			Event::Finished { id: 0, tokens: 40, output_hash: [2; 32] }.into(),
		);
		System::assert_last_event(
			Event::Paid { id: 0, cost, to_executor: cost * 80 / 100, to_treasury: cost * 20 / 100 }
				.into(),
		);
		assert_noop!(
			Inference::finish(RuntimeOrigin::signed(account(HOSTS[0])), 0, 40, [2; 32]),
			Error::<Test>::UnknownRequest
		);
	});
}

#[test]
fn an_unserved_request_is_refunded_after_its_deadline() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..1], 1);
		relay(HOSTS[0], request(model, 100, 1));
		let anyone = || RuntimeOrigin::signed(account(HOSTS[2]));
		// Accepted in block 1, served by block 1 + serve_blocks.
		let deadline = 1 + crate::Params::<Test>::get().serve_blocks as u64;
		System::set_block_number(deadline);
		assert_noop!(Inference::close_expired(anyone(), 0), Error::<Test>::NotExpired);
		System::set_block_number(deadline + 1);
		assert_ok!(Inference::close_expired(anyone(), 0));
		assert_eq!(free(DEVELOPER), BALANCE, "everything back");
		System::assert_last_event(Event::Refunded { id: 0, amount: 100 * PRICE }.into());
		assert_noop!(
			Inference::finish(RuntimeOrigin::signed(account(HOSTS[0])), 0, 40, [2; 32]),
			Error::<Test>::UnknownRequest
		);
	});
}
