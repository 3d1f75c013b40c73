//! Re-checks and disputes, and the attacks they stop: an executor timing its report to dodge
//! the re-check draw, one checker convicting alone, a false accusation, silence taken for a
//! verdict.

use frame_support::assert_noop;
use sp_runtime::Perbill;

use super::*;
use crate::{Error, Event, JobStatus, Jobs, MarketParams, OpenJobs, Params, Verdict};

/// Every job is re-checked while another server can check it.
fn recheck_everything() {
	Params::<Test>::put(MarketParams {
		recheck_ceiling: Perbill::one(),
		recheck_floor: Perbill::one(),
		..Default::default()
	});
}

/// Half of the jobs are re-checked.
fn recheck_half() {
	Params::<Test>::put(MarketParams {
		recheck_ceiling: Perbill::from_percent(50),
		recheck_floor: Perbill::from_percent(50),
		..Default::default()
	});
}

/// A served job of five equal servers, sampled: its executor, checker and key.
fn rechecking() -> (&'static str, &'static str, Hash32) {
	recheck_everything();
	let model = register_model();
	serve(model, &HOSTS, 10);
	run_to_block(3);
	let request = request(model, 100, 1);
	let (executor, key) = served(&request, 40);
	run_to_block(System::block_number() + 2);
	let Some(JobStatus::Rechecking { checker }) = Jobs::<Test>::get(key).map(|job| job.status)
	else {
		panic!("the job is re-checked");
	};
	let checker = HOSTS.into_iter().find(|host| account(host) == checker).expect("a test host");
	(executor, checker, key)
}

/// The hosts drawn to decide `key`'s dispute.
fn dispute_checkers(key: Hash32) -> Vec<&'static str> {
	let Some(JobStatus::Disputed { checkers, .. }) = Jobs::<Test>::get(key).map(|job| job.status)
	else {
		panic!("the job is disputed");
	};
	checkers
		.iter()
		.map(|(checker, _)| {
			HOSTS.into_iter().find(|host| account(host) == *checker).expect("a host")
		})
		.collect()
}

fn paid(key: Hash32) -> bool {
	System::events().iter().any(
		|record| matches!(&record.event, RuntimeEvent::Inference(Event::Paid { job, .. }) if *job == key),
	)
}

#[test]
fn an_executor_cannot_time_its_report_to_dodge_the_re_check() {
	new_test_ext().execute_with(|| {
		recheck_half();
		let model = market(2);
		// The attack: before each report, the executor evaluates the draw with everything the
		// chain knows when its report lands, the VRF outputs up to the parent block, and only
		// reports in a block where that draw says "not sampled" (it waits up to 8 blocks).
		// Under revision 1 the parent block's randomness decided, and no job was re-checked.
		let predicts_a_recheck = |key: Hash32| {
			let known = Inference::block_vrf(System::block_number() - 1).expect("known");
			let point = Inference::random_u128(&known, (b"gonka/recheck", key));
			(point % 1_000_000_000) < 500_000_000
		};
		let mut rechecked = 0;
		let jobs = 40;
		for nonce in 0..jobs {
			let request = request(model, 10, nonce);
			let key = Inference::job_key(&request);
			for _ in 0..8 {
				if !predicts_a_recheck(key) {
					break;
				}
				run_to_block(System::block_number() + 1);
			}
			let executor = executor_of(&request);
			finish(executor, vec![report_of(&request, 10)]);
			run_to_block(System::block_number() + 2);
			rechecked += u32::from(matches!(
				Jobs::<Test>::get(key).map(|job| job.status),
				Some(JobStatus::Rechecking { .. })
			));
		}
		// The block after the report decides: about half are re-checked all the same.
		assert!((10..=30).contains(&rechecked), "{rechecked} of {jobs} re-checked");
	});
}

#[test]
fn the_block_after_the_report_decides_the_re_check() {
	new_test_ext().execute_with(|| {
		recheck_half();
		let model = market(2);
		let mut outcomes = Vec::new();
		for byte in 0..16u8 {
			let request = request(model, 10, u64::from(byte));
			let key = Inference::job_key(&request);
			served(&request, 10);
			set_vrf(System::block_number() + 1, [byte; 32]);
			run_to_block(System::block_number() + 2);
			outcomes.push(matches!(
				Jobs::<Test>::get(key).map(|job| job.status),
				Some(JobStatus::Rechecking { .. })
			));
		}
		assert!(outcomes.contains(&true) && outcomes.contains(&false), "{outcomes:?}");
	});
}

#[test]
fn a_passed_re_check_pays_80_percent_to_the_executor_and_20_to_the_treasury() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		let before = Balances::free_balance(account(executor));
		let treasury = Balances::free_balance(account(TREASURY));
		assert_noop!(
			Inference::recheck(RuntimeOrigin::signed(account(executor)), key, Verdict::Passed),
			Error::<Test>::NotChecker
		);
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Passed
		));
		assert_eq!(Balances::free_balance(account(executor)) - before, 40 * PRICE * 8 / 10);
		assert_eq!(Balances::free_balance(account(TREASURY)) - treasury, 40 * PRICE * 2 / 10);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 0);
		assert!(!Jobs::<Test>::contains_key(key));
		assert!(!OpenJobs::<Test>::contains_key(account(executor)), "none open, entry gone");
	});
}

#[test]
fn one_accuser_alone_convicts_nobody_and_a_false_accuser_is_overturned_and_punished() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		let before = Balances::free_balance(account(executor));
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		assert!(punishments().is_empty(), "an accusation alone punishes nobody");
		assert!(Jobs::<Test>::contains_key(key), "the dispute is open");
		let judges = dispute_checkers(key);
		assert_eq!(judges.len(), 3);
		assert!(!judges.contains(&executor) && !judges.contains(&checker));
		assert_noop!(
			Inference::vote(RuntimeOrigin::signed(account(checker)), key, false),
			Error::<Test>::NotChecker
		);
		assert_ok!(Inference::vote(RuntimeOrigin::signed(account(judges[0])), key, true));
		assert_noop!(
			Inference::vote(RuntimeOrigin::signed(account(judges[0])), key, true),
			Error::<Test>::AlreadyJudged
		);
		assert_ok!(Inference::vote(RuntimeOrigin::signed(account(judges[1])), key, true));
		assert_eq!(punishments(), vec![(account(checker), Punishment::FalseAccusation)]);
		assert!(paid(key));
		assert_eq!(Balances::free_balance(account(executor)) - before, 40 * PRICE * 8 / 10);
		assert!(!Inference::model_summaries()[0].servers.contains(&account(checker)));
	});
}

#[test]
fn a_forgery_upheld_by_the_dispute_is_refunded_and_its_executor_punished() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		// Open until judged: the executor's collateral cannot be withdrawn before the verdict.
		assert_eq!(OpenJobs::<Test>::get(account(executor)), 1);
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		let judges = dispute_checkers(key);
		assert_ok!(Inference::vote(RuntimeOrigin::signed(account(judges[0])), key, false));
		assert_eq!(OpenJobs::<Test>::get(account(executor)), 1);
		assert_ok!(Inference::vote(RuntimeOrigin::signed(account(judges[1])), key, false));
		assert_eq!(OpenJobs::<Test>::get(account(executor)), 0);
		assert_eq!(punishments(), vec![(account(executor), Punishment::Forgery)]);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 0);
		assert_eq!(Inference::available_deposit(&account(DEVELOPER)), DEPOSIT, "refunded");
		assert!(!Inference::model_summaries()[0].servers.contains(&account(executor)));
	});
}

#[test]
fn a_re_check_nobody_answers_pays_the_executor_and_counts_as_the_checker_s_downtime() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		let before = Balances::free_balance(account(executor));
		assert_noop!(
			Inference::close_expired(RuntimeOrigin::signed(account(executor)), key),
			Error::<Test>::NotExpired
		);
		let deadline = Jobs::<Test>::get(key).expect("open").deadline;
		run_to_block(deadline + 1);
		assert_noop!(
			Inference::recheck(RuntimeOrigin::signed(account(checker)), key, Verdict::Failed),
			Error::<Test>::DeadlinePassed
		);
		assert_ok!(Inference::close_expired(RuntimeOrigin::signed(account(executor)), key));
		assert_eq!(Balances::free_balance(account(executor)) - before, 40 * PRICE * 8 / 10);
		assert_eq!(punishments(), vec![(account(checker), Punishment::Silence)]);
	});
}

#[test]
fn a_silent_dispute_pays_the_executor_and_penalises_only_the_silent() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		let judges = dispute_checkers(key);
		// One verdict of forgery is a third of the weight: no majority, no conviction.
		assert_ok!(Inference::vote(RuntimeOrigin::signed(account(judges[0])), key, false));
		let deadline = Jobs::<Test>::get(key).expect("open").deadline;
		run_to_block(deadline + 1);
		assert_ok!(Inference::close_expired(RuntimeOrigin::signed(account(executor)), key));
		assert!(paid(key));
		assert_eq!(
			punishments(),
			vec![
				(account(judges[1]), Punishment::Silence),
				(account(judges[2]), Punishment::Silence)
			]
		);
	});
}

#[test]
fn with_no_other_server_to_decide_a_failed_re_check_is_paid() {
	new_test_ext().execute_with(|| {
		recheck_everything();
		let model = market(2);
		let (executor, key) = served(&request(model, 100, 1), 10);
		run_to_block(System::block_number() + 2);
		let checker = if executor == HOSTS[0] { HOSTS[1] } else { HOSTS[0] };
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		assert!(paid(key));
		assert!(punishments().is_empty());
	});
}

#[test]
fn the_host_s_duties_list_its_re_checks_verdicts_and_jobs_to_close() {
	use crate::runtime_api::Duty;
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		assert_eq!(Inference::duties_of(&account(checker)), vec![Duty::Recheck(key)]);
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		for judge in dispute_checkers(key) {
			assert_eq!(Inference::duties_of(&account(judge)), vec![Duty::Judge(key)]);
		}
		assert!(Inference::duties_of(&account(executor)).is_empty());
		let deadline = Jobs::<Test>::get(key).expect("open").deadline;
		run_to_block(deadline + 1);
		assert_eq!(Inference::duties_of(&account(executor)), vec![Duty::Close(key)]);
	});
}

#[test]
fn the_re_check_rate_falls_with_reputation_down_to_the_floor() {
	new_test_ext().execute_with(|| {
		Params::<Test>::put(MarketParams {
			recheck_ceiling: Perbill::from_percent(50),
			recheck_floor: Perbill::from_percent(5),
			..Default::default()
		});
		let host = account(HOSTS[0]);
		assert_eq!(Inference::recheck_rate(&host), Perbill::from_percent(50));
		set_reputation(&host, Perbill::from_percent(60));
		assert_eq!(Inference::recheck_rate(&host), Perbill::from_percent(20));
		set_reputation(&host, Perbill::one());
		assert_eq!(Inference::recheck_rate(&host), Perbill::from_percent(5));
	});
}

#[test]
fn withheld_evidence_is_not_paid_and_punishes_nobody() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		let before = Balances::free_balance(account(executor));
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Unavailable
		));
		System::assert_has_event(Event::EvidenceWithheld { job: key }.into());
		assert_eq!(Balances::free_balance(account(executor)), before, "not paid");
		assert_eq!(
			Inference::available_deposit(&account(DEVELOPER)),
			DEPOSIT,
			"back in the deposit"
		);
		assert!(punishments().is_empty());
		assert!(!Jobs::<Test>::contains_key(key));
	});
}

#[test]
fn a_host_that_lost_its_weight_judges_nobody() {
	new_test_ext().execute_with(|| {
		let (executor, checker, key) = rechecking();
		// Every other server but one is gone (removed for fraud, say) since the draw.
		let others: Vec<_> =
			HOSTS.into_iter().filter(|host| *host != executor && *host != checker).collect();
		for host in &others[1..] {
			set_weight(&account(host), 0);
		}
		assert_ok!(Inference::recheck(
			RuntimeOrigin::signed(account(checker)),
			key,
			Verdict::Failed
		));
		assert_eq!(dispute_checkers(key), vec![others[0]]);
	});
}

/// A queue place whose job is gone: no call removes a job before its draw today (`close`
/// refuses reported jobs), but the draw skipped such places without counting them, so a run
/// of them, left by a future change or a faulty migration, made one block read every one
/// while its weight declared none sampled. Each place visited now counts against
/// `MaxSamplesPerBlock`.
#[test]
fn a_queue_of_closed_jobs_is_drawn_through_a_bounded_number_per_block() {
	new_test_ext().execute_with(|| {
		run_to_block(3);
		for position in 0..50u64 {
			crate::QueuedJobs::<Test>::insert(position, [position as u8; 32]);
		}
		crate::SampleQueue::<Test>::put((0, 50));
		run_to_block(4);
		let limit = u64::from(<Test as crate::Config>::MaxSamplesPerBlock::get());
		assert_eq!(crate::SampleQueue::<Test>::get(), (limit, 50));
		run_to_block(5);
		assert_eq!(crate::SampleQueue::<Test>::get(), (2 * limit, 50));
	});
}
