import { auditWriterRole } from '../../access-log/store';
import { ident } from '../../platform/database';
import { checkAccessLog, defaultMix, figures, loadPlan, readiness, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// The audit store starts refusing the writer's inserts under load, while the writer still believes
// it is healthy (its last write just succeeded), then accepts them again: no screening's row exists
// without the event of its attempt, no answer lacks its event, and the hub recovers by itself.

const FAILURE_MS = 3_000;
let db: FaultDatabase;
let hub: FaultHub;

beforeAll(async () => {
  db = await startFaultDatabase('store');
  hub = await startFaultHub(db, { processes: { subgraphs: SUBGRAPHS, gateway: ['gateway'] } });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
}, 60_000);

test('the store refuses writes under load: no write without its event, no answer without its event, healed without a restart', async () => {
  const role = ident(auditWriterRole(db.server));
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 6, maxRequests: 4_000, maxMs: 60_000 });
  let failedAt = 0;
  let healedAt = 0;
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 40, { timeoutMs: 40_000, what: '40 answers before the failure' });
    failedAt = Date.now();
    await db.query(`revoke insert on all tables in schema audit from ${role}`);
    await waitFor(() => Date.now() - failedAt >= FAILURE_MS, { timeoutMs: FAILURE_MS + 1_000, what: 'the end of the failure' });
    await db.query(`grant insert on all tables in schema audit to ${role}`);
    healedAt = Date.now();
    await waitFor(async () => (await readiness(hub.gatewayBase)).status === 200, { timeoutMs: 20_000, what: 'readiness after the store heals' });
    await waitFor(() => ['query', 'mutation'].every((kind) => load.responses.some((r) => r.kind === kind && r.startedAt > healedAt && r.answered)), {
      timeoutMs: 20_000,
      what: 'a query and a screening answered after the store heals',
    });
  } finally {
    await load.stop();
  }
  const log = await checkAccessLog(db, load.responses);
  const during = load.responses.filter((r) => r.startedAt >= failedAt && r.endedAt <= healedAt);
  const firstAnswer = Math.min(...load.responses.filter((r) => r.startedAt > healedAt && r.answered).map((r) => r.endedAt));
  console.log(
    figures('audit store refusing writes', log, {
      failureMs: FAILURE_MS,
      failedDuringFailure: during.filter((r) => !r.answered).length,
      writesRefusedBeforeRunning: during.filter((r) => r.kind === 'mutation' && r.codes[0] === 'AUDIT_UNAVAILABLE').length,
      secondsToServeAgain: (firstAnswer - healedAt) / 1000,
    }),
  );
  expect(log.eventsLost).toEqual([]);
  expect(log.duplicated).toEqual([]);
  expect(log.mutationsWithoutEvent).toEqual([]);
  expect(log.mutationEffects).toBeGreaterThan(0);
  expect(log.verify.problems).toEqual([]);
  // The failure was seen, and refused: nothing answered with data while the store refused writes.
  expect(during.some((r) => r.codes[0] === 'AUDIT_UNAVAILABLE')).toBe(true);
  expect(during.filter((r) => r.answered)).toEqual([]);
}, 150_000);
