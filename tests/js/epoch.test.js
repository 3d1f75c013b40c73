// A host's epoch as a polkadot-js user submits it by hand on the development chain, where
// Alice is the only host: commit a Merkle root over her hits, reveal the leaves the chain
// challenges, and find her settled with her hits as weight, without paying a fee.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { fakeHits, merkleLevels, revealChallenged, submit, waitForStatus } from './chain.js';
import { connect, startDevNode } from './node.js';

let node;
let api;

before(async () => {
  // Alice submits by hand here, so her node's own compute worker stays off.
  node = await startDevNode('--compute', 'off');
  api = await connect(node);
}, { timeout: 320_000 });

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('Alice commits, reveals, is settled with her hits as weight and rewarded, fee-free', async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const rTarget = (await waitForStatus(api, () => true)).epoch.params.rTarget.toNumber();
  const leaves = fakeHits(rTarget, 40);
  const levels = merkleLevels(leaves);

  const commitPhase = await waitForStatus(api, (s) => s.phase.isCommit && s.blocksLeftInPhase.toNumber() >= 2);
  const epoch = commitPhase.epoch.index.toNumber();
  const before = (await api.query.system.account(alice.address)).data.free.toBigInt();
  await submit(api.tx.proofOfCompute.commit(epoch, levels.at(-1)[0], leaves.length), alice);
  const after = (await api.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(after, before, 'a host pays no fee for a valid commit');

  const indices = await revealChallenged(api, alice, epoch, leaves, levels);
  assert.ok(indices.length >= 2, `challenged ${indices}`);

  // Alone on the chain, Alice has no validator: her reveal's checks decide.
  const duties = await api.call.proofOfComputeApi.validationDuties(alice.address);
  assert.equal(duties.length, 0);
  await waitForStatus(api, (s) => s.epoch.index.toNumber() > epoch || s.phase.isInference);
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
