// The inference market measured (`make bench-market`; docs/PERFORMANCE.md), on two local
// nodes serving SmolLM2-135M-Instruct:
//   1. time to first token of a streamed chat through the network (gateway → Alice's node →
//      the drawn executor), side by side with the engine's own (`llm-ttft`, same message),
//      alternating, best of each;
//   2. a load test: CLIENTS concurrent streaming clients for SECONDS seconds through one
//      gateway; every request must be answered (and, once settled, paid) or refused with an
//      OpenAI-shaped error; afterwards deposits, escrow, payments and the treasury reconcile
//      to the unit. Prints one JSON object.
// usage: GONKA_NODE=… GONKA_SMOLLM2=… node market-bench.mjs LLM_TTFT_BINARY [CLIENTS] [SECONDS]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { submit, until } from './chain.js';
import { Market, jobPrefix } from './market.js';

const [ttftBinary, clientsArg = '32', secondsArg = '60'] = process.argv.slice(2);
const CLIENTS = Number(clientsArg);
const SECONDS = Number(secondsArg);
const MODEL = 'smollm2-135m-instruct';
const MESSAGE = 'What is the capital of France?';
const ROUNDS = 5;

/** Milliseconds to the first server-sent event of a streamed chat, and the job's key prefix. */
async function streamedChat(gateway, maxTokens) {
  const start = performance.now();
  const answer = await fetch(`${gateway}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: MESSAGE }], max_tokens: maxTokens, stream: true }),
  });
  if (!answer.ok) return { error: (await answer.json()).error };
  const reader = answer.body.getReader();
  let text = '';
  let first;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    first ??= performance.now() - start;
    text += new TextDecoder().decode(value);
  }
  const events = text.split('\n\n').filter((e) => e.startsWith('data: {'));
  const last = JSON.parse(events.at(-1).slice(6));
  if (last.error) return { error: last.error };
  return { ttft: first, total: performance.now() - start, job: jobPrefix(JSON.parse(events[0].slice(6))) };
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null;
}

const folder = mkdtempSync(join(tmpdir(), 'gonka-market-'));
const market = new Market(folder, process.env.GONKA_SMOLLM2, MODEL);
try {
  await market.start();
  const charlie = market.key('charlie').address;
  await submit(market.api.tx.inference.deposit(100_000_000_000_000n), market.key('charlie'));
  await market.served(900);
  const gateway = await market.gateway('//Charlie');
  const treasury = (await market.api.query.treasuryForTraining.totalReceived()).toBigInt();
  const depositBefore = await market.deposit(charlie);

  // 1. Time to first token, alternating with the engine's own.
  const network = [];
  const engine = [];
  const jobs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const served = await streamedChat(gateway, 1);
    if (served.error) throw new Error(`the chat failed: ${JSON.stringify(served.error)}`);
    network.push(served.ttft);
    jobs.push(served.job);
    const own = spawnSync(ttftBinary, [process.env.GONKA_SMOLLM2, MESSAGE, '1'], { encoding: 'utf8' });
    if (own.status !== 0) throw new Error(own.stderr);
    engine.push(JSON.parse(own.stdout).engine_ttft_ms);
  }

  // 2. The load test.
  const answered = [];
  const refused = [];
  const latencies = [];
  const stopAt = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (Date.now() < stopAt) {
      const result = await streamedChat(gateway, 8).catch((error) => ({ error: { code: 'client', message: String(error) } }));
      if (result.error) {
        refused.push(result.error);
        if (!result.error.code || !result.error.message) throw new Error(`an unclear refusal: ${JSON.stringify(result.error)}`);
      } else {
        answered.push(result.job);
        latencies.push(result.total);
      }
    }
  }));
  // Every answered request is reported, sampled, re-checked and paid.
  jobs.push(...answered);
  const paid = await until('every answered job paid', async () => {
    const payments = jobs.map((job) => market.jobEvent('Paid', job));
    return payments.every(Boolean) ? payments : undefined;
  }, 900);
  // Events come from every new best block, a re-orged one's too: one report per job counts.
  const finished = new Map(market.events
    .filter((e) => e.section === 'inference' && e.method === 'Finished' && e.data.developer.toString() === charlie)
    .map((e) => [e.data.job.toHex(), e.data.charged.toBigInt()]));
  const charged = [...finished.values()].reduce((sum, amount) => sum + amount, 0n);
  const toExecutors = paid.reduce((sum, e) => sum + e.data.toExecutor.toBigInt(), 0n);
  const toTreasury = paid.reduce((sum, e) => sum + e.data.toTreasury.toBigInt(), 0n);
  const reconciled = {
    depositSpent: (depositBefore - (await market.deposit(charlie))).toString(),
    charged: charged.toString(),
    paid: (toExecutors + toTreasury).toString(),
    treasuryReceived: ((await market.api.query.treasuryForTraining.totalReceived()).toBigInt() - treasury).toString(),
    toTreasury: toTreasury.toString(),
    escrowLeft: (await market.api.query.balances.holds(charlie)).toJSON(),
  };
  const sorted = [...latencies].sort((a, b) => a - b);
  const ttftNetwork = Math.min(...network);
  const ttftEngine = Math.min(...engine);
  console.log(JSON.stringify({
    ttft: { network_ms: ttftNetwork, engine_ms: ttftEngine, ratio: ttftNetwork / ttftEngine, network_rounds: network, engine_rounds: engine },
    load: {
      clients: CLIENTS,
      seconds: SECONDS,
      answered: answered.length,
      refused: refused.length,
      refusals: [...new Set(refused.map((e) => e.code))],
      requests_per_s: answered.length / SECONDS,
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
      reports: finished.size,
    },
    reconciled,
    reconciles: reconciled.depositSpent === reconciled.charged && reconciled.charged === reconciled.paid
      && reconciled.treasuryReceived === reconciled.toTreasury && finished.size === jobs.length,
  }, null, 1));
} finally {
  await market.stop('gonka-market');
  rmSync(folder, { recursive: true, force: true });
}
