//! Reports (`finish`): what the chain checks of a request served off chain, the charge from
//! the deposit, and the attacks those checks stop: a relay or executor choosing who serves,
//! a forged or replayed request, a report after its window, a developer who signs more than
//! the deposit covers.

use frame_support::assert_noop;

use super::*;
use crate::Report;
use crate::{Error, Event, Jobs, ReportedJobs};

#[test]
fn a_report_by_the_drawn_executor_charges_tokens_times_price_into_escrow() {
	new_test_ext().execute_with(|| {
		let model = market(3);
		let request = request(model, 100, 1);
		let (executor, key) = served(&request, 40);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 40 * PRICE);
		assert_eq!(Inference::available_deposit(&account(DEVELOPER)), DEPOSIT - 40 * PRICE);
		System::assert_has_event(
			Event::Finished {
				job: key,
				developer: account(DEVELOPER),
				nonce: 1,
				executor: account(executor),
				tokens: 40,
				charged: 40 * PRICE,
			}
			.into(),
		);
	});
}

#[test]
fn only_the_drawn_executor_can_report_so_no_relay_or_host_chooses_who_serves() {
	new_test_ext().execute_with(|| {
		let model = market(3);
		let request = request(model, 100, 1);
		let drawn = executor_of(&request);
		for host in HOSTS[..3].iter().filter(|host| **host != drawn) {
			finish(host, vec![report_of(&request, 10)]);
			assert_eq!(refusals(), vec![Error::<Test>::NotExecutor.into()]);
			System::reset_events();
		}
		assert!(!Jobs::<Test>::contains_key(Inference::job_key(&request)));
	});
}

/// The host's operator key reports for it: the job, and so its payment, is the host's; the
/// same key reports nothing for a host that did not name it.
#[test]
fn an_operator_key_reports_for_its_host_and_only_for_it() {
	new_test_ext().execute_with(|| {
		let model = market(3);
		let request = request(model, 100, 1);
		let drawn = executor_of(&request);
		finish("//Operator", vec![report_of(&request, 10)]);
		assert_eq!(refusals(), vec![Error::<Test>::NotExecutor.into()]);
		System::reset_events();

		set_operator(&account(drawn), &account("//Operator"));
		finish("//Operator", vec![report_of(&request, 10)]);
		assert!(refusals().is_empty());
		let job = Jobs::<Test>::get(Inference::job_key(&request)).expect("reported");
		assert_eq!(job.executor, account(drawn), "the job is the host's, and so is its payment");
	});
}

#[test]
fn the_draw_follows_compute_weight_and_the_anchor_s_vrf() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		set_weight(&account(HOSTS[0]), 1);
		set_weight(&account(HOSTS[1]), 3);
		for host in &HOSTS[..2] {
			assert_ok!(Inference::serve(RuntimeOrigin::signed(account(host)), model));
		}
		crate::Pallet::<Test>::refresh_draw(model);
		run_to_block(3);
		let mut counts = [0u32; 2];
		for nonce in 0..200 {
			let drawn = executor_of(&request(model, 10, nonce));
			counts[usize::from(drawn == HOSTS[1])] += 1;
		}
		// 1 : 3 by weight: 50 of 200 expected for the lighter host.
		assert!((25..=75).contains(&counts[0]), "drawn {counts:?}");
		// The same request anchored at a block with another VRF output may fall elsewhere.
		let mut anchored = request(model, 10, 7);
		anchored.anchor = 1;
		let outputs: Vec<_> = (0..16u8)
			.map(|byte| {
				crate::BlockVrfs::<Test>::insert(1, [byte; 32]);
				Inference::executor_for(&anchored)
			})
			.collect();
		assert!(outputs.iter().all(Option::is_some));
		assert!(outputs.iter().any(|drawn| *drawn != outputs[0]), "the VRF output decides");
	});
}

#[test]
fn requests_others_signed_or_for_another_body_are_refused() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let request = request(model, 100, 1);
		let mut forged = report_of(&request, 10);
		forged.signature = signed_by(HOSTS[0], &request);
		finish(HOSTS[0], vec![forged]);
		let mut altered = report_of(&request, 10);
		altered.request.body_hash = [9; 32];
		finish(HOSTS[0], vec![altered]);
		assert_eq!(refusals(), vec![Error::<Test>::BadSignature.into(); 2]);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 0);
	});
}

#[test]
fn a_request_is_paid_once_however_often_it_is_reported() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let request = request(model, 100, 1);
		served(&request, 10);
		finish(HOSTS[0], vec![report_of(&request, 10), report_of(&request, 10)]);
		assert_eq!(refusals(), vec![Error::<Test>::AlreadyReported.into(); 2]);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 10 * PRICE);
	});
}

#[test]
fn a_report_after_its_window_or_with_a_stale_anchor_is_refused() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let late = request(model, 100, 1);
		let params = crate::Params::<Test>::get();
		run_to_block(late.valid_until + u64::from(params.report_blocks) + 1);
		finish(HOSTS[0], vec![report_of(&late, 10)]);
		assert_eq!(refusals(), vec![Error::<Test>::ReportTooLate.into()]);
		System::reset_events();
		let mut stretched = request(model, 100, 2);
		stretched.valid_until = stretched.anchor + u64::from(params.request_blocks) + 1;
		let mut future = request(model, 100, 3);
		future.anchor = System::block_number();
		finish(HOSTS[0], vec![report_of(&stretched, 10), report_of(&future, 10)]);
		assert_eq!(refusals(), vec![Error::<Test>::BadAnchor.into(); 2]);
	});
}

#[test]
fn reports_count_tokens_within_what_the_request_pays_for() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let request = request(model, 100, 1);
		finish(HOSTS[0], vec![report_of(&request, 101), report_of(&request, 0)]);
		assert_eq!(refusals(), vec![Error::<Test>::InvalidTokenCount.into(); 2]);
	});
}

#[test]
fn a_developer_who_signs_more_than_the_deposit_is_charged_the_deposit_and_no_more() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		// Each request may cost 60% of the deposit: three of them promise 180%.
		let price = DEPOSIT * 6 / 10 / 500;
		crate::Prices::<Test>::insert(model, price);
		let tokens = 500;
		let requests: Vec<_> = (1..=3)
			.map(|nonce| InferenceRequest { max_price: price, ..request(model, tokens, nonce) })
			.collect();
		let treasury_before = Balances::free_balance(account(TREASURY));
		let executor_before = Balances::free_balance(account(HOSTS[0]));
		finish(HOSTS[0], requests.iter().map(|request| report_of(request, tokens)).collect());
		assert_eq!(refusals(), vec![Error::<Test>::DepositEmpty.into()]);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), DEPOSIT, "all of it, not more");
		assert_eq!(Inference::available_deposit(&account(DEVELOPER)), 0);
		// Settled, the payments add up to the deposit exactly.
		run_to_block(10);
		let paid = (Balances::free_balance(account(TREASURY)) - treasury_before)
			+ (Balances::free_balance(account(HOSTS[0])) - executor_before);
		assert_eq!(paid, DEPOSIT);
		assert_eq!(Balances::free_balance(account(DEVELOPER)), BALANCE - DEPOSIT);
	});
}

#[test]
fn reported_requests_are_forgotten_once_they_cannot_be_reported() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let request = request(model, 100, 1);
		served(&request, 10);
		let last = request.valid_until + u64::from(crate::Params::<Test>::get().report_blocks);
		run_to_block(last);
		let key = Inference::job_key(&request);
		assert!(ReportedJobs::<Test>::contains_key(key), "kept to its last block");
		run_to_block(last + 1);
		assert!(!ReportedJobs::<Test>::contains_key(key), "pruned after");
		assert_eq!(crate::JobExpiries::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_report_that_does_not_hold_is_refused_with_a_typed_error() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let mut unknown = request(model, 100, 1);
		unknown.model = 9;
		finish(HOSTS[0], vec![report_of(&unknown, 10)]);
		assert_eq!(refusals(), vec![Error::<Test>::UnknownModel.into()]);
		assert_noop!(
			Inference::finish(RuntimeOrigin::none(), BoundedVec::new()),
			sp_runtime::DispatchError::BadOrigin
		);
	});
}

#[test]
fn one_request_signed_twice_is_drawn_once_and_paid_once() {
	new_test_ext().execute_with(|| {
		let model = market(3);
		let request = request(model, 100, 1);
		let pair = key(DEVELOPER);
		// sr25519 signatures differ each time; the draw does not follow them.
		let signatures: Vec<MultiSignature> = (0..4)
			.map(|_| MultiSignature::from(pair.sign(&Inference::signing_payload(&request))))
			.collect();
		assert!(signatures.windows(2).any(|two| two[0] != two[1]));
		let executor = executor_of(&request);
		let reports = signatures
			.into_iter()
			.map(|signature| Report {
				request: request.clone(),
				signature,
				tokens: 10,
				output_hash: [3; 32],
			})
			.collect();
		finish(executor, reports);
		assert_eq!(refusals(), vec![Error::<Test>::AlreadyReported.into(); 3]);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 10 * PRICE);
	});
}

#[test]
fn two_requests_that_share_a_nonce_are_two_jobs_each_charged() {
	new_test_ext().execute_with(|| {
		let model = market(1);
		let first = request(model, 100, 1);
		let second = InferenceRequest { body_hash: [2; 32], ..first.clone() };
		served(&first, 10);
		served(&second, 10);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 20 * PRICE);
	});
}
