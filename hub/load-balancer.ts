import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { repoRoot } from '../platform/config';

/**
 * HAProxy in front of gateway replicas: its configuration, written from `hub/haproxy.cfg.template`,
 * and the process. `npm run cluster` (hub/cluster.ts) and the replica test
 * (test/faults/replicas.test.ts) both start it through here, so what the test proves is what the
 * cluster runs.
 */

export const TEMPLATE = path.join(repoRoot, 'hub', 'haproxy.cfg.template');

/** How HAProxy checks each gateway's `/health/ready`. */
export interface HealthCheck {
  /** Between checks of a replica in a steady state (up, or down). */
  interMs: number;
  /** Between checks once one has failed (or passed, for a replica that is down): the transition is confirmed fast. */
  fastInterMs: number;
  /** Failed checks in a row that take a replica out of rotation. */
  fall: number;
  /** Passed checks in a row that put it back. */
  rise: number;
  /** Longest a check may take. */
  timeoutMs: number;
}

/**
 * Half a second between checks keeps the probes cheap (each ready check asks every subgraph), and
 * two failures confirm a drain: one slow check on a busy machine does not take a replica out, nor
 * does a check slower than a second (the readiness route gives each subgraph a second and a half).
 */
export const HEALTH_CHECK: HealthCheck = { interMs: 500, fastInterMs: 100, fall: 2, rise: 2, timeoutMs: 3_000 };

/**
 * How long a draining gateway should keep serving after its readiness turned 503 (its
 * DRAIN_LEAD_MS), so that HAProxy has taken the replica out before it refuses a request: the wait
 * for `fall` failed checks, twice over, plus up to a second for each of them to be answered (a
 * draining gateway answers at once, but its event loop is busy with the requests it finishes).
 * 3.2 s with {@link HEALTH_CHECK}; the replica test saw HAProxy take a replica out 0.6–1.0 s after
 * SIGTERM on a loaded machine.
 */
export function drainLeadMs(check: HealthCheck = HEALTH_CHECK): number {
  return 2 * (check.interMs + (check.fall - 1) * check.fastInterMs) + check.fall * Math.min(check.timeoutMs, 1_000);
}

export interface Replica {
  /** HAProxy's name for it (in its log and stats). */
  name: string;
  host: string;
  port: number;
}

export interface LoadBalancerOptions {
  host: string;
  port: number;
  replicas: readonly Replica[];
  /** A UNIX socket for HAProxy's runtime API (`show stat`), e.g. for tests. */
  statsSocket?: string;
  /** One JSON line per request on stdout ({@link AccessLine}). */
  accessLog?: boolean;
  check?: HealthCheck;
}

/** What HAProxy logs per request with `accessLog`. */
export interface AccessLine {
  /** The client's `x-request-id`, as sent. */
  requestId: string;
  /** `gateways` (ready replicas), or `gateways-live` when none was ready. */
  backend: string;
  /** The replica that answered (`<NOSRV>` when none was available). */
  server: string;
  status: number;
  /** HAProxy's termination state: `--` a normal end, `SH` the server went away before it answered, … */
  termination: string;
  /** When HAProxy accepted the request (ms since the epoch). */
  acceptedAt: number;
  totalMs: number;
  /** Connection attempts that were retried (on another replica with `redispatch`). */
  retries: number;
}

const ACCESS_LOG_FORMAT = String.raw`    log-format "{\"requestId\":\"%[capture.req.hdr(0)]\",\"backend\":\"%b\",\"server\":\"%s\",\"status\":%ST,\"termination\":\"%tsc\",\"acceptedAt\":%Ts%ms,\"totalMs\":%Tt,\"retries\":\"%rc\"}"`;

/** An access-log line as printed (`null` for any other line HAProxy prints). */
export function parseAccessLine(line: string): AccessLine | null {
  if (!line.startsWith('{"requestId"')) return null;
  const parsed = JSON.parse(line) as Omit<AccessLine, 'retries'> & { retries: string };
  // `%rc` reads `+1` when the retry went to another replica (redispatch).
  return { ...parsed, retries: Number(parsed.retries.replace('+', '')) };
}

/** The configuration text: the template with its placeholders filled in. */
export function haproxyConfig(options: LoadBalancerOptions): string {
  const check = options.check ?? HEALTH_CHECK;
  const values: Record<string, string> = {
    host: options.host,
    port: String(options.port),
    statsSocket: options.statsSocket ? `    stats socket ${options.statsSocket} mode 600 level admin` : '',
    logTarget: options.accessLog ? '    log stdout format raw local0' : '',
    accessLog: options.accessLog ? ACCESS_LOG_FORMAT : '    no log',
    checkTimeoutMs: String(check.timeoutMs),
    interMs: String(check.interMs),
    fastInterMs: String(check.fastInterMs),
    fall: String(check.fall),
    rise: String(check.rise),
    servers: options.replicas.map((r) => `    server ${r.name} ${r.host}:${r.port} check`).join('\n'),
  };
  return readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (_match, key: string) => {
    if (!(key in values)) throw new Error(`${TEMPLATE}: unknown placeholder {{${key}}}`);
    return values[key];
  });
}

/** A replica's state as HAProxy sees it (`show stat`). */
export interface ReplicaState {
  name: string;
  /** `UP`, `DOWN`, `UP 1/2` (going down), `DOWN 1/2` (coming up), `MAINT`, … */
  status: string;
  /** Requests it is handling now. */
  current: number;
  /** Requests sent to it so far. */
  total: number;
}

export interface LoadBalancer {
  url: string;
  /** HAProxy's guard ({@link HAPROXY_GUARD}): it exits when HAProxy does. */
  process: ChildProcessByStdio<Writable, Readable, Readable>;
  configFile: string;
  /** What the ready replicas (backend `gateways`) look like to HAProxy now (needs `statsSocket`). */
  states(): Promise<ReplicaState[]>;
  /** Stops HAProxy (SIGTERM: at once; the gateways have drained before) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Runs HAProxy (its arguments after `-e`) and stops it (SIGTERM) when its stdin, a pipe from
 * whoever started it, closes: that process died, even by SIGKILL, and nothing else would stop
 * HAProxy (it reads no stdin itself). SIGTERM and SIGINT are passed on; it exits as HAProxy does.
 */
const HAPROXY_GUARD = `
const haproxy = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'inherit', 'inherit'] });
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => haproxy.kill(signal));
process.stdin.on('end', () => haproxy.kill('SIGTERM')).resume();
haproxy.on('exit', (code, signal) => process.exit(code ?? 128 + require('node:os').constants.signals[signal]));
`;

/**
 * Writes the configuration into `dir`, checks it (`haproxy -c`) and starts HAProxy in the
 * foreground; `onLine` hears each line it prints (the access log, warnings). Resolves once it
 * listens.
 */
export async function startLoadBalancer(bin: string, dir: string, options: LoadBalancerOptions, onLine: (line: string, stream: 'stdout' | 'stderr') => void = () => undefined): Promise<LoadBalancer> {
  const configFile = path.join(dir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig(options));
  // Under a guard, in a process group of its own: a terminal's Ctrl-C does not stop it while the
  // gateways drain (the caller stops it after them), and it stops when its starter dies.
  const child = spawn(process.execPath, ['-e', HAPROXY_GUARD, bin, '-db', '-f', configFile], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  readline.createInterface({ input: child.stdout }).on('line', (line) => onLine(line, 'stdout'));
  readline.createInterface({ input: child.stderr }).on('line', (line) => onLine(line, 'stderr'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(options.host, options.port))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`haproxy exited during start-up (${child.exitCode ?? child.signalCode}); configuration in ${configFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`haproxy did not listen on ${options.host}:${options.port} within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://${options.host}:${options.port}/graphql`,
    process: child,
    configFile,
    states: () => {
      if (!options.statsSocket) throw new Error('states() needs a statsSocket');
      return replicaStates(options.statsSocket);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether something accepts connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One command on HAProxy's runtime API socket, its whole answer. */
function runtimeCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(socketPath, () => socket.end(`${command}\n`));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(answer));
  });
}

async function replicaStates(socketPath: string): Promise<ReplicaState[]> {
  // `show stat` is CSV whose first line names the columns (after "# ").
  const [header, ...rows] = (await runtimeCommand(socketPath, 'show stat')).trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)];
  return rows
    .map((line) => line.split(','))
    .filter((row) => at(row, 'pxname') === 'gateways' && at(row, 'svname') !== 'BACKEND')
    .map((row) => ({ name: at(row, 'svname'), status: at(row, 'status'), current: Number(at(row, 'scur')), total: Number(at(row, 'stot')) }));
}
