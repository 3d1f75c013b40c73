// The inference marketplace end to end (DESIGN §1, §6), on two nodes of the local testnet:
// Alice and Bob are its authorities and hosts, and both serve the project's test model
// (`gonka-node write-test-model`, registered at genesis; every served request is re-checked
// by the other host on this preset). A developer, Charlie, calls Alice's OpenAI-compatible
// endpoint with the OpenAI client from npm; a fetch wrapper signs each request body with his
// key (headers X-Gonka-Request and X-Gonka-Signature). He gets text back and pays exactly
// tokens × price: 80% to the executor, 20% to the training treasury, after the other host's
// re-check passes. Clear HTTP errors answer unknown models, bad signatures, oversized prompts
// and unfunded accounts. Then Bob's node is restarted forging its outputs: the first request
// the chain gives him fails Alice's re-check and the vote, Charlie is refunded and Bob is
// slashed for forgery.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/api';
import { u8aConcat } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady } from '@polkadot/util-crypto';
import OpenAI from 'openai';
import { submit } from './chain.js';
import { connect, freePort, startNode } from './node.js';

const ALICE_NODE_KEY = '0000000000000000000000000000000000000000000000000000000000000001';
const ALICE_PEER_ID = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';
const BOB_NODE_KEY = '0000000000000000000000000000000000000000000000000000000000000002';
const MODEL = 'gonka-test';
/** The tokens each request pays for at most: prompt and completion. */
const MAX_TOKENS = 64;

const folder = mkdtempSync(join(tmpdir(), 'gonka-inference-'));
const modelDir = join(folder, 'model');
const nodes = {};
let api;
let keyring;
let aliceHttp;
let bobHttp;
const events = [];

/** Bob's node: honest, or forging every token it generates. */
async function startBob(forge) {
  return startNode([
    '--chain', 'local', '--bob', '--validator', '--base-path', join(folder, 'bob'),
    '--compute', 'cpu', '--compute-threads', '1', '--node-key', BOB_NODE_KEY,
    '--bootnodes', `/ip4/127.0.0.1/tcp/${nodes.alice.p2pPort}/p2p/${ALICE_PEER_ID}`,
    '--inference-model', modelDir, '--inference-listen', `127.0.0.1:${bobHttp}`,
    ...(forge ? ['--inference-forge-output'] : []),
  ]);
}

before(async () => {
  await cryptoWaitReady();
  keyring = new Keyring({ type: 'sr25519' });
  const written = spawnSync(process.env.GONKA_NODE, ['write-test-model', '--out', modelDir], { encoding: 'utf8' });
  assert.equal(written.status, 0, written.stderr);
  aliceHttp = await freePort();
  bobHttp = await freePort();
  nodes.alice = await startNode([
    '--chain', 'local', '--alice', '--validator', '--tmp', '--compute', 'cpu', '--compute-threads', '1',
    '--node-key', ALICE_NODE_KEY,
    '--inference-model', modelDir, '--inference-listen', `127.0.0.1:${aliceHttp}`,
  ]);
  nodes.bob = await startBob(false);
  api = await connect(nodes.alice);
  await api.query.system.events((records) => {
    for (const { event } of records) events.push(event);
  });
  // Each host tells the chain where its endpoint is: relays and re-checks find it there.
  for (const [name, port] of [['Alice', aliceHttp], ['Bob', bobHttp]]) {
    const info = { name, endpoint: `http://127.0.0.1:${port}`, hardware: 'cpu' };
    await submit(api.tx.hostReputation.setHostInfo(info), keyring.addFromUri(`//${name}`));
  }
}, { timeout: 320_000 });

after(async () => {
  await api?.disconnect();
  await Promise.all(Object.values(nodes).map((node) => node.stop()));
  // The nodes' logs outlive the run, for whoever reads a failure.
  for (const [name, node] of Object.entries(nodes)) {
    writeFileSync(join(tmpdir(), `gonka-inference-${name}.log`), node.output());
  }
  rmSync(folder, { recursive: true, force: true });
});

/** Resolves with what `probe` returns once it is not undefined, checking every block. */
async function until(what, probe, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Resolves once `node`'s best block has reached Alice's: a node just restarted relays and
 * serves requests only for blocks it has imported. */
async function caughtUp(node) {
  const nodeApi = await connect(node);
  const target = (await api.rpc.chain.getHeader()).number.toNumber();
  await until('the restarted node catching up', async () => {
    const best = (await nodeApi.rpc.chain.getHeader()).number.toNumber();
    return best >= target ? best : undefined;
  }, 120);
  await nodeApi.disconnect();
}

/** Resolves once an epoch that began after now has counted weight for both hosts: a host's
 * weight needs its validator, the other host, to have attested for it (Proof of Compute
 * revision 2: silence is not acceptance), so a restart costs the other host an epoch. */
async function bothWeighted() {
  const start = (await api.call.proofOfComputeApi.sprintStatus()).unwrap().epoch.index.toNumber();
  const hosts = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri).address);
  await until('an epoch counting both hosts', async () => {
    const settled = (await api.call.proofOfComputeApi.sprintStatus()).unwrap().epoch.index.toNumber() - 1;
    if (settled <= start) return undefined;
    const results = await Promise.all(hosts.map((host) => api.query.proofOfCompute.results(settled, host)));
    return results.every((r) => r.isSome && r.unwrap().weight.toBigInt() > 0n) ? settled : undefined;
  }, 600);
}

/** The first Inference event `name` of request `id`. */
function inferenceEvent(name, id) {
  return events.find((e) => e.section === 'inference' && e.method === name && e.data.id.toNumber() === id);
}

async function free(address) {
  return (await api.query.system.account(address)).data.free.toBigInt();
}

/** A fetch that signs each body as a developer's client does: `developer` pays, `signer`
 * (the developer unless a test forges) signs. */
function signingFetch(developer, { maxPrice, nonce, signer = developer }) {
  let next = nonce;
  return async (url, init) => {
    const best = (await api.rpc.chain.getHeader()).number.toNumber();
    const requestType = api.call.inferenceApi.signingPayload.meta.params[0].type.toString();
    const request = api.createType(requestType, {
      developer: developer.address,
      model: 0,
      maxTokens: MAX_TOKENS,
      maxPrice,
      bodyHash: blake2AsU8a(init.body, 256),
      nonce: next++,
      validUntil: best + 50,
    });
    // What `inferenceApi.signingPayload` returns: SCALE((genesis hash, request)).
    const payload = u8aConcat(api.genesisHash.toU8a(), request.toU8a());
    const signature = api.createType('SpRuntimeMultiSignature', { Sr25519: signer.sign(payload) });
    const headers = new Headers(init.headers);
    headers.set('x-gonka-request', request.toHex());
    headers.set('x-gonka-signature', signature.toHex());
    return fetch(url, { ...init, headers });
  };
}

/** An OpenAI client for Alice's endpoint whose requests `signer` signs. */
function client(developer, options) {
  return new OpenAI({
    baseURL: `http://127.0.0.1:${aliceHttp}/v1`, apiKey: 'signed-per-request', maxRetries: 0,
    fetch: signingFetch(developer, options),
  });
}

/** The request id in an OpenAI response id (`cmpl-gonka-<id>`). */
function requestId(response) {
  return Number(response.id.split('-').at(-1));
}

let price;

test('both hosts serve the registered test model once they have compute weight', async () => {
  const servers = await until('two servers', async () => {
    const [model] = await api.call.inferenceApi.models();
    return model.servers.length === 2 ? model : undefined;
  }, 420);
  price = servers.price.toBigInt();
  const listed = await (await fetch(`http://127.0.0.1:${aliceHttp}/v1/models`)).json();
  assert.equal(listed.data[0].id, MODEL);
  assert.equal(BigInt(listed.data[0].gonka.pricePerToken), price);
}, { timeout: 480_000 });

test('a developer pays exactly tokens × price, 80% to the executor and 20% to training, after a passing re-check', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const openai = client(charlie, { maxPrice: price, nonce: 1 });
  const before = await free(charlie.address);
  const completion = await openai.completions.create({ model: MODEL, prompt: 'The network sells', max_tokens: 12, temperature: 0 });
  assert.equal(typeof completion.choices[0].text, 'string');
  const { prompt_tokens: prompt, completion_tokens: generated, total_tokens: total } = completion.usage;
  assert.equal(prompt, 'The network sells'.length + 1, 'bytes and the BOS token');
  assert.ok(generated > 0 && generated <= 12);
  assert.equal(total, prompt + generated);

  const id = requestId(completion);
  const paid = await until('the payment', async () => inferenceEvent('Paid', id), 120);
  assert.ok(inferenceEvent('RecheckRequested', id), 'the other host re-checked it first');
  assert.equal(inferenceEvent('Disputed', id), undefined);
  const cost = paid.data.cost.toBigInt();
  assert.equal(cost, BigInt(total) * price, 'tokens × price');
  assert.equal(paid.data.toExecutor.toBigInt(), (cost * 80n) / 100n);
  assert.equal(paid.data.toTreasury.toBigInt(), cost - paid.data.toExecutor.toBigInt());
  const funded = events.find((e) => e.section === 'treasuryForTraining' && e.method === 'Funded' && e.data.payer.toString() === charlie.address);
  assert.equal(funded.data.amount.toBigInt(), paid.data.toTreasury.toBigInt());
  assert.equal(before - (await free(charlie.address)), cost, 'the developer paid exactly the cost, no fee');
}, { timeout: 240_000 });

test('chat completions stream as server-sent events', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const openai = client(charlie, { maxPrice: price, nonce: 100 });
  const stream = await openai.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8, temperature: 0.7, seed: 7, stream: true,
  });
  let text = '';
  let finish;
  let id;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    id = requestId(chunk);
  }
  assert.ok(['stop', 'length'].includes(finish), `finished: ${finish}`);
  assert.equal(typeof text, 'string');
  await until('the payment', async () => inferenceEvent('Paid', id), 120);
  assert.equal(inferenceEvent('Disputed', id), undefined, 'an honest sampled completion passes');
}, { timeout: 120_000 });

test('unknown models, bad signatures, oversized prompts and unfunded accounts get clear HTTP errors', async () => {
  const charlie = keyring.addFromUri('//Charlie');
  const openai = client(charlie, { maxPrice: price, nonce: 200 });
  await assert.rejects(openai.completions.create({ model: 'no-such-model', prompt: 'x' }), (e) => e.status === 404 && e.code === 'model_not_found');
  await assert.rejects(openai.completions.create({ model: MODEL, prompt: 'x'.repeat(600), max_tokens: 4 }), (e) => e.status === 400 && e.code === 'context_length_exceeded');
  const dave = keyring.addFromUri('//Dave');
  const badSigner = client(charlie, { maxPrice: price, nonce: 500, signer: dave });
  await assert.rejects(badSigner.completions.create({ model: MODEL, prompt: 'x', max_tokens: 4 }), (e) => e.status === 401 && e.code === 'invalid_signature');
  const unsigned = new OpenAI({ baseURL: `http://127.0.0.1:${aliceHttp}/v1`, apiKey: 'x', maxRetries: 0 });
  await assert.rejects(unsigned.completions.create({ model: MODEL, prompt: 'x', max_tokens: 4 }), (e) => e.status === 401 && e.code === 'missing_signature');
  const nobody = keyring.addFromUri('//Nobody');
  await assert.rejects(client(nobody, { maxPrice: price, nonce: 1 }).completions.create({ model: MODEL, prompt: 'x', max_tokens: 4 }), (e) => e.status === 402 && e.code === 'insufficient_funds');
}, { timeout: 120_000 });

test('a host that returns altered tokens fails the re-check and the vote: refund and slash', async () => {
  await nodes.bob.stop();
  nodes.bob = await startBob(true);
  await caughtUp(nodes.bob);
  await bothWeighted();
  const charlie = keyring.addFromUri('//Charlie');
  const bob = keyring.addFromUri('//Bob').address;
  const openai = client(charlie, { maxPrice: price, nonce: 1000 });
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const before = await free(charlie.address);
    const completion = await openai.completions.create({ model: MODEL, prompt: `Attempt ${attempt}`, max_tokens: 8, temperature: 0 });
    const id = requestId(completion);
    const requested = inferenceEvent('Requested', id);
    if (requested.data.executor.toString() !== bob) {
      await until('the payment', async () => inferenceEvent('Paid', id), 120);
      continue;
    }
    const decided = await until('the verdict', async () => inferenceEvent('DisputeDecided', id), 120);
    assert.equal(decided.data.forged.isTrue, true);
    assert.equal(inferenceEvent('Paid', id), undefined, 'a forgery is not paid');
    const refunded = inferenceEvent('Refunded', id);
    assert.equal(refunded.data.amount.toBigInt(), BigInt(MAX_TOKENS) * price, 'the whole escrow');
    assert.equal(await free(charlie.address), before, 'the developer got everything back');
    const slashed = events.find((e) => e.section === 'hostReputation' && e.method === 'HostSlashed' && e.data.host.toString() === bob);
    assert.equal(slashed.data.reason.toString(), 'Forgery');
    const [model] = await api.call.inferenceApi.models();
    assert.ok(!model.servers.map(String).includes(bob), 'Bob serves no more');
    return;
  }
  const [model] = await api.call.inferenceApi.models();
  const weight = await api.call.inferenceApi.hostWeight(bob);
  assert.fail(`the chain never drew Bob in 12 requests (servers ${model.servers}, Bob's weight ${weight})`);
}, { timeout: 1_200_000 });
