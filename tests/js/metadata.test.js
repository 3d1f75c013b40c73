// What a polkadot-js apps user sees first: the chain connects, its metadata decodes without
// custom types, and the token is GNK with 9 decimals.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
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

test('runtime metadata is v15 or newer and names the chain', async () => {
  const metadata = await api.rpc.state.getMetadata();
  assert.ok(metadata.version >= 14, `metadata version ${metadata.version}`);
  const versions = await api.call.metadata.metadataVersions();
  assert.ok(versions.some((v) => v.toNumber() >= 15), `versions ${versions.toString()}`);
  assert.equal(api.runtimeVersion.specName.toString(), 'gonka');
  const pallets = metadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Babe', 'Grandpa', 'Session', 'Balances', 'Sudo', 'Utility', 'Sprint', 'ProofOfCompute', 'HostReputation', 'CommunityPool', 'TreasuryForTraining']) {
    assert.ok(pallets.includes(name), `pallet ${name} in ${pallets}`);
  }
});

test('token is GNK with 9 decimals', async () => {
  assert.deepEqual(api.registry.chainTokens, ['GNK']);
  assert.deepEqual(api.registry.chainDecimals, [9]);
  assert.equal(api.consts.balances.existentialDeposit.toBigInt(), 1_000_000n);
});

test('Alice is endowed, a host with collateral and an inference deposit on hold, and blocks are produced', async () => {
  const alice = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
  const GNK = 1_000_000_000n;
  const { data } = await api.query.system.account(alice);
  assert.equal(data.free.toBigInt(), 890_000n * GNK);
  assert.equal(data.reserved.toBigInt(), 110_000n * GNK, 'collateral and the inference deposit are held');
  const deposit = (await api.call.inferenceApi.deposit(alice)).unwrap();
  assert.equal(deposit.total.toBigInt(), 10_000n * GNK);
  const host = (await api.query.hostReputation.hosts(alice)).unwrap();
  assert.equal(host.collateral.toBigInt(), 100_000n * GNK);
  assert.ok(host.status.isActive);
  assert.equal(api.consts.hostReputation.maxValidators.toNumber(), 100);

  let header = await api.rpc.chain.getHeader();
  for (let i = 0; i < 60 && header.number.toNumber() < 1; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    header = await api.rpc.chain.getHeader();
  }
  assert.ok(header.number.toNumber() >= 1);
});

test('the sprint clock runs epoch 0 with the development parameters', async () => {
  const epoch = (await api.query.sprint.currentEpoch()).unwrap();
  assert.equal(epoch.index.toNumber(), 0);
  assert.equal(epoch.params.model.dim.toNumber(), 128);
  assert.equal(epoch.params.rTarget.toNumber(), 1_361_785_769);
  assert.notEqual(epoch.seed.toHex(), `0x${'00'.repeat(32)}`);
  const phase = await api.query.sprint.currentPhase();
  assert.ok(['Sprint', 'Commit', 'Reveal', 'Validate', 'Open', 'Settle', 'Inference'].includes(phase.type));
});

test('the worker runtime API answers without custom types', async () => {
  const status = (await api.call.proofOfComputeApi.sprintStatus()).unwrap();
  assert.equal(status.epoch.index.toNumber(), 0);
  assert.ok(status.blocksLeftInPhase.toNumber() >= 1);
  const alice = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
  const leaves = await api.call.proofOfComputeApi.challengedLeaves(alice);
  assert.equal(leaves.length, 0, 'nothing to reveal without a commitment');
});

test('Proof-of-Compute submissions from non-hosts never enter the pool', async () => {
  await cryptoWaitReady();
  const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
  // Bob is not a host on the development chain (Alice is its only authority).
  const commit = api.tx.proofOfCompute.commit(0, `0x${'11'.repeat(32)}`, 5);
  await assert.rejects(commit.signAndSend(bob), /Custom error: 1/);
});

test('ordinary transfers pass the extra transaction extension', async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const charlie = keyring.addFromUri('//Charlie');
  const dave = keyring.addFromUri('//Dave');
  const hash = await api.tx.balances.transferKeepAlive(dave.address, 1_000_000_000n).signAndSend(charlie);
  assert.match(hash.toHex(), /^0x[0-9a-f]{64}$/);
});

test('the training treasury and its grants are readable through the runtime API', async () => {
  assert.equal((await api.call.trainingTreasuryApi.balance()).toBigInt(), 0n);
  assert.equal((await api.call.trainingTreasuryApi.grants(0, 10)).length, 0);
  assert.equal(api.consts.treasuryForTraining.revenueShare.toNumber(), 200_000_000);
});
