// The compute worker inside the node, end to end on real node binaries: a host that does
// nothing but run its node sprints, commits, reveals and gets paid; a node whose host key is
// the operator of a host in a wallet computes for that host, and, killed in the middle of a
// Sprint, resumes and still settles. Hosts validating each other, and catching one that
// fakes hits, are checked on a zombienet network (zombienet/tests/four_hosts.rs).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { submit, waitForStatus } from './chain.js';
import { connect, NODE_KEYS, startNode } from './node.js';

/** One compute thread per node: the machine running the tests has few cores to share. */
const COMPUTE = ['--compute', 'cpu', '--compute-threads', '1'];

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Starts a node and an API connected to it, both stopped after the tests. */
async function started(args) {
  const node = await startNode(args);
  const api = await connect(node);
  cleanups.push(() => node.stop(), () => api.disconnect());
  return { node, api };
}

/** The value of the Prometheus series `name` whose labels include `labels`, or undefined. */
async function metric(node, name, labels = {}) {
  const text = await (await fetch(node.metricsUrl)).text();
  for (const line of text.split('\n')) {
    const match = line.match(/^(\w+)(?:\{([^}]*)\})? (\S+)$/);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries((match[2] ?? '').split(',').filter(Boolean).map((pair) => {
      const [key, value] = pair.split('=');
      return [key, value.replace(/"/g, '')];
    }));
    if (Object.entries(labels).every(([key, value]) => have[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Resolves with `host`'s result in the first epoch from `from` on that paid it. */
function paidResult(api, host, from) {
  return new Promise((resolve, reject) => {
    const unsubscribe = api.rpc.chain.subscribeNewHeads(async () => {
      try {
        const status = await api.call.proofOfComputeApi.sprintStatus();
        if (status.isNone) return;
        const current = status.unwrap().epoch.index.toNumber();
        for (let epoch = from; epoch <= current; epoch += 1) {
          const result = await api.query.proofOfCompute.results(epoch, host);
          if (result.isSome && (result.unwrap().reward.toBigInt() > 0n || result.unwrap().outcome.isRejected)) {
            (await unsubscribe)();
            resolve({ epoch, result: result.unwrap() });
            return;
          }
        }
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The block in which `host`'s reward for `epoch` was paid: the first whose state holds it. */
async function payoutBlock(api, host, epoch) {
  let hash = await api.rpc.chain.getBlockHash();
  for (;;) {
    const header = await api.rpc.chain.getHeader(hash);
    const parent = await api.at(header.parentHash);
    const before = await parent.query.proofOfCompute.results(epoch, host);
    if (before.isNone || before.unwrap().reward.toBigInt() === 0n) return { hash, parent };
    hash = header.parentHash;
  }
}

test("Alice's dev node computes by itself: accepted, weight above 0, the reward in her balance", async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const { node, api } = await started(['--dev', '--tmp', ...COMPUTE]);
  // Follow the chain's events as polkadot-js apps' explorer does.
  const events = [];
  const unsubscribe = await api.query.system.events((records) => {
    for (const { event } of records) events.push({ name: `${event.section}.${event.method}`, data: event.data.toJSON() });
  });
  cleanups.push(() => unsubscribe());

  const { epoch, result } = await paidResult(api, alice.address, 0);
  assert.ok(epoch <= 1, `settled in epoch ${epoch}`);
  assert.equal(result.outcome.type, 'AcceptedOnReveal', 'alone, her reveal checks decide');
  assert.ok(result.weight.toNumber() > 0);
  assert.ok(result.hits.toNumber() >= result.weight.toNumber());

  const { hash, parent } = await payoutBlock(api, alice.address, epoch);
  const paidAt = await api.at(hash);
  const grew = (await paidAt.query.system.account(alice.address)).data.free.toBigInt()
    - (await parent.query.system.account(alice.address)).data.free.toBigInt();
  assert.equal(grew, result.reward.toBigInt(), 'her free balance grew by the epoch reward');
  const seen = (name) => events.find((e) => e.name === name && e.data[0] === epoch && e.data[1] === alice.address);
  assert.ok(seen('proofOfCompute.Committed'), 'her node committed');
  assert.ok(seen('proofOfCompute.Revealed'), 'her node revealed');
  const rewarded = seen('sprint.HostRewarded');
  assert.ok(rewarded, `HostRewarded among ${events.map((e) => e.name)}`);
  assert.equal(BigInt(rewarded.data[2]), result.reward.toBigInt());

  const host = (await api.rpc.poc.host(alice.address)).toJSON();
  assert.equal(host.status, 'Active');
  assert.ok(host.reputation > 0);
  // One unit everywhere: poc_host reports the number the chain stores (an operator once read
  // 3.34 in the RPC and 334 in polkadot-js).
  const stored = (await paidAt.query.hostReputation.hosts(alice.address)).unwrap().reputation.toNumber();
  assert.equal((await api.rpc.poc.host(alice.address, hash)).toJSON().reputation, stored);
  assert.ok(host.recentWeights.some((w) => w.epoch === epoch && w.weight === result.weight.toNumber()));
  const page = (await api.rpc.poc.epochResults(epoch)).toJSON();
  assert.equal(page.results.length, 1);
  assert.equal(page.results[0].host, alice.address);
  assert.equal(page.results[0].reward, result.reward.toString());
  assert.ok(page.summary.complete);

  assert.ok(await metric(node, 'gonka_compute_nonces_total') > 0);
  assert.ok(await metric(node, 'gonka_compute_nonces_per_second') > 0);
  assert.ok(await metric(node, 'gonka_compute_submissions_total', { step: 'commit', result: 'ok' }) >= 1);
  assert.ok(await metric(node, 'gonka_compute_submissions_total', { step: 'reveal', result: 'ok' }) >= 1);
  assert.ok((await metric(node, 'gonka_compute_phase')) <= 6);
}, { timeout: 600_000 });

/** Runs `gonka-node` with `args`, as an operator does; returns what it printed. */
function nodeCommand(...args) {
  return execFileSync(process.env.GONKA_NODE, args, { encoding: 'utf8' });
}

test("an operator key's node computes for its host; killed mid-Sprint, it resumes and the host is paid", async () => {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const ferdie = keyring.addFromUri('//Ferdie');
  const basePath = mkdtempSync(join(tmpdir(), 'gonka-operator-'));
  cleanups.push(() => rmSync(basePath, { recursive: true, force: true }));
  // Alice's account stays in her wallet; the machine holds her session keys and, as its host
  // key, Ferdie's: the key she names her operator, with the consent it signs.
  for (const [type, scheme, suri] of [['babe', 'sr25519', '//Alice'], ['gran', 'ed25519', '//Alice'], ['gpoc', 'sr25519', '//Ferdie']]) {
    nodeCommand('key', 'insert', '--chain', 'dev', '--base-path', basePath, '--key-type', type, '--scheme', scheme, '--suri', suri);
  }
  const printed = nodeCommand('operator-consent', '--chain', 'dev', '--base-path', basePath, '--host', alice.address);
  assert.equal(printed.match(/^operator: +(\S+)$/m)?.[1], ferdie.address, printed);
  const consent = printed.match(/^consent: +(0x[0-9a-f]{128})$/m)?.[1];
  assert.ok(consent, printed);
  const args = ['--chain', 'dev', '--validator', '--base-path', basePath, '--node-key', NODE_KEYS.alice, ...COMPUTE];

  const first = await startNode(args);
  const firstApi = await connect(first);
  const ferdieBefore = (await firstApi.query.system.account(ferdie.address)).data.free.toBigInt();
  await submit(firstApi.tx.hostReputation.setOperator(ferdie.address, { Sr25519: consent }), alice);
  // From the next epoch the node searches for Alice and records hits; then it dies.
  const operating = `submits for host ${alice.address} as its operator`;
  const sprint = await waitForStatus(
    firstApi,
    (s) => s.phase.isSprint && s.blocksLeftInPhase.toNumber() <= 3 && first.output().includes(operating),
  );
  const epoch = sprint.epoch.index.toNumber();
  assert.ok(epoch >= 1, 'not in the epoch it was named in');
  await firstApi.disconnect();
  await first.stop('SIGKILL');

  const { node, api } = await started(args);
  const { epoch: settled, result } = await paidResult(api, alice.address, epoch);
  assert.equal(settled, epoch, 'the epoch in which the node was killed still settles for Alice');
  assert.ok(result.outcome.isAcceptedOnReveal);
  assert.ok(result.weight.toNumber() > 0 && result.reward.toBigInt() > 0n);
  assert.ok(node.output().includes(operating), `the restarted node works for Alice:\n${node.log()}`);
  const resumed = node.output().match(new RegExp(`Epoch ${epoch}: Sprint .* from nonce (\\d+) \\((\\d+) hits on disk\\)`));
  assert.ok(resumed, `the restarted node logged its resumed search:\n${node.log()}`);
  assert.ok(Number(resumed[1]) > 0 && Number(resumed[2]) > 0, resumed[0]);
  assert.ok((await api.query.proofOfCompute.results(epoch, ferdie.address)).isNone, 'the operator has no result of its own');
  const ferdieAfter = (await api.query.system.account(ferdie.address)).data.free.toBigInt();
  assert.equal(ferdieAfter, ferdieBefore, 'the operator key earned and paid nothing: its steps are free, the reward is Alice\'s');
}, { timeout: 600_000 });
