//! What an executor checks before it serves a signed request at once (DESIGN.md §6b): that
//! the request can still be served and reported, that it was not served or reported before,
//! that the model's price is within the request's, and that the developer's deposit, less
//! what this host already serves against it, covers the request's maximum cost. The chain charges at most the deposit whatever executors do: these checks
//! bound what an executor can serve unpaid to the requests it admits at once.

use std::{collections::HashMap, sync::Mutex};

use axum::http::StatusCode;
use gonka_runtime::{AccountId, Balance, Runtime};
use pallet_inference::RequestOf;

use super::{
	chain::{Chain, JobKey},
	openai::ApiError,
};

/// A request admitted and not yet seen on chain: its job key and what it may cost.
struct Reservation {
	key: JobKey,
	amount: Balance,
}

/// The requests this host admitted against each developer's deposit.
#[derive(Default)]
pub struct Admissions {
	reserved: Mutex<HashMap<AccountId, Vec<Reservation>>>,
}

fn refused(
	status: StatusCode,
	kind: &'static str,
	code: &'static str,
	message: String,
) -> ApiError {
	ApiError::new(status, kind, code, message)
}

impl Admissions {
	/// Admits `request`, job `key`, at the model's `price`, reserving its maximum cost.
	pub fn admit(
		&self,
		chain: &Chain,
		key: JobKey,
		request: &RequestOf<Runtime>,
		price: Balance,
	) -> Result<(), ApiError> {
		let params = chain.params().map_err(|error| ApiError::upstream(error.to_string()))?;
		let best = chain.best_number();
		if request.valid_until > request.anchor.saturating_add(params.request_blocks)
			|| request.anchor > best
		{
			return Err(ApiError::invalid(format!(
				"the request's anchor ({}) must be a past block and its validUntil ({}) at most \
				 {} blocks after it",
				request.anchor, request.valid_until, params.request_blocks
			)));
		}
		if best > request.valid_until {
			return Err(refused(
				StatusCode::BAD_REQUEST,
				"invalid_request_error",
				"request_expired",
				format!(
					"the request was valid until block {} and the chain is at {best}: sign it \
					 again with a recent anchor",
					request.valid_until
				),
			));
		}
		if price > request.max_price {
			return Err(refused(
				StatusCode::PAYMENT_REQUIRED,
				"insufficient_quota",
				"price_too_high",
				format!(
					"the model's price is {price} per token now, above the request's maxPrice {}",
					request.max_price
				),
			));
		}
		let developer = &request.developer;
		let reported = |key| chain.job_reported(key).unwrap_or(false);
		let available = chain
			.deposit(developer)
			.map_err(|error| ApiError::upstream(error.to_string()))?
			.map_or(0, |deposit| deposit.total.saturating_sub(deposit.unlocking));
		let cost = price.saturating_mul(request.max_tokens.into());
		let mut reserved =
			self.reserved.lock().map_err(|_| ApiError::upstream("admissions poisoned"))?;
		let mine = reserved.entry(developer.clone()).or_default();
		// A reservation the chain has charged (its job is reported) is in the deposit already.
		mine.retain(|reservation| !reported(reservation.key));
		if reported(key) || mine.iter().any(|r| r.key == key) {
			return Err(refused(
				StatusCode::CONFLICT,
				"invalid_request_error",
				"already_served",
				format!(
					"this request (nonce {}) was served already: sign a new one",
					request.nonce
				),
			));
		}
		let held: Balance = mine.iter().map(|r| r.amount).sum();
		if available.saturating_sub(held) < cost {
			return Err(refused(
				StatusCode::PAYMENT_REQUIRED,
				"insufficient_quota",
				"insufficient_deposit",
				format!(
					"{developer}'s inference deposit has {} free for new requests ({available} \
					 less {held} this host is serving), below the request's maximum cost {cost} \
					 ({} tokens at {price}): add to it with Inference.deposit",
					available.saturating_sub(held),
					request.max_tokens
				),
			));
		}
		mine.push(Reservation { key, amount: cost });
		Ok(())
	}

	/// Lowers the reservation of `developer`'s job `key` to what it cost, or drops it
	/// (`cost` none) when it was not served.
	pub fn settle(&self, developer: &AccountId, key: JobKey, cost: Option<Balance>) {
		let Ok(mut reserved) = self.reserved.lock() else { return };
		let Some(mine) = reserved.get_mut(developer) else { return };
		match cost {
			Some(cost) => {
				for reservation in mine.iter_mut().filter(|r| r.key == key) {
					reservation.amount = cost;
				}
			}
			None => mine.retain(|reservation| reservation.key != key),
		}
	}
}
