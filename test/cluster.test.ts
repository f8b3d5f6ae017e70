import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../platform/config';
import { Classification, Role } from '../identity';
import { freePortBlock } from './ports';
import { checkAccessLog, OPERATIONS_QUERY, readiness, secretsDir, sendRequest, startFaultDatabase, tokenFor, waitFor, type FaultDatabase } from './faults/harness';

// `npm run cluster` itself (hub/cluster.ts → hub/supervisor.ts), compiled on the fly: two gateway
// processes behind HAProxy against a scratch database. A query answers through HAProxy; a
// SIGKILLed gateway is started again; Ctrl-C (SIGINT to the supervisor's process group, as a
// terminal sends it) stops everything in order: each gateway drains once (no second signal cuts
// it), seals its chain `closed`, and no process of the cluster is left. A supervisor SIGKILLed
// leaves nothing running either.

const LAUNCH = path.join(__dirname, 'faults', 'launch.js');
const WRITER = 'cluster-test';
/** Subgraph ports are SUBGRAPH_PORT_BASE + their catalogue offset (partners from +10); the gateways' above. */
const GATEWAY_OFFSET = 20;

let db: FaultDatabase;
let supervisor: ChildProcess;
let witnessDir: string;
let output = '';

/** Every process whose parent is `pid`, and theirs. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after its last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => (parents.get(parent) ?? []).forEach((child) => (found.push(child), walk(child)));
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

/** The supervisor's child running gateway `n` (its environment names its chain). */
function gatewayPid(n: number): number | null {
  for (const pid of descendants(supervisor.pid!)) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`AUDIT_WRITER_ID=${WRITER}-gateway-${n}`)) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

afterAll(async () => {
  if (supervisor?.pid && alive(supervisor.pid)) {
    for (const pid of descendants(supervisor.pid)) process.kill(pid, 'SIGKILL');
    supervisor.kill('SIGKILL');
  }
  await db?.close();
  if (witnessDir) rmSync(witnessDir, { recursive: true, force: true });
}, 60_000);

beforeAll(async () => {
  db = await startFaultDatabase('cluster');
  witnessDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-cluster-witness-'));
}, 180_000);

/** `npm run cluster` with two gateways on free ports, chains named `<writer>-…`; resolves once it says it is ready. */
async function startCluster(writer: string): Promise<{ gatewayPort: number; replicaPort: (n: number) => number; exit: Promise<number | null> }> {
  output = '';
  const base = await freePortBlock([...Array.from({ length: 16 }, (_, i) => i), GATEWAY_OFFSET, GATEWAY_OFFSET + 1, GATEWAY_OFFSET + 2], 15_000, 32_000);
  const gatewayPort = base + GATEWAY_OFFSET;
  const replicaPort = (n: number) => gatewayPort + n;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.adminUrl,
    SECRETS_DIR: secretsDir(),
    AUDIT_WITNESS_DIR: witnessDir,
    AUDIT_WRITER_ID: writer,
    SEED: 'false',
    HOST: '127.0.0.1',
    PUBLIC_HOST: '127.0.0.1',
    SUBGRAPH_PORT_BASE: String(base),
    GATEWAY_PORT: String(gatewayPort),
    CLUSTER_GATEWAYS: '2',
    CLUSTER_GATEWAY_PORT_BASE: String(replicaPort(1)),
    APOLLO_TELEMETRY_DISABLED: 'true',
  };
  delete env.EMBEDDED_PG_PORT;
  delete env.METRICS_PORT;
  // A process group of its own, as a shell gives a foreground job: Ctrl-C is a SIGINT to the group.
  supervisor = spawn(process.execPath, ['-r', LAUNCH, 'hub/cluster.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  supervisor.stdout!.on('data', (chunk) => (output += chunk));
  supervisor.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
  await waitFor(() => output.includes('gateway processes behind HAProxy') || supervisor.exitCode !== null, { timeoutMs: 120_000, what: `the cluster to be ready\n${output}` });
  expect(output).toContain('(2 gateway processes behind HAProxy');
  return { gatewayPort, replicaPort, exit };
}

/** Each chain's seals, by the writer that opened it. */
const sealsOf = (writer: string) =>
  db.query<{ writer: string; sealed: string }>(`select o.writer, h.sealed from audit.chain_head h join audit.chain_head o on o.chain_id = h.chain_id and o.writer is not null where o.writer like $1 and h.sealed is not null order by o.writer, h.sealed`, [`${writer}-%`]);

test('npm run cluster: answers through HAProxy, restarts a killed gateway, and Ctrl-C stops every process with the gateways drained and their chains closed', async () => {
  const { gatewayPort, replicaPort, exit: supervisorExit } = await startCluster(WRITER);
  const url = `http://127.0.0.1:${gatewayPort}/graphql`;
  const admin = await tokenFor({ organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.CONFIDENTIAL });
  const ask = () => sendRequest(url, 'operations', 'query', { token: admin, query: OPERATIONS_QUERY, variables: {}, purpose: 'cluster test' } as never);
  const first = await ask();
  expect(first).toMatchObject({ status: 200, answered: true });

  // A gateway SIGKILLed is started again (after 1 s) and becomes ready.
  const killed = gatewayPid(2)!;
  expect(killed).toBeGreaterThan(0);
  process.kill(killed, 'SIGKILL');
  await waitFor(() => (gatewayPid(2) ?? killed) !== killed, { timeoutMs: 20_000, what: 'gateway-2 started again' });
  await waitFor(async () => (await readiness(`http://127.0.0.1:${replicaPort(2)}`)).status === 200, { timeoutMs: 60_000, what: 'gateway-2 ready again' });
  const second = await ask();
  expect(second).toMatchObject({ status: 200, answered: true });

  // Ctrl-C: the whole process group gets SIGINT; only the supervisor may act on it.
  const processes = descendants(supervisor.pid!);
  expect(processes.length).toBeGreaterThanOrEqual(2 + 2 + 3); // gateways, HAProxy and its guard, the subgraphs
  process.kill(-supervisor.pid!, 'SIGINT');
  expect(await supervisorExit).toBe(0);
  expect(processes.filter(alive)).toEqual([]);
  expect(output).not.toMatch(/second signal/);

  // Each gateway sealed its last chain `closed` (gateway-2's first, killed, chain sealed `recovered` by its restart).
  const seals = await sealsOf(WRITER);
  expect(seals.filter((s) => s.writer.startsWith(`${WRITER}-gateway-`))).toEqual([
    { writer: `${WRITER}-gateway-1`, sealed: 'closed' },
    { writer: `${WRITER}-gateway-2`, sealed: 'closed' },
    { writer: `${WRITER}-gateway-2`, sealed: 'recovered' },
  ]);
  // The subgraph processes that wrote a chain (a chain each, named after AUDIT_WRITER_ID) closed it too.
  expect(new Set(seals.filter((s) => !s.writer.startsWith(`${WRITER}-gateway-`)).map((s) => s.sealed))).toEqual(new Set(['closed']));
  const log = await checkAccessLog(db, [first, second]);
  expect(log.eventsLost).toEqual([]);
  expect(log.verify.problems).toEqual([]);
  expect(log.verify.open.filter((o) => o.writer?.startsWith(WRITER))).toEqual([]);
}, 180_000);

test('a supervisor SIGKILLed takes its children and HAProxy with it: each stops as on SIGTERM, chains closed', async () => {
  await startCluster('cluster-orphan');
  const processes = descendants(supervisor.pid!);
  supervisor.kill('SIGKILL');
  await waitFor(() => processes.filter(alive).length === 0, { timeoutMs: 40_000, what: 'every child gone after the supervisor was SIGKILLed' });
  const seals = await sealsOf('cluster-orphan');
  expect(seals.filter((s) => s.writer.startsWith('cluster-orphan-gateway-'))).toEqual([
    { writer: 'cluster-orphan-gateway-1', sealed: 'closed' },
    { writer: 'cluster-orphan-gateway-2', sealed: 'closed' },
  ]);
  expect(new Set(seals.map((s) => s.sealed))).toEqual(new Set(['closed']));
}, 180_000);
