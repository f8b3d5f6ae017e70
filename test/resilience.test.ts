import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from 'pg';
import { databaseUrl, withClient } from '../platform/database';
import { testDatabase } from './database';
import { callers, startTestHub, type TestHub } from './harness';

// A subgraph that stops answering costs each request its timeout only until its breaker opens;
// then milliseconds, and the rest of the answer still comes back. Failed queries are retried
// within a budget, mutations never.

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);
const eventOf = async (requestId: string) => {
  const { rows } = await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]));
  expect(rows).toHaveLength(1);
  return rows[0].event;
};

/**
 * Stands in for a subgraph: `hang` accepts and never answers (a dead remote partner), `fail`
 * answers 503 to the next `failures` calls, and otherwise forwards the call as it came to `target`.
 */
class Stand {
  mode: 'hang' | 'forward' = 'forward';
  failures = 0;
  calls = 0;
  target = '';
  readonly server = http.createServer((req, res) => void this.handle(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.calls += 1;
    if (this.mode === 'hang') return;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.failures > 0) {
      this.failures -= 1;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('overloaded');
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'content-length', 'connection'].includes(name))) as Record<string, string>;
    const answer = await fetch(this.target, { method: req.method, headers, body: Buffer.concat(chunks) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
  }
}

// `operation.wco` cannot be null, so a failed wco part nulls `anchor`; `others` is the rest of the answer.
const WITH_WCO = `{ anchor: operation(code: "ANCHOR-III") { code wco { seizureCount } } others: operations(first: 2) { edges { node { code } } } }`;

describe('a dead remote partner', () => {
  const wco = new Stand();
  let t: TestHub;
  const SUBGRAPH_TIMEOUT_MS = 600;
  const OPEN_MS = 3_000;
  const FAILURES = 3;
  beforeAll(async () => {
    const url = await wco.listen();
    t = await startTestHub({
      SUBGRAPH_URLS: `wco=${url}`,
      SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
      SUBGRAPH_BREAKER_FAILURES: String(FAILURES),
      SUBGRAPH_BREAKER_OPEN_MS: String(OPEN_MS),
    });
    wco.target = t.hub.subgraphs.get('wco')!.url;
  });
  afterAll(async () => {
    await t?.stop();
    await wco.close();
  });

  const timed = async () => {
    const headers = { 'x-request-id': `resilience-${randomUUID()}` };
    const started = performance.now();
    const response = await t.query(WITH_WCO, {}, { headers });
    return { ...response, ms: performance.now() - started, requestId: headers['x-request-id'] };
  };

  test('costs the timeout until its breaker opens, then milliseconds; the rest of the answer comes back, and the partner is served again once it answers', async () => {
    wco.mode = 'hang';
    const before = [];
    for (let i = 0; i < FAILURES; i++) before.push(await timed());
    const after = [];
    for (let i = 0; i < 10; i++) after.push(await timed());

    for (const { status, body, ms } of before) {
      expect(status).toBe(200);
      expect(ms).toBeGreaterThanOrEqual(SUBGRAPH_TIMEOUT_MS - 50);
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_TIMEOUT']);
      expect(body.data?.anchor).toBeNull();
      expect(body.data?.others.edges).toHaveLength(2);
    }
    for (const { status, body, ms } of after) {
      expect(status).toBe(200);
      // Milliseconds, not the timeout (bounded loosely: the test machine is shared).
      expect(ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS / 2);
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_UNAVAILABLE']);
      expect(body.errors?.[0].message).toMatch(/The wco service is unavailable/);
      expect(body.data?.anchor).toBeNull();
      expect(body.data?.others.edges).toHaveLength(2);
    }
    // The partner was called only until its breaker opened.
    expect(wco.calls).toBe(FAILURES);
    expect(await eventOf(after[0].requestId)).toMatchObject({ outcome: 'partial', refusalCode: 'SUBGRAPH_UNAVAILABLE', subgraphs: expect.arrayContaining(['wco', 'operations']) });

    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    process.stdout.write(
      `dead partner (timeout ${SUBGRAPH_TIMEOUT_MS} ms): before the breaker opened, median ${median(before.map((r) => r.ms)).toFixed(0)} ms; ` +
        `once open, median ${median(after.map((r) => r.ms)).toFixed(1)} ms, max ${Math.max(...after.map((r) => r.ms)).toFixed(1)} ms\n`,
    );

    // Back: after OPEN_MS one trial call goes through, succeeds, and the breaker closes.
    wco.mode = 'forward';
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
    const back = await timed();
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data?.anchor).toEqual({ code: 'ANCHOR-III', wco: { seizureCount: expect.any(Number) } });
    expect((await timed()).body.errors).toBeUndefined();
  }, 30_000);
});

describe('retries', () => {
  const operations = new Stand();
  let t: TestHub;
  beforeAll(async () => {
    const url = await operations.listen();
    t = await startTestHub({ SUBGRAPH_URLS: `operations=${url}`, SUBGRAPH_RETRIES: '2', SUBGRAPH_BREAKER_FAILURES: '100' });
    operations.target = t.hub.subgraphs.get('operations')!.url;
  });
  afterAll(async () => {
    await t?.stop();
    await operations.close();
  });

  test('a query whose subgraph answered 503 is retried and answered', async () => {
    operations.calls = 0;
    operations.failures = 2;
    const data = await t.ok(`{ operations(first: 1) { edges { node { code } } } }`);
    expect(data.operations.edges).toHaveLength(1);
    expect(operations.calls).toBe(3);
  });

  test('a mutation is never retried: its 503 is the answer', async () => {
    operations.calls = 0;
    operations.failures = 1;
    const input = {
      code: `RETRY-${randomUUID().slice(0, 8).toUpperCase()}`,
      name: 'Never twice',
      startsOn: '2026-03-01',
      endsOn: '2026-03-14',
      borderTypes: ['AIR'],
      crimeAreas: ['TRAVEL_DOCUMENT_FRAUD'],
      leadOrganisation: 'hub',
      participatingCountries: ['THA'],
      partnerOrganisations: [],
      databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'],
    };
    const { body } = await t.query(`mutation($input: CreateOperationInput!) { createOperation(input: $input) { code } }`, { input }, { as: callers.hubAdmin });
    expect(body.errors?.[0].extensions?.code).toBe('SUBGRAPH_ERROR');
    expect(operations.calls).toBe(1);
  });

  test('retries stay within the budget: when every call fails, they add at most the reserve plus SUBGRAPH_RETRY_BUDGET of the calls', async () => {
    operations.calls = 0;
    operations.failures = 1_000;
    const requests = 40;
    for (let i = 0; i < requests; i++) await t.query(`{ operations(first: 1) { edges { node { code } } } }`);
    operations.failures = 0;
    // 40 calls, at most 10 (reserve) + 40 × 0.1 retries, against 80 without a budget.
    expect(operations.calls).toBeGreaterThan(requests);
    expect(operations.calls).toBeLessThanOrEqual(requests + 10 + 4);
  });
});
