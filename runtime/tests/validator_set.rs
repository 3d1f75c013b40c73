//! The runtime's validator set follows compute weight: on the development genesis (Alice the
//! only authority and host), Bob registers, sets session keys with a proof of possession and
//! earns weight in an epoch where Alice computes nothing; two sessions later Bob validates
//! alone, and has received the epoch's emission. Then Alice computes and Bob does not, and
//! the set turns back to Alice.
//!
//! Blocks are built as a node builds them: a BABE pre-digest for the slot, the timestamp
//! inherent, every pallet's hooks through `Executive`.

// A test: failing loudly is what it is for.
#![allow(clippy::expect_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use codec::Encode;
use frame_support::assert_ok;
use gonka_primitives::{
	merkle::{Leaf, MerkleTree},
	sprint::Phase,
	Distance,
};
use gonka_runtime::{
	configs::{host_reputation::genesis_params, proof_of_compute::development_emission},
	genesis_config_presets::development_genesis,
	AccountId, Executive, Header, HostReputation, ProofOfCompute, Runtime, RuntimeCall,
	RuntimeGenesisConfig, RuntimeOrigin, Session, SessionKeys,
};
use pallet_proof_of_compute::RevealedLeaf;
use sp_consensus_babe::{
	digests::{PreDigest, SecondaryPlainPreDigest},
	BABE_ENGINE_ID,
};
use sp_keyring::Sr25519Keyring;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	Digest, DigestItem,
};

/// Merges `patch` into `base`, objects key by key, as chain specs apply preset patches.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The development chain's genesis state, with a keystore for generating session keys.
fn development_chain() -> sp_io::TestExternalities {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serialises");
	merge(&mut config, development_genesis());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("a valid genesis");
	let mut ext = sp_io::TestExternalities::new(
		sp_runtime::BuildStorage::build_storage(&config).expect("genesis builds"),
	);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}

/// A chain of blocks built on the externalities, one slot per block.
struct Chain {
	parent: Header,
}

impl Chain {
	fn new() -> Self {
		Chain {
			parent: Header::new(
				0,
				Default::default(),
				Default::default(),
				[0; 32].into(),
				Default::default(),
			),
		}
	}

	/// Builds the next block, running `body` inside it.
	fn block(&mut self, body: impl FnOnce()) {
		let number = self.parent.number + 1;
		let slot = u64::from(number);
		let pre_digest = PreDigest::SecondaryPlain(SecondaryPlainPreDigest {
			authority_index: 0,
			slot: slot.into(),
		});
		let digest =
			Digest { logs: vec![DigestItem::PreRuntime(BABE_ENGINE_ID, pre_digest.encode())] };
		let header =
			Header::new(number, Default::default(), Default::default(), self.parent.hash(), digest);
		Executive::initialize_block(&header);
		let slot_duration: u64 = <Runtime as pallet_babe::Config>::ExpectedBlockTime::get();
		assert_ok!(pallet_timestamp::Pallet::<Runtime>::set(
			RuntimeOrigin::none(),
			slot * slot_duration
		));
		body();
		self.parent = Executive::finalize_block();
	}

	/// Builds blocks until the sprint clock enters `phase` of `epoch`.
	fn run_to_phase(&mut self, epoch: u64, phase: Phase) {
		while pallet_sprint::CurrentEpoch::<Runtime>::get().map(|e| e.index) != Some(epoch)
			|| pallet_sprint::CurrentPhase::<Runtime>::get() != phase
		{
			self.block(|| {});
		}
	}

	/// Builds blocks until a new session starts.
	fn run_to_next_session(&mut self) {
		let session = Session::current_index();
		while Session::current_index() == session {
			self.block(|| {});
		}
	}
}

fn dispatch(who: &AccountId, call: RuntimeCall) {
	assert_ok!(call.dispatch(RuntimeOrigin::signed(who.clone())));
}

/// `who` commits to `count` hits in `epoch`'s commit phase and reveals what the chain
/// challenges. The chain checks Merkle proofs and hit distances; with no other host revealing,
/// no validator recomputes, so the hits need not come from the model.
fn compute_epoch(chain: &mut Chain, epoch: u64, who: &AccountId, count: u32) {
	chain.run_to_phase(epoch, Phase::Commit);
	let r_target = pallet_sprint::CurrentEpoch::<Runtime>::get().expect("running").params.r_target;
	let leaves: Vec<Leaf> = (0..count)
		.map(|i| Leaf { nonce: 10 + 3 * u64::from(i), distance: Distance(r_target.0 - 1 - i) })
		.collect();
	let tree = MerkleTree::from_leaves(&leaves);
	chain.block(|| {
		dispatch(
			who,
			pallet_proof_of_compute::Call::commit { epoch, root: tree.root(), count }.into(),
		)
	});
	chain.run_to_phase(epoch, Phase::Reveal);
	chain.block(|| {
		let revealed: Vec<RevealedLeaf> = ProofOfCompute::challenged_leaves(who)
			.into_iter()
			.map(|index| RevealedLeaf {
				index,
				leaf: leaves[index as usize],
				proof: tree.proof(index as usize).expect("a leaf").try_into().expect("short"),
			})
			.collect();
		let leaves = revealed.try_into().expect("few leaves");
		dispatch(who, pallet_proof_of_compute::Call::reveal { epoch, leaves }.into());
	});
}

#[test]
fn compute_weight_changes_the_validator_set_across_sessions() {
	development_chain().execute_with(|| {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		let mut chain = Chain::new();
		chain.block(|| {
			let collateral = 10 * genesis_params().min_collateral;
			let info = pallet_host_reputation::HostInfo {
				name: b"bob".to_vec().try_into().expect("short"),
				..Default::default()
			};
			dispatch(&bob, pallet_host_reputation::Call::register_host { collateral, info }.into());
			let generated = SessionKeys::generate(&bob.encode(), None);
			let (keys, proof) = (generated.keys, generated.proof.encode());
			dispatch(&bob, pallet_session::Call::set_keys { keys, proof }.into());
		});
		assert_eq!(Session::validators(), vec![alice.clone()]);

		// Epoch 0: Bob alone computes, and earns the whole epoch's emission.
		let free_before = pallet_balances::Pallet::<Runtime>::free_balance(&bob);
		compute_epoch(&mut chain, 0, &bob, 50);
		chain.run_to_phase(0, Phase::Inference);
		assert_eq!(HostReputation::validators(), vec![bob.clone()]);
		let reward = development_emission().at(0);
		let result = pallet_proof_of_compute::Results::<Runtime>::get(0, &bob).expect("settled");
		assert_eq!(result.reward, reward);
		let free_after = pallet_balances::Pallet::<Runtime>::free_balance(&bob);
		assert_eq!(free_after - free_before, reward);
		// The next session queues Bob; the one after makes him the validator.
		chain.run_to_next_session();
		chain.run_to_next_session();
		assert_eq!(Session::validators(), vec![bob.clone()]);

		// The next epoch, Alice computes and Bob does not: the seat goes back to her.
		let epoch = pallet_sprint::CurrentEpoch::<Runtime>::get().expect("running").index + 1;
		compute_epoch(&mut chain, epoch, &alice, 80);
		chain.run_to_phase(epoch, Phase::Inference);
		assert_eq!(HostReputation::validators(), vec![alice.clone()]);
		chain.run_to_next_session();
		chain.run_to_next_session();
		assert_eq!(Session::validators(), vec![alice]);
		pallet_host_reputation::Pallet::<Runtime>::do_try_state().expect("collateral sums");
	});
}
