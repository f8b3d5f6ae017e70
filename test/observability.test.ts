import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Classification, loadOrCreateLocalIssuer, mintToken, Role } from '../identity';
import { repoRoot } from '../platform/config';
import { databaseUrl, withClient } from '../platform/database';
import { testConfig, testDatabase } from './database';
import { freePortBlock } from './ports';

// Traces and metrics as `npm start` serves them: the compiled hub in its own process (tracing
// must be set up before `pg` loads, which only the real entry point does), exporting spans over
// OTLP/HTTP (JSON) to a receiver in this test and serving /metrics, against the test database.

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean } }[];
}

const spans: OtlpSpan[] = [];
let receiver: http.Server;
let otlpPaths: string[] = [];
let hub: ChildProcessWithoutNullStreams;
let stdout = '';
let gatewayUrl: string;
let metricsUrl: string;
let operationsUrl: string;
const writerId = `test-observability-${randomUUID()}`;

const admin = { organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.CONFIDENTIAL };
const officialOnly = { organisation: 'ncb-ita', roles: [Role.NCB_ANALYST], clearance: Classification.OFFICIAL_USE };
const tokens = new Map<string, Promise<string>>();
async function token(caller: typeof admin): Promise<string> {
  const key = JSON.stringify(caller);
  if (!tokens.has(key)) {
    const issuer = await loadOrCreateLocalIssuer(testConfig().SECRETS_DIR);
    tokens.set(key, mintToken(issuer, { subject: `test.${caller.organisation}`, scopes: [], ttlSeconds: 3600, ...caller }));
  }
  return tokens.get(key)!;
}

async function post(query: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-purpose': 'observability test', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, body: await response.json() };
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline || hub.exitCode !== null) throw new Error(`timed out waiting for ${what}; hub output:\n${stdout.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      otlpPaths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const resource of body.resourceSpans) for (const scope of resource.scopeSpans) spans.push(...scope.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const otlpPort = (receiver.address() as AddressInfo).port;
  const base = await freePortBlock(Array.from({ length: 12 }, (_, i) => i));
  const database = testDatabase();
  hub = spawn(process.execPath, [path.join(repoRoot, 'dist', 'hub', 'main.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(database),
      SEED: 'false',
      GATEWAY_PORT: String(base),
      SUBGRAPH_PORT_BASE: String(base + 1),
      METRICS_PORT: String(base + 11),
      // The demo partners' fixed ports may be taken on a shared machine: they run elsewhere for
      // this test (nowhere: no request here reaches them).
      HUB_SERVICES: 'gateway,operations,training,audit',
      SUBGRAPH_URLS: ['frontex', 'wco', 'iom'].map((code, i) => `${code}=http://127.0.0.1:${base + 7 + i}/graphql`).join(','),
      AUDIT_WRITER_ID: writerId,
      AUDIT_WITNESS_DIR: 'off',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
  });
  hub.stdout.on('data', (chunk) => (stdout += chunk));
  hub.stderr.on('data', (chunk) => (stdout += chunk));
  gatewayUrl = `http://127.0.0.1:${base}/graphql`;
  metricsUrl = `http://127.0.0.1:${base + 11}/metrics`;
  operationsUrl = `http://127.0.0.1:${base + 1}/graphql`;
  await waitFor('the hub to be ready', () => (stdout.includes('ready at') ? true : undefined), 120_000);
}, 240_000);

afterAll(async () => {
  if (process.env.OBSERVABILITY_DEBUG) require('node:fs').writeFileSync(process.env.OBSERVABILITY_DEBUG, JSON.stringify({ stdout, spans: spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name]) }, null, 1));
  if (hub && hub.exitCode === null) {
    const exited = new Promise((resolve) => hub.once('exit', resolve));
    hub.kill('SIGTERM');
    await exited;
  }
  receiver?.close();
});

const TRACED = 'query ObsTrace { operations(first: 2) { edges { node { code officersTrained } } } }';
const DENIED = 'query ObsDenied { checkpoints(first: 2) { edges { node { name location { place } } } } }';

describe('traces', () => {
  test('a request through the gateway and two subgraphs is ONE trace, parent to child, and its access event and log lines carry its id', async () => {
    const requestId = `obs-${randomUUID()}`;
    // A client's traceparent is not honoured by default: the gateway starts a trace of its own.
    const clientTraceId = randomBytes(16).toString('hex');
    const { status, body } = await post(TRACED, { authorization: `Bearer ${await token(admin)}`, 'x-request-id': requestId, traceparent: `00-${clientTraceId}-${randomBytes(8).toString('hex')}-01` });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data.operations.edges.length).toBeGreaterThan(0);

    const rows = await withClient(databaseUrl(testDatabase()), (c) => c.query<{ event: { traceId?: string } }>('select event from audit.access_event where request_id = $1', [requestId]));
    expect(rows.rows).toHaveLength(1);
    const { traceId } = rows.rows[0].event;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(clientTraceId);

    // Until the subgraphs' spans and their queries have arrived (exported in batches).
    const trace = await waitFor('the spans of the trace', () => {
      const ofTrace = spans.filter((s) => s.traceId === traceId);
      const names = ofTrace.map((s) => s.name);
      return names.includes('gateway query ObsTrace') && names.some((n) => n.startsWith('subgraph training query')) && ofTrace.filter((s) => s.name.startsWith('pg.query')).length >= 2 && names.includes('frontera.audit.commit') ? ofTrace : undefined;
    });
    expect(spans.filter((s) => s.traceId === clientTraceId)).toEqual([]);
    expect(otlpPaths[0]).toMatch(/^POST \/v1\/traces application\/json/);

    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const parentOf = (span: OtlpSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);
    const one = (name: string | RegExp) => {
      const found = trace.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
      expect(found.map((s) => s.name)).toHaveLength(1);
      return found[0];
    };
    const ancestry = (span: OtlpSpan) => {
      const names: string[] = [];
      for (let at = parentOf(span); at; at = parentOf(at)) names.push(at.name);
      return names;
    };
    // One root: the gateway's server span, named after the operation.
    const root = one('gateway query ObsTrace');
    expect(trace.filter((s) => !s.parentSpanId || !byId.has(s.parentSpanId)).map((s) => s.name)).toEqual(['gateway query ObsTrace']);
    expect(root.kind).toBe(2); // SERVER
    expect(root.parentSpanId ?? '').toBe('');
    expect(parentOf(one('frontera.identity'))).toBe(root);
    expect(parentOf(one('frontera.authorization'))).toBe(root);
    expect(parentOf(one('frontera.audit.commit'))).toBe(root);
    // Apollo's own phases, under the same root.
    expect(ancestry(one('gateway.plan'))).toContain('gateway query ObsTrace');
    for (const subgraph of ['operations', 'training']) {
      const call = one(`subgraph ${subgraph}`);
      expect(call.kind).toBe(3); // CLIENT
      expect(parentOf(call)?.name).toBe('gateway.fetch');
      expect(ancestry(call)).toEqual(expect.arrayContaining(['gateway.execute', 'gateway.request', 'gateway query ObsTrace']));
      // The subgraph continued the gateway's trace (W3C traceparent) under the call's span.
      const served = one(new RegExp(`^subgraph ${subgraph} query`));
      expect(served.kind).toBe(2);
      expect(parentOf(served)).toBe(call);
      // Its PostgreSQL queries are its children (or deeper), never another trace.
      const queries = trace.filter((s) => s.name.startsWith('pg.query') && ancestry(s).includes(served.name));
      expect(queries.length).toBeGreaterThan(0);
    }
    // No document, no variables in any span.
    expect(JSON.stringify(trace)).not.toMatch(/officersTrained|graphql\.document/);

    // The gateway's log line of the request carries the trace id.
    const line = await waitFor('the request log line', () => stdout.split('\n').find((l) => l.includes(requestId) && l.includes('"msg":"request"')));
    expect(JSON.parse(line)).toMatchObject({ requestId, traceId });
  });

  test('an auditor finds the trace id in the AccessEvent, and finds the event from a trace id', async () => {
    const requestId = `obs-${randomUUID()}`;
    await post(TRACED, { authorization: `Bearer ${await token(admin)}`, 'x-request-id': requestId });
    const auditor = await token({ organisation: 'hub', roles: [Role.AUDITOR], clearance: Classification.CONFIDENTIAL });
    const find = (filter: string) => post(`{ accessEvents(first: 5, filter: ${filter}) { edges { node { requestId traceId } } } }`, { authorization: `Bearer ${auditor}` });
    const byRequest = await find(`{ operationName: "ObsTrace" }`);
    const node = byRequest.body.data.accessEvents.edges.map((e: any) => e.node).find((n: any) => n.requestId === requestId);
    expect(node.traceId).toMatch(/^[0-9a-f]{32}$/);
    const byTrace = await find(`{ traceId: "${node.traceId}" }`);
    expect(byTrace.body.data.accessEvents.edges.map((e: any) => e.node)).toEqual([{ requestId, traceId: node.traceId }]);
  });
});

test('a call made to a subgraph directly is refused and logged without a trace id: its traceparent is the caller\'s own choice', async () => {
  const requestId = `obs-direct-${randomUUID()}`;
  const response = await fetch(operationsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` },
    body: JSON.stringify({ query: '{ operations(first: 1) { edges { node { code } } } }' }),
  });
  expect(response.status).toBe(401);
  const rows = await waitFor('the refused call\'s event', async () => {
    const found = await withClient(databaseUrl(testDatabase()), (c) => c.query<{ event: Record<string, unknown> }>('select event from audit.access_event where request_id = $1', [requestId]));
    return found.rows.length ? found.rows : undefined;
  });
  expect(rows[0].event).toMatchObject({ receivedBy: 'operations', outcome: 'refused' });
  expect(rows[0].event).not.toHaveProperty('traceId');
});

/** Prometheus text format → `name{labels}` → value (labels as written, sorted by the client). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await response.text());
}

describe('metrics', () => {
  test('/metrics after known traffic: requests by operation, outcome and organisation, errors by code, denials by rule, subgraph calls, the audit writer', async () => {
    const before = await scrape();
    const delta = (after: Map<string, number>, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    const adminToken = await token(admin);
    const restricted = await token(officialOnly);
    for (let i = 0; i < 3; i += 1) expect((await post(TRACED, { authorization: `Bearer ${adminToken}` })).body.errors).toBeUndefined();
    for (let i = 0; i < 2; i += 1) {
      const { body } = await post(DENIED, { authorization: `Bearer ${restricted}` });
      expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['UNAUTHORIZED_FIELD_OR_TYPE']);
    }
    // A refused token: no operation was resolved, no caller verified.
    expect((await post(TRACED, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    // An operation without a name.
    expect((await post('{ __typename }', { authorization: `Bearer ${adminToken}` })).body.errors).toBeUndefined();

    const after = await scrape();
    expect(delta(after, 'frontera_gateway_requests_total{operation="ObsTrace",outcome="ok",organisation="hub"}')).toBe(3);
    expect(delta(after, 'frontera_gateway_request_duration_seconds_count{operation="ObsTrace",outcome="ok",organisation="hub"}')).toBe(3);
    expect(delta(after, 'frontera_gateway_requests_total{operation="ObsDenied",outcome="partial",organisation="ncb-ita"}')).toBe(2);
    expect(delta(after, 'frontera_gateway_request_errors_total{operation="ObsDenied",organisation="ncb-ita",code="UNAUTHORIZED_FIELD_OR_TYPE"}')).toBe(2);
    expect(delta(after, 'frontera_authorization_denials_total{rule="@policy(clearance:restricted)"}')).toBe(2);
    expect(delta(after, 'frontera_gateway_requests_total{operation="unknown",outcome="refused",organisation="unknown"}')).toBe(1);
    expect(delta(after, 'frontera_gateway_request_errors_total{operation="unknown",organisation="unknown",code="UNAUTHENTICATED"}')).toBe(1);
    expect(delta(after, 'frontera_gateway_requests_total{operation="anonymous",outcome="ok",organisation="hub"}')).toBe(1);
    // Each ObsTrace calls operations then training; each ObsDenied calls operations.
    expect(delta(after, 'frontera_subgraph_fetch_duration_seconds_count{subgraph="operations"}')).toBe(5);
    expect(delta(after, 'frontera_subgraph_fetch_duration_seconds_count{subgraph="training"}')).toBe(3);
    expect([...after.keys()].filter((k) => k.startsWith('frontera_subgraph_fetch_errors_total'))).toEqual([]);
    // Seven final events committed, in one or more batches.
    expect(delta(after, 'frontera_audit_batch_size_sum')).toBeGreaterThanOrEqual(7);
    expect(delta(after, 'frontera_audit_commit_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(after.get('frontera_audit_writer_healthy')).toBe(1);
    expect(after.get('frontera_audit_queue_depth')).toBe(0);
    expect(after.get('frontera_audit_write_failures_total')).toBe(0);
    expect(after.get('frontera_db_pool_max_connections{pool="operations"}')).toBe(10);
    expect(after.get('frontera_db_pool_connections{pool="operations",state="used"}')).toBe(0);
    expect(after.get('frontera_db_pool_connections{pool="operations",state="idle"}')).toBeGreaterThan(0);
    expect(after.get('frontera_db_pool_max_connections{pool="audit-writer"}')).toBe(1);
    expect(after.get('nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));
  });

  test('the metrics port serves /metrics only', async () => {
    const other = await fetch(metricsUrl.replace('/metrics', '/graphql'));
    expect(other.status).toBe(404);
  });
});
