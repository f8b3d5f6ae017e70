import { checkAccessLog, defaultMix, figures, loadPlan, readiness, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// PostgreSQL stopped for ~10 s under load, then started again: the hub recovers without a
// restart (the audit writer and every subgraph's pool reconnect by themselves), /health/ready
// names what is down during the outage and answers 200 after it, and the access log still
// matches what the clients saw.

const OUTAGE_MS = 10_000;
let db: FaultDatabase;
let hub: FaultHub;

beforeAll(async () => {
  db = await startFaultDatabase('outage');
  hub = await startFaultHub(db, { processes: { gateway: ['gateway'], subgraphs: SUBGRAPHS } });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
}, 60_000);

test('PostgreSQL stopped for 10 s under load: no answer without its event, no write without its event, back without a restart', async () => {
  const pids = [hub.process('gateway').pid(), hub.process('subgraphs').pid()];
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 4, maxRequests: 4_000, maxMs: 75_000 });
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 30, { timeoutMs: 30_000, what: '30 answers before the outage' });

    const stoppedAt = Date.now();
    await db.stop();
    const outage = await waitFor(
      async () => {
        const ready = await readiness(hub.gatewayBase);
        const named = ready.body?.subgraphs ?? {};
        // Every subgraph's database and the access log named, once the writer has met the outage.
        return ready.status === 503 && SUBGRAPHS.every((s) => /database unavailable/.test(named[s] ?? '')) && named['access log'] ? ready : null;
      },
      // On a busy machine the report may come late; the outage then lasts that much longer.
      { timeoutMs: 2 * OUTAGE_MS, what: '/health/ready to report the outage' },
    );
    const reportedAfterMs = Date.now() - stoppedAt;
    await waitFor(() => Date.now() - stoppedAt >= OUTAGE_MS, { timeoutMs: OUTAGE_MS + 1_000, what: 'the end of the outage' });
    const duringOutage = load.responses.filter((r) => r.startedAt > stoppedAt + 1_000);
    await db.start();
    const startedAt = Date.now();
    await waitFor(async () => (await readiness(hub.gatewayBase)).status === 200, { timeoutMs: 30_000, what: '/health/ready to answer 200 again' });
    const readyAfterMs = Date.now() - startedAt;
    // Recovered for clients: a query and a write sent after the restart both answered.
    await waitFor(() => ['query', 'mutation'].every((kind) => load.responses.some((r) => r.kind === kind && r.startedAt > startedAt && r.answered)), {
      timeoutMs: 30_000,
      what: 'a query and a screening answered after PostgreSQL is back',
    });
    const firstAnswers = load.responses.filter((r) => r.startedAt > startedAt && r.answered).map((r) => r.endedAt);
    const servingAfterMs = Math.min(...firstAnswers) - startedAt;
    await waitFor(() => load.responses.filter((r) => r.startedAt > startedAt && r.answered).length >= 30, { timeoutMs: 30_000, what: '30 answers after the outage' });
    const responses = await load.stop();

    const log = await checkAccessLog(db, responses);
    console.log(
      figures('PostgreSQL outage', log, {
        outageMs: startedAt - stoppedAt,
        failedDuringOutage: duringOutage.filter((r) => !r.answered).length,
        answeredDuringOutage: duringOutage.filter((r) => r.answered).length,
        readinessReportedAfterMs: reportedAfterMs,
        readyAfterRestartMs: readyAfterMs,
        servingAfterRestartMs: servingAfterMs,
        readinessDuringOutage: outage.body,
      }, responses),
    );
    expect(log.eventsLost).toEqual([]);
    expect(log.duplicated).toEqual([]);
    // Needs audit before effect (issue 13): without it, a screening committed just before the stop
    // whose event then cannot be written is a row without an event (seen in about one run in five).
    expect(log.mutationsWithoutEvent).toEqual([]);
    expect(log.mutationEffects).toBeGreaterThan(0);
    expect(log.verify.problems).toEqual([]);
    // Nothing answered while the database was down, and nothing was restarted.
    expect(duringOutage.filter((r) => r.answered && r.endedAt < startedAt)).toEqual([]);
    expect([hub.process('gateway').pid(), hub.process('subgraphs').pid()]).toEqual(pids);
  } finally {
    await load.stop();
  }
}, 150_000);
