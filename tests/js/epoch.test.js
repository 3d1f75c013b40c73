// A host's epoch as a polkadot-js user submits it by hand on the development chain, where
// Alice is the only host: commit a Merkle root over her hits, reveal the leaves the chain
// challenges, and find her settled with her hits as weight, without paying a fee.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { u8aConcat } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import { connect, startDevNode } from './node.js';

let node;
let api;

before(async () => {
  node = await startDevNode();
  api = await connect(node);
}, { timeout: 320_000 });

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

/** blake2_256(SCALE(nonce: u64, distance: u32)), as DESIGN §5 defines a leaf. */
function leafHash(leaf) {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(leaf.nonce), true);
  view.setUint32(8, leaf.distance, true);
  return blake2AsU8a(bytes, 256);
}

/** The tree's levels: pairs hashed, an odd last node carried up unchanged. */
function merkleLevels(leaves) {
  const levels = [leaves.map(leafHash)];
  while (levels.at(-1).length > 1) {
    const level = levels.at(-1);
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? blake2AsU8a(u8aConcat(level[i], level[i + 1]), 256) : level[i]);
    }
    levels.push(next);
  }
  return levels;
}

/** Sibling hashes from leaf `index` up, skipping levels where the node was carried up. */
function proof(levels, index) {
  const siblings = [];
  for (const level of levels.slice(0, -1)) {
    const sibling = index ^ 1;
    if (sibling < level.length) siblings.push(level[sibling]);
    index >>= 1;
  }
  return siblings;
}

/** Resolves with the sprint status once `predicate` holds for it (new blocks every 6 s). */
function waitForStatus(predicate) {
  return new Promise((resolve, reject) => {
    const unsubscribe = api.rpc.chain.subscribeNewHeads(async () => {
      try {
        const status = await api.call.proofOfComputeApi.sprintStatus();
        if (status.isSome && predicate(status.unwrap())) {
          (await unsubscribe)();
          resolve(status.unwrap());
        }
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Submits `tx` from `signer` and resolves once it is in a block, rejecting on failure. */
function submit(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      else if (status.isInBlock) resolve(status.asInBlock);
    }).catch(reject);
  });
}

test('Alice commits, reveals and is settled with her hits as weight, fee-free', async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const rTarget = (await waitForStatus(() => true)).epoch.params.rTarget.toNumber();
  const leaves = Array.from({ length: 40 }, (_, i) => ({ nonce: 100 + 3 * i, distance: rTarget - 1000 - i }));
  const levels = merkleLevels(leaves);

  const commitPhase = await waitForStatus((s) => s.phase.isCommit && s.blocksLeftInPhase.toNumber() >= 2);
  const epoch = commitPhase.epoch.index.toNumber();
  const before = (await api.query.system.account(alice.address)).data.free.toBigInt();
  await submit(api.tx.proofOfCompute.commit(epoch, levels.at(-1)[0], leaves.length), alice);
  const after = (await api.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(after, before, 'a host pays no fee for a valid commit');

  await waitForStatus((s) => s.phase.isReveal && s.epoch.index.toNumber() === epoch);
  const indices = (await api.call.proofOfComputeApi.challengedLeaves(alice.address)).map((i) => i.toNumber());
  assert.ok(indices.length >= 2, `challenged ${indices}`);
  const reveal = indices.map((index) => ({ index, leaf: leaves[index], proof: proof(levels, index) }));
  await submit(api.tx.proofOfCompute.reveal(epoch, reveal), alice);

  // Alone on the chain, Alice has no validator: her reveal's checks decide.
  const duties = await api.call.proofOfComputeApi.validationDuties(alice.address);
  assert.equal(duties.length, 0);
  await waitForStatus((s) => s.epoch.index.toNumber() > epoch || s.phase.isInference);
  const result = (await api.query.proofOfCompute.results(epoch, alice.address)).unwrap();
  assert.equal(result.outcome.type, 'AcceptedUnvalidated');
  assert.equal(result.weight.toNumber(), leaves.length);
  const summary = (await api.query.proofOfCompute.epochSummaries(epoch)).unwrap();
  assert.ok(summary.complete.isTrue);
  assert.equal(summary.totalWeight.toNumber(), leaves.length);
}, { timeout: 400_000 });
