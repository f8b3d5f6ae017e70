import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { metrics } from '../platform/metrics';
import { databaseUrl, withClient } from '../platform/database';
import { Classification, Role } from '../identity';
import { testDatabase } from './database';
import { callers, startTestHub, type Caller, type TestHub } from './harness';
import { slowSubgraph } from './slow-subgraph';

// Coalescing of subgraph calls (SUBGRAPH_DEDUP), through the gateway over HTTP: the operations
// subgraph sits behind a proxy that holds each call, so concurrent requests are surely in flight
// together, and counts the calls it really received.

// Long enough for every request of a batch to reach the gateway's fetcher on a loaded machine.
const HOLD_MS = 1_000;
const HITS = `{ hits(first: 100) { edges { node { id checkpoint { country } } } } }`;
/** A bureau analyst of Thailand: sees hits on its own records only, fewer than an administrator. */
const analystTha: Caller = { organisation: 'ncb-tha', roles: [Role.NCB_ANALYST], clearance: Classification.CONFIDENTIAL };

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);
async function eventOf(requestId: string): Promise<any> {
  const { rows } = await admin((c) => c.query(`select event from audit.access_event where event->>'requestId' = $1`, [requestId]));
  expect(rows).toHaveLength(1);
  return rows[0].event;
}

async function coalescedCount(): Promise<number> {
  const { values } = await metrics.subgraphCoalesced.get();
  return values.filter((v) => v.labels.subgraph === 'operations').reduce((sum, v) => sum + v.value, 0);
}

/** A hub whose operations subgraph is behind a holding proxy, with `overrides`. */
function useProxiedHub(overrides: Record<string, string>) {
  let operations = '';
  const proxy = slowSubgraph(() => operations, { holdMs: HOLD_MS, holds: () => true });
  const hub: { t?: TestHub } = {};
  beforeAll(async () => {
    hub.t = await startTestHub({ SUBGRAPH_URLS: `operations=${await proxy.listen()}`, METRICS_PORT: '9464', ...overrides });
    operations = hub.t.hub.subgraphs.get('operations')!.url;
  });
  afterAll(async () => {
    await hub.t?.stop();
    await proxy.close();
  });
  beforeEach(() => proxy.reset());
  /** Sends `query` as each of `as`, all at once, each with its own request id. */
  const together = (query: string, as: Caller[], variables: Record<string, unknown> = {}, purposes?: string[]) =>
    Promise.all(
      as.map(async (caller, i) => {
        const id = `coalesce-${randomUUID()}`;
        const answer = await hub.t!.query(query, variables, { as: caller, headers: { 'x-request-id': id }, ...(purposes ? { purpose: purposes[i] } : {}) });
        return { id, ...answer };
      }),
    );
  return { proxy, together };
}

describe('SUBGRAPH_DEDUP=on (the default)', () => {
  const { proxy, together } = useProxiedHub({});

  test('N identical concurrent requests of one caller make one subgraph call and N access events, each with its records', async () => {
    const before = await coalescedCount();
    const answers = await together(HITS, Array(5).fill(analystTha));
    expect(proxy.held).toBe(1);
    expect(await coalescedCount()).toBe(before + 4);
    const ids = answers[0].body.data.hits.edges.map((e: any) => e.node.id);
    expect(ids.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(answers[0].body);
      const event = await eventOf(answer.id);
      expect(event).toMatchObject({ outcome: 'ok', subgraphs: ['operations'], principal: { organisation: 'ncb-tha' } });
      expect(event.records.filter((r: any) => r.type === 'Hit').map((r: any) => r.id).sort()).toEqual([...ids].sort());
    }
    // Each request got its own copy: changing one answer's objects changes no other.
    answers[0].body.data.hits.edges.length = 0;
    expect(answers[1].body.data.hits.edges).toHaveLength(ids.length);
  });

  test('in a join, each request gets the records of every subgraph in its own event', async () => {
    const join = `{ operation(code: "ANCHOR-III") { id code frontex { riskAnalyses { id title } } } }`;
    const answers = await together(join, Array(4).fill(callers.hubAdmin));
    expect(proxy.held).toBe(1);
    const { operation } = answers[0].body.data;
    expect(operation.frontex.riskAnalyses.length).toBeGreaterThan(0);
    const ids = [operation.id, ...operation.frontex.riskAnalyses.map((r: any) => r.id)].sort();
    const recordsOf = async (requestId: string) => {
      const event = await eventOf(requestId);
      expect(event.subgraphs.sort()).toEqual(['frontex', 'operations']);
      return event.records.map((r: any) => `${r.type}:${r.id}`).sort();
    };
    const first = await recordsOf(answers[0].id);
    expect(first.map((key: string) => key.split(':')[1])).toEqual(expect.arrayContaining(ids));
    for (const answer of answers) {
      expect(answer.body).toEqual(answers[0].body);
      expect(await recordsOf(answer.id)).toEqual(first);
    }
  });

  test('two callers with different releasability asking the same at once each get their own answer, in two subgraph calls', async () => {
    const both = together(HITS, [analystTha, callers.hubAdmin]);
    // Both calls were in flight at once (neither let through yet): they could have been merged, and were not.
    await proxy.holding(2);
    expect(proxy.released).toBe(0);
    const [analyst, hubAdmin] = await both;
    expect(proxy.held).toBe(2);
    const analystIds: string[] = analyst.body.data.hits.edges.map((e: any) => e.node.id);
    const adminIds: string[] = hubAdmin.body.data.hits.edges.map((e: any) => e.node.id);
    expect(adminIds.length).toBeGreaterThan(analystIds.length);
    expect((await eventOf(analyst.id)).records.filter((r: any) => r.type === 'Hit')).toHaveLength(analystIds.length);
    expect((await eventOf(hubAdmin.id)).records.filter((r: any) => r.type === 'Hit')).toHaveLength(adminIds.length);
  });

  test('the same caller with two purposes, or two variables, is never merged', async () => {
    const purposes = together(HITS, [analystTha, analystTha], {}, ['case 1', 'case 2']);
    await proxy.holding(2);
    expect(proxy.released).toBe(0);
    await purposes;
    expect(proxy.held).toBe(2);
    proxy.reset();
    const page = `query($first: Int!) { hits(first: $first) { edges { node { id } } } }`;
    const [one, two] = await Promise.all([together(page, [analystTha], { first: 1 }), together(page, [analystTha], { first: 2 })]);
    expect(proxy.held).toBe(2);
    expect(one[0].body.data.hits.edges).toHaveLength(1);
    expect(two[0].body.data.hits.edges).toHaveLength(2);
  });

  test('identical concurrent mutations are each sent', async () => {
    // Refused by the subgraph (the period ends before it starts): sent, and nothing is written.
    const input = { code: 'NEVER-MERGED', name: 'Never merged', startsOn: '2026-03-14', endsOn: '2026-03-01', borderTypes: ['AIR'], crimeAreas: ['TRAVEL_DOCUMENT_FRAUD'], leadOrganisation: 'hub', participatingCountries: ['THA'], partnerOrganisations: [], databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'] };
    const before = await coalescedCount();
    const answers = await together(`mutation($input: CreateOperationInput!) { createOperation(input: $input) { code } }`, Array(3).fill(callers.hubAdmin), { input });
    expect(proxy.held).toBe(3);
    expect(await coalescedCount()).toBe(before);
    for (const answer of answers) expect(answer.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('SUBGRAPH_DEDUP=off', () => {
  const { proxy, together } = useProxiedHub({ SUBGRAPH_DEDUP: 'off' });

  test('every request makes its own subgraph call', async () => {
    const before = await coalescedCount();
    const answers = await together(HITS, Array(4).fill(analystTha));
    expect(proxy.held).toBe(4);
    expect(await coalescedCount()).toBe(before);
    for (const answer of answers) expect((await eventOf(answer.id)).records.filter((r: any) => r.type === 'Hit').length).toBeGreaterThan(0);
  });
});
