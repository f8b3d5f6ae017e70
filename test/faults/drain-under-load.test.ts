import { checkAccessLog, defaultMix, figures, loadPlan, readiness, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';
import { slowSubgraph } from '../slow-subgraph';

// SIGTERM to the gateway process under load, with the operations subgraph slow (every call held
// 400 ms) and screenings (writes) in flight: readiness turns 503 before the process stops
// listening, every request that was answered has its event, nothing is dropped as "log closed",
// no write lacks its event, and the chain ends sealed. Then a second SIGTERM during a drain that
// would take too long: the requests still running are cut and recorded as cut.

const HOLD_MS = 400;
const WRITER = 'fault-drain-gateway';
let db: FaultDatabase;
let hub: FaultHub;
let operationsUrl = '';
/** Operations behind a proxy that holds every call but readiness probes. */
const slow = slowSubgraph(() => operationsUrl, { holdMs: HOLD_MS, holds: (body) => !body.includes('__typename }') });

beforeAll(async () => {
  db = await startFaultDatabase('drain');
  const proxied = await slow.listen();
  hub = await startFaultHub(db, {
    processes: { subgraphs: SUBGRAPHS, gateway: ['gateway'] },
    // Every request's call held at the subgraph on its own: merged calls (SUBGRAPH_DEDUP) would
    // change how many calls are held and when they end, which these cases count on.
    processEnv: { gateway: { AUDIT_WRITER_ID: WRITER, SUBGRAPH_DEDUP: 'off' } },
    gatewayRoutes: (subgraphUrl) => {
      operationsUrl = subgraphUrl('operations');
      return { operations: proxied };
    },
  });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
  await slow.close();
}, 60_000);

test('SIGTERM under load with a slow subgraph and writes in flight: every answer has its event, the chain is sealed, readiness fails first', async () => {
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 6, maxRequests: 3_000, maxMs: 60_000 });
  const probes: { at: number; status: number }[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      probes.push({ at: Date.now(), status: (await readiness(hub.gatewayBase)).status });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  let signalledAt = 0;
  let exitCode: number | null = null;
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 40, { timeoutMs: 40_000, what: '40 answers before SIGTERM' });
    signalledAt = Date.now();
    exitCode = await hub.process('gateway').kill('SIGTERM');
  } finally {
    await load.stop();
    probing = false;
    await prober;
  }
  const stoppedAt = Date.now();
  const log = await checkAccessLog(db, load.responses);
  const inFlightAtSignal = load.responses.filter((r) => r.startedAt < signalledAt && r.endedAt > signalledAt);
  const afterSignal = probes.filter((p) => p.at >= signalledAt);
  // The port closed for good where the trailing run of failed probes starts; a failure before it is
  // a kept-alive probe connection the drain closed as idle just as the probe reused it.
  let closedFrom = afterSignal.length;
  while (closedFrom > 0 && afterSignal[closedFrom - 1].status === 0) closedFrom -= 1;
  console.log(
    figures('SIGTERM under load', log, {
      exitCode,
      drainMs: stoppedAt - signalledAt,
      inFlightAtSignal: inFlightAtSignal.length,
      inFlightAnswered: inFlightAtSignal.filter((r) => r.answered).length,
      readinessAfterSignal: afterSignal.map((p) => p.status).join(' '),
    }),
  );
  expect(exitCode).toBe(0);
  expect(log.eventsLost).toEqual([]);
  expect(log.duplicated).toEqual([]);
  expect(log.mutationsWithoutEvent).toEqual([]);
  expect(log.verify.problems).toEqual([]);
  // Nothing was dropped because the log had closed, and nothing was cut: the drain waited.
  expect(load.responses.filter((r) => r.codes.includes('AUDIT_UNAVAILABLE'))).toEqual([]);
  expect([...log.events.values()].flat().filter((e) => e.refusalCode === 'REQUEST_CUT_BY_SHUTDOWN')).toEqual([]);
  // Requests in flight when the signal came were answered, writes among them.
  expect(inFlightAtSignal.length).toBeGreaterThan(0);
  expect(inFlightAtSignal.every((r) => r.answered)).toBe(true);
  // Every other request got a clean refusal to retry elsewhere, or found the door closed.
  for (const r of load.responses.filter((r) => !r.answered)) expect(r.codes[0]).toMatch(/^(SHUTTING_DOWN|ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/);
  // Readiness said not-ready before the port closed.
  expect(afterSignal.slice(0, closedFrom)).toContainEqual(expect.objectContaining({ status: 503 }));
  // The final head: the gateway's chain sealed as closed.
  const seals = await db.query<{ sealed: string }>(`select h.sealed from audit.chain_head h where h.sealed is not null and h.chain_id in (select chain_id from audit.chain_head where writer = $1)`, [WRITER]);
  expect(seals.map((s) => s.sealed)).toEqual(['closed']);
}, 180_000);

test('a second SIGTERM cuts the drain short: requests still running are recorded as cut, the chain is still sealed', async () => {
  await hub.process('gateway').start();
  slow.holdMs = 6_000; // the operations subgraph now holds each call longer than the test waits
  slow.reset();
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan).filter((op) => op.name !== 'join'), { workers: 4, maxRequests: 8, maxMs: 30_000 });
  let exitCode: number | null = null;
  let stoppedMs = 0;
  try {
    await waitFor(() => slow.heldRequests >= 4, { timeoutMs: 20_000, what: '4 requests held by the slow subgraph' });
    const gateway = hub.process('gateway');
    const signalledAt = Date.now();
    const exited = gateway.kill('SIGTERM');
    await waitFor(async () => (await readiness(hub.gatewayBase)).status === 503, { timeoutMs: 5_000, what: 'readiness 503 after the first SIGTERM' });
    process.kill(gateway.pid()!, 'SIGTERM');
    exitCode = await exited;
    stoppedMs = Date.now() - signalledAt;
  } finally {
    slow.holdMs = HOLD_MS;
    await load.stop();
  }
  // The held calls reach the subgraph after the gateway is gone: writes among them take effect then.
  await waitFor(() => slow.released >= slow.held, { timeoutMs: 15_000, what: 'the held subgraph calls to be let through' });
  const log = await checkAccessLog(db, load.responses);
  const cut = [...log.events.values()].flat().filter((e) => e.refusalCode === 'REQUEST_CUT_BY_SHUTDOWN');
  console.log(figures('second SIGTERM', log, { exitCode, stoppedMs, cut: cut.length }));
  expect(exitCode).toBe(0);
  expect(stoppedMs).toBeLessThan(5_000);
  expect(cut.length).toBeGreaterThanOrEqual(4);
  for (const event of cut) expect(event.outcome).toBe('error');
  expect(log.eventsLost).toEqual([]);
  // A cut write that still took effect has the event of its attempt.
  expect(log.mutationEffects).toBeGreaterThan(0);
  expect(log.mutationsWithoutEvent).toEqual([]);
  expect(log.verify.problems).toEqual([]);
  const seals = await db.query<{ sealed: string }>(`select h.sealed from audit.chain_head h where h.sealed is not null and h.chain_id in (select chain_id from audit.chain_head where writer = $1)`, [WRITER]);
  expect(seals.map((s) => s.sealed)).toEqual(['closed', 'closed']);
}, 120_000);
