// A host's epoch as a polkadot-js user submits it by hand on the development chain, where
// Alice is the only host: commit a Merkle root over her hits, reveal the leaves the chain
// challenges, and find her settled with her hits as weight, without paying a fee. With that
// weight she governs: proposes and votes, and upgrades the runtime by compute vote to the
// upgrade rehearsal's runtime (built while the epoch runs), after which blocks are produced
// and finalised on, and a node that joins afterwards syncs across the upgrade and again after
// a restart.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import {
  fakeHits, merkleLevels, revealChallenged, submit, until, waitForStatus,
} from './chain.js';
import { aliceAsBootnode, connect, NODE_KEYS, startNode } from './node.js';

const folder = mkdtempSync(join(tmpdir(), 'gonka-upgrade-'));
const nodes = [];
let rehearsal;
let node;
let api;

/** Builds the upgrade rehearsal's runtime (scripts/build-rehearsal-runtime.sh) into
 * `folder`; resolves with its code. */
function buildRehearsalRuntime() {
  const path = join(folder, 'rehearsal.wasm');
  const script = new URL('../../scripts/build-rehearsal-runtime.sh', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    // At the lowest priority: the node beside it must keep its 6-second blocks.
    const build = spawn('nice', ['-n', '19', script, path], { stdio: ['ignore', 'ignore', 'pipe'] });
    const log = [];
    build.stderr.on('data', (chunk) => log.push(chunk.toString()));
    build.on('exit', (code) => {
      if (code === 0) resolve(readFileSync(path));
      else reject(new Error(`the rehearsal runtime did not build:\n${log.join('').slice(-4000)}`));
    });
  });
}

before(async () => {
  // Built while the first tests wait for blocks; the upgrade test awaits it.
  rehearsal = buildRehearsalRuntime();
  rehearsal.catch(() => {});
  // Alice submits by hand here, so her node's own compute worker stays off.
  node = await startNode(['--dev', '--tmp', '--compute', 'off', '--node-key', NODE_KEYS.alice]);
  nodes.push(node);
  api = await connect(node);
}, { timeout: 320_000 });

after(async () => {
  await api?.disconnect();
  await Promise.all(nodes.map((each) => each.stop()));
  rmSync(folder, { recursive: true, force: true });
});

/** Alice commits 40 hits in the next commit phase with room for her transaction and reveals
 * the leaves the chain challenges; resolves with the epoch, the leaves, the challenged
 * indices, and her free balance just before and after the commit. */
async function commitAndReveal(alice) {
  const rTarget = (await waitForStatus(api, () => true)).epoch.params.rTarget.toNumber();
  const leaves = fakeHits(rTarget, 40);
  const levels = merkleLevels(leaves);
  const commitPhase = await waitForStatus(api, (s) => s.phase.isCommit && s.blocksLeftInPhase.toNumber() >= 2);
  const epoch = commitPhase.epoch.index.toNumber();
  const before = (await api.query.system.account(alice.address)).data.free.toBigInt();
  await submit(api.tx.proofOfCompute.commit(epoch, levels.at(-1)[0], leaves.length), alice);
  const after = (await api.query.system.account(alice.address)).data.free.toBigInt();
  const indices = await revealChallenged(api, alice, epoch, leaves, levels);
  return { epoch, leaves, indices, before, after };
}

/** Resolves once `epoch` is settled. */
function settled(epoch) {
  return waitForStatus(api, (s) => s.epoch.index.toNumber() > epoch || s.phase.isInference);
}

test('Alice commits, reveals, is settled with her hits as weight and rewarded, fee-free', async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const { epoch, leaves, indices, before, after } = await commitAndReveal(alice);
  assert.equal(after, before, 'a host pays no fee for a valid commit');
  assert.ok(indices.length >= 2, `challenged ${indices}`);

  // Alone on the chain, Alice has no validator: her reveal's checks decide.
  const duties = await api.call.proofOfComputeApi.validationDuties(alice.address);
  assert.equal(duties.length, 0);
  await settled(epoch);
  const result = (await api.query.proofOfCompute.results(epoch, alice.address)).unwrap();
  assert.equal(result.outcome.type, 'AcceptedOnReveal');
  assert.equal(result.weight.toNumber(), leaves.length);
  const summary = (await api.query.proofOfCompute.epochSummaries(epoch)).unwrap();
  assert.ok(summary.complete.isTrue);
  assert.equal(summary.totalWeight.toNumber(), leaves.length);

  // Alone, Alice earns the whole epoch's emission, paid the block after settlement.
  const paid = (await api.query.proofOfCompute.results(epoch, alice.address)).unwrap();
  assert.ok(paid.reward.toBigInt() > 0n);
  assert.equal(paid.reward.toBigInt(), summary.emission.toBigInt());
  const rewarded = (await api.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(rewarded - after, paid.reward.toBigInt(), 'the reward reached her free balance');
}, { timeout: 400_000 });

test('with compute weight Alice proposes and votes in the community pool; Bob, without, cannot vote', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  // The previous test settled an epoch in which Alice computed.
  const spend = api.tx.communityPool.spend(1_000_000_000n, bob.address);
  await submit(api.tx.communityPool.propose(spend), alice);
  const index = (await api.query.communityPool.nextProposal()).toNumber() - 1;
  const proposal = (await api.query.communityPool.proposals(index)).unwrap();
  assert.ok(proposal.totalWeight.toNumber() > 0);

  await submit(api.tx.communityPool.vote(index, 'Aye'), alice);
  await assert.rejects(submit(api.tx.communityPool.vote(index, 'Nay'), bob), /NoVotingWeight/);
  const tally = (await api.query.communityPool.proposals(index)).unwrap().tally;
  assert.ok(tally.aye.toNumber() > 0);
  assert.equal(tally.nay.toNumber(), 0);
}, { timeout: 120_000 });

/** The number of `api`'s best block. */
async function best(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

/** Resolves once `api`'s best block is at least `number`. */
function reach(api, number, seconds) {
  return until(`block ${number}`, async () => ((await best(api)) >= number ? true : undefined), seconds);
}

test('a passed proposal upgrades the runtime; blocks and finality go on; a new node syncs across it and after a restart', async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const specVersion = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
  assert.equal(api.consts.communityPool.maxProposalsPerProposer.toNumber(), 2);
  const code = await rehearsal;
  const codeHash = blake2AsHex(code, 256);

  // Only a passed proposal authorises code: Alice, holding compute weight, proposes and votes.
  await assert.rejects(submit(api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), bob), /NothingAuthorized/);
  // Proposing needs Alice's weight in the last settled epoch. Her epoch above lapses when the
  // rehearsal runtime's build outlasts the next epoch; then she computes once more first.
  const propose = () => submit(api.tx.communityPool.propose(api.tx.communityPool.authorizeUpgrade(codeHash)), alice);
  await propose().catch(async (error) => {
    if (!/NoComputeWeight|ProposerWithoutWeight/.test(error.message)) throw error;
    await settled((await commitAndReveal(alice)).epoch);
    await propose();
  });
  const index = (await api.query.communityPool.nextProposal()).toNumber() - 1;
  await submit(api.tx.communityPool.vote(index, 'Aye'), alice);
  const { ends } = (await api.query.communityPool.proposals(index)).unwrap();
  await reach(api, ends.toNumber() + 1, 120);
  await submit(api.tx.communityPool.close(index, 1), bob);
  const { stage } = (await api.query.communityPool.proposals(index)).unwrap();
  const enactAt = stage.asApproved.enactAt.toNumber();
  const callWeight = { refTime: 1_000_000_000_000n, proofSize: 1_000_000n };
  await assert.rejects(submit(api.tx.communityPool.enact(index, callWeight), bob), /EnactmentDelayed/);
  await reach(api, enactAt, 120);
  await submit(api.tx.communityPool.enact(index, callWeight), bob);
  const authorized = (await api.query.system.authorizedUpgrade()).unwrap();
  assert.equal(authorized.codeHash.toHex(), codeHash);

  // Anyone supplies the code; the next block runs it.
  const upgradedIn = await submit(api.tx.system.applyAuthorizedUpgrade(u8aToHex(code)), bob);
  const upgradeBlock = (await api.rpc.chain.getHeader(upgradedIn)).number.toNumber();
  const upgraded = await connect(node);
  try {
    assert.equal((await upgraded.rpc.state.getRuntimeVersion()).specVersion.toNumber(), specVersion + 1);
    assert.equal(upgraded.consts.communityPool.maxProposalsPerProposer.toNumber(), 3, 'the new constant');
    await reach(upgraded, upgradeBlock + 3, 60);
    await until('finality past the upgrade', async () => {
      const finalized = await upgraded.rpc.chain.getHeader(await upgraded.rpc.chain.getFinalizedHead());
      return finalized.number.toNumber() > upgradeBlock ? true : undefined;
    }, 90);

    // A node that joins afterwards imports the old runtime's blocks, the upgrade, and the new
    // runtime's blocks; restarted on its own database, it syncs on.
    const basePath = join(folder, 'bob');
    const args = ['--chain', 'dev', '--base-path', basePath, '--node-key', NODE_KEYS.bob, ...aliceAsBootnode(node)];
    let joiner = await startNode(args);
    nodes.push(joiner);
    let joined = await connect(joiner);
    await reach(joined, upgradeBlock + 3, 120);
    assert.equal((await joined.rpc.state.getRuntimeVersion()).specVersion.toNumber(), specVersion + 1);
    await joined.disconnect();
    await joiner.stop();
    const resumeFrom = await best(upgraded);
    joiner = await startNode(args);
    nodes.push(joiner);
    joined = await connect(joiner);
    await reach(joined, resumeFrom + 2, 120);
    assert.equal((await joined.rpc.state.getRuntimeVersion()).specVersion.toNumber(), specVersion + 1);
    await joined.disconnect();
  } finally {
    await upgraded.disconnect();
  }
}, { timeout: 900_000 });

test('an epoch whose results cleanup removed is an error that says where to read them', async () => {
  // The chain keeps the last settled epoch's results: from epoch 2 on, epoch 0's are gone.
  // (Read through the node's RPC: after the upgrade above, this connection's runtime calls are
  // decorated again from the new metadata.)
  await until('epoch 2', async () => ((await api.rpc.poc.status()).toJSON().epoch >= 2 ? true : undefined), 400);
  await assert.rejects(
    api.rpc.poc.epochResults(0),
    /8005: epoch 0's results are no longer in this block's state.*`at` set to a block of epoch 1/,
  );
}, { timeout: 400_000 });
