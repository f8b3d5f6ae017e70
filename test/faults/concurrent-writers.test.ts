import { Client } from 'pg';
import { loadAuditSigningKey } from '../../access-log/signing';
import { pruneBefore, type PruneResult } from '../../access-log/retention';
import {
  checkAccessLog,
  defaultMix,
  figures,
  loadPlan,
  secretsDir,
  sendRequest,
  skewClockPreload,
  startFaultDatabase,
  startFaultHub,
  startLoad,
  SUBGRAPHS,
  waitFor,
  type FaultDatabase,
  type FaultHub,
} from './harness';

// Two gateway processes write the same audit store under load while retention pruning
// (`npm run audit:prune`'s pruneBefore) drops an old month: both gateways' chains verify, the
// pruned chain verifies from its anchor, and no answered request lacks its event.
// The old month is written by a third gateway whose clock runs 40 days behind (a writer stamps
// events with its own clock), stopped before the load.

let db: FaultDatabase;
let hub: FaultHub;

beforeAll(async () => {
  db = await startFaultDatabase('writers');
  hub = await startFaultHub(db, {
    processes: { subgraphs: SUBGRAPHS, a: ['gateway'], b: ['gateway'], old: ['gateway'] },
    processEnv: { old: { FAULT_CLOCK_OFFSET_MS: String(-40 * 24 * 3600 * 1000) } },
    nodeArgs: { old: ['-r', skewClockPreload] },
    // The old gateway's calls are refused by the subgraphs (its tokens look 40 days stale): not ready, on purpose.
    gatewayLiveOnly: true,
  });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
}, 60_000);

test('two gateways under load while pruning drops a month: every chain verifies, no answer without its event', async () => {
  const plan = await loadPlan(hub.gatewayUrlOf('a'));
  // The old month: twenty requests through the gateway whose clock is 40 days behind, then a clean stop (final head signed).
  for (let i = 0; i < 20; i += 1) await sendRequest(hub.gatewayUrlOf('old'), 'old', 'query', { query: '{ __typename }', token: plan.admin });
  expect(await hub.process('old').kill('SIGTERM')).toBe(0);
  const oldPartitions = await db.query<{ name: string; n: number }>(
    `select tableoid::regclass::text as name, count(*)::int as n from audit.access_event where recorded_at < date_trunc('month', now()) group by 1`,
  );
  expect(oldPartitions.reduce((sum, p) => sum + p.n, 0)).toBeGreaterThanOrEqual(20);

  const loads = ['a', 'b'].map((name) => startLoad(hub.gatewayUrlOf(name), defaultMix(plan), { workers: 2, maxRequests: 3_000, maxMs: 60_000 }));
  const answered = (index: number, after = 0) => loads[index].responses.filter((r) => r.answered && r.startedAt > after).length;
  try {
    await waitFor(() => answered(0) >= 30 && answered(1) >= 30, { timeoutMs: 30_000, what: '30 answers from each gateway' });

    const key = await loadAuditSigningKey(secretsDir());
    const now = new Date();
    const before = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const client = new Client({ connectionString: db.adminUrl });
    await client.connect();
    let pruned: PruneResult;
    const pruneStarted = Date.now();
    try {
      pruned = await pruneBefore(client, before, key, new Map([[key.kid, key.publicKey]]));
    } finally {
      await client.end();
    }
    const pruneMs = Date.now() - pruneStarted;
    const pruneEnded = Date.now();
    await waitFor(() => answered(0, pruneEnded) >= 30 && answered(1, pruneEnded) >= 30, { timeoutMs: 30_000, what: '30 more answers from each gateway after pruning' });
    const responses = (await Promise.all(loads.map((l) => l.stop()))).flat();

    const log = await checkAccessLog(db, responses);
    const chainsOf = (index: number) => new Set(loads[index].responses.flatMap((r) => log.events.get(r.requestId) ?? []).map((e) => e.chainId));
    const [chainsA, chainsB] = [chainsOf(0), chainsOf(1)];
    console.log(figures('two gateways while pruning', log, { dropped: pruned.dropped, anchors: pruned.anchors.length, pruneMs, chainsA: chainsA.size, chainsB: chainsB.size, anchorsVerified: log.verify.anchors }, responses));
    expect(pruned.dropped.length).toBeGreaterThanOrEqual(1);
    expect(pruned.anchors.length).toBeGreaterThanOrEqual(1);
    expect(log.verify.problems).toEqual([]);
    expect(log.verify.anchors).toBeGreaterThanOrEqual(1);
    expect(log.eventsLost).toEqual([]);
    expect(log.duplicated).toEqual([]);
    expect(log.mutationsWithoutEvent).toEqual([]);
    expect(log.failed).toBe(0);
    // Each gateway wrote its own chain(s), never the other's.
    expect(chainsA.size).toBeGreaterThanOrEqual(1);
    expect(chainsB.size).toBeGreaterThanOrEqual(1);
    expect([...chainsA].filter((c) => chainsB.has(c))).toEqual([]);
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
}, 120_000);
