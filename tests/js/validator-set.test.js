// Compute weight elects the block producers (DESIGN §3), on two nodes of the development
// chain: Alice's (the genesis authority) and Bob's, a validator node that joins it. Bob does
// what an operator does in polkadot-js apps: generates session keys on his node with a proof
// of possession, registers as a host with collateral and sets the keys in one batch, then
// commits and reveals an epoch's hits. Alice computes nothing, so Bob alone is elected, and
// within two sessions his node authors the chain's blocks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { fakeHits, merkleLevels, revealChallenged, submit, waitForStatus } from './chain.js';
import { aliceAsBootnode, connect, NODE_KEYS, startNode } from './node.js';

/** One GNK in base units (9 decimals). */
const GNK = 1_000_000_000n;

const nodes = [];
let bobNode;
let alice;
let bob;

before(async () => {
  // Alice does not compute here: the test needs Bob to hold all the weight.
  const aliceNode = await startNode(['--dev', '--tmp', '--compute', 'off', '--node-key', NODE_KEYS.alice]);
  nodes.push(aliceNode);
  bobNode = await startNode([
    '--chain', 'dev', '--tmp', '--validator', '--node-key', NODE_KEYS.bob,
    ...aliceAsBootnode(aliceNode),
  ]);
  nodes.push(bobNode);
  alice = await connect(aliceNode);
  bob = await connect(bobNode);
}, { timeout: 320_000 });

after(async () => {
  await alice?.disconnect();
  await bob?.disconnect();
  await Promise.all(nodes.map((node) => node.stop()));
});

/** Resolves with the first new block whose author is `account`, within `blocks` blocks. */
function authoredBy(api, account, blocks) {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const unsubscribe = api.derive.chain.subscribeNewHeads(async (header) => {
      seen += 1;
      if (header.author?.toString() === account) {
        (await unsubscribe)();
        resolve(header.number.toNumber());
      } else if (seen > blocks) {
        (await unsubscribe)();
        reject(new Error(`no block by ${account} in ${blocks} blocks`));
      }
    });
  });
}

test('a host that earns compute weight is elected and authors blocks', async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const bobKey = keyring.addFromUri('//Bob');
  const aliceAddress = keyring.addFromUri('//Alice').address;
  assert.deepEqual((await alice.query.session.validators()).map(String), [aliceAddress]);

  // On Bob's own node: fresh session keys, and the proof that Bob's account owns them.
  const rpc = new WsProvider(bobNode.url);
  await rpc.isReady;
  const generated = await rpc.send('author_rotateKeysWithOwner', [u8aToHex(bobKey.publicKey)]);
  await rpc.disconnect();
  const min = (await alice.query.hostReputation.params()).minCollateral.toBigInt();
  const info = { name: 'bob', endpoint: 'http://127.0.0.1:8000', hardware: 'CPU' };
  await submit(alice.tx.utility.batchAll([
    alice.tx.hostReputation.registerHost(min * 10n, info),
    alice.tx.session.setKeys(generated.keys, generated.proof),
  ]), bobKey);
  const host = (await alice.query.hostReputation.hosts(bobKey.address)).unwrap();
  assert.equal(host.collateral.toBigInt(), min * 10n);
  assert.ok(min >= 100n * GNK);

  // Bob computes an epoch; Alice does not.
  const commitPhase = await waitForStatus(alice, (s) => s.phase.isCommit && s.blocksLeftInPhase.toNumber() >= 2);
  const epoch = commitPhase.epoch.index.toNumber();
  const leaves = fakeHits(commitPhase.epoch.params.rTarget.toNumber(), 40);
  const levels = merkleLevels(leaves);
  await submit(alice.tx.proofOfCompute.commit(epoch, levels.at(-1)[0], leaves.length), bobKey);
  await revealChallenged(alice, bobKey, epoch, leaves, levels);
  await waitForStatus(alice, (s) => s.epoch.index.toNumber() > epoch || s.phase.isInference);
  const result = (await alice.query.proofOfCompute.results(epoch, bobKey.address)).unwrap();
  assert.equal(result.weight.toNumber(), leaves.length);
  const [electedEpoch, elected] = await alice.query.hostReputation.elected();
  assert.equal(electedEpoch.toNumber(), epoch);
  assert.deepEqual(elected.map(([who]) => who.toString()), [bobKey.address]);

  // Sessions last 20 blocks; the election takes effect one session after it is planned.
  const number = await authoredBy(bob, bobKey.address, 70);
  assert.deepEqual((await bob.query.session.validators()).map(String), [bobKey.address]);
  const authored = await bob.rpc.chain.getBlockHash(number);
  assert.ok(!authored.isEmpty, `block ${number} by Bob is on his chain`);
}, { timeout: 900_000 });
