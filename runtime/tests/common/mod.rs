//! A development chain built block by block as a node builds them: a BABE pre-digest for the
//! slot, the timestamp inherent, every pallet's hooks through `Executive`; and what hosts do
//! on it.

// Each test file uses some of these helpers.
#![allow(dead_code)]

use codec::Encode;
use frame_support::assert_ok;
use gonka_primitives::{
	merkle::{Leaf, MerkleTree},
	sprint::{Phase, SEED_BLOCKS},
	Distance,
};
use gonka_runtime::{
	genesis_config_presets::development_genesis, AccountId, Executive, Header, ProofOfCompute,
	Runtime, RuntimeCall, RuntimeGenesisConfig, RuntimeOrigin, Session,
};
use pallet_proof_of_compute::RevealedLeaf;
use sp_consensus_babe::{
	digests::{PreDigest, SecondaryPlainPreDigest},
	BABE_ENGINE_ID,
};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	traits::{Dispatchable, Header as _},
	Digest, DigestItem,
};

/// The development chain's genesis state, with a keystore for generating session keys.
pub fn development_chain() -> sp_io::TestExternalities {
	chain_from(development_genesis())
}

/// The genesis state a preset's JSON patch makes, with a keystore.
pub fn chain_from(preset: serde_json::Value) -> sp_io::TestExternalities {
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serialises");
	// As a chain spec applies a preset's patch.
	sc_chain_spec::json_merge(&mut config, preset);
	let config: RuntimeGenesisConfig = serde_json::from_value(config).expect("a valid genesis");
	let mut ext = sp_io::TestExternalities::new(
		sp_runtime::BuildStorage::build_storage(&config).expect("genesis builds"),
	);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext
}

/// A chain of blocks built on the externalities, one slot per block.
pub struct Chain {
	parent: Header,
}

impl Chain {
	pub fn new() -> Self {
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
	pub fn block(&mut self, body: impl FnOnce()) {
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

	/// Builds `count` empty blocks.
	pub fn run_blocks(&mut self, count: u32) {
		for _ in 0..count {
			self.block(|| {});
		}
	}

	/// Builds blocks until the sprint clock enters `phase` of `epoch`.
	pub fn run_to_phase(&mut self, epoch: u64, phase: Phase) {
		while pallet_sprint::CurrentEpoch::<Runtime>::get().map(|e| e.index) != Some(epoch)
			|| pallet_sprint::CurrentPhase::<Runtime>::get() != phase
		{
			self.block(|| {});
		}
	}

	/// Builds blocks until a new session starts.
	pub fn run_to_next_session(&mut self) {
		let session = Session::current_index();
		while Session::current_index() == session {
			self.block(|| {});
		}
	}
}

pub fn dispatch(who: &AccountId, call: RuntimeCall) {
	assert_ok!(call.dispatch(RuntimeOrigin::signed(who.clone())));
}

/// `who` registers as a host named `name`, with ten times the minimum collateral.
pub fn register_host(who: &AccountId, name: &str) {
	let collateral = 10 * gonka_runtime::configs::host_reputation::genesis_params().min_collateral;
	let info = pallet_host_reputation::HostInfo {
		name: name.as_bytes().to_vec().try_into().expect("short"),
		..Default::default()
	};
	dispatch(who, pallet_host_reputation::Call::register_host { collateral, info }.into());
}

/// `who` commits to `count` hits in `epoch`'s commit phase and reveals what the chain
/// challenges. The chain checks Merkle proofs and hit distances; with no other host revealing,
/// no validator recomputes (the host is accepted on its reveal), so the hits need not come
/// from the model.
pub fn compute_epoch(chain: &mut Chain, epoch: u64, who: &AccountId, count: u32) {
	let hits = commit_hits(chain, epoch, who, count);
	chain.run_to_phase(epoch, Phase::Reveal);
	// The phase's first blocks make the challenge seed; the next fixes it before its
	// extrinsics.
	chain.run_blocks(SEED_BLOCKS - 1);
	chain.block(|| dispatch(who, hits.reveal_call(epoch, who)));
}

/// Hits a host committed to: the leaves and their Merkle tree.
pub struct CommittedHits {
	leaves: Vec<Leaf>,
	tree: MerkleTree,
}

/// Runs to `epoch`'s commit phase, where `who` commits to `count` made-up hits.
pub fn commit_hits(chain: &mut Chain, epoch: u64, who: &AccountId, count: u32) -> CommittedHits {
	chain.run_to_phase(epoch, Phase::Commit);
	let leaves = made_up_hits(count);
	let tree = MerkleTree::from_leaves(&leaves).expect("increasing nonces");
	commit_tree(chain, epoch, who, leaves, tree)
}

/// `count` leaves with increasing nonces and distances below the running epoch's `r_target`.
pub fn made_up_hits(count: u32) -> Vec<Leaf> {
	let r_target = pallet_sprint::CurrentEpoch::<Runtime>::get().expect("running").params.r_target;
	(0..count)
		.map(|i| Leaf { nonce: 10 + 3 * u64::from(i), distance: Distance(r_target.0 - 1 - i) })
		.collect()
}

/// In the next block, `who` commits to `tree` over `leaves` (however it was built).
pub fn commit_tree(
	chain: &mut Chain,
	epoch: u64,
	who: &AccountId,
	leaves: Vec<Leaf>,
	tree: MerkleTree,
) -> CommittedHits {
	let count = u32::try_from(leaves.len()).expect("few leaves");
	let commit = pallet_proof_of_compute::Call::commit { epoch, root: tree.root(), count };
	chain.block(|| dispatch(who, commit.into()));
	CommittedHits { leaves, tree }
}

impl CommittedHits {
	/// The reveal of the leaves the chain challenges `who` for; called in the reveal phase.
	pub fn reveal_call(&self, epoch: u64, who: &AccountId) -> RuntimeCall {
		let revealed: Vec<RevealedLeaf> = ProofOfCompute::challenged_leaves(who)
			.into_iter()
			.map(|index| RevealedLeaf {
				index,
				leaf: self.leaves[index as usize],
				proof: self.tree.proof(index as usize).expect("a leaf").try_into().expect("short"),
			})
			.collect();
		let leaves = revealed.try_into().expect("few leaves");
		pallet_proof_of_compute::Call::reveal { epoch, leaves }.into()
	}
}
