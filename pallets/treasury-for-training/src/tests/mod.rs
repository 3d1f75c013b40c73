//! The training treasury: 20% of inference revenue in, grants out only by governance, every
//! grant on record.

use frame_support::{assert_noop, assert_ok, BoundedVec};
use sp_runtime::DispatchError;

use crate::{mock::*, Error, Event, Grant, GrantCount, TotalReceived, TrainingFund};

mod invariants;

/// What the inference pallet does with a payment: the treasury's share from the payer.
fn pay_inference(payer: u64, revenue: u64) {
	let share = <TreasuryForTraining as TrainingFund<u64, u64>>::share_of(revenue);
	assert_ok!(<TreasuryForTraining as TrainingFund<u64, u64>>::fund(&payer, share));
}

fn purpose(text: &str) -> BoundedVec<u8, frame_support::traits::ConstU32<256>> {
	text.as_bytes().to_vec().try_into().expect("short")
}

#[test]
fn the_treasury_receives_a_fifth_of_inference_revenue() {
	new_test_ext().execute_with(|| {
		pay_inference(1, 1_000);
		pay_inference(2, 2_499);
		assert_eq!(Balances::free_balance(TREASURY), 200 + 499);
		assert_eq!(TotalReceived::<Test>::get(), 699);
		assert_eq!(Balances::free_balance(2), 10_000 - 499);
		System::assert_has_event(RuntimeEvent::TreasuryForTraining(Event::Funded {
			payer: 1,
			amount: 200,
		}));
		assert_eq!(TreasuryForTraining::balance(), 699 - 1, "the existential deposit stays");
	});
}

#[test]
fn only_governance_grants_and_every_grant_is_recorded() {
	new_test_ext().execute_with(|| {
		pay_inference(1, 5_000);
		assert_noop!(
			TreasuryForTraining::grant(RuntimeOrigin::signed(1), 100, 3, purpose("data")),
			DispatchError::BadOrigin
		);
		assert_noop!(
			TreasuryForTraining::grant(RuntimeOrigin::root(), 100, 3, purpose("data")),
			DispatchError::BadOrigin
		);
		let governance = || RuntimeOrigin::signed(GOVERNANCE);
		assert_ok!(TreasuryForTraining::grant(governance(), 300, 3, purpose("a dataset")));
		assert_ok!(TreasuryForTraining::grant(governance(), 200, 4, purpose("fine-tuning run")));
		assert_eq!(Balances::free_balance(3), 10_300);
		assert_eq!(GrantCount::<Test>::get(), 2);
		assert_eq!(
			TreasuryForTraining::grants(0, 10),
			vec![
				(
					0,
					Grant {
						beneficiary: 3,
						amount: 300,
						purpose: purpose("a dataset"),
						granted_at: 1
					}
				),
				(
					1,
					Grant {
						beneficiary: 4,
						amount: 200,
						purpose: purpose("fine-tuning run"),
						granted_at: 1
					}
				),
			]
		);
		assert_eq!(TreasuryForTraining::grants(1, 10).len(), 1);
		System::assert_has_event(RuntimeEvent::TreasuryForTraining(Event::Granted {
			index: 1,
			beneficiary: 4,
			amount: 200,
		}));
		assert_noop!(
			TreasuryForTraining::grant(governance(), 500, 3, purpose("too much")),
			Error::<Test>::TreasuryTooLow
		);
		assert_noop!(
			TreasuryForTraining::grant(governance(), 1, 3, purpose("")),
			Error::<Test>::InvalidPurpose
		);
	});
}
