// The inference marketplace end to end (DESIGN §6b, revision 2), on two nodes of the local
// testnet: Alice and Bob are its authorities and hosts, and both serve the project's test
// model (`gonka-node write-test-model`, registered at genesis; every served request is
// re-checked by the other host on this preset). A developer, Charlie, puts an inference
// deposit on chain and runs `gonka-node gateway` with his key; unmodified OpenAI clients (npm
// `openai`, Python's `openai` from PyPI, curl) talk to the gateway with any API key. Each
// request is served at once by the executor drawn from its signature and its anchor's VRF
// output, reported by the executor, re-checked, and paid from the deposit: tokens × price,
// 80% to the executor and 20% to the training treasury. Clear HTTP errors answer unknown
// models, oversized prompts, unsigned requests and developers without a deposit. A client
// that disconnects mid-stream still leaves the executor paid, and so does an executor
// restarted between serving and its re-check (its evidence and its report outlive it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { submit, until } from './chain.js';
import { Market, jobPrefix } from './market.js';

const MODEL = 'gonka-test';
/** Charlie's inference deposit: 1,000 GNK, a million tokens at the test model's price. */
const DEPOSIT = 1_000_000_000_000n;

const folder = mkdtempSync(join(tmpdir(), 'gonka-inference-'));
const market = new Market(folder, join(folder, 'model'), MODEL);
const jobEvent = (name, prefix) => market.jobEvent(name, prefix);

before(async () => {
  const written = spawnSync(process.env.GONKA_NODE, ['write-test-model', '--out', market.model], { encoding: 'utf8' });
  assert.equal(written.status, 0, written.stderr);
  await market.start();
  await submit(market.api.tx.inference.deposit(DEPOSIT), market.key('charlie'));
}, { timeout: 320_000 });

after(async () => {
  await market.stop('gonka-inference');
  rmSync(folder, { recursive: true, force: true });
});

let price;
let gateway;

test('both hosts serve the registered test model once they have compute weight', async () => {
  price = await market.served(600);
  gateway = await market.gateway('//Charlie');
  const listed = await (await fetch(`${gateway}/models`)).json();
  assert.equal(listed.data[0].id, MODEL);
  assert.equal(BigInt(listed.data[0].gonka.pricePerToken), price);
}, { timeout: 700_000 });

test('an unmodified OpenAI client pays tokens × price from the deposit, 80% to the executor and 20% to training', async () => {
  const charlie = market.key('charlie').address;
  const openai = new OpenAI({ baseURL: gateway, apiKey: 'any-key-will-do', maxRetries: 0 });
  const [heldBefore, freeBefore] = [await market.deposit(charlie), await market.free(charlie)];
  const completion = await openai.completions.create({ model: MODEL, prompt: 'The network sells', max_tokens: 12, temperature: 0 });
  assert.equal(typeof completion.choices[0].text, 'string');
  const { prompt_tokens: prompt, completion_tokens: generated, total_tokens: total } = completion.usage;
  assert.equal(prompt, 'The network sells'.length + 1, 'bytes and the BOS token');
  assert.ok(generated > 0 && generated <= 12);

  const job = jobPrefix(completion);
  const paid = await until('the payment', async () => jobEvent('Paid', job), 180);
  const finished = jobEvent('Finished', job);
  assert.equal(finished.data.developer.toString(), charlie);
  assert.equal(finished.data.tokens.toNumber(), total);
  assert.ok(jobEvent('RecheckRequested', job), 'the other host re-checked it first');
  assert.equal(jobEvent('Disputed', job), undefined);
  const cost = paid.data.cost.toBigInt();
  assert.equal(cost, BigInt(total) * price, 'tokens × price');
  assert.equal(paid.data.toExecutor.toBigInt(), (cost * 80n) / 100n);
  assert.equal(paid.data.toTreasury.toBigInt(), cost - paid.data.toExecutor.toBigInt());
  assert.equal(heldBefore - (await market.deposit(charlie)), cost, 'the deposit paid exactly the cost');
  assert.equal(await market.free(charlie), freeBefore, 'and nothing else: no fee, no relay transaction');
}, { timeout: 240_000 });

test('chat completions stream as server-sent events, and are paid', async () => {
  const openai = new OpenAI({ baseURL: gateway, apiKey: 'sk-whatever', maxRetries: 0 });
  const stream = await openai.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8, temperature: 0.7, seed: 7, stream: true,
  });
  let text = '';
  let finish;
  let job;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    job = jobPrefix(chunk);
  }
  assert.ok(['stop', 'length'].includes(finish), `finished: ${finish}`);
  assert.equal(typeof text, 'string');
  await until('the payment', async () => jobEvent('Paid', job), 180);
  assert.equal(jobEvent('Disputed', job), undefined, 'an honest sampled completion passes');
}, { timeout: 240_000 });

test("curl and Python's openai package get completions and streamed chats through the gateway", async () => {
  const curl = spawnSync('curl', ['-sS', '--fail-with-body', `${gateway}/completions`, '-H', 'Content-Type: application/json',
    '-H', 'Authorization: Bearer anything', '-d', JSON.stringify({ model: MODEL, prompt: 'Hi', max_tokens: 4 })], { encoding: 'utf8' });
  assert.equal(curl.status, 0, curl.stdout + curl.stderr);
  assert.equal(JSON.parse(curl.stdout).object, 'text_completion');
  const python = spawnSync('python3', ['-c', `
import sys
from openai import OpenAI
client = OpenAI(base_url=sys.argv[1], api_key="anything")
done = client.completions.create(model="${MODEL}", prompt="Hi", max_tokens=4)
assert done.usage.completion_tokens > 0, done
chunks = list(client.chat.completions.create(model="${MODEL}", messages=[{"role": "user", "content": "Hi"}], max_tokens=4, stream=True))
assert chunks[-1].choices[0].finish_reason in ("stop", "length"), chunks[-1]
print("ok", len(chunks))
`, gateway], { encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  assert.match(python.stdout, /^ok \d+/);
}, { timeout: 120_000 });

test('unknown models, oversized prompts, unsigned requests and developers without a deposit get clear errors', async () => {
  const openai = new OpenAI({ baseURL: gateway, apiKey: 'x', maxRetries: 0 });
  await assert.rejects(openai.completions.create({ model: 'no-such-model', prompt: 'x' }), (e) => e.status === 404 && e.code === 'model_not_found');
  await assert.rejects(openai.completions.create({ model: MODEL, prompt: 'x'.repeat(600), max_tokens: 4 }), (e) => e.status === 400 && e.code === 'context_length_exceeded');
  const unsigned = new OpenAI({ baseURL: `http://127.0.0.1:${market.http.alice}/v1`, apiKey: 'x', maxRetries: 0 });
  await assert.rejects(unsigned.completions.create({ model: MODEL, prompt: 'x', max_tokens: 4 }), (e) => e.status === 401 && e.code === 'missing_signature');
  // What the re-check could not read back as served: a prompt on the chat route, a body
  // that is not UTF-8 (in a field the endpoint ignores).
  const post = (path, body) => fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const misrouted = await post('/chat/completions', JSON.stringify({ model: MODEL, prompt: 'x', max_tokens: 2 }));
  assert.equal(misrouted.status, 400);
  assert.equal((await misrouted.json()).error.param, 'messages');
  const latin1 = Buffer.concat([Buffer.from(`{"model":"${MODEL}","prompt":"x","note":"`), Buffer.from([0xff]), Buffer.from('"}')]);
  const notUtf8 = await post('/completions', latin1);
  assert.equal(notUtf8.status, 400);
  assert.match((await notUtf8.json()).error.message, /UTF-8/);
  const dave = new OpenAI({ baseURL: await market.gateway('//Dave'), apiKey: 'x', maxRetries: 0 });
  await assert.rejects(dave.completions.create({ model: MODEL, prompt: 'x', max_tokens: 4 }), (e) => e.status === 402 && e.code === 'insufficient_deposit');
}, { timeout: 180_000 });

test('a client that disconnects mid-stream still leaves the executor paid', async () => {
  const answer = await fetch(`${gateway}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Tell me everything' }], max_tokens: 200, stream: true }),
  });
  const reader = answer.body.getReader();
  let received = '';
  while (!received.includes('\n\n')) {
    const { value, done } = await reader.read();
    assert.ok(!done, 'the stream gave a first event');
    received += new TextDecoder().decode(value);
  }
  await reader.cancel();
  const first = JSON.parse(received.split('\n\n')[0].replace(/^data: /, ''));
  const job = jobPrefix(first);
  const paid = await until('the payment', async () => jobEvent('Paid', job), 180);
  assert.ok(paid.data.toExecutor.toBigInt() > 0n);
}, { timeout: 240_000 });

test('an executor restarted between serving and its re-check reports, passes and is paid', async () => {
  const openai = new OpenAI({ baseURL: gateway, apiKey: 'x', maxRetries: 0 });
  const bobEvidence = join(folder, 'bob', 'inference', 'evidence');
  for (let attempt = 0; attempt < 12; attempt += 1) {
    const completion = await openai.completions.create({ model: MODEL, prompt: `Attempt ${attempt}`, max_tokens: 8, temperature: 0 });
    const job = jobPrefix(completion);
    const servedByBob = existsSync(bobEvidence) && readdirSync(bobEvidence).some((file) => `0x${file}`.startsWith(job));
    if (!servedByBob) continue;
    // Bob stops at once: before his report (batched for 1.5 s), or at least before the
    // re-check, which reads his evidence over HTTP.
    await market.restart('bob');
    const paid = await until('the payment', async () => jobEvent('Paid', job), 300);
    assert.equal(jobEvent('Disputed', job), undefined, 'the restarted executor passed its re-check');
    assert.equal(jobEvent('Finished', job).data.executor.toString(), market.key('bob').address);
    assert.ok(paid.data.toExecutor.toBigInt() > 0n);
    return;
  }
  assert.fail('the draw never gave Bob a request in 12 attempts');
}, { timeout: 600_000 });
