import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drainLeadMs, parseAccessLine, startLoadBalancer, type AccessLine, type LoadBalancer, type ReplicaState } from '../../hub/load-balancer';
import { freePort } from '../ports';
import { checkAccessLog, defaultMix, figures, loadPlan, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// Three gateway replicas behind HAProxy (the configuration `npm run cluster` runs, from the same
// template), under bounded load through HAProxy. One replica gets SIGTERM: HAProxy sees its
// readiness turn 503 and takes it out while it still serves (DRAIN_LEAD_MS), so no client sees
// a failure from it, and it exits with its chain sealed. Another is SIGKILLed: only the requests
// in flight on it fail (HAProxy answers 502), at most as many as it was handling. Every answered
// request has exactly one event, in the chain of the replica HAProxy says answered it, and every
// chain verifies, the killed one reported with its unsigned window.

const HAPROXY = '/usr/sbin/haproxy';
const REPLICAS = ['gateway-a', 'gateway-b', 'gateway-c'] as const;
const WRITER: Record<string, string> = { 'gateway-a': 'replica-a', 'gateway-b': 'replica-b', 'gateway-c': 'replica-c' };
const DRAINED = 'gateway-a';
const KILLED = 'gateway-b';
const WORKERS = 6;
const LEAD_MS = drainLeadMs();

let db: FaultDatabase;
let hub: FaultHub;
let lb: LoadBalancer;
let dir: string;
const access: AccessLine[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-replicas-'));
  const started = Date.now();
  db = await startFaultDatabase('replicas');
  const databaseMs = Date.now() - started;
  hub = await startFaultHub(db, {
    processes: { subgraphs: SUBGRAPHS, ...Object.fromEntries(REPLICAS.map((name) => [name, ['gateway']])) },
    env: { DRAIN_LEAD_MS: String(LEAD_MS) },
    processEnv: Object.fromEntries(REPLICAS.map((name) => [name, { AUDIT_WRITER_ID: WRITER[name] }])),
  });
  lb = await startLoadBalancer(
    HAPROXY,
    dir,
    {
      host: '127.0.0.1',
      port: await freePort(),
      replicas: REPLICAS.map((name) => ({ name, host: '127.0.0.1', port: Number(new URL(hub.gatewayUrlOf(name)).port) })),
      statsSocket: path.join(dir, 'stats.sock'),
      accessLog: true,
    },
    (line) => {
      const parsed = parseAccessLine(line);
      if (parsed) access.push(parsed);
    },
  );
  await waitFor(async () => (await lb.states()).every((s) => s.status === 'UP'), { timeoutMs: 20_000, what: 'every replica UP in HAProxy' });
  console.log(`replicas set-up: database ${databaseMs} ms, hub processes and HAProxy ${Date.now() - started - databaseMs} ms`);
}, 240_000);

afterAll(async () => {
  await lb?.stop();
  await hub?.stop();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

test('SIGTERM to one replica and SIGKILL to another under load through HAProxy: only the killed one’s requests in flight fail, every answer has one event, every chain verifies', async () => {
  const plan = await loadPlan(lb.url);
  const load = startLoad(lb.url, defaultMix(plan), { workers: WORKERS, maxRequests: 3_000, maxMs: 50_000 });
  /** HAProxy's view of the replicas, polled every 25 ms from the SIGTERM on. */
  const states: { at: number; states: ReplicaState[] }[] = [];
  let polling = true;
  let poller: Promise<void> = Promise.resolve();
  const statusOf = (name: string) => (at: { states: ReplicaState[] }) => at.states.find((s) => s.name === name)?.status ?? '';
  let drainedAt = 0;
  let drainedExitedAt = 0;
  let drainedExit: number | null = null;
  let killedAt = 0;
  let killedExitedAt = 0;
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 60, { timeoutMs: 40_000, what: '60 answers before the faults' });
    poller = (async () => {
      while (polling) {
        // Timed when the answer arrived: a change is never dated earlier than it was seen.
        const now = await lb.states();
        states.push({ at: Date.now(), states: now });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    drainedAt = Date.now();
    const drained = hub
      .process(DRAINED)
      .kill('SIGTERM')
      .then((code) => {
        drainedExitedAt = Date.now();
        drainedExit = code;
      });
    await waitFor(() => states.some((s) => s.at > drainedAt && statusOf(DRAINED)(s).startsWith('DOWN')), { timeoutMs: 10_000, intervalMs: 20, what: `HAProxy to take ${DRAINED} out` });
    // Killed while it is handling requests (HAProxy's count of them), so the kill cuts some.
    await waitFor(async () => (await lb.states()).find((s) => s.name === KILLED)!.current > 0, { timeoutMs: 10_000, intervalMs: 10, what: `${KILLED} to be handling a request` });
    killedAt = Date.now();
    expect(await hub.process(KILLED).kill('SIGKILL')).toBeNull();
    killedExitedAt = Date.now();
    await drained;
    // The survivor carries the load alone for a while.
    const answeredBefore = load.responses.filter((r) => r.answered).length;
    await waitFor(() => load.responses.filter((r) => r.answered).length >= answeredBefore + 40, { timeoutMs: 30_000, what: '40 more answers from the survivor' });
  } finally {
    await load.stop();
    polling = false;
    await poller;
  }
  const responses = load.responses;
  // HAProxy logs a request when it ends; the only ones it does not log are those it closed
  // without an answer (below).
  await waitFor(() => responses.filter((r) => r.answered).every((r) => access.some((a) => a.requestId === r.requestId)), { timeoutMs: 5_000, what: 'HAProxy to log every answered request' });
  const servedBy = new Map(access.map((a) => [a.requestId, a]));
  const log = await checkAccessLog(db, responses);

  const failed = responses.filter((r) => !r.answered);
  const onKilled = access.filter((a) => a.server === KILLED);
  // In flight while it died: from the signal until its exit was seen, HAProxy may still hand it a request.
  const inFlightOnKilled = onKilled.filter((a) => a.acceptedAt <= killedExitedAt && a.acceptedAt + a.totalMs >= killedAt);
  const onDrained = access.filter((a) => a.server === DRAINED);
  const takenOutAt = states.find((s) => s.at > drainedAt && statusOf(DRAINED)(s).startsWith('DOWN'))!.at;
  const writerOfChain = new Map((await db.query<{ chain_id: string; writer: string }>(`select distinct chain_id, writer from audit.chain_head where writer = any($1::text[])`, [Object.values(WRITER)])).map((h) => [h.chain_id, h.writer]));
  const killedChain = log.verify.open.find((o) => o.writer === WRITER[KILLED]);
  const served = Object.fromEntries(REPLICAS.map((name) => [name, access.filter((a) => a.server === name && a.status === 200).length]));
  console.log(
    figures('replicas behind HAProxy', log, {
      served,
      drainedServedAfterSigterm: onDrained.filter((a) => a.acceptedAt >= drainedAt).length,
      takenOutMsAfterSigterm: takenOutAt - drainedAt,
      drainedExitMsAfterSigterm: drainedExitedAt - drainedAt,
      leadMs: LEAD_MS,
      inFlightOnKilledWhileItDied: inFlightOnKilled.length,
      failedAsSeen: failed.map((r) => (servedBy.has(r.requestId) ? `${r.status} ${servedBy.get(r.requestId)!.termination}` : r.codes[0])),
      killedExitMs: killedExitedAt - killedAt,
      redispatched: access.filter((a) => a.retries > 0).length,
      killedChainUnsignedWindow: killedChain ? killedChain.lastSeq - killedChain.signedSeq : null,
    }),
  );

  // Every replica took part before the faults.
  for (const name of REPLICAS) expect(served[name]).toBeGreaterThan(0);

  // The drained replica: out of rotation before its lead ended (so before it would refuse
  // anything), and it never refused nor failed a request; it exited cleanly, its chain sealed.
  expect(takenOutAt).toBeLessThan(drainedAt + LEAD_MS);
  expect(takenOutAt).toBeLessThan(drainedExitedAt);
  expect(drainedExit).toBe(0);
  expect(onDrained.filter((a) => a.status !== 200)).toEqual([]);
  expect(responses.filter((r) => r.codes.includes('SHUTTING_DOWN'))).toEqual([]);
  const seals = await db.query<{ sealed: string }>(`select h.sealed from audit.chain_head h where h.sealed is not null and h.chain_id in (select chain_id from audit.chain_head where writer = $1)`, [WRITER[DRAINED]]);
  expect(seals.map((s) => s.sealed)).toEqual(['closed']);

  // The only failures: requests in flight on the killed replica while it died, at most as many
  // as the load's concurrency. HAProxy answers such a request 502 (logged `SH`: the server went
  // away before answering) when it was the first on its client connection, and otherwise closes
  // that kept-alive connection without an answer or a log line, as a server closing a keep-alive
  // connection would (the client may retry it). Every other request was answered.
  expect(failed.length).toBeLessThanOrEqual(WORKERS);
  for (const r of failed) {
    const line = servedBy.get(r.requestId);
    if (line) expect(line).toMatchObject({ server: KILLED, status: 502, termination: expect.stringMatching(/^SH/) });
    else expect(r.codes[0]).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(r.startedAt).toBeLessThanOrEqual(killedExitedAt);
    expect(r.endedAt).toBeGreaterThanOrEqual(killedAt);
  }
  expect(failed.filter((r) => servedBy.has(r.requestId)).length).toBeLessThanOrEqual(inFlightOnKilled.length);

  // Every answered request has exactly one event, in the chain of the replica that answered it.
  expect(log.eventsLost).toEqual([]);
  expect(log.duplicated).toEqual([]);
  expect(log.mutationsWithoutEvent).toEqual([]);
  for (const r of responses.filter((x) => x.answered)) {
    const [event] = log.events.get(r.requestId)!;
    expect(writerOfChain.get(event.chainId)).toBe(WRITER[servedBy.get(r.requestId)!.server]);
  }

  // Every chain verifies; the killed replica's chain is reported open, with its unsigned window.
  expect(log.verify.problems).toEqual([]);
  expect(killedChain).toBeDefined();
  expect(killedChain!.lastSeq).toBeGreaterThanOrEqual(killedChain!.signedSeq);
}, 150_000);
