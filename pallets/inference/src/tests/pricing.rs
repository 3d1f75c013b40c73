//! Prices: they rise with use above the target utilisation, fall back with less, by at most
//! the step each period, between the base price and its multiple; requests pay the price of
//! the moment.

use frame_support::traits::Hooks;

use super::*;
use crate::{Event, Params, Prices, UsedTokens};

/// The price period ends: the pallet's hook at block `number`.
fn end_period_at(number: u64) {
	System::set_block_number(number);
	Inference::on_initialize(number);
}

#[test]
fn full_use_raises_the_price_by_the_step_and_idleness_brings_it_back_to_the_base() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..1], 1);
		let params = Params::<Test>::get();
		// One server's capacity over a period: 100 tokens a block for 10 blocks.
		let capacity = u64::from(params.server_capacity * params.price_period);
		UsedTokens::<Test>::insert(model, capacity);
		end_period_at(15);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE), "not the end of a period");
		end_period_at(20);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE + PRICE / 10), "+10%");
		System::assert_last_event(Event::PriceChanged { model, price: 11 }.into());
		assert_eq!(UsedTokens::<Test>::get(model), 0, "a new period starts");
		end_period_at(30);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE), "unused: -10%, not below the base");
		end_period_at(40);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE));
	});
}

#[test]
fn at_the_target_the_price_stays_and_it_never_passes_its_multiple() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..2], 1);
		let params = Params::<Test>::get();
		let capacity = 2 * u64::from(params.server_capacity * params.price_period);
		UsedTokens::<Test>::insert(model, capacity / 2);
		end_period_at(10);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE), "50% is the target");
		let mut price = PRICE;
		for period in 2..40 {
			UsedTokens::<Test>::insert(model, capacity);
			end_period_at(period * 10);
			let next = Prices::<Test>::get(model).expect("priced");
			assert!(next >= price && next <= price + price.div_ceil(10), "{price} → {next}");
			price = next;
		}
		assert_eq!(price, PRICE * u64::from(params.max_price_multiple));
	});
}

#[test]
fn a_model_nobody_serves_keeps_its_price() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		end_period_at(10);
		assert_eq!(Prices::<Test>::get(model), Some(PRICE));
	});
}

#[test]
fn reports_pay_the_price_of_the_moment_capped_by_the_request_and_their_tokens_count_as_use() {
	new_test_ext().execute_with(|| {
		let model = register_model();
		serve(model, &HOSTS[..1], 1);
		run_to_block(3);
		Prices::<Test>::insert(model, 2 * PRICE);
		served(&request(model, 10, 1), 7);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 7 * PRICE, "capped by maxPrice");
		let mut willing = request(model, 10, 2);
		willing.max_price = 3 * PRICE;
		served(&willing, 5);
		assert_eq!(Inference::escrowed(&account(DEVELOPER)), 7 * PRICE + 5 * 2 * PRICE);
		assert_eq!(UsedTokens::<Test>::get(model), 12);
	});
}
