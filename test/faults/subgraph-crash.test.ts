import { checkAccessLog, defaultMix, figures, loadPlan, readiness, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// A subgraph process (the customs partner, WCO) SIGKILLed under load, then started again: the
// gateway keeps serving everything else, the join that asks for `Operation.wco` answers with
// partial data and an error on that field only, each such request's event says so (outcome
// partial, the subgraph among those called, the failure's code), and the log matches.

let db: FaultDatabase;
let hub: FaultHub;

beforeAll(async () => {
  db = await startFaultDatabase('crash');
  hub = await startFaultHub(db, { processes: { gateway: ['gateway'], core: SUBGRAPHS.filter((s) => s !== 'wco'), wco: ['wco'] } });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
}, 60_000);

test('a subgraph killed under load: partial answers for the fields it owns, the rest served, every failure in the log', async () => {
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 4, maxRequests: 4_000, maxMs: 75_000 });
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 30, { timeoutMs: 30_000, what: '30 answers before the crash' });
    const killedAt = Date.now();
    await hub.process('wco').kill('SIGKILL');
    const notReady = await waitFor(async () => {
      const ready = await readiness(hub.gatewayBase);
      return ready.status === 503 && ready.body?.subgraphs?.wco ? ready : null;
    }, { timeoutMs: 10_000, what: '/health/ready to name wco' });
    // Joins sent after the kill: partial, with the failure on the wco field only.
    await waitFor(() => load.responses.filter((r) => r.operation === 'join' && r.startedAt > killedAt).length >= 20 && load.responses.filter((r) => r.operation !== 'join' && r.startedAt > killedAt && r.answered).length >= 20, {
      timeoutMs: 30_000,
      what: '20 joins and 20 other answers while wco is down',
    });
    const restartAt = Date.now();
    await hub.process('wco').start();
    const recoveredMs = Date.now() - restartAt;
    await waitFor(() => load.responses.some((r) => r.operation === 'join' && r.startedAt > restartAt + recoveredMs && r.answered && !r.partial), {
      timeoutMs: 20_000,
      what: 'a full join after wco is back',
    });
    const responses = await load.stop();
    const down = responses.filter((r) => r.startedAt > killedAt + 100 && r.endedAt < restartAt);
    const joinsDown = down.filter((r) => r.operation === 'join');
    const othersDown = down.filter((r) => r.operation !== 'join');

    const log = await checkAccessLog(db, responses);
    const failureCodes = [...new Set(joinsDown.flatMap((r) => r.codes))];
    console.log(figures('subgraph killed', log, {
      joinsWhileDown: joinsDown.length,
      partialJoins: joinsDown.filter((r) => r.partial).length,
      othersWhileDown: othersDown.length,
      othersAnswered: othersDown.filter((r) => r.answered).length,
      failureCodes,
      sampleMessage: joinsDown[0]?.message,
      restartReadyMs: recoveredMs,
      readinessWhileDown: notReady.body,
    }, responses));
    expect(log.eventsLost).toEqual([]);
    expect(log.duplicated).toEqual([]);
    expect(log.mutationsWithoutEvent).toEqual([]);
    expect(log.verify.problems).toEqual([]);
    // The gateway kept serving: every request that does not touch wco answered.
    expect(othersDown.length).toBeGreaterThanOrEqual(20);
    expect(othersDown.filter((r) => !r.answered)).toEqual([]);
    // Joins answered with partial data: operations and training there, wco failed with a code.
    expect(joinsDown.length).toBeGreaterThanOrEqual(1);
    expect(joinsDown.filter((r) => !r.partial)).toEqual([]);
    expect(joinsDown.filter((r) => r.codes[0] !== 'SUBGRAPH_ERROR' || !/The wco service could not be reached/.test(r.message ?? ''))).toEqual([]);
    for (const join of joinsDown) {
      const [event] = log.events.get(join.requestId)!;
      expect(event).toMatchObject({ outcome: 'partial', refusalCode: join.codes[0] });
      expect(event.subgraphs).toEqual(expect.arrayContaining(['operations', 'wco']));
    }
  } finally {
    await load.stop();
  }
}, 150_000);
