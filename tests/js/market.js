// A two-host inference market on the local testnet, for the client test and the market
// benchmark: Alice and Bob are its authorities and hosts and serve one model on their
// OpenAI-compatible endpoints; developers reach it through `gonka-node gateway`.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { submit, until } from './chain.js';
import { aliceAsBootnode, connect, freePort, NODE_KEYS, startNode } from './node.js';

/** The market: `model` (a path, registered as `name`) served by Alice and Bob under
 * `folder`, each host's endpoint on chain, and every event recorded. `start` starts it;
 * `restart('bob')` restarts a host on its own database and evidence. */
export class Market {
  constructor(folder, model, name) {
    this.folder = folder;
    this.model = model;
    this.name = name;
    this.nodes = {};
    this.http = {};
    this.gateways = [];
    this.events = [];
  }

  async start() {
    await cryptoWaitReady();
    this.keyring = new Keyring({ type: 'sr25519' });
    this.http.alice = await freePort();
    this.http.bob = await freePort();
    this.nodes.alice = await this.startHost('alice');
    this.nodes.bob = await this.startHost('bob');
    this.api = await connect(this.nodes.alice);
    await this.api.query.system.events((records) => {
      for (const { event } of records) this.events.push(event);
    });
    // Each host tells the chain where its endpoint is: relays and re-checkers find it there.
    for (const name of ['alice', 'bob']) {
      const info = { name, endpoint: `http://127.0.0.1:${this.http[name]}`, hardware: 'cpu' };
      await submit(this.api.tx.hostReputation.setHostInfo(info), this.key(name));
    }
  }

  key(name) {
    return this.keyring.addFromUri(`//${name[0].toUpperCase()}${name.slice(1)}`);
  }

  startHost(name) {
    const bootnodes = name === 'alice' ? [] : aliceAsBootnode(this.nodes.alice);
    return startNode([
      '--chain', 'local', `--${name}`, '--validator', '--base-path', join(this.folder, name),
      '--compute', 'cpu', '--compute-threads', '1', '--node-key', NODE_KEYS[name],
      '--inference-model', this.model, '--inference-listen', `127.0.0.1:${this.http[name]}`, ...bootnodes,
    ]);
  }

  async restart(name) {
    await this.nodes[name].stop('SIGKILL');
    this.nodes[name] = await this.startHost(name);
  }

  /** Resolves once both hosts are in the model's draw: its price. */
  async served(seconds) {
    const model = await until('two servers in the draw', async () => {
      const models = await this.api.call.inferenceApi.models();
      const served = models.find((info) => new TextDecoder().decode(info.model.name.toU8a(true)) === this.name);
      const drawn = await this.api.query.inference.currentDraws(served.id);
      return served.servers.length === 2 && drawn.length === 2 ? served : undefined;
    }, seconds);
    return model.price.toBigInt();
  }

  /** `gonka-node gateway` for `developer` (a secret URI), relaying through Alice's node: its
   * base URL. */
  async gateway(developer) {
    const port = await freePort();
    const child = spawn(process.env.GONKA_NODE, [
      'gateway', '--developer-key', developer, '--listen', `127.0.0.1:${port}`, '--node', this.nodes.alice.url,
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (chunk) => { log += chunk; });
    this.gateways.push(child);
    const url = `http://127.0.0.1:${port}/v1`;
    await until(`the gateway of ${developer}`, async () => {
      if (child.exitCode !== null) throw new Error(`the gateway exited: ${log}`);
      return fetch(`${url}/models`).then((r) => (r.ok ? true : undefined), () => undefined);
    }, 120);
    return url;
  }

  /** The first Inference event `name` of the job whose key starts with `prefix`. */
  jobEvent(name, prefix) {
    return this.events.find((e) => e.section === 'inference' && e.method === name && e.data.job.toHex().startsWith(prefix));
  }

  /** `developer`'s inference deposit. */
  async deposit(address) {
    const held = await this.api.call.inferenceApi.deposit(address);
    return held.isSome ? held.unwrap().total.toBigInt() : 0n;
  }

  async free(address) {
    return (await this.api.query.system.account(address)).data.free.toBigInt();
  }

  async stop(logPrefix) {
    for (const child of this.gateways) child.kill();
    await this.api?.disconnect();
    await Promise.all(Object.values(this.nodes).map((node) => node.stop()));
    // The nodes' logs outlive the run, for whoever reads a failure.
    for (const [name, node] of Object.entries(this.nodes)) {
      writeFileSync(join(tmpdir(), `${logPrefix}-${name}.log`), node.output());
    }
  }
}

/** The job key prefix in an OpenAI response id (`cmpl-gonka-<first 8 bytes of the key>`). */
export function jobPrefix(response) {
  return `0x${response.id.split('-').at(-1)}`;
}
