// Starts `gonka-node` processes for a test and stops them afterwards.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ApiPromise, WsProvider } from '@polkadot/api';

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Fixed libp2p keys of Alice's and Bob's nodes, so that other nodes can name them. */
export const NODE_KEYS = {
  alice: '0000000000000000000000000000000000000000000000000000000000000001',
  bob: '0000000000000000000000000000000000000000000000000000000000000002',
};

/** `--bootnodes` naming Alice's node, started with `NODE_KEYS.alice` (the peer id it gives). */
export function aliceAsBootnode(aliceNode) {
  const peerId = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp';
  return ['--bootnodes', `/ip4/127.0.0.1/tcp/${aliceNode.p2pPort}/p2p/${peerId}`];
}

/** Starts the node binary named by $GONKA_NODE with `args` on fresh ports. */
export async function startNode(args) {
  const binary = process.env.GONKA_NODE;
  if (!binary) throw new Error('set GONKA_NODE to the gonka-node binary (make test-js does)');
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const prometheusPort = await freePort();
  const child = spawn(binary, [
    ...args, '--no-telemetry', '--no-mdns',
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--prometheus-port', String(prometheusPort),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  return {
    url: `ws://127.0.0.1:${rpcPort}`,
    p2pPort,
    metricsUrl: `http://127.0.0.1:${prometheusPort}/metrics`,
    exited: () => child.exitCode !== null,
    log: () => log.join('').split('\n').slice(-40).join('\n'),
    output: () => log.join(''),
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.on('exit', resolve);
      child.kill(signal);
    }),
  };
}

/** Starts a `gonka-node --dev` on a fresh chain: Alice alone authors and computes. */
export function startDevNode(...extra) {
  return startNode(['--dev', '--tmp', ...extra]);
}

/** The node's `poc_*` JSON-RPC methods, declared for @polkadot/api: `api.rpc.poc.host(who)`. */
export const POC_RPC = {
  poc: {
    status: {
      description: 'The epoch in progress: number, phase, blocks left, seeds',
      params: [{ name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Json',
    },
    host: {
      description: 'A host: status, collateral, reputation, recent weight and results',
      params: [{ name: 'host', type: 'AccountId' }, { name: 'at', type: 'BlockHash', isOptional: true }],
      type: 'Json',
    },
    epochResults: {
      description: "A page of an epoch's results with its settlement totals",
      params: [
        { name: 'epoch', type: 'u64' },
        { name: 'after', type: 'AccountId', isOptional: true },
        { name: 'count', type: 'u32', isOptional: true },
        { name: 'at', type: 'BlockHash', isOptional: true },
      ],
      type: 'Json',
    },
  },
};

/** Connects @polkadot/api to `node`, waiting up to five minutes for its RPC server. */
export async function connect(node) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      const provider = new WsProvider(node.url, false);
      await provider.connect();
      await provider.isReadyOrError;
      return await ApiPromise.create({ provider, rpc: POC_RPC, throwOnConnect: true, noInitWarn: true });
    } catch (error) {
      if (node.exited()) throw new Error(`node exited: ${node.log()}`);
      if (Date.now() > deadline) throw new Error(`node never came up: ${error}\n${node.log()}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}
