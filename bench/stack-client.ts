import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseServer } from '../platform/database';
import type { BareIdentity, FromStack, LOG_LEVELS, PeerGateway, StackServices, ToStack } from './protocol';

type Reply<T extends FromStack['type']> = Extract<FromStack, { type: T }>;

/** The forked stack under test, as the benchmark drives it. */
export interface StackClient {
  pid: number;
  /** The Frontera gateway's URL, `null` in a process that runs only subgraphs. */
  gatewayUrl: string | null;
  subgraphUrls: Record<string, string>;
  /** Keys of `env` the process's hub did not know (and so ignored). */
  ignoredEnv: string[];
  /** Starts a peer gateway (bare @apollo/gateway by default) acting as `identity` in the child; resolves to its URL. */
  startBare(identity: BareIdentity, organisation?: string, gateway?: PeerGateway): Promise<string>;
  /** Waits until the child is idle (at most `timeoutMs`); false when it never was. */
  waitIdle(timeoutMs?: number): Promise<boolean>;
  /** SQL statements the child's subgraphs have run so far. */
  sqlTotal(): Promise<number>;
  startProfile(): Promise<void>;
  /** Stops the CPU profile and writes it (a `.cpuprofile` JSON) to `file`. */
  stopProfile(file: string): Promise<void>;
  /** Asks the child to close every server, then kills it if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/** How to start one process of a stack under test. */
export interface StackOptions {
  database: DatabaseServer;
  secretsDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  logFile: string;
  /** What the process runs: everything (as `npm start`), only the subgraphs, or only the gateways. */
  services: StackServices;
  /** Where the subgraphs are, for a process that runs only the gateways. */
  subgraphUrls?: Record<string, string>;
  /** Extra hub settings (see protocol.ts). */
  env?: Record<string, string>;
  /** The compiled stack script to fork: this tree's by default, a baseline worktree's for the race against it. */
  script?: string;
  execArgv?: string[];
  startTimeoutMs?: number;
}

/** A stack process that runs a Frontera gateway. */
export type GatewayProcess = StackClient & { gatewayUrl: string };

/** Narrows a started process to one that runs the Frontera gateway (throws when it does not). */
export function withGateway(client: StackClient): GatewayProcess {
  if (!client.gatewayUrl) throw new Error('the stack process that should run the gateway has none');
  return client as GatewayProcess;
}

/**
 * Forks bench/stack.ts (or `options.script`) with its output appended to `logFile` (so its request log costs what it
 * costs in production and never reaches the terminal) and waits until every server listens.
 */
export async function startStack(options: StackOptions): Promise<StackClient> {
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = fork(options.script ?? path.join(__dirname, 'stack.js'), [], { stdio: ['ignore', out, out, 'ipc'], execArgv: options.execArgv ?? [], env: { ...process.env, NODE_ENV: 'production' } });
  } finally {
    closeSync(out);
  }
  const waiting = new Map<number, { resolve(message: FromStack): void; reject(error: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let onReady: ((message: FromStack) => void) | null = null;
  child.on('message', (message: FromStack) => {
    if (message.type === 'ready' || (message.type === 'failed' && message.id === undefined)) return onReady?.(message);
    const pending = 'id' in message && message.id !== undefined ? waiting.get(message.id) : undefined;
    if (!pending) return;
    waiting.delete(message.id!);
    if (message.type === 'failed') pending.reject(new Error(`stack: ${message.message}`));
    else pending.resolve(message);
  });
  child.once('exit', (code, signal) => {
    exited = true;
    const error = new Error(`the stack process exited (${signal ?? `code ${code}`}); see ${options.logFile}`);
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
    onReady?.({ type: 'failed', message: error.message });
  });

  const request = <T extends FromStack['type']>(message: Omit<Extract<ToStack, { type: T }>, 'id'>, timeoutMs = 60_000): Promise<Reply<T>> => {
    if (exited) return Promise.reject(new Error('the stack process is not running'));
    const id = nextId++;
    return new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`stack: no answer to ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply as Reply<T>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      child.send({ ...message, id } as ToStack);
    });
  };

  const { stop: _stop, ...database } = options.database;
  const ready = await new Promise<FromStack>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start within ${options.startTimeoutMs ?? 120_000} ms; see ${options.logFile}`)), options.startTimeoutMs ?? 120_000);
    onReady = (message) => {
      clearTimeout(timer);
      resolve(message);
    };
    child.send({ type: 'start', database, secretsDir: options.secretsDir, logLevel: options.logLevel, services: options.services, subgraphUrls: options.subgraphUrls, ...(options.env ? { env: options.env } : {}) } satisfies ToStack);
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  onReady = null;
  if (ready.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`the stack failed to start: ${ready.type === 'failed' ? ready.message : ready.type}`);
  }

  return {
    pid: ready.pid,
    gatewayUrl: ready.gatewayUrl,
    subgraphUrls: ready.subgraphUrls,
    ignoredEnv: ready.ignoredEnv ?? [],
    startBare: async (identity, organisation, gateway) => (await request<'bare'>({ type: 'bare', identity, organisation, ...(gateway ? { gateway } : {}) })).url,
    waitIdle: async (timeoutMs = 20_000) => (await request<'idle'>({ type: 'idle', timeoutMs }, timeoutMs + 5_000)).idle,
    sqlTotal: async () => (await request<'sql'>({ type: 'sql' }, 10_000)).total,
    startProfile: async () => void (await request<'profile'>({ type: 'profile', action: 'start' })),
    stopProfile: async (file) => void (await request<'profile'>({ type: 'profile', action: 'stop', file })),
    async stop(timeoutMs = 15_000) {
      if (exited) return;
      child.send({ type: 'stop' } satisfies ToStack);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
