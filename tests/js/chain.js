// What a polkadot-js user of the chain does by hand: build a range-annotated Merkle tree over
// hits, follow
// the sprint clock, submit transactions.
import { u8aConcat } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

/** The little-endian bytes of a u64. */
function u64(value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true);
  return bytes;
}

/** A leaf's node: blake2_256(SCALE(nonce: u64, distance: u32)), its nonce as both ends of
 * its range (DESIGN §5, revision 2). */
export function leafNode(leaf) {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(leaf.nonce), true);
  view.setUint32(8, leaf.distance, true);
  return { hash: blake2AsU8a(bytes, 256), lo: BigInt(leaf.nonce), hi: BigInt(leaf.nonce) };
}

/** The parent of two nodes: blake2_256(SCALE(L.hash, L.lo, L.hi, R.hash, R.lo, R.hi)),
 * ranging from L.lo to R.hi. */
export function joinNodes(left, right) {
  const encoded = u8aConcat(left.hash, u64(left.lo), u64(left.hi), right.hash, u64(right.lo), u64(right.hi));
  return { hash: blake2AsU8a(encoded, 256), lo: left.lo, hi: right.hi };
}

/** The tree's levels over leaves sorted by strictly increasing nonce: pairs joined, an odd
 * last node carried up unchanged. The root, `levels.at(-1)[0]`, is what a host commits. */
export function merkleLevels(leaves) {
  const levels = [leaves.map(leafNode)];
  while (levels.at(-1).length > 1) {
    const level = levels.at(-1);
    const next = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? joinNodes(level[i], level[i + 1]) : level[i]);
    }
    levels.push(next);
  }
  return levels;
}

/** Sibling nodes from leaf `index` up, skipping levels where the node was carried up. */
export function proof(levels, index) {
  const siblings = [];
  for (const level of levels.slice(0, -1)) {
    const sibling = index ^ 1;
    if (sibling < level.length) siblings.push(level[sibling]);
    index >>= 1;
  }
  return siblings;
}

/** Resolves with the sprint status once `predicate` holds for it (new blocks every 6 s). */
export function waitForStatus(api, predicate) {
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

/** A dispatch error as polkadot-js apps shows it: `pallet.Error` for a module's error. */
function describe(dispatchError) {
  if (!dispatchError.isModule) return dispatchError.toString();
  const { section, name } = dispatchError.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}`;
}

/** Submits `tx` from `signer` and resolves once it is in a block, rejecting on failure. */
export function submit(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, dispatchError }) => {
      if (dispatchError) reject(new Error(describe(dispatchError)));
      else if (status.isInBlock) resolve(status.asInBlock);
    }).catch(reject);
  });
}

/** `count` leaves that pass the chain's own checks (increasing nonces, distances below
 * `rTarget`). Only validators recomputing the model could tell them from real hits. */
export function fakeHits(rTarget, count) {
  return Array.from({ length: count }, (_, i) => ({ nonce: 100 + 3 * i, distance: rTarget - 1000 - i }));
}

/** Waits for the reveal phase of `epoch` and its challenge seed (fixed in the phase's second
 * block), then reveals the leaves the chain challenges `signer` for; returns their indices. */
export async function revealChallenged(api, signer, epoch, leaves, levels) {
  await waitForStatus(
    api,
    (s) => s.phase.isReveal && s.epoch.index.toNumber() === epoch && s.epoch.challengeSeed.isSome,
  );
  const indices = (await api.call.proofOfComputeApi.challengedLeaves(signer.address)).map((i) => i.toNumber());
  const reveal = indices.map((index) => ({ index, leaf: leaves[index], proof: proof(levels, index) }));
  await submit(api.tx.proofOfCompute.reveal(epoch, reveal), signer);
  return indices;
}

/** Resolves with what `probe` returns once it is not undefined, checking every 2 s. */
export async function until(what, probe, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
