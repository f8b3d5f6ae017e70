import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildSchema, getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import type { Client } from 'pg';
import { limitsFromConfig, operationCost } from '../gateway/limits';
import { ConfigError, loadConfig } from '../hub/config';
import { LOCAL_ISSUER_PRODUCTION_ACK } from '../identity/settings';
import { repoRoot } from '../platform/config';
import { databaseUrl, withClient } from '../platform/database';
import { testConfig, testDatabase } from './database';
import { callers, startTestHub, type TestHub } from './harness';

// The limits' defaults against the documented queries and the heaviest ones they allow, automatic
// persisted queries in development, trusted documents, what production hides, and the time and
// size bounds of every server and of the gateway's subgraph calls.

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);
const eventOf = async (requestId: string) => {
  const { rows } = await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]));
  expect(rows).toHaveLength(1);
  return rows[0].event;
};
const tagged = () => ({ 'x-request-id': `hardening-${randomUUID()}` });

const README_QUERIES = [
  `{ operations(first: 5) { edges { node { code status period { start end } checkpoints { name country borderType } results { checks hits confirmedHits arrests } } } } }`,
  `{ operation(code: "ANCHOR-III") { code
    trainingSessions { course { title } enrolled certified } officersTrained
    frontex { riskAnalyses { title } } wco { seizureCount } iom { aggregates { k total } } } }`,
  `{ hits(first: 10, filter: { status: PENDING }) { edges { node { database detectedAt checkpoint { name } alert { issuingCountry handling { owner classification } } } } } }`,
];

describe('default limits', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
  });

  test.each(README_QUERIES.map((q, i) => [i + 1, q]))('README query %i passes', async (_n, query) => {
    await t.ok(query);
  });

  test('a null page size is refused without making the same document refused when the variable is left to its default', async () => {
    const query = `query Paged($n: Int = 5) { operations(first: $n) { edges { cursor } } }`;
    const refused = async () => (await t.query(query, { n: null })).body.errors?.[0]?.extensions?.code;
    expect(await refused()).toBe('BAD_USER_INPUT');
    expect((await t.ok(query, {})).operations.edges.length).toBeGreaterThan(0);
    expect(await refused()).toBe('BAD_USER_INPUT');
  });

  test('a page of 100 operations with their checkpoints, deployments, results and training sessions passes', async () => {
    const data = await t.ok(`query($n: Int!) { operations(first: $n) { edges { node { code name status period { start end }
      checkpoints { name country borderType deployments { officersAssigned startsAt endsAt } }
      deployments { startsAt endsAt officersAssigned checkpoint { name } }
      results { checks hits confirmedHits arrests seizures hitsByDatabase { database hits } }
      trainingSessions { startsOn endsOn status enrolled certified course { code title level } } } } } }`, { n: 100 });
    expect(data.operations.edges.length).toBeGreaterThan(0);
  });

  // The heaviest operations the defaults let through, timed: the numbers go in the benchmark note.
  const schema = buildSchema(readFileSync(path.join(repoRoot, 'schema', 'api-contract.graphql'), 'utf8'));
  const limits = limitsFromConfig(testConfig());
  const costOf = (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return operationCost(schema, document, getOperationAST(document)!, variables, limits).cost;
  };
  /** The largest `first` in 1…MAX_PAGE_SIZE for which `build(first)` stays within MAX_COST. */
  const largestPage = (build: (first: number) => string) => {
    let best = 0;
    for (let first = 1; first <= limits.maxPageSize; first++) if (costOf(build(first)) <= limits.maxCost) best = first;
    return best;
  };
  /** Runs `query` three times (the first one plans it); each must succeed. Prints the timings, asserts none. */
  const timed = async (name: string, query: string) => {
    const runs: number[] = [];
    let size = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const { status, body } = await t.query(query, {}, { headers: tagged() });
      runs.push(Math.round(performance.now() - started));
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      size = JSON.stringify(body).length;
    }
    console.log(`slow-query probe, ${name}: ${runs.join(' / ')} ms (first run plans), ${size} bytes, cost ${Math.round(costOf(query))} of ${limits.maxCost}`);
  };

  test('slow-query probe: the deepest operation allowed (depth 12, fanning out through every unpaged list) completes', async () => {
    const deepest = (first: number) =>
      `{ operations(first: ${first}) { edges { node { code trainingSessions { enrollments { participant { checkpoint { deployments { operation { checkpoints { name } } } } } } } } } } }`;
    const first = largestPage(deepest);
    expect(first).toBeGreaterThan(0);
    expect(costOf(deepest(first + 1))).toBeGreaterThan(limits.maxCost);
    await timed(`deepest (first: ${first})`, deepest(first));
    // One more level is refused before planning.
    const deeper = await t.query(deepest(first).replace('checkpoints { name }', 'checkpoints { deployments { officersAssigned } }'));
    expect(deeper.body.errors?.[0].extensions?.code).toBe('OPERATION_TOO_COMPLEX');
  });

  test('slow-query probe: the widest operation allowed (as many root lists as allowed, each at its largest page) completes', async () => {
    const lists = (first: number) =>
      [
        `operations(first: ${first}) { edges { node { code name status leadOrganisation participatingCountries partnerOrganisations borderTypes crimeAreas databasesEnabled period { start end } results { checks hits confirmedHits arrests seizures } } } }`,
        `checkpoints(first: ${first}) { edges { node { name country borderType location { place latitude longitude } } } }`,
        `hits(first: ${first}) { edges { node { database status detectedAt checkpoint { name } } } }`,
        `courses(first: ${first}) { edges { node { code title level domain durationDays } } }`,
        `sessions(first: ${first}) { edges { node { startsOn endsOn status enrolled certified course { title } } } }`,
        `participants(first: ${first}) { edges { node { fullName agency country } } }`,
        `frontexRiskAnalyses(first: ${first}) { edges { node { title region } } }`,
        `wcoSeizures(first: ${first}) { edges { node { commodity quantity } } }`,
      ];
    // Every root field the limit allows, the same lists again under aliases.
    const widest = (first: number) => `{ ${Array.from({ length: limits.maxRootFields }, (_, i) => `r${i}: ${lists(first)[i % lists(first).length]}`).join(' ')} }`;
    const first = largestPage(widest);
    expect(first).toBeGreaterThan(0);
    await timed(`widest (${limits.maxRootFields} root lists, first: ${first})`, widest(first));
  });
});

describe('automatic persisted queries in development', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t?.stop();
  });

  test('a hash the server does not know asks for the query, which is then remembered', async () => {
    const query = `{ operations(first: 2) { edges { node { code } } } } # ${randomUUID()}`;
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const post = (body: unknown) =>
      fetch(t.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf}`, 'x-purpose': 'test suite' }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const tokenOf = await t.token(callers.hubAdmin);
    expect((await post({ extensions: { persistedQuery } })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post({ query, extensions: { persistedQuery } })).body.data.operations.edges).toHaveLength(2);
    expect((await post({ extensions: { persistedQuery } })).body.data.operations.edges).toHaveLength(2);
  });

  test('the Sandbox landing page is served to a browser in development', async () => {
    const response = await fetch(t.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/sandbox|embeddable/i);
  });
});

describe('trusted documents', () => {
  const web = {
    operations: `query Operations { operations(first: 2) { edges { node { code } } } }`,
    operation: `query Operation($code: String!) { operation(code: $code) { code name } }`,
  };
  const partnerOnly = `query Hits { hits(first: 1) { edges { node { id } } } }`;
  const manifest = (bodies: Record<string, string>) => ({
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: Object.entries(bodies).map(([name, body]) => ({ id: sha(body), name, type: 'query', body })),
  });
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  let dir: string;
  let t: TestHub;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-trusted-'));
    writeFileSync(path.join(dir, 'frontera-web.json'), JSON.stringify(manifest(web)));
    writeFileSync(path.join(dir, 'partner-app.json'), JSON.stringify(manifest({ Hits: partnerOnly })));
    t = await startTestHub({ TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_DIR: dir });
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (body: unknown, client: string | null = 'frontera-web') => {
    const headers = { ...tagged(), ...(client ? { 'apollographql-client-name': client } : {}) };
    const response = await fetch(t.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(callers.hubAdmin)}`, 'x-purpose': 'test suite', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any, requestId: headers['x-request-id'] };
  };

  test('a registered operation runs by its id alone, by its exact text, or by its text laid out differently', async () => {
    const byId = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(web.operations) } } });
    expect(byId.body.data.operations.edges).toHaveLength(2);
    const event = await eventOf(byId.requestId);
    expect(event).toMatchObject({ outcome: 'ok', clientName: 'frontera-web', documentHash: sha(web.operations), operationName: 'Operations' });
    const byText = await send({ query: web.operation, variables: { code: 'ANCHOR-III' } });
    expect(byText.body.data.operation.code).toBe('ANCHOR-III');
    const relaidOut = await send({ query: `# the same, reformatted\nquery Operation( $code : String! ) {\n  operation(code: $code) { code, name }\n}`, variables: { code: 'ANCHOR-III' } });
    expect(relaidOut.body.data.operation.code).toBe('ANCHOR-III');
  });

  test('GET with a registered id works for CDN-style clients', async () => {
    const search = new URLSearchParams({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(web.operations) } }) });
    const response = await fetch(`${t.gatewayUrl}?${search}`, {
      headers: { 'apollographql-client-name': 'frontera-web', 'apollo-require-preflight': 'true', authorization: `Bearer ${await t.token(callers.hubAdmin)}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.operations.edges).toHaveLength(2);
  });

  test.each<[string, unknown, string | null]>([
    ['an unregistered document', { query: `{ operations(first: 100) { edges { node { code name } } } }` }, 'frontera-web'],
    ['an unregistered id', { extensions: { persistedQuery: { version: 1, sha256Hash: sha('{ __typename }') } } }, 'frontera-web'],
    ['a registered id with another text (APQ-style registration)', { query: `{ hits(first: 100) { edges { node { id } } } }`, extensions: { persistedQuery: { version: 1, sha256Hash: sha(web.operations) } } }, 'frontera-web'],
    ['another client\'s operation', { query: partnerOnly }, 'frontera-web'],
    ['no client name', { query: web.operations }, null],
    ['an unknown client', { query: web.operations }, 'curl'],
    ['introspection', { query: getIntrospectionQuery() }, 'frontera-web'],
    ['neither id nor query', { variables: {} }, 'frontera-web'],
  ])('%s is refused with OPERATION_NOT_TRUSTED and logged', async (_name, body, client) => {
    const response = await send(body, client);
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors[0].extensions.code).toBe('OPERATION_NOT_TRUSTED');
    const event = await eventOf(response.requestId);
    expect(event).toMatchObject({ outcome: 'refused', refusalCode: 'OPERATION_NOT_TRUSTED', principal: { organisation: 'hub' }, subgraphs: [] });
    // What was tried: the hash of the text sent, or the id named.
    const sent = body as { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } };
    expect(event.documentHash).toBe(sent.query ? sha(sent.query) : (sent.extensions?.persistedQuery?.sha256Hash ?? null));
  });

  test('a manifest with an operation that could never run stops start-up, naming the file, the operation and the first error', async () => {
    const badDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-trusted-bad-'));
    try {
      const good = web.operations;
      const bad = `query Stale { operations(first: 2) { edges { node { code nickname } } } }`;
      writeFileSync(path.join(badDir, 'frontera-web.json'), JSON.stringify(manifest({ Operations: good, Stale: bad })));
      await expect(startTestHub({ TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_DIR: badDir })).rejects.toThrow(
        `frontera-web.json: operations[1] (Stale), id ${sha(bad)}: does not validate against the API schema: Cannot query field "nickname" on type "Operation".`,
      );
    } finally {
      rmSync(badDir, { recursive: true, force: true });
    }
  });

  test('a refused registration attempt leaves nothing behind: the hash still does not resolve', async () => {
    const query = `{ participants(first: 100) { edges { node { fullName } } } }`;
    const persistedQuery = { version: 1, sha256Hash: sha(query) };
    expect((await send({ query, extensions: { persistedQuery } })).body.errors[0].extensions.code).toBe('OPERATION_NOT_TRUSTED');
    expect((await send({ extensions: { persistedQuery } })).body.errors[0].extensions.code).toBe('OPERATION_NOT_TRUSTED');
  });
});

describe('production', () => {
  let t: TestHub;
  beforeAll(async () => {
    // frontex's URL points at a closed port, to see what a failing subgraph lets through.
    // The harness mints its tokens with the demo issuer, which production trusts only when told twice.
    t = await startTestHub({
      NODE_ENV: 'production',
      LOCAL_ISSUER: 'true',
      LOCAL_ISSUER_IN_PRODUCTION: LOCAL_ISSUER_PRODUCTION_ACK,
      INTROSPECTION_ROLES: 'HUB_ADMIN',
      SUBGRAPH_URLS: 'frontex=http://127.0.0.1:9/graphql',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  test('introspection is refused unless the caller holds an allowed role', async () => {
    const headers = tagged();
    const officer = await t.query(getIntrospectionQuery(), {}, { as: callers.officerTha, headers });
    expect(officer.status).toBe(403);
    expect(officer.body.data).toBeUndefined();
    expect(officer.body.errors?.[0].extensions?.code).toBe('INTROSPECTION_DISABLED');
    expect(await eventOf(headers['x-request-id'])).toMatchObject({ outcome: 'refused', refusalCode: 'INTROSPECTION_DISABLED' });
    const anonymous = await t.query(`{ __type(name: "Operation") { fields { name } } }`, {}, { as: null });
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('INTROSPECTION_DISABLED');
    const administrator = await t.query(getIntrospectionQuery(), {}, { as: callers.hubAdmin });
    expect(administrator.body.errors).toBeUndefined();
    expect(administrator.body.data.__schema.queryType.name).toBe('Query');
    // __typename is not introspection.
    await t.ok(`{ __typename operations(first: 1) { __typename } }`, {}, { as: callers.officerTha });
  });

  test('validation errors suggest no field names', async () => {
    const { body } = await t.query(`{ operationz(first: 1) { edges { node { code } } } }`);
    expect(body.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0].message).not.toMatch(/Did you mean/);
    expect(body.errors?.[0].message).toMatch(/operationz/);
  });

  test('a failing subgraph shows no address, stack or service name; the code stays', async () => {
    const { status, body } = await t.query(`{ frontexRiskAnalyses(first: 1) { edges { node { title } } } }`);
    expect(status).toBeLessThan(500);
    expect(body.errors?.length).toBeGreaterThan(0);
    const text = JSON.stringify(body.errors);
    expect(text).not.toMatch(/127\.0\.0\.1|localhost|http:|:9\b|ECONNREFUSED|stacktrace|frontex|serviceName|at \w+ \(/);
    for (const error of body.errors!) {
      expect(Object.keys(error.extensions ?? {})).toEqual(['code']);
      expect(error.extensions?.code).toMatch(/^(INTERNAL_SERVER_ERROR|SUBGRAPH_ERROR|DOWNSTREAM_SERVICE_ERROR)$/);
    }
  });

  test('coded client errors keep their message and code', async () => {
    const { code, message } = await t.refused(`{ operations(first: 1, after: "bm9wZQ") { edges { cursor } } }`);
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toMatch(/pageInfo.endCursor/);
  });

  test('no Sandbox: a browser gets no landing page', async () => {
    const response = await fetch(t.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });
});

describe('configuration of the bounds', () => {
  test('defaults', () => {
    expect(loadConfig({})).toMatchObject({ MAX_BODY_BYTES: 1_000_000, SUBGRAPH_MAX_BODY_BYTES: 5_000_000, SUBGRAPH_TIMEOUT_MS: 10_000, REQUEST_TIMEOUT_MS: 30_000 });
  });

  test('a subgraph must accept at least what the gateway accepts', () => {
    expect(() => loadConfig({ MAX_BODY_BYTES: '6000000' })).toThrow(ConfigError);
    expect(() => loadConfig({ MAX_BODY_BYTES: '6000000' })).toThrow(/SUBGRAPH_MAX_BODY_BYTES: must be at least MAX_BODY_BYTES \(6000000\)/);
    expect(loadConfig({ MAX_BODY_BYTES: '6000000', SUBGRAPH_MAX_BODY_BYTES: '6000000' }).SUBGRAPH_MAX_BODY_BYTES).toBe(6_000_000);
    // Every bad value is named, whichever section of the configuration declares it.
    const both = () => loadConfig({ SUBGRAPH_TIMEOUT_MS: '0', REQUEST_TIMEOUT_MS: 'forever' });
    expect(both).toThrow(/SUBGRAPH_TIMEOUT_MS: Too small/);
    expect(both).toThrow(/REQUEST_TIMEOUT_MS: Invalid input/);
  });
});

describe('time and size bounds', () => {
  let t: TestHub;
  // A subgraph that accepts connections and never answers, standing in for frontex.
  const stuck = http.createServer(() => undefined);
  const SUBGRAPH_TIMEOUT_MS = 500;
  const REQUEST_TIMEOUT_MS = 1_000;
  const SUBGRAPH_MAX_BODY_BYTES = 20_000;
  beforeAll(async () => {
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    t = await startTestHub({
      SUBGRAPH_URLS: `frontex=http://127.0.0.1:${(stuck.address() as AddressInfo).port}/graphql`,
      SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
      // Every call here must meet the timeout: frontex's breaker would open after 5 (test/resilience.test.ts).
      SUBGRAPH_BREAKER_FAILURES: '100',
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      MAX_BODY_BYTES: '10000',
      SUBGRAPH_MAX_BODY_BYTES: String(SUBGRAPH_MAX_BODY_BYTES),
    });
  });
  afterAll(async () => {
    await t?.stop();
    stuck.closeAllConnections();
    await new Promise((resolve) => stuck.close(resolve));
  });

  test('a subgraph that never answers fails its part with SUBGRAPH_TIMEOUT after SUBGRAPH_TIMEOUT_MS; the request is audited, the gateway keeps serving', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const headers = tagged();
        const started = performance.now();
        const response = await t.query(`{ operation(code: "ANCHOR-III") { code frontex { riskAnalyses { title } } } }`, {}, { headers });
        return { ...response, ms: performance.now() - started, requestId: headers['x-request-id'] };
      }),
    );
    for (const { status, body, ms, requestId } of attempts) {
      expect(ms).toBeGreaterThanOrEqual(SUBGRAPH_TIMEOUT_MS - 50);
      expect(ms).toBeLessThan(SUBGRAPH_TIMEOUT_MS + 4_000);
      expect(status).toBe(200);
      // Operation.frontex cannot be null, so the operation is.
      expect(body.data).toEqual({ operation: null });
      // @apollo/gateway reports a failed fetch without a path.
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SUBGRAPH_TIMEOUT']);
      expect(body.errors?.[0].message).toBe(`The frontex service did not answer within ${SUBGRAPH_TIMEOUT_MS} ms; retry later`);
      expect(await eventOf(requestId)).toMatchObject({ receivedBy: 'gateway', outcome: 'error', refusalCode: 'SUBGRAPH_TIMEOUT', subgraphs: ['frontex', 'operations'] });
    }

    // Only frontex's part.
    const headers = tagged();
    const only = await t.query(`{ frontexRiskAnalyses(first: 1) { edges { node { title } } } }`, {}, { headers });
    expect(only.body.errors?.[0].extensions?.code).toBe('SUBGRAPH_TIMEOUT');
    expect(only.body.data?.frontexRiskAnalyses ?? null).toBeNull();
    expect(await eventOf(headers['x-request-id'])).toMatchObject({ outcome: 'error', refusalCode: 'SUBGRAPH_TIMEOUT', subgraphs: ['frontex'] });

    await t.ok(`{ operations(first: 2) { edges { node { code trainingSessions { course { title } } } } } }`);
  });

  test('a subgraph reads at most SUBGRAPH_MAX_BODY_BYTES, and refuses a larger body with 413 before anything else', async () => {
    const url = t.hub.subgraphs.get('operations')!.url;
    const direct = async (size: number) => {
      const requestId = `hardening-${randomUUID()}`;
      const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(size) } });
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body });
      return { status: response.status, body: (await response.json()) as any, requestId };
    };
    const over = await direct(SUBGRAPH_MAX_BODY_BYTES);
    expect(over.status).toBe(413);
    expect(over.body.errors[0]).toEqual({ message: `Request body is larger than ${SUBGRAPH_MAX_BODY_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await eventOf(over.requestId)).toMatchObject({ receivedBy: 'operations', outcome: 'refused', refusalCode: 'PAYLOAD_TOO_LARGE' });
    // Over the gateway's limit but within the subgraph's: read, then refused for its missing token.
    const within = await direct(15_000);
    expect(within.status).toBe(401);
    expect(await eventOf(within.requestId)).toMatchObject({ receivedBy: 'operations', outcome: 'refused', refusalCode: 'UNAUTHENTICATED' });
  });

  /** Opens a raw connection to the gateway, sends `start` and then one more header line every 200 ms; resolves when the server closes it. */
  function trickle(start: string, line: (i: number) => string): Promise<{ ms: number; received: string }> {
    const { port } = new URL(t.gatewayUrl);
    return new Promise((resolve, reject) => {
      const started = performance.now();
      let received = '';
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(start));
      let i = 0;
      const timer = setInterval(() => socket.writable && socket.write(line(i++)), 200);
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: performance.now() - started, received });
      });
      socket.on('error', () => undefined);
      // Far beyond the bound: the test fails rather than hangs if the server never cuts the client off.
      setTimeout(() => {
        clearInterval(timer);
        socket.destroy();
        reject(new Error('the server kept the slow connection open'));
      }, 15_000).unref();
    });
  }

  test('a client sending its headers slowly (slowloris) gets 408 and is cut off after REQUEST_TIMEOUT_MS, while others are served', async () => {
    const slow = trickle('POST /graphql HTTP/1.1\r\nHost: localhost\r\n', (i) => `x-slow-${i}: 1\r\n`);
    await t.ok(`{ operations(first: 1) { edges { node { code } } } }`);
    const { ms, received } = await slow;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    // The bound is checked once a second.
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  });

  test('a client sending its body slowly is cut off after REQUEST_TIMEOUT_MS too, and the attempt is logged as refused', async () => {
    const requestId = `hardening-${randomUUID()}`;
    const { ms, received } = await trickle(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nx-request-id: ${requestId}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`, () => ' ');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
    // Node answers 408 on its own; the hub logs the cut-off request right after.
    for (let waited = 0; waited < 2_000 && (await admin((c) => c.query(`select 1 from audit.access_event where request_id = $1`, [requestId]))).rowCount === 0; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await eventOf(requestId)).toMatchObject({ receivedBy: 'gateway', outcome: 'refused', refusalCode: 'REQUEST_INCOMPLETE', principal: null });
  });
});
