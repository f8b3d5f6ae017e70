import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkAccessLog, defaultMix, figures, loadPlan, readiness, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// SIGTERM to the gateway process under load, with the operations subgraph slow (every call held
// 400 ms) and screenings (writes) in flight: readiness turns 503 before the process stops
// listening, every request that was answered has its event, nothing is dropped as "log closed",
// no write lacks its event, and the chain ends sealed.

const HOLD_MS = 400;
const WRITER = 'fault-drain-gateway';
let db: FaultDatabase;
let hub: FaultHub;
let proxy: http.Server;
let operationsUrl = '';

/** Forwards each call unchanged (its call proof covers the body) after HOLD_MS; readiness probes pass at once. */
function slowProxy(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const probe = req.method !== 'POST' || body.includes('__typename }');
      setTimeout(async () => {
        try {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
          const answer = await fetch(new URL(req.url ?? '/graphql', operationsUrl), { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(Buffer.from(await answer.arrayBuffer()));
        } catch {
          res.destroy();
        }
      }, probe ? 0 : HOLD_MS);
    });
  });
}

beforeAll(async () => {
  db = await startFaultDatabase('drain');
  proxy = slowProxy();
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  hub = await startFaultHub(db, {
    processes: { subgraphs: SUBGRAPHS, gateway: ['gateway'] },
    processEnv: { gateway: { AUDIT_WRITER_ID: WRITER } },
    gatewayRoutes: (subgraphUrl) => {
      operationsUrl = subgraphUrl('operations');
      return { operations: proxied };
    },
  });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
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
  const firstRefused = afterSignal.findIndex((p) => p.status === 0);
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
  expect(firstRefused === -1 ? afterSignal : afterSignal.slice(0, firstRefused)).toContainEqual(expect.objectContaining({ status: 503 }));
  // The final head: the gateway's chain sealed as closed.
  const seals = await db.query<{ sealed: string }>(`select h.sealed from audit.chain_head h where h.sealed is not null and h.chain_id in (select chain_id from audit.chain_head where writer = $1)`, [WRITER]);
  expect(seals.map((s) => s.sealed)).toEqual(['closed']);
}, 180_000);
