/**
 * The fault suite's harness: real processes, a PostgreSQL that can be stopped, bounded load, and a
 * check of the access log against what the clients saw. A case reads:
 *
 *   const db = await startFaultDatabase('pg-outage');      // its own embedded PostgreSQL (child process),
 *                                                          // migrated and seeded: db.stop(), db.start(),
 *                                                          // db.query(sql), db.server, db.adminUrl, db.close()
 *   const hub = await startFaultHub(db, {                  // the hub as real processes (`HUB_SERVICES`)
 *     processes: { gateway: ['gateway'], core: ['operations', 'training', 'audit', 'frontex', 'iom'], wco: ['wco'] },
 *     env: { SUBGRAPH_TIMEOUT_MS: '3000' },                // extra settings for every process (or per process:
 *   });                                                    // `processEnv: { wco: {...} }`)
 *   hub.gatewayUrl; hub.gatewayBase; hub.gatewayUrlOf('a');  // several gateway processes get a port each
 *   hub.process('wco').kill('SIGKILL'); await hub.process('wco').start();   // waits for /health/ready
 *   await readiness(hub.gatewayBase);                      // { status, body } of /health/ready
 *   const plan = await loadPlan(hub.gatewayUrl);           // tokens (local issuer) and a screening site
 *   const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 4, maxRequests: 4000, maxMs: 60_000 });
 *   ... await waitFor(() => …, { timeoutMs, what }) ...    // poll a condition against a deadline
 *   await sendRequest(hub.gatewayUrl, 'label', 'query', { query, token, purpose });   // one request, recorded
 *   const responses = await load.stop();                   // every response: status, x-request-id sent, data?, codes
 *   const log = await checkAccessLog(db, responses);       // eventsLost, duplicated, mutationsWithoutEvent,
 *                                                          // failed (by code), events by request id, verify
 *   console.log(figures('case', log, { … }));              // (audit:verify's report over the whole store)
 *   await hub.stop(); await db.close();
 *
 * A process on a clock that is off: `nodeArgs: { name: ['-r', skewClockPreload] }` with
 * `processEnv: { name: { FAULT_CLOCK_OFFSET_MS: '-10000' } }`. A hub meant to be not ready (a subgraph refusing
 * the gateway): `gatewayLiveOnly: true`. `kill(signal)` resolves with the exit code (SIGTERM: 0 on a clean drain).
 *
 * Processes are started with `node test/faults/launch.js hub/main.ts` (compiled on the fly, no
 * build step) against the fault database (`DATABASE_URL`, so they start no PostgreSQL of their
 * own), with the secrets of the test suite. Every port is picked free; each subgraph, partners
 * included, listens where `SUBGRAPH_URLS` says, so fault hubs never clash with a running hub.
 * `waitFor` polls a condition against a deadline: no case asserts after a fixed sleep.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Client } from 'pg';
import { inSnapshot } from '../../access-log/log';
import { loadAuditSigningKey } from '../../access-log/signing';
import { verifyAuditLog, type VerifyReport } from '../../access-log/verify';
import { findScreeningSite, SCREEN_MUTATION, BENCH_ISSUING_COUNTRY, type ScreeningSite } from '../../bench/scenarios';
import { Classification, loadOrCreateLocalIssuer, mintToken, Role, type LocalIssuer } from '../../identity';
import { repoRoot } from '../../platform/config';
import type { DatabaseServer } from '../../platform/database';
import { keyedHash, loadSecrets } from '../../platform/secrets';
import { readRegistry } from '../../subgraphs/partners/partner-registry';
import { testConfig } from '../database';
import { freePortBlock } from '../ports';

const LAUNCH = path.join(__dirname, 'launch.js');

/**
 * Port ranges, below Linux's ephemeral range (32768–60999): a port found free there can be taken
 * by any outgoing connection before a hub process, started seconds later, binds it.
 */
const PORTS = { database: [12_000, 15_000], hub: [15_000, 32_000] } as const;

/** Every subgraph the hub runs, core first (the order of their default ports), then local partners. */
export const SUBGRAPHS: readonly string[] = ['operations', 'training', 'audit', ...readRegistry().partners.filter((p) => !p.schema).map((p) => p.code)];

/** The test suite's secrets folder: the same keys as every other test (audit key, issuer, gateway). */
export const secretsDir = (): string => testConfig().SECRETS_DIR;

/** Polls `condition` every `intervalMs` until it returns something truthy, or fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(condition: () => Promise<T> | T, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL that a test can stop and start

export interface FaultDatabase {
  /** Admin connection as the hub would get it from DATABASE_URL. */
  adminUrl: string;
  server: DatabaseServer;
  /** Fast shutdown (clients are disconnected, transactions aborted); resolves once it is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** One statement as the admin (a short-lived connection). */
  query<Row = any>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Stops PostgreSQL and its control process. */
  close(): Promise<void>;
}

/**
 * A PostgreSQL of its own for one fault case: an embedded server in `.frontera/pgdata-faults-<name>`
 * (initialised on first use, 1–4 s; later starts take well under a second) on a free port,
 * controlled by a child process, with a fresh database `frontera_faults_<name>` migrated and
 * seeded as `npm start` does it.
 */
export async function startFaultDatabase(name: string): Promise<FaultDatabase> {
  const port = await freePortBlock([0], PORTS.database[0], PORTS.database[1]);
  const database = `frontera_faults_${name.replace(/[^a-z0-9]/g, '_')}`;
  const child = spawn(process.execPath, [LAUNCH, 'test/faults/database-control.ts'], {
    cwd: repoRoot,
    // A data folder per case: cases run in parallel, and each stops its own server.
    env: { ...process.env, FAULT_PG_DIR: path.join(repoRoot, '.frontera', `pgdata-faults-${name}`), FAULT_PG_PORT: String(port), FAULT_DATABASE: database, SECRETS_DIR: secretsDir() },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const answers: ((line: Record<string, any>) => void)[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let parsed: Record<string, any>;
    try {
      parsed = JSON.parse(line) as Record<string, any>;
    } catch {
      return; // a log line
    }
    answers.shift()?.(parsed);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const command = (line: string, timeoutMs = 120_000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`database control: no answer to ${line} within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      answers.push((answer) => {
        clearTimeout(timer);
        if (answer.ok) resolve(answer);
        else reject(new Error(`database control: ${line} failed: ${answer.error}\n${stderr}`));
      });
      child.stdin.write(`${line}\n`);
    });
  void exited.then(() => {
    for (const waiting of answers.splice(0)) waiting({ ok: false, error: `control process exited\n${stderr}` });
  });
  try {
    const started = await command('start', 180_000);
    const adminUrl = started.url as string;
    const url = new URL(adminUrl);
    const server: DatabaseServer = {
      host: url.hostname,
      port,
      adminUser: decodeURIComponent(url.username),
      adminPassword: decodeURIComponent(url.password),
      database,
      stop: async () => undefined,
    };
    return {
      adminUrl,
      server,
      stop: async () => void (await command('stop')),
      start: async () => void (await command('start')),
      async query(sql, params) {
        const client = new Client({ connectionString: adminUrl });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      async close() {
        if (child.exitCode === null) {
          await command('quit').catch(() => undefined);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 20_000)))]);
          clearTimeout(timer);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The hub as real processes

export interface HubProcess {
  name: string;
  services: readonly string[];
  /** Its pid while running. */
  pid(): number | null;
  /** Starts it (again) and waits until every service it runs answers /health/ready with 200. */
  start(options?: { waitReady?: boolean }): Promise<void>;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** What it printed so far (this run). */
  output(): { stdout: string; stderr: string };
}

export interface FaultHub {
  /** The gateway's `/graphql` (the first process that runs one). */
  gatewayUrl: string;
  /** Base URL of that gateway (for /health/*). */
  gatewayBase: string;
  /** `/graphql` of the gateway run by process `name`, when several are. */
  gatewayUrlOf(name: string): string;
  subgraphUrl(name: string): string;
  process(name: string): HubProcess;
  stop(): Promise<void>;
}

export interface FaultHubOptions {
  /** Process name → the services it runs (`HUB_SERVICES`); together they must cover the gateway and every subgraph. */
  processes: Record<string, readonly string[]>;
  /** Settings for every process. */
  env?: Record<string, string>;
  /** Settings for one process, over `env`. */
  processEnv?: Record<string, Record<string, string>>;
  /** Node options for one process, e.g. `['-r', skewClockPreload]` (see skew-clock.js). */
  nodeArgs?: Record<string, string[]>;
  /** Wait for the gateway's `/health/live` instead of `/health/ready` (a case whose hub is meant to be not ready). */
  gatewayLiveOnly?: boolean;
  /**
   * Where the gateways reach some subgraphs instead of their own port (e.g. a proxy in the test),
   * given where each subgraph listens; called once the ports are chosen, before anything starts.
   */
  gatewayRoutes?(subgraphUrl: (name: string) => string): Record<string, string>;
}

/** `test/faults/skew-clock.js`: preload it (`nodeArgs`) with FAULT_CLOCK_OFFSET_MS to run one process on a clock that is off. */
export const skewClockPreload = path.join(__dirname, 'skew-clock.js');

/** `/health/ready` of `base`, as status and body (status 0 when nothing answers). */
export async function readiness(base: string): Promise<{ status: number; body: any }> {
  try {
    const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    return { status: 0, body: { error: (error as Error).message } };
  }
}

/** Starts the hub's services as separate processes against `db`, gateway last, each ready before the call returns. */
export async function startFaultHub(db: FaultDatabase, options: FaultHubOptions): Promise<FaultHub> {
  const covered = new Set(Object.values(options.processes).flat());
  for (const needed of ['gateway', ...SUBGRAPHS]) if (!covered.has(needed)) throw new Error(`startFaultHub: no process runs ${needed}`);
  const gateways = Object.keys(options.processes).filter((name) => options.processes[name].includes('gateway'));
  const base = await freePortBlock(Array.from({ length: SUBGRAPHS.length + gateways.length }, (_, i) => i), PORTS.hub[0], PORTS.hub[1]);
  const gatewayPorts = new Map(gateways.map((name, i) => [name, base + SUBGRAPHS.length + i]));
  const gatewayPort = base + SUBGRAPHS.length;
  const ports = new Map(SUBGRAPHS.map((name, i) => [name, base + i]));
  const subgraphUrl = (name: string) => `http://127.0.0.1:${ports.get(name)}/graphql`;
  // A witness of its own per hub: the fault databases are recreated by name on every run, and a
  // witness that outlived its database would (rightly) report the chains it saw as lost.
  const witnessRoot = mkdtempSync(path.join(os.tmpdir(), 'frontera-fault-witness-'));
  const env = {
    AUDIT_WITNESS_DIR: witnessRoot,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.adminUrl,
    SECRETS_DIR: secretsDir(),
    SEED: 'false',
    HOST: '127.0.0.1',
    PUBLIC_HOST: '127.0.0.1',
    SUBGRAPH_PORT_BASE: String(base),
    SUBGRAPH_URLS: SUBGRAPHS.map((name) => `${name}=${subgraphUrl(name)}`).join(','),
    APOLLO_TELEMETRY_DISABLED: 'true',
    ...options.env,
  };
  const routes = options.gatewayRoutes?.(subgraphUrl) ?? {};
  const gatewaySubgraphUrls = SUBGRAPHS.map((name) => `${name}=${routes[name] ?? subgraphUrl(name)}`).join(',');
  const healthBases = (name: string, services: readonly string[]) =>
    services.map((service) => (service === 'gateway' ? `http://127.0.0.1:${gatewayPorts.get(name)}` : `http://127.0.0.1:${ports.get(service)}`));
  const healthy = async (base: string) => {
    if (!(options.gatewayLiveOnly && [...gatewayPorts.values()].some((p) => base.endsWith(`:${p}`)))) return (await readiness(base)).status === 200;
    return (await fetch(`${base}/health/live`).catch(() => null))?.status === 200;
  };

  const processes = new Map<string, HubProcess>();
  for (const [name, services] of Object.entries(options.processes)) {
    let child: ChildProcessByStdio<Writable | null, Readable, Readable> | null = null;
    let exited: Promise<number | null> = Promise.resolve(null);
    let out = { stdout: '', stderr: '' };
    const gatewayEnv = gatewayPorts.has(name) ? { GATEWAY_PORT: String(gatewayPorts.get(name)), ...(services.length === 1 ? { SUBGRAPH_URLS: gatewaySubgraphUrls } : {}) } : {};
    const processEnv: NodeJS.ProcessEnv = { ...process.env, ...env, ...gatewayEnv, ...options.processEnv?.[name], HUB_SERVICES: services.join(',') };
    delete processEnv.EMBEDDED_PG_PORT;
    const hubProcess: HubProcess = {
      name,
      services,
      pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid ?? null : null),
      async start(startOptions = {}) {
        if (hubProcess.pid()) throw new Error(`${name} is already running`);
        out = { stdout: '', stderr: '' };
        const current = spawn(process.execPath, [...(options.nodeArgs?.[name] ?? []), LAUNCH, 'hub/main.ts'], { cwd: repoRoot, env: processEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        child = current;
        current.stdout.on('data', (chunk) => (out.stdout += chunk));
        current.stderr.on('data', (chunk) => (out.stderr += chunk));
        exited = new Promise((resolve) => current.once('exit', (code) => resolve(code)));
        if (startOptions.waitReady === false) return;
        const failed = (reason: string) => new Error(`${name} (${services.join(', ')}) ${reason}\n--- ${name} output ---\n${out.stdout.slice(-3000)}\n${out.stderr.slice(-3000)}`);
        await waitFor(
          // An exit ends the wait at once (and fails below) instead of polling a dead process.
          async () => current.exitCode !== null || current.signalCode !== null || (await Promise.all(healthBases(name, services).map(healthy))).every(Boolean),
          { timeoutMs: 90_000, intervalMs: 200, what: `${name} (${services.join(', ')}) to be ready` },
        ).catch((error: Error) => {
          throw failed(error.message);
        });
        if (current.exitCode !== null || current.signalCode !== null) throw failed(`exited during start-up (${current.exitCode ?? current.signalCode})`);
      },
      async kill(signal) {
        const current = child;
        if (!current || current.exitCode !== null || current.signalCode !== null) return current?.exitCode ?? null;
        current.kill(signal);
        return exited;
      },
      output: () => ({ ...out }),
    };
    processes.set(name, hubProcess);
  }
  const stop = async () => {
    await Promise.all([...processes.values()].map((p) => p.kill('SIGKILL')));
    rmSync(witnessRoot, { recursive: true, force: true });
  };
  try {
    // Subgraphs first (the gateway's readiness asks them), in parallel.
    await Promise.all([...processes.values()].filter((p) => !p.services.includes('gateway')).map((p) => p.start()));
    await Promise.all([...processes.values()].filter((p) => p.services.includes('gateway')).map((p) => p.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
    gatewayBase: `http://127.0.0.1:${gatewayPort}`,
    gatewayUrlOf: (name) => `http://127.0.0.1:${gatewayPorts.get(name)}/graphql`,
    subgraphUrl,
    process(name) {
      const found = processes.get(name);
      if (!found) throw new Error(`no process ${name}`);
      return found;
    },
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Bounded load

/** One request of the mix. */
export interface LoadOperation {
  /** Short name for reports. */
  name: string;
  kind: 'query' | 'mutation';
  /** How often it is picked, relative to the others. */
  weight: number;
  /** Body and headers of the `n`th request of this operation; `documentNumber` when it screens one. */
  build(n: number): { query: string; variables?: Record<string, unknown>; token: string; purpose?: string; documentNumber?: string };
}

/** What one client saw. */
export interface ResponseRecord {
  /** The `x-request-id` the client sent. */
  requestId: string;
  operation: string;
  kind: 'query' | 'mutation';
  /** The document number a screening sent (its effect row is found by it). */
  documentNumber?: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status; 0 when no HTTP answer came (connection refused or reset, timeout). */
  status: number;
  /** HTTP 200 with data: an answer the client can use, so its access event must exist. */
  answered: boolean;
  /** `extensions.code` of each error, in order; for a failed connection the error's name. */
  codes: string[];
  /** The first error's message, or the connection failure. */
  message?: string;
  /** Data came back with errors: some fields failed. */
  partial: boolean;
}

export interface Load {
  /** Responses so far (the array grows while the load runs). */
  responses: ResponseRecord[];
  /** Stops issuing requests, waits for those in flight and returns every response. */
  stop(): Promise<ResponseRecord[]>;
  /** Resolves when the load ended by itself (maxRequests or maxMs reached). */
  done: Promise<ResponseRecord[]>;
}

/** Sends one GraphQL request with a fresh `x-request-id` and records what the client saw (never throws). */
export async function sendRequest(
  gatewayUrl: string,
  operation: string,
  kind: 'query' | 'mutation',
  built: ReturnType<LoadOperation['build']>,
  timeoutMs = 20_000,
): Promise<ResponseRecord> {
  const requestId = `fault-${randomUUID()}`;
  const record: ResponseRecord = { requestId, operation, kind, documentNumber: built.documentNumber, startedAt: Date.now(), endedAt: 0, status: 0, answered: false, codes: [], partial: false };
  try {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${built.token}`, 'x-request-id': requestId, ...(built.purpose ? { 'x-purpose': built.purpose } : {}) },
      body: JSON.stringify({ query: built.query, variables: built.variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    record.status = response.status;
    const text = await response.text();
    const body = JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[] };
    record.codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
    record.message = body.errors?.[0]?.message;
    record.answered = response.status === 200 && !!body.data && Object.values(body.data).some((v) => v !== null);
    record.partial = record.answered && (body.errors ?? []).length > 0;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    record.codes = [cause?.code ?? (error as Error).name];
    record.message = (error as Error).message;
  }
  record.endedAt = Date.now();
  return record;
}

/**
 * N workers on 127.0.0.1, each sending one request at a time from the weighted `mix`, until
 * `stop()`, `maxRequests` or `maxMs`, whichever first (the load is always bounded). Each request
 * carries a fresh `x-request-id`; every response is recorded, failures included.
 */
export function startLoad(gatewayUrl: string, mix: readonly LoadOperation[], options: { workers?: number; maxRequests?: number; maxMs?: number; requestTimeoutMs?: number } = {}): Load {
  const workers = options.workers ?? 6;
  const maxRequests = options.maxRequests ?? 5_000;
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const total = mix.reduce((sum, op) => sum + op.weight, 0);
  const responses: ResponseRecord[] = [];
  const counters = new Map<string, number>();
  let issued = 0;
  let stopped = false;
  const pick = (i: number) => {
    let point = (i * 7919) % total;
    for (const op of mix) if ((point -= op.weight) < 0) return op;
    return mix[mix.length - 1];
  };
  const one = async (op: LoadOperation) => {
    const n = (counters.get(op.name) ?? 0) + 1;
    counters.set(op.name, n);
    responses.push(await sendRequest(gatewayUrl, op.name, op.kind, op.build(n), options.requestTimeoutMs));
  };
  const worker = async () => {
    while (!stopped && issued < maxRequests && Date.now() < deadline) {
      const op = pick(issued++);
      await one(op);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker)).then(() => responses);
  return {
    responses,
    done,
    stop: async () => {
      stopped = true;
      return done;
    },
  };
}

/** Who the default mix acts as, and where it screens. */
export interface LoadPlan {
  site: ScreeningSite;
  admin: string;
  officer: string;
  /** Random per plan, so this run's screenings are told apart from any other's. */
  tag: string;
}

/** Tokens from the local demo issuer (the suite's secrets), for `caller`. */
export async function tokenFor(caller: { organisation: string; roles: Role[]; clearance?: Classification; ttlSeconds?: number }, issuer?: LocalIssuer): Promise<string> {
  const local = issuer ?? (await loadOrCreateLocalIssuer(secretsDir()));
  return mintToken(local, { subject: `fault.${caller.organisation}.${caller.roles.join('+').toLowerCase()}`, scopes: [], ttlSeconds: caller.ttlSeconds ?? 3600, ...caller });
}

/** Tokens and a screening site for the default mix (found, or deployed, through the gateway as a hub administrator). */
export async function loadPlan(gatewayUrl: string): Promise<LoadPlan> {
  const admin = await tokenFor({ organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.CONFIDENTIAL });
  const site = await findScreeningSite(gatewayUrl, { authorization: `Bearer ${admin}`, 'x-purpose': 'fault suite set-up' });
  const officer = await tokenFor({ organisation: site.organisation, roles: [Role.BORDER_OFFICER], clearance: Classification.RESTRICTED });
  return { site, admin, officer, tag: randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase() };
}

/** Queries on one subgraph. */
export const OPERATIONS_QUERY = 'query FaultOperations { operations(first: 5) { edges { node { code status } } } }';
/** A query across operations, training and a partner (WCO). */
export const JOIN_QUERY = 'query FaultJoin { operations(first: 3) { edges { node { code trainingSessions { id } wco { seizureCount } } } } }';

/** The default mix: a one-subgraph query, a three-subgraph join, and a screening (a write) in 2:2:1. */
export function defaultMix(plan: LoadPlan): LoadOperation[] {
  return [
    { name: 'operations', kind: 'query', weight: 2, build: () => ({ query: OPERATIONS_QUERY, token: plan.admin }) },
    { name: 'join', kind: 'query', weight: 2, build: () => ({ query: JOIN_QUERY, token: plan.admin }) },
    {
      name: 'screen',
      kind: 'mutation',
      weight: 1,
      build: (n) => {
        const documentNumber = `F${plan.tag}${String(n).padStart(7, '0')}`;
        return {
          query: SCREEN_MUTATION,
          variables: { input: { operationId: plan.site.operationId, checkpointId: plan.site.checkpointId, documentNumber, documentType: 'PASSPORT', issuingCountry: BENCH_ISSUING_COUNTRY } },
          token: plan.officer,
          purpose: `${plan.site.operationCode} fault suite`,
          documentNumber,
        };
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The access log against what clients saw

export interface StoredEvent {
  chainId: string;
  seq: number;
  requestId: string;
  outcome: string;
  refusalCode: string | null;
  subgraphs: string[];
  receivedBy: string | null;
  event: Record<string, any>;
}

export interface LogCheck {
  requests: number;
  answered: number;
  /** Requests the client could not use (no HTTP answer, an error status, or no data), by first code. */
  failed: number;
  failedByCode: Record<string, number>;
  /** Answered requests with no event of their request id: must be 0. */
  eventsLost: string[];
  /** Request ids with more than one gateway event saying how they ended (a mutation's `attempted` event aside). */
  duplicated: string[];
  /** Screenings whose row exists in the operations schema. */
  mutationEffects: number;
  /** Of those, rows whose request has no `attempted` event, committed before the mutation ran: must be 0. */
  mutationsWithoutEvent: string[];
  /** Mutations whose attempt is logged but whose outcome could not be (the client got no answer or 503). */
  attemptsWithoutOutcome: string[];
  /** The gateway's events of these requests that say how they ended, by request id. */
  events: Map<string, StoredEvent[]>;
  /** The `attempted` events of mutations, by request id. */
  attempts: Map<string, StoredEvent[]>;
  /** `audit:verify` over the whole store. */
  verify: VerifyReport;
}

/** Reads the access log and the screenings' rows as the admin and compares them with `responses`. */
export async function checkAccessLog(db: FaultDatabase, responses: readonly ResponseRecord[]): Promise<LogCheck> {
  const secrets = loadSecrets(secretsDir());
  const key = await loadAuditSigningKey(secretsDir());
  const client = new Client({ connectionString: db.adminUrl });
  await client.connect();
  try {
    const ids = responses.map((r) => r.requestId);
    const { rows } = await client.query<{ chain_id: string; seq: string; request_id: string; event: Record<string, any> }>(
      `select chain_id, seq::text as seq, request_id, event from audit.access_event where request_id = any($1::text[])`,
      [ids],
    );
    const events = new Map<string, StoredEvent[]>();
    const attempts = new Map<string, StoredEvent[]>();
    for (const row of rows) {
      const stored: StoredEvent = { chainId: row.chain_id, seq: Number(row.seq), requestId: row.request_id, outcome: row.event.outcome, refusalCode: row.event.refusalCode ?? null, subgraphs: row.event.subgraphs ?? [], receivedBy: row.event.receivedBy ?? null, event: row.event };
      if ((stored.receivedBy ?? 'gateway') !== 'gateway') continue; // a subgraph's record of a refused direct call
      const into = stored.outcome === 'attempted' ? attempts : events;
      into.set(row.request_id, [...(into.get(row.request_id) ?? []), stored]);
    }
    const screened = responses.filter((r) => r.documentNumber);
    const byRef = new Map(screened.map((r) => [keyedHash(secrets.screeningKey, `${BENCH_ISSUING_COUNTRY}:${r.documentNumber}`), r]));
    const effects = byRef.size
      ? (await client.query<{ subject_ref: string }>(`select subject_ref from operations."check" where subject_ref = any($1::text[])`, [[...byRef.keys()]])).rows
      : [];
    const failedByCode: Record<string, number> = {};
    for (const r of responses) if (!r.answered) failedByCode[r.codes[0] ?? `HTTP_${r.status}`] = (failedByCode[r.codes[0] ?? `HTTP_${r.status}`] ?? 0) + 1;
    const verify = await inSnapshot(client, () => verifyAuditLog(client, new Map([[key.kid, key.publicKey]])));
    return {
      requests: responses.length,
      answered: responses.filter((r) => r.answered).length,
      failed: responses.filter((r) => !r.answered).length,
      failedByCode,
      eventsLost: responses.filter((r) => r.answered && !events.has(r.requestId)).map((r) => r.requestId),
      duplicated: [...[...events.entries(), ...attempts.entries()]].filter(([, list]) => list.length > 1).map(([id]) => id),
      mutationEffects: effects.length,
      mutationsWithoutEvent: effects.map((e) => byRef.get(e.subject_ref)!.requestId).filter((id) => !attempts.has(id)),
      attemptsWithoutOutcome: [...attempts.keys()].filter((id) => !events.has(id)),
      events,
      attempts,
      verify,
    };
  } finally {
    await client.end();
  }
}

/** The figures a case reports, one line; with what the client saw of any request whose event is missing. */
export function figures(name: string, log: LogCheck, extra: Record<string, unknown> = {}, responses: readonly ResponseRecord[] = []): string {
  const missing = new Set([...log.eventsLost, ...log.mutationsWithoutEvent]);
  const seen = responses.filter((r) => missing.has(r.requestId)).map(({ requestId, operation, status, codes, message }) => ({ requestId, operation, status, codes, message }));
  return `${name}: ${JSON.stringify({ requests: log.requests, answered: log.answered, eventsLost: log.eventsLost.length, duplicated: log.duplicated.length, mutationEffects: log.mutationEffects, mutationsWithoutEvent: log.mutationsWithoutEvent.length, attemptsWithoutOutcome: log.attemptsWithoutOutcome.length, failed: log.failed, failedByCode: log.failedByCode, verify: log.verify.ok ? `ok (${log.verify.chains} chains, ${log.verify.events} events)` : log.verify.problems.slice(0, 3), ...extra, ...(seen.length ? { withoutEvent: seen } : {}) })}`;
}
