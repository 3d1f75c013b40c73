//! The worker against a scripted chain: what it submits, and what it does not submit again.

use std::sync::{
	atomic::{AtomicBool, Ordering},
	Mutex,
};

use gonka_primitives::{
	merkle::{Leaf, Node},
	sprint::{EpochInfo, SprintParams},
	Distance,
};
use sp_api::{ApiRef, ProvideRuntimeApi};
use sp_runtime::{
	generic::{Block as GenericBlock, Header},
	traits::BlakeTwo256,
	OpaqueExtrinsic,
};

use super::*;

type Block = GenericBlock<Header<u32, BlakeTwo256>, OpaqueExtrinsic>;

/// What the runtime answers at every block.
#[derive(Default)]
struct ChainState {
	status: Option<SprintStatus>,
	submissions: HostSubmissions,
	challenged: Vec<u32>,
	duties: Vec<ValidationDuty<AccountId32>>,
}

#[derive(Clone, Default)]
struct Chain(Arc<Mutex<ChainState>>);

struct MockApi(Chain);

sp_api::mock_impl_runtime_apis! {
	impl ProofOfComputeApi<Block, AccountId32> for MockApi {
		fn sprint_status() -> Option<SprintStatus> {
			self.0 .0.lock().unwrap().status
		}

		fn challenged_leaves(_account: AccountId32) -> Vec<u32> {
			self.0 .0.lock().unwrap().challenged.clone()
		}

		fn validation_duties(_account: AccountId32) -> Vec<ValidationDuty<AccountId32>> {
			self.0 .0.lock().unwrap().duties.clone()
		}

		fn submissions(_account: AccountId32) -> HostSubmissions {
			self.0 .0.lock().unwrap().submissions
		}

		fn acting_for(signer: AccountId32) -> AccountId32 {
			signer
		}
	}
}

impl ProvideRuntimeApi<Block> for Chain {
	type Api = MockApi;

	fn runtime_api(&self) -> ApiRef<'_, MockApi> {
		MockApi(self.clone()).into()
	}
}

/// Records submissions; `in_pool` answers whether they are still waiting.
#[derive(Default)]
struct Pool {
	submitted: Mutex<Vec<Submission>>,
	holds_them: AtomicBool,
}

#[async_trait::async_trait]
impl Submitter for Arc<Pool> {
	type TxHash = usize;

	async fn submit(&self, submission: &Submission) -> Result<usize, String> {
		let mut submitted = self.submitted.lock().unwrap();
		submitted.push(submission.clone());
		Ok(submitted.len())
	}

	fn in_pool(&self, _tx: &usize) -> bool {
		self.holds_them.load(Ordering::Relaxed)
	}
}

const SEED: [u8; 32] = [3; 32];
const HOST: [u8; 32] = [1; 32];

struct Harness {
	chain: Chain,
	pool: Arc<Pool>,
	worker: Worker<Block, Chain, Arc<Pool>>,
	hits: Vec<Leaf>,
}

impl Harness {
	/// A registered host whose disk holds `hits` for epoch 4.
	fn new(name: &str, hits: Vec<Leaf>) -> Self {
		let data_dir =
			std::env::temp_dir().join(format!("gonka-worker-{name}-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&data_dir);
		let mut file = store::HitsFile::open(&data_dir, 4, &SEED, &HOST).unwrap();
		file.append(1_000, &hits).unwrap();
		let chain = Chain::default();
		chain.0.lock().unwrap().submissions.host = true;
		let pool = Arc::new(Pool::default());
		let config = WorkerConfig {
			backend: BackendKind::Cpu,
			threads: NonZeroUsize::new(1),
			devices: Vec::new(),
			data_dir,
			cheat: Cheat::None,
		};
		let worker = Worker::new(Arc::new(chain.clone()), pool.clone(), HOST.into(), config, None);
		Self { chain, pool, worker, hits }
	}

	fn at_phase(&self, phase: Phase) {
		let epoch = EpochInfo {
			index: 4,
			start: 100,
			seed: SEED,
			challenge_seed: Some([9; 32]),
			validation_seed: Some([10; 32]),
			params: SprintParams::DEV,
		};
		self.chain.0.lock().unwrap().status =
			Some(SprintStatus { epoch, phase, blocks_left_in_phase: 2 });
	}

	fn block(&mut self) -> Vec<Submission> {
		let before = self.pool.submitted.lock().unwrap().len();
		futures::executor::block_on(self.worker.act(Default::default())).unwrap();
		self.pool.submitted.lock().unwrap().split_off(before)
	}
}

fn leaves(nonces: &[u64]) -> Vec<Leaf> {
	nonces.iter().map(|&nonce| Leaf { nonce, distance: Distance(1_000) }).collect()
}

#[test]
fn a_commit_is_sent_once_while_pending_again_when_dropped_never_when_on_chain() {
	let mut host = Harness::new("commit", leaves(&[4, 19, 77]));
	host.at_phase(Phase::Commit);
	let expected = steps::commitment(&host.hits, Cheat::None).unwrap();

	let first = host.block();
	assert_eq!(first, [Submission::Commit { epoch: 4, root: expected.0, count: expected.1 }]);

	host.pool.holds_them.store(true, Ordering::Relaxed);
	assert_eq!(host.block(), [], "still in the pool: not sent again");

	host.pool.holds_them.store(false, Ordering::Relaxed);
	assert_eq!(host.block(), first, "dropped from the pool: sent again, the same");

	host.chain.0.lock().unwrap().submissions.commitment = Some(expected);
	assert_eq!(host.block(), [], "on chain (also after a reorg brings it back): never again");
}

#[test]
fn the_reveal_proves_the_challenged_leaves_of_the_commitment_on_chain() {
	let mut host = Harness::new("reveal", leaves(&[4, 19, 77, 80]));
	host.at_phase(Phase::Reveal);
	let commitment = steps::commitment(&host.hits, Cheat::None).unwrap();
	{
		let mut chain = host.chain.0.lock().unwrap();
		chain.submissions.commitment = Some(commitment);
		chain.challenged = vec![1, 2];
	}

	let sent = host.block();
	let [Submission::Reveal { epoch: 4, leaves }] = sent.as_slice() else { panic!("{sent:?}") };
	assert_eq!(
		leaves.iter().map(|l| (l.index, l.leaf)).collect::<Vec<_>>(),
		[(1, host.hits[1]), (2, host.hits[2])]
	);

	host.chain.0.lock().unwrap().submissions.revealed = true;
	assert_eq!(host.block(), []);
}

#[test]
fn hits_on_disk_that_do_not_give_the_committed_root_are_not_revealed() {
	let mut host = Harness::new("mismatch", leaves(&[4, 19, 77]));
	host.at_phase(Phase::Reveal);
	{
		let mut chain = host.chain.0.lock().unwrap();
		chain.submissions.commitment = Some((Node { hash: [7; 32], lo: 0, hi: 99 }, 3));
		chain.challenged = vec![0, 1];
	}
	let result = futures::executor::block_on(host.worker.act(Default::default()));
	assert!(result.is_err_and(|error| error.contains("committed Merkle root")));
	assert!(host.pool.submitted.lock().unwrap().is_empty());
}

#[test]
fn each_assigned_host_is_sealed_once_and_opened_once_with_the_reference_values() {
	let mut host = Harness::new("attest", Vec::new());
	host.at_phase(Phase::Validate);
	let other = AccountId32::from([2u8; 32]);
	let revealed = vec![
		(0, Leaf { nonce: 10, distance: Distance(1) }),
		(5, Leaf { nonce: 11, distance: Distance(1) }),
	];
	host.chain.0.lock().unwrap().duties = vec![ValidationDuty {
		host: other.clone(),
		leaves: revealed.clone(),
		sealed: false,
		opened: false,
	}];

	let sent = host.block();
	let [Submission::Attest { epoch: 4, host: sealed_for, seal: sealed }] = sent.as_slice() else {
		panic!("{sent:?}")
	};
	assert_eq!(sealed_for, &other);
	let sealed = *sealed;
	host.chain.0.lock().unwrap().duties[0].sealed = true;
	assert_eq!(host.block(), [], "sealed once");

	// The worker restarts before the open phase: it recomputes and finds the same salt.
	let config = host.worker.config.clone();
	host.worker =
		Worker::new(Arc::new(host.chain.clone()), host.pool.clone(), HOST.into(), config, None);
	host.at_phase(Phase::Open);
	let sent = host.block();
	let [Submission::Open { epoch: 4, host: opened_for, values, salt }] = sent.as_slice() else {
		panic!("{sent:?}")
	};
	assert_eq!(opened_for, &other);
	assert_eq!(seal(&AccountId32::from(HOST), values, salt), sealed, "the opening gives the seal");
	let model = Arc::new(Model::build(SEED, SprintParams::DEV.model).unwrap());
	let expected =
		steps::recompute(&CpuBackend::new(model, None), &[9; 32], &[2; 32], &revealed).unwrap();
	assert_eq!(values, &expected, "distances and check values of the reference");
	for (value, (_, leaf)) in values.iter().zip(&revealed) {
		let d = crate::engine::reference::distance_of(
			&SEED,
			SprintParams::DEV.model,
			&[2; 32],
			leaf.nonce,
		);
		assert!(value.distance.abs_diff(Distance::from_f64(f64::from(d))) <= 10_000);
	}
	host.chain.0.lock().unwrap().duties[0].opened = true;
	assert_eq!(host.block(), [], "opened once");
}

#[test]
fn sealed_attestations_are_opened_from_the_validate_phase_s_last_block() {
	let mut host = Harness::new("open-early", Vec::new());
	host.at_phase(Phase::Validate);
	host.chain.0.lock().unwrap().duties = vec![ValidationDuty {
		host: AccountId32::from([2u8; 32]),
		leaves: vec![(0, Leaf { nonce: 10, distance: Distance(1) })],
		sealed: true,
		opened: false,
	}];
	assert_eq!(host.block(), [], "not while the phase has blocks to come");
	if let Some(status) = &mut host.chain.0.lock().unwrap().status {
		status.blocks_left_in_phase = 1;
	}
	let sent = host.block();
	assert!(matches!(sent.as_slice(), [Submission::Open { epoch: 4, .. }]), "{sent:?}");
}

#[test]
fn a_lazy_validator_echoes_the_claims_as_check_values() {
	let mut host = Harness::new("lazy", Vec::new());
	host.worker.config.cheat = Cheat::LazyValidator;
	host.at_phase(Phase::Open);
	let leaf = Leaf { nonce: 10, distance: Distance(1_234) };
	host.chain.0.lock().unwrap().duties = vec![ValidationDuty {
		host: AccountId32::from([2u8; 32]),
		leaves: vec![(0, leaf)],
		sealed: true,
		opened: false,
	}];
	let sent = host.block();
	let [Submission::Open { values, .. }] = sent.as_slice() else { panic!("{sent:?}") };
	assert_eq!(values, &[Recomputed { distance: Distance(1_234), check: Distance(1_234) }]);
}

#[test]
fn an_account_that_is_not_a_host_submits_nothing() {
	let mut host = Harness::new("stranger", leaves(&[4, 19]));
	host.chain.0.lock().unwrap().submissions.host = false;
	host.at_phase(Phase::Commit);
	assert_eq!(host.block(), []);
}
