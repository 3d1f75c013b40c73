//! The `ComputeMajority` origin as an origin check for other pallets' configurations.

use frame_support::traits::EnsureOrigin;

use crate::RawOrigin;

/// Succeeds only for [`RawOrigin::ComputeMajority`]: a call dispatched by a passed proposal.
pub struct EnsureComputeMajority;

impl<O: Into<Result<RawOrigin, O>> + From<RawOrigin>> EnsureOrigin<O> for EnsureComputeMajority {
	type Success = ();

	fn try_origin(origin: O) -> Result<Self::Success, O> {
		origin.into().map(|RawOrigin::ComputeMajority| ())
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin() -> Result<O, ()> {
		Ok(O::from(RawOrigin::ComputeMajority))
	}
}
