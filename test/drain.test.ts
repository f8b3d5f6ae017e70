import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { databaseUrl, withClient } from '../platform/database';
import { scratchDatabase } from './database';
import { startTestHub, type TestHub } from './harness';
import { slowSubgraph } from './slow-subgraph';

// Graceful drain, in one process: what `npm start` does on SIGTERM (hub.stop), with frontex behind
// a proxy that holds each call, so requests are in flight when the drain begins.

const SLOW = `{ operation(code: "ANCHOR-III") { code frontex { riskAnalyses { title } } } }`;

async function startDrainingHub(name: string, delayMs: number, drainMs: number) {
  const server = await scratchDatabase(name, { seed: true });
  let frontex = '';
  // Only the gateway's fetches of frontex data are slow; readiness probes are not.
  const proxy = slowSubgraph(() => frontex, { holdMs: delayMs, holds: (body) => body.includes('_entities') });
  const writer = `drain-${randomUUID()}`;
  // Coalescing off: each request's own frontex call is held, so every one of them is in flight at the subgraph.
  const hub = await startTestHub({ SUBGRAPH_URLS: `frontex=${await proxy.listen()}`, DRAIN_TIMEOUT_MS: String(drainMs), AUDIT_WRITER_ID: writer, SUBGRAPH_DEDUP: 'off' }, server);
  frontex = hub.hub.subgraphs.get('frontex')!.url;
  const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(server), work);
  const events = async (ids: string[]) => (await admin((c) => c.query(`select event from audit.access_event where event->>'requestId' = any($1)`, [ids]))).rows.map((r) => r.event);
  const seals = async () => (await admin((c) => c.query(`select h.sealed from audit.chain_head h where h.sealed is not null and h.chain_id in (select chain_id from audit.chain_head where writer = $1)`, [writer]))).rows.map((r) => r.sealed);
  return { hub, proxy, events, seals };
}

const send = (hub: TestHub, id: string) => hub.query(SLOW, {}, { headers: { 'x-request-id': id } }).catch((error: Error) => ({ status: 0, body: { error: error.message } }) as const);

test('SIGTERM drains: readiness 503 at once, new requests refused and logged, in-flight ones answered with their events, the chain sealed', async () => {
  const { hub, proxy, events, seals } = await startDrainingHub('drain_ok', 1_500, 10_000);
  try {
    const readyUrl = hub.gatewayUrl.replace('/graphql', '/health/ready');
    expect((await fetch(readyUrl)).status).toBe(200);
    const ids = Array.from({ length: 6 }, () => `drain-${randomUUID()}`);
    const inFlight = ids.map((id) => send(hub, id));
    await proxy.holding(ids.length);

    const started = Date.now();
    const stopping = hub.hub.stop();
    const ready = await fetch(readyUrl);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    const lateId = `late-${randomUUID()}`;
    const late = await hub.query(`{ operations(first: 1) { edges { cursor } } }`, {}, { headers: { 'x-request-id': lateId } });
    expect(late.status).toBe(503);
    expect(late.body.errors?.[0].extensions?.code).toBe('SHUTTING_DOWN');

    const answers = await Promise.all(inFlight);
    await stopping;
    // Every request that was in flight finished with its data; the drain waited for the slow subgraph.
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200 });
      expect((answer.body as any).data.operation.frontex).not.toBeNull();
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const logged = await events([...ids, lateId]);
    expect(logged.filter((e) => ids.includes(e.requestId)).map((e) => e.outcome)).toEqual(ids.map(() => 'ok'));
    expect(logged.filter((e) => e.requestId === lateId)).toEqual([expect.objectContaining({ outcome: 'refused', refusalCode: 'SHUTTING_DOWN' })]);
    expect(await seals()).toEqual(['closed']);
  } finally {
    await proxy.close();
  }
}, 30_000);

test('at the drain deadline, requests still running are cut: one event each saying so, and the chain is still sealed', async () => {
  const { hub, proxy, events, seals } = await startDrainingHub('drain_cut', 4_000, 500);
  try {
    const ids = Array.from({ length: 4 }, () => `cut-${randomUUID()}`);
    const inFlight = ids.map((id) => send(hub, id));
    await proxy.holding(ids.length);
    const started = Date.now();
    await hub.hub.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    const answers = await Promise.all(inFlight);
    // The client's connection was closed under it: no answer, and no data.
    for (const answer of answers) expect(answer).toMatchObject({ status: 0 });
    // The proxy's calls end later; nothing they do adds an event.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const logged = await events(ids);
    expect(logged).toHaveLength(ids.length);
    for (const event of logged) expect(event).toMatchObject({ outcome: 'error', refusalCode: 'REQUEST_CUT_BY_SHUTDOWN' });
    expect(await seals()).toEqual(['closed']);
  } finally {
    await proxy.close();
  }
}, 30_000);
