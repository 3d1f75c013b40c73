//! Keeps Proof-of-Compute submissions that cannot succeed out of the transaction pool.
//!
//! Successful `commit`, `reveal`, `attest` and `open_attestation` calls pay no fee, so an
//! account that is not a host, a call for another epoch or phase, or a second submission of
//! the same step must not reach a block. The extension refuses those when the pool validates
//! the transaction, and tags each accepted submission with `(step, epoch, host[, validated
//! host])` so the pool holds at most one of each. A submission signed by a host's operator key
//! is checked, and tagged, as the host's own: the host and its operator cannot both land one.

use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Get, IsSubType, OriginTrait},
	weights::Weight,
	DefaultNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use gonka_primitives::sprint::{EpochInfo, SEED_BLOCKS};
use pallet_sprint::{EpochStatus, Phase};
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{
		DispatchInfoOf, Saturating, TransactionExtension, UniqueSaturatedInto, ValidateResult,
	},
	transaction_validity::{InvalidTransaction, TransactionPriority, ValidTransaction},
};

use gonka_primitives::attestation::seal;

use crate::{
	attest::attestation_by, Call, Commitments, Config, HostRegistry, Pallet, Revealed, Verdicts,
};

/// `InvalidTransaction::Custom` code: the sender is not a registered host.
pub const NOT_A_HOST: u8 = 1;
/// `InvalidTransaction::Custom` code: the epoch is not the one in progress, or not in the
/// phase of this step.
pub const WRONG_EPOCH_OR_PHASE: u8 = 2;
/// `InvalidTransaction::Custom` code: this host already submitted this step in this epoch.
pub const ALREADY_SUBMITTED: u8 = 3;
/// `InvalidTransaction::Custom` code: the step's seed is not fixed yet (the first blocks of
/// the reveal or validate phase), a reveal comes from a host that did not commit, or an
/// opening from a validator that sealed nothing.
pub const NOT_READY: u8 = 4;

/// `InvalidTransaction::Custom` code: the opening's values and salt do not give the sealed
/// hash (a worker that lost its salt would otherwise pay for a failing opening every block).
pub const WRONG_OPENING: u8 = 5;

/// `InvalidTransaction::Custom` code: the reveal's leaves are not those the challenge seed of
/// this chain picks. A reveal made on a fork whose seed block was then replaced would land and
/// fail, and the host would be punished as for fraud; refused here, it leaves the pool when
/// the pool revalidates it on the new best block, and the worker reveals again for the new
/// seed.
pub const WRONG_LEAVES: u8 = 6;

/// Priority of Proof-of-Compute submissions: ahead of ordinary transfers, which pay by fee.
const POC_PRIORITY: TransactionPriority = TransactionPriority::MAX / 2;

/// The phase of the block being built or validated for, in `current`'s epoch (`None` past
/// its end). In a block the clock has already moved to it; the pool validates a transaction
/// for the block after its best one without running that block's hooks, so the stored phase
/// may still be the best block's: a step is admitted for the block in which it can land (an
/// opening from the validate phase's last block on, for the open phase's first).
fn phase_of_block<T: Config>(current: &EpochInfo<BlockNumberFor<T>>) -> Option<Phase> {
	current.params.phases.phase_at(offset_in_epoch::<T>(current))
}

/// How far into `current`'s epoch the block being built or validated for is.
fn offset_in_epoch<T: Config>(current: &EpochInfo<BlockNumberFor<T>>) -> u32 {
	let now = frame_system::Pallet::<T>::block_number();
	now.saturating_sub(current.start).unique_saturated_into()
}

/// Whether the seed of `phase` (the challenge or the validation seed) is fixed by the block
/// being built or validated for: it is fixed in the phase's block `SEED_BLOCKS`, before that
/// block's extrinsics. A peer that has not yet imported that block when a submission reaches
/// it must not refuse it: refused once, a transaction is never sent to that peer again.
fn seed_fixed_by_block<T: Config>(current: &EpochInfo<BlockNumberFor<T>>, phase: Phase) -> bool {
	let into_phase =
		offset_in_epoch::<T>(current).saturating_sub(current.params.phases.start_of(phase));
	into_phase >= SEED_BLOCKS
}

/// The transaction extension; it carries no data, so wallets need no definition for it.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckHostSubmission<T>(PhantomData<T>);

impl<T> core::fmt::Debug for CheckHostSubmission<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckHostSubmission")
	}
}

impl<T: Config + Send + Sync> TransactionExtension<T::RuntimeCall> for CheckHostSubmission<T>
where
	T::RuntimeCall: IsSubType<Call<T>>,
{
	const IDENTIFIER: &'static str = "CheckHostSubmission";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &T::RuntimeCall) -> Weight {
		if call.is_sub_type().is_some() {
			// Epoch, phase, registry, the submission's own storage item and, for a reveal, the
			// commitment (its leaf indices drawn from the seed cost no storage); and the host
			// the signer acts for.
			T::DbWeight::get().reads(5).saturating_add(T::Hosts::acting_for_weight())
		} else {
			Weight::zero()
		}
	}

	fn validate(
		&self,
		origin: T::RuntimeOrigin,
		call: &T::RuntimeCall,
		_info: &DispatchInfoOf<T::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, T::RuntimeCall> {
		let mut opening = None;
		let mut revealed = None;
		let (step, epoch, validated) = match call.is_sub_type() {
			Some(Call::commit { epoch, .. }) => (Phase::Commit, *epoch, None),
			Some(Call::reveal { epoch, leaves }) => {
				revealed = Some(leaves);
				(Phase::Reveal, *epoch, None)
			}
			Some(Call::attest { epoch, host, .. }) => (Phase::Validate, *epoch, Some(host)),
			Some(Call::open_attestation { epoch, host, values, salt }) => {
				opening = Some((values, salt));
				(Phase::Open, *epoch, Some(host))
			}
			_ => return Ok((ValidTransaction::default(), (), origin)),
		};
		let Some(signer) = origin.as_signer() else {
			return Err(InvalidTransaction::BadSigner.into());
		};
		let host = &T::Hosts::acting_for(signer);
		if !T::Hosts::is_host(host) {
			return Err(InvalidTransaction::Custom(NOT_A_HOST).into());
		}
		let current = T::Sprint::status()
			.map(|(current, _)| current)
			.filter(|current| current.index == epoch && phase_of_block::<T>(current) == Some(step))
			.ok_or(InvalidTransaction::Custom(WRONG_EPOCH_OR_PHASE))?;
		// Submissions that would fail anyway must not crowd out those that would not: a
		// committed host that cannot land its reveal is punished as for fraud.
		let attestations = validated.map(|validated| Verdicts::<T>::get(epoch, validated));
		let attestation = attestations.as_ref().and_then(|all| attestation_by(all, host));
		let commitment = match step {
			Phase::Reveal => Commitments::<T>::get(epoch, host),
			_ => None,
		};
		let ready = match step {
			Phase::Reveal => seed_fixed_by_block::<T>(&current, step) && commitment.is_some(),
			Phase::Validate => seed_fixed_by_block::<T>(&current, step),
			Phase::Open => attestation.is_some(),
			_ => true,
		};
		if !ready {
			return Err(InvalidTransaction::Custom(NOT_READY).into());
		}
		let already = match step {
			Phase::Commit => Commitments::<T>::contains_key(epoch, host),
			Phase::Reveal => Revealed::<T>::contains_key(epoch, host),
			Phase::Validate => attestation.is_some(),
			_ => attestation.is_some_and(|attestation| attestation.opening.is_some()),
		};
		if already {
			return Err(InvalidTransaction::Custom(ALREADY_SUBMITTED).into());
		}
		// The seed is in storage once the pool's best block fixed it; validated for the block
		// that fixes it, the reveal is admitted as it stands (checked again when it lands).
		if let (Some(leaves), Some(commitment), Some(seed)) =
			(revealed, commitment, current.challenge_seed)
		{
			let expected = Pallet::<T>::leaves_challenged(&seed, host, &commitment);
			if !leaves.iter().map(|leaf| leaf.index).eq(expected) {
				return Err(InvalidTransaction::Custom(WRONG_LEAVES).into());
			}
		}
		if let (Some((values, salt)), Some(attestation)) = (opening, attestation) {
			if seal(host, values, salt) != attestation.seal {
				return Err(InvalidTransaction::Custom(WRONG_OPENING).into());
			}
		}
		let valid = ValidTransaction {
			priority: POC_PRIORITY,
			provides: alloc::vec![(b"gonka/poc", step, epoch, host, validated).encode()],
			..Default::default()
		};
		Ok((valid, (), origin))
	}

	impl_tx_ext_default!(T::RuntimeCall; prepare);
}
