//! What the treasury records of a grant.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// The longest purpose a grant may state, in bytes.
pub const MAX_PURPOSE_LEN: u32 = 256;

/// A grant made by governance.
#[derive(
	Clone, Debug, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Grant<AccountId, Balance, BlockNumber> {
	/// Who received it.
	pub beneficiary: AccountId,
	/// How much.
	pub amount: Balance,
	/// What for: printable UTF-8.
	pub purpose: BoundedVec<u8, ConstU32<MAX_PURPOSE_LEN>>,
	/// The block it was granted in.
	pub granted_at: BlockNumber,
}
