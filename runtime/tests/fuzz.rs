//! The runtime under a fuzzer (issue 21): proptest draws sequences of signed transactions of
//! every pallet's calls, from hosts, validators, developers and strangers, with adversarial
//! arguments (huge counts, wrong epochs, forged consents and seals, reports of requests the
//! signer was not drawn for), interleaved with runs of blocks across epoch boundaries, and
//! applies them through `Executive` to the development runtime, as a block author would.
//!
//! After every block it checks what must always hold: no panic; the block's weight and length
//! within their limits; the invariants of all six project pallets (their `try_state`); every hold equal to its pallet's record; total issuance changed only by the
//! sprint's mint, the fees burned and dust. A failing sequence is shrunk by proptest to a short one.
//!
//! `cargo test -p gonka-runtime --test fuzz` runs the same 4 cases every time (`make test`);
//! `make fuzz` runs `GONKA_FUZZ_CASES` cases drawn at random, in release, and prints how many
//! calls and blocks were fuzzed, how their outcomes split and why calls were refused.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};

use codec::Encode;
use common::{development_chain, Chain};
use frame_support::{dispatch::DispatchClass, weights::Weight};
use gonka_primitives::merkle::{Leaf, MerkleTree};
use gonka_runtime::{
	currency::GNK, AccountId, Balances, Executive, Inference, ProofOfCompute, Runtime, RuntimeCall,
	RuntimeEvent, RuntimeHoldReason, SignedPayload, System, UncheckedExtrinsic,
};
use pallet_proof_of_compute::RevealedLeaf;
use proptest::{
	prelude::*,
	test_runner::{Config as ProptestConfig, TestRng, TestRunner},
};
use sp_core::{sr25519, Pair};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	generic::Era, traits::IdentifyAccount, ApplyExtrinsicResult, MultiSignature, MultiSigner,
};

/// Keys that sign: the development accounts (Alice is the genesis host and validator, Alice
/// and Bob developers with deposits) and two strangers nobody funded.
fn keys() -> Vec<sr25519::Pair> {
	let mut keys: Vec<_> = [
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
		Sr25519Keyring::Ferdie,
	]
	.into_iter()
	.map(|key| key.pair())
	.collect();
	keys.extend(
		["//Stranger1", "//Stranger2"]
			.map(|seed| sr25519::Pair::from_string(seed, None).expect("a seed")),
	);
	keys
}

fn account(key: &sr25519::Pair) -> AccountId {
	MultiSigner::from(key.public()).into_account()
}

/// What the fuzzer does next: a transaction from key `by`, or blocks.
#[derive(Clone, Debug)]
enum Action {
	/// Builds this many blocks (crossing phases and epochs).
	Blocks(u8),
	Transfer {
		by: usize,
		to: usize,
		amount: u128,
	},
	Register {
		by: usize,
		collateral: u128,
	},
	AddCollateral {
		by: usize,
		amount: u128,
	},
	Unregister {
		by: usize,
	},
	Withdraw {
		by: usize,
	},
	SetOperator {
		by: usize,
		key: usize,
		honest: bool,
	},
	RemoveOperator {
		by: usize,
	},
	ResignOperator {
		by: usize,
	},
	/// Commits `count` made-up hits for the epoch in progress plus `epoch_delta`; with
	/// `huge`, a count far beyond the tree.
	Commit {
		by: usize,
		count: u8,
		epoch_delta: i8,
		huge: bool,
	},
	/// Reveals what the chain challenges of the signer's last commitment; `corrupt` flips a
	/// leaf.
	Reveal {
		by: usize,
		corrupt: bool,
	},
	Attest {
		by: usize,
		host: usize,
		seal: [u8; 32],
	},
	Open {
		by: usize,
		host: usize,
		salt: [u8; 32],
	},
	Propose {
		by: usize,
		amount: u128,
	},
	Vote {
		by: usize,
		index: u8,
		aye: bool,
	},
	Close {
		by: usize,
		index: u8,
		voters: u32,
	},
	Enact {
		by: usize,
		index: u8,
		weight: u64,
	},
	Deposit {
		by: usize,
		amount: u128,
	},
	Unlock {
		by: usize,
		amount: u128,
	},
	WithdrawDeposit {
		by: usize,
	},
	Serve {
		by: usize,
		model: u32,
	},
	StopServing {
		by: usize,
		model: u32,
	},
	/// A report of a request signed by developer `developer`, by its drawn executor when
	/// `drawn`, else by `by`.
	Finish {
		by: usize,
		developer: usize,
		tokens: u32,
		nonce: u8,
		drawn: bool,
	},
	Recheck {
		by: usize,
		job: [u8; 32],
		verdict: u8,
	},
	VoteJob {
		by: usize,
		job: [u8; 32],
		valid: bool,
	},
	CloseExpired {
		by: usize,
		job: [u8; 32],
	},
}

fn amount() -> impl Strategy<Value = u128> {
	prop_oneof![
		Just(0u128),
		1u128..1_000,
		(1u128..2_000_000).prop_map(|gnk| gnk * GNK),
		Just(u128::MAX),
	]
}

fn action() -> impl Strategy<Value = Action> {
	let by = 0usize..8;
	prop_oneof![
		4 => (1u8..30).prop_map(Action::Blocks),
		1 => (by.clone(), 0usize..8, amount()).prop_map(|(by, to, amount)| Action::Transfer { by, to, amount }),
		2 => (by.clone(), amount()).prop_map(|(by, collateral)| Action::Register { by, collateral }),
		1 => (by.clone(), amount()).prop_map(|(by, amount)| Action::AddCollateral { by, amount }),
		1 => by.clone().prop_map(|by| Action::Unregister { by }),
		1 => by.clone().prop_map(|by| Action::Withdraw { by }),
		1 => (by.clone(), 0usize..8, any::<bool>()).prop_map(|(by, key, honest)| Action::SetOperator { by, key, honest }),
		1 => by.clone().prop_map(|by| Action::RemoveOperator { by }),
		1 => by.clone().prop_map(|by| Action::ResignOperator { by }),
		3 => (by.clone(), 1u8..60, -1i8..2, proptest::bool::weighted(0.1))
			.prop_map(|(by, count, epoch_delta, huge)| Action::Commit { by, count, epoch_delta, huge }),
		3 => (by.clone(), proptest::bool::weighted(0.2)).prop_map(|(by, corrupt)| Action::Reveal { by, corrupt }),
		1 => (by.clone(), 0usize..8, any::<[u8; 32]>()).prop_map(|(by, host, seal)| Action::Attest { by, host, seal }),
		1 => (by.clone(), 0usize..8, any::<[u8; 32]>()).prop_map(|(by, host, salt)| Action::Open { by, host, salt }),
		1 => (by.clone(), amount()).prop_map(|(by, amount)| Action::Propose { by, amount }),
		1 => (by.clone(), 0u8..4, any::<bool>()).prop_map(|(by, index, aye)| Action::Vote { by, index, aye }),
		1 => (by.clone(), 0u8..4, prop_oneof![0u32..4, Just(u32::MAX)])
			.prop_map(|(by, index, voters)| Action::Close { by, index, voters }),
		1 => (by.clone(), 0u8..4, prop_oneof![Just(0u64), Just(u64::MAX), 1u64..10_000_000_000_000])
			.prop_map(|(by, index, weight)| Action::Enact { by, index, weight }),
		1 => (by.clone(), amount()).prop_map(|(by, amount)| Action::Deposit { by, amount }),
		1 => (by.clone(), amount()).prop_map(|(by, amount)| Action::Unlock { by, amount }),
		1 => by.clone().prop_map(|by| Action::WithdrawDeposit { by }),
		1 => (by.clone(), 0u32..3).prop_map(|(by, model)| Action::Serve { by, model }),
		1 => (by.clone(), 0u32..3).prop_map(|(by, model)| Action::StopServing { by, model }),
		2 => (by.clone(), 0usize..8, prop_oneof![0u32..1_000, Just(u32::MAX)], any::<u8>(), any::<bool>())
			.prop_map(|(by, developer, tokens, nonce, drawn)| Action::Finish { by, developer, tokens, nonce, drawn }),
		1 => (by.clone(), any::<[u8; 32]>(), 0u8..3).prop_map(|(by, job, verdict)| Action::Recheck { by, job, verdict }),
		1 => (by.clone(), any::<[u8; 32]>(), any::<bool>()).prop_map(|(by, job, valid)| Action::VoteJob { by, job, valid }),
		1 => (by, any::<[u8; 32]>()).prop_map(|(by, job)| Action::CloseExpired { by, job }),
	]
}

/// How the fuzzed calls ended, over the whole run.
struct Tally {
	calls: u64,
	blocks: u64,
	/// Refused before dispatch (bad nonce, no funds, the pool's checks).
	invalid: u64,
	/// Dispatched and failed with a pallet error.
	failed: u64,
	/// Dispatched and succeeded.
	succeeded: u64,
}

static CASES: AtomicU64 = AtomicU64::new(0);
static CALLS: AtomicU64 = AtomicU64::new(0);
static BLOCKS: AtomicU64 = AtomicU64::new(0);
static INVALID: AtomicU64 = AtomicU64::new(0);
static FAILED: AtomicU64 = AtomicU64::new(0);
static SUCCEEDED: AtomicU64 = AtomicU64::new(0);

impl std::fmt::Display for Tally {
	fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
		write!(
			f,
			"{} calls in {} blocks: {} succeeded, {} failed in dispatch, {} refused before it",
			self.calls, self.blocks, self.succeeded, self.failed, self.invalid
		)
	}
}

fn tally() -> Tally {
	Tally {
		calls: CALLS.load(Ordering::Relaxed),
		blocks: BLOCKS.load(Ordering::Relaxed),
		invalid: INVALID.load(Ordering::Relaxed),
		failed: FAILED.load(Ordering::Relaxed),
		succeeded: SUCCEEDED.load(Ordering::Relaxed),
	}
}

/// A case's chain: blocks are built as the actions come; transactions go into the block
/// being built.
struct Fuzzed {
	chain: Chain,
	keys: Vec<sr25519::Pair>,
	/// Each key's last commitment: its epoch, leaves and tree, to reveal.
	commitments: Vec<Option<(u64, Vec<Leaf>, MerkleTree)>>,
	/// Calls for the next block, with the key that signs each.
	pending: Vec<(usize, RuntimeCall)>,
	/// Total issuance at the start of the block, and the mint's total then.
	issuance: (u128, u128),
}

impl Fuzzed {
	fn new(keys: Vec<sr25519::Pair>) -> Self {
		let commitments = vec![None; keys.len()];
		Fuzzed { chain: Chain::new(), keys, commitments, pending: Vec::new(), issuance: (0, 0) }
	}

	fn epoch(&self) -> u64 {
		pallet_sprint::CurrentEpoch::<Runtime>::get().map_or(0, |epoch| epoch.index)
	}

	fn account(&self, index: usize) -> AccountId {
		account(&self.keys[index % self.keys.len()])
	}

	/// Queues `call`, signed by key `by`, for the next block.
	fn sign(&mut self, by: usize, call: RuntimeCall) {
		self.pending.push((by % self.keys.len(), call));
	}

	/// Builds the next block with the pending transactions, then checks the invariants.
	fn block(&mut self) {
		let pending = std::mem::take(&mut self.pending);
		let keys = &self.keys;
		let mut included = 0usize;
		self.chain.block(|| {
			for (by, call) in pending {
				CALLS.fetch_add(1, Ordering::Relaxed);
				let xt = signed(&keys[by], call);
				let length = xt.encoded_size();
				let result = Executive::apply_extrinsic(xt);
				if result.is_ok() {
					included += length;
				}
				count(result);
			}
		});
		BLOCKS.fetch_add(1, Ordering::Relaxed);
		check_invariants(&mut self.issuance, included);
	}

	fn act(&mut self, action: Action) {
		use pallet_host_reputation::Call as Hosts;
		use pallet_inference::Call as Market;
		use pallet_proof_of_compute::Call as Poc;
		let call: RuntimeCall = match action {
			Action::Blocks(n) => {
				for _ in 0..n {
					self.block();
				}
				return;
			}
			Action::Transfer { by: _, to, amount } => pallet_balances::Call::transfer_allow_death {
				dest: self.account(to).into(),
				value: amount,
			}
			.into(),
			Action::Register { collateral, .. } => Hosts::register_host {
				collateral,
				info: pallet_host_reputation::HostInfo {
					name: b"fuzzed".to_vec().try_into().expect("short"),
					..Default::default()
				},
			}
			.into(),
			Action::AddCollateral { amount, .. } => Hosts::add_collateral { amount }.into(),
			Action::Unregister { .. } => Hosts::unregister {}.into(),
			Action::Withdraw { .. } => Hosts::withdraw_collateral {}.into(),
			Action::SetOperator { by, key, honest } => {
				let operator = self.account(key);
				let host = if honest { self.account(by) } else { self.account(key + 1) };
				let nonce = System::account_nonce(&operator);
				let payload = pallet_host_reputation::operator_consent_payload(&host, nonce);
				let consent =
					MultiSignature::Sr25519(self.keys[key % self.keys.len()].sign(&payload));
				Hosts::set_operator { operator, consent }.into()
			}
			Action::RemoveOperator { .. } => Hosts::remove_operator {}.into(),
			Action::ResignOperator { .. } => Hosts::resign_operator {}.into(),
			Action::Commit { by, count, epoch_delta, huge } => {
				let epoch = self.epoch().saturating_add_signed(epoch_delta.into());
				let r_target = pallet_sprint::CurrentEpoch::<Runtime>::get()
					.map_or(u32::MAX, |epoch| epoch.params.r_target.0);
				let leaves: Vec<Leaf> = (0..u32::from(count))
					.map(|i| Leaf {
						nonce: 10 + 3 * u64::from(i),
						distance: gonka_primitives::Distance(r_target.saturating_sub(1 + i)),
					})
					.collect();
				let tree = MerkleTree::from_leaves(&leaves).expect("increasing nonces");
				let root = tree.root();
				let count = if huge { u32::MAX } else { u32::from(count) };
				self.commitments[by % self.keys.len()] = Some((epoch, leaves, tree));
				Poc::commit { epoch, root, count }.into()
			}
			Action::Reveal { by, corrupt } => {
				let Some((epoch, leaves, tree)) = self.commitments[by % self.keys.len()].clone()
				else {
					return;
				};
				let host = pallet_host_reputation::Pallet::<Runtime>::acting_for(&self.account(by));
				let mut revealed: Vec<RevealedLeaf> = ProofOfCompute::challenged_leaves(&host)
					.into_iter()
					.filter_map(|index| {
						Some(RevealedLeaf {
							index,
							leaf: *leaves.get(index as usize)?,
							proof: tree.proof(index as usize)?.try_into().ok()?,
						})
					})
					.collect();
				if corrupt {
					if let Some(first) = revealed.first_mut() {
						first.leaf.nonce ^= 1;
					}
				}
				let Ok(leaves) = revealed.try_into() else { return };
				Poc::reveal { epoch, leaves }.into()
			}
			Action::Attest { host, seal, .. } => {
				Poc::attest { epoch: self.epoch(), host: self.account(host), seal }.into()
			}
			Action::Open { host, salt, .. } => Poc::open_attestation {
				epoch: self.epoch(),
				host: self.account(host),
				values: Default::default(),
				salt,
			}
			.into(),
			Action::Propose { by: _, amount } => pallet_community_pool::Call::propose {
				call: Box::new(
					pallet_community_pool::Call::spend { amount, beneficiary: self.account(3) }
						.into(),
				),
			}
			.into(),
			Action::Vote { index, aye, .. } => pallet_community_pool::Call::vote {
				index: index.into(),
				vote: if aye {
					pallet_community_pool::VoteChoice::Aye
				} else {
					pallet_community_pool::VoteChoice::Nay
				},
			}
			.into(),
			Action::Close { index, voters, .. } => {
				pallet_community_pool::Call::close { index: index.into(), voters }.into()
			}
			Action::Enact { index, weight, .. } => pallet_community_pool::Call::enact {
				index: index.into(),
				call_weight: Weight::from_parts(weight, weight / 1_000),
			}
			.into(),
			Action::Deposit { amount, .. } => Market::deposit { amount }.into(),
			Action::Unlock { amount, .. } => Market::unlock { amount }.into(),
			Action::WithdrawDeposit { .. } => Market::withdraw {}.into(),
			Action::Serve { model, .. } => Market::serve { model }.into(),
			Action::StopServing { model, .. } => Market::stop_serving { model }.into(),
			Action::Finish { by, developer, tokens, nonce, drawn } => {
				let now = System::block_number();
				let request = pallet_inference::InferenceRequest {
					developer: self.account(developer),
					model: 0,
					body_hash: [nonce; 32],
					nonce: nonce.into(),
					max_tokens: 1_000,
					max_price: GNK,
					valid_until: now + 10,
					anchor: now.saturating_sub(2),
				};
				let payload = Inference::signing_payload(&request);
				let signature =
					MultiSignature::Sr25519(self.keys[developer % self.keys.len()].sign(&payload));
				let report = pallet_inference::Report {
					request: request.clone(),
					signature,
					tokens,
					output_hash: [7; 32],
				};
				let executor = Inference::executor_for(&request).filter(|_| drawn);
				let signer = executor
					.and_then(|executor| self.keys.iter().position(|key| account(key) == executor))
					.unwrap_or(by);
				let call = Market::finish { reports: vec![report].try_into().expect("one report") };
				self.sign(signer, call.into());
				return;
			}
			Action::Recheck { job, verdict, .. } => Market::recheck {
				job,
				verdict: match verdict {
					0 => pallet_inference::Verdict::Passed,
					1 => pallet_inference::Verdict::Failed,
					_ => pallet_inference::Verdict::Unavailable,
				},
			}
			.into(),
			Action::VoteJob { job, valid, .. } => Market::vote { job, valid }.into(),
			Action::CloseExpired { job, .. } => Market::close_expired { job }.into(),
		};
		self.sign(action_signer(&action), call);
	}
}

fn action_signer(action: &Action) -> usize {
	match *action {
		Action::Blocks(_) => 0,
		Action::Transfer { by, .. }
		| Action::Register { by, .. }
		| Action::AddCollateral { by, .. }
		| Action::Unregister { by }
		| Action::Withdraw { by }
		| Action::SetOperator { by, .. }
		| Action::RemoveOperator { by }
		| Action::ResignOperator { by }
		| Action::Commit { by, .. }
		| Action::Reveal { by, .. }
		| Action::Attest { by, .. }
		| Action::Open { by, .. }
		| Action::Propose { by, .. }
		| Action::Vote { by, .. }
		| Action::Close { by, .. }
		| Action::Enact { by, .. }
		| Action::Deposit { by, .. }
		| Action::Unlock { by, .. }
		| Action::WithdrawDeposit { by }
		| Action::Serve { by, .. }
		| Action::StopServing { by, .. }
		| Action::Finish { by, .. }
		| Action::Recheck { by, .. }
		| Action::VoteJob { by, .. }
		| Action::CloseExpired { by, .. } => by,
	}
}

/// `call` signed by `key` with its account's next nonce, immortal, as a wallet signs it.
fn signed(key: &sr25519::Pair, call: RuntimeCall) -> UncheckedExtrinsic {
	let who = account(key);
	let extension = gonka_runtime::tx_extension(System::account_nonce(&who), Era::Immortal);
	let payload = SignedPayload::new(call.clone(), extension.clone()).expect("implicit data");
	let signature = payload.using_encoded(|bytes| key.sign(bytes));
	UncheckedExtrinsic::new_signed(call, who.into(), MultiSignature::Sr25519(signature), extension)
}

/// Why calls were refused before dispatch, and how often.
static REFUSALS: std::sync::Mutex<std::collections::BTreeMap<String, u64>> =
	std::sync::Mutex::new(std::collections::BTreeMap::new());

fn count(result: ApplyExtrinsicResult) {
	let counter = match result {
		Err(refusal) => {
			let mut refusals = REFUSALS.lock().expect("not poisoned");
			*refusals.entry(format!("{refusal:?}")).or_default() += 1;
			&INVALID
		}
		Ok(Err(_)) => &FAILED,
		Ok(Ok(())) => &SUCCEEDED,
	};
	counter.fetch_add(1, Ordering::Relaxed);
}

/// What every block must leave true; `issuance` carries the last block's total issuance and
/// mint total, `included` is the length of the block's transactions.
fn check_invariants(issuance: &mut (u128, u128), included: usize) {
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let used = frame_system::BlockWeight::<Runtime>::get();
	for class in [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory] {
		if let Some(max) = weights.get(class).max_total {
			assert!(
				used.get(class).all_lte(max),
				"{class:?} weight {:?} over {max:?}",
				used.get(class)
			);
		}
	}
	// pallet_session declares a whole block for a session's rotation, on top of the other
	// hooks (polkadot-sdk's convention: that block takes no normal transactions).
	let rotated = System::events().iter().any(|record| {
		matches!(record.event, RuntimeEvent::Session(pallet_session::Event::NewSession { .. }))
	});
	if !rotated {
		assert!(
			used.total().all_lte(weights.max_block),
			"block {} weight {:?}: normal {:?}, operational {:?}, mandatory {:?}",
			System::block_number(),
			used.total(),
			used.get(DispatchClass::Normal),
			used.get(DispatchClass::Operational),
			used.get(DispatchClass::Mandatory)
		);
	}
	let length = <Runtime as frame_system::Config>::BlockLength::get();
	let longest =
		*length.max.get(DispatchClass::Normal).max(length.max.get(DispatchClass::Operational));
	assert!(included <= longest as usize, "{included} bytes of transactions in a block");

	check_pallet_invariants();
	check_holds();

	let now = (Balances::total_issuance(), pallet_sprint::TotalEmitted::<Runtime>::get());
	if issuance.0 != 0 {
		let burned: u128 = System::events()
			.iter()
			.map(|record| match &record.event {
				RuntimeEvent::TransactionPayment(
					pallet_transaction_payment::Event::TransactionFeePaid { actual_fee, .. },
				) => *actual_fee,
				RuntimeEvent::Balances(pallet_balances::Event::DustLost { amount, .. }) => *amount,
				_ => 0,
			})
			.sum();
		let minted = now.1 - issuance.1;
		assert_eq!(
			now.0,
			issuance.0 + minted - burned,
			"total issuance moved by something other than the mint ({minted}), fees and dust \
			 ({burned})"
		);
	}
	*issuance = now;
}

/// Every project pallet's invariants, as `try-state` checks them.
fn check_pallet_invariants() {
	let now = System::block_number();
	let checks = [
		("sprint", pallet_sprint::Pallet::<Runtime>::do_try_state(now)),
		("proof-of-compute", pallet_proof_of_compute::Pallet::<Runtime>::do_try_state()),
		("host-reputation", pallet_host_reputation::Pallet::<Runtime>::do_try_state()),
		("community-pool", pallet_community_pool::Pallet::<Runtime>::do_try_state()),
		("treasury-for-training", pallet_treasury_for_training::Pallet::<Runtime>::do_try_state()),
		("inference", pallet_inference::Pallet::<Runtime>::do_try_state()),
	];
	for (pallet, check) in checks {
		if let Err(broken) = check {
			panic!("block {now}: {pallet}'s invariant broken: {broken:?}");
		}
	}
}

/// Every hold is what its pallet records: an inference deposit its `Deposits` total, an
/// escrow the charges of the developer's open jobs, a proposal deposit the deposits of the
/// account's proposals (collateral is host-reputation's `try_state`), and no record lacks its
/// hold.
fn check_holds() {
	use std::collections::BTreeMap;
	// Keyed by the account and the encoded hold reason.
	let mut recorded: BTreeMap<(AccountId, Vec<u8>), u128> = BTreeMap::new();
	let mut record = |who: AccountId, reason: RuntimeHoldReason, amount: u128| {
		*recorded.entry((who, reason.encode())).or_default() += amount;
	};
	for (who, deposit) in pallet_inference::Deposits::<Runtime>::iter() {
		record(who, pallet_inference::HoldReason::Deposit.into(), deposit.total);
	}
	for (_, job) in pallet_inference::Jobs::<Runtime>::iter() {
		record(job.developer, pallet_inference::HoldReason::Escrow.into(), job.charged);
	}
	for (_, proposal) in pallet_community_pool::Proposals::<Runtime>::iter() {
		let reason = pallet_community_pool::HoldReason::ProposalDeposit.into();
		record(proposal.proposer, reason, proposal.deposit);
	}
	recorded.retain(|_, amount| *amount > 0);
	let mut held = BTreeMap::new();
	for (who, holds) in pallet_balances::Holds::<Runtime>::iter() {
		for hold in holds {
			if !matches!(hold.id, RuntimeHoldReason::HostReputation(_)) && hold.amount > 0 {
				held.insert((who.clone(), hold.id.encode()), hold.amount);
			}
		}
	}
	assert_eq!(held, recorded, "holds differ from what their pallets record");
}

/// The cases `GONKA_FUZZ_CASES` asks for, drawn at random (`make fuzz`); without it, the same
/// 4 cases every run (`make test` must not turn red by chance: exploring is `make fuzz`'s job).
fn runner() -> TestRunner {
	let asked = std::env::var("GONKA_FUZZ_CASES").ok().and_then(|cases| cases.parse().ok());
	let config = ProptestConfig {
		cases: asked.unwrap_or(4),
		failure_persistence: None,
		..ProptestConfig::default()
	};
	match asked {
		Some(_) => TestRunner::new(config),
		None => {
			let rng = TestRng::deterministic_rng(config.rng_algorithm);
			TestRunner::new_with_rng(config, rng)
		}
	}
}

/// Runs sequences of 50 to 300 actions, each on a fresh development chain, and prints what
/// was fuzzed; a failure is shrunk and printed with its actions.
#[test]
fn the_runtime_survives_arbitrary_transactions() {
	let started = std::time::Instant::now();
	let result = runner().run(&proptest::collection::vec(action(), 50..300), |actions| {
		if CASES.fetch_add(1, Ordering::Relaxed) % 500 == 499 {
			println!("after {:.0?}: {}", started.elapsed(), tally());
		}
		development_chain().execute_with(|| {
			let mut fuzzed = Fuzzed::new(keys());
			fuzzed.block();
			for action in actions {
				fuzzed.act(action);
			}
			fuzzed.block();
		});
		Ok(())
	});
	println!("fuzzed in {:.0?}: {}", started.elapsed(), tally());
	println!("refused before dispatch: {:?}", REFUSALS.lock().expect("not poisoned"));
	if let Err(failure) = result {
		panic!("{failure}");
	}
}
