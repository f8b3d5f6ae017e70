import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../hub/config';
import { createLogger } from '../platform/logger';
import { startHub, type RunningHub } from '../hub/runtime';
import { catalog } from '../hub/catalog';
import { loadSecrets } from '../platform/secrets';
import { loadOrCreateHubInternalKey } from '../identity';
import { LOCAL_ISSUER_PRODUCTION_ACK } from '../identity/settings';
import { SUPERGRAPH_PATH } from '../gateway/server';
import { sqlStatementTotal } from '../subgraphs/shared/orm';
import { startBareGateway, type BareGateway } from './bare-gateway';
import { startHiveGateway } from './hive-gateway';
import { BENCH_PURPOSE, borderOfficer, HUB_ADMIN, principalOf } from './identities';
import type { FromStack, ToStack } from './protocol';

/**
 * One process of the stack under test, forked by run.ts so the load generator never shares its
 * event loop. It runs, through startHub as `npm start` does, every subgraph, or the Frontera
 * gateway plus the peer gateways (bare @apollo/gateway, Hive Gateway; started on demand), or all of them, on free ports of 127.0.0.1.
 * Driven over IPC (protocol.ts).
 */

const send = (message: FromStack) => process.send?.(message);

// Idle: two consecutive 100 ms windows with the event loop busy less than 5 % of the time.
const IDLE_WINDOW_MS = 100;
const IDLE_WINDOWS = 2;
const IDLE_UTILISATION = 0.05;

let hub: RunningHub | null = null;
const bares: BareGateway[] = [];
let profiler: Session | null = null;
let stopping = false;

async function start(message: Extract<ToStack, { type: 'start' }>): Promise<void> {
  // The hub's schema drops settings it does not know (`ignoredEnv` in the ready message says which).
  const config = loadConfig({
    ...message.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_HOST: '127.0.0.1',
    HUB_SERVICES: { all: 'all', subgraphs: catalog.map((d) => d.name).join(','), gateways: 'gateway' }[message.services],
    SUBGRAPH_URLS: Object.entries(message.subgraphUrls ?? {}).map(([name, url]) => `${name}=${url}`).join(','),
    SEED: 'false',
    // The bench's hub runs as in production and its load carries demo-issuer tokens.
    LOCAL_ISSUER: 'true',
    LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK,
    LOG_LEVEL: message.logLevel,
    SECRETS_DIR: message.secretsDir,
  });
  const log = createLogger(config.LOG_LEVEL);
  const database = { ...message.database, stop: async () => undefined };
  hub = await startHub(config, database, loadSecrets(config.SECRETS_DIR), log, { ephemeralPorts: true });
  const subgraphUrls = message.subgraphUrls ?? Object.fromEntries([...hub.subgraphs].map(([name, { url }]) => [name, url]));
  const internalKey = await loadOrCreateHubInternalKey(config.SECRETS_DIR);
  const supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8');

  if (message.services !== 'subgraphs') handlers.bare = async ({ id, identity, organisation, gateway = 'bare' }) => {
    if (identity === 'officer' && !organisation) throw new Error('a peer gateway acting as an officer needs the officer\'s organisation');
    const caller = identity === 'admin' ? HUB_ADMIN : borderOfficer(organisation!);
    const options = { supergraphSdl, subgraphUrls, internalKey, principal: principalOf(caller), purpose: BENCH_PURPOSE };
    const peer = gateway === 'bare' ? await startBareGateway(options) : await startHiveGateway({ ...options, deduplicateInflightRequests: gateway === 'hive' });
    bares.push(peer);
    send({ type: 'bare', id, url: peer.url });
  };
  send({ type: 'ready', gatewayUrl: hub.gatewayUrl, subgraphUrls, pid: process.pid, ignoredEnv: Object.keys(message.env ?? {}).filter((key) => !(key in config)) });
}

const post = <T>(session: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));

const handlers: { [K in ToStack['type']]?: (message: Extract<ToStack, { type: K }>) => Promise<void> } = {
  start,
  async idle({ id, timeoutMs }) {
    const started = performance.now();
    let quiet = 0;
    while (quiet < IDLE_WINDOWS && performance.now() - started < timeoutMs) {
      const before = performance.eventLoopUtilization();
      await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
      quiet = performance.eventLoopUtilization(before).utilization < IDLE_UTILISATION ? quiet + 1 : 0;
    }
    send({ type: 'idle', id, idle: quiet >= IDLE_WINDOWS, waitedMs: Math.round(performance.now() - started) });
  },
  async sql({ id }) {
    send({ type: 'sql', id, total: sqlStatementTotal() });
  },
  async profile({ id, action, file }) {
    if (action === 'start') {
      profiler = new Session();
      profiler.connect();
      await post(profiler, 'Profiler.enable');
      await post(profiler, 'Profiler.setSamplingInterval', { interval: 250 });
      await post(profiler, 'Profiler.start');
      send({ type: 'profile', id, file: null });
      return;
    }
    if (!profiler || !file) throw new Error('no profile under way');
    const { profile } = await post<{ profile: object }>(profiler, 'Profiler.stop');
    profiler.disconnect();
    profiler = null;
    await writeFile(file, JSON.stringify(profile));
    send({ type: 'profile', id, file });
  },
  async stop() {
    await shutdown(0);
  },
};

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Bounded: a stuck close must not keep the benchmark from finishing.
  setTimeout(() => process.exit(code || 3), 10_000).unref();
  await Promise.allSettled(bares.map((bare) => bare.stop()));
  await hub?.stop().catch(() => undefined);
  process.exit(code);
}

process.on('message', (message: ToStack) => {
  const handler = handlers[message.type] as ((m: ToStack) => Promise<void>) | undefined;
  if (!handler) return send({ type: 'failed', id: 'id' in message ? message.id : undefined, message: `unknown or unavailable request ${message.type}` });
  handler(message).catch((error: unknown) => {
    send({ type: 'failed', id: 'id' in message ? message.id : undefined, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
// The benchmark went away: never outlive it.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => undefined);
