//! Signing a transaction with the runtime's own types: what the compute worker (a keystore
//! key) and the `host` commands (an operator's secret URI) both submit. The node is built with
//! its runtime, so the call and the extensions are the runtime's types, not a decoding of
//! metadata; a runtime whose transaction format changes needs this node upgraded, as every
//! Substrate node that signs transactions does.

use codec::Encode;
use gonka_runtime::{AccountId, Nonce, RuntimeCall, UncheckedExtrinsic};
use sp_core::{sr25519, H256};
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};

/// Blocks a transaction stays valid, from the block its era begins at: longer than any phase
/// of the development chain, short enough that a stale one leaves the pool soon.
pub const MORTALITY: u64 = 64;

/// What a signature commits to besides the call: the chain and runtime it is valid on, and
/// the block its mortality counts from.
#[derive(Clone, Copy, Debug)]
pub struct SigningContext {
	/// The runtime's `spec_version`.
	pub spec_version: u32,
	/// The runtime's `transaction_version`.
	pub transaction_version: u32,
	/// The chain's genesis hash.
	pub genesis: H256,
	/// The block the transaction's era begins at.
	pub birth: H256,
	/// Its number.
	pub birth_number: u64,
}

impl SigningContext {
	/// A context whose era begins at the last finalised block, whose hash is the same on every
	/// fork, so a reorganisation cannot invalidate the signature; while finality lags by half
	/// the mortality or more, at the best block (an era from the finalised one would be too
	/// old to be valid).
	pub fn new(
		(spec_version, transaction_version): (u32, u32),
		genesis: H256,
		finalized: (H256, u32),
		best: (H256, u32),
	) -> Self {
		let lag = u64::from(best.1.saturating_sub(finalized.1));
		let (birth, number) = if lag < MORTALITY / 2 { finalized } else { best };
		Self { spec_version, transaction_version, genesis, birth, birth_number: u64::from(number) }
	}
}

/// `call` from `signer` with `nonce`, no tip, signed by `sign` over the payload's bytes.
pub fn signed_extrinsic<E>(
	call: RuntimeCall,
	signer: AccountId,
	nonce: Nonce,
	context: &SigningContext,
	sign: impl FnOnce(&[u8]) -> Result<sr25519::Signature, E>,
) -> Result<UncheckedExtrinsic, E> {
	let extension =
		gonka_runtime::tx_extension(nonce, Era::mortal(MORTALITY, context.birth_number));
	let implicit = (
		(),
		context.spec_version,
		context.transaction_version,
		context.genesis,
		context.birth,
		(),
		(),
		(),
		(),
		None,
		(),
	);
	let payload = gonka_runtime::SignedPayload::from_raw(call.clone(), extension.clone(), implicit);
	let signature = payload.using_encoded(sign)?;
	Ok(UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(signer),
		MultiSignature::Sr25519(signature),
		extension,
	))
}
