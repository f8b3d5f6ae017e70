import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { databaseUrl, withClient } from '../platform/database';
import { testDatabase } from './database';
import { useTestHub } from './harness';

// A client's mistake is a 4xx with a code that says which, never a 500; asked for as
// `application/json`, the GraphQL-over-HTTP request errors (parse, validation, variable coercion,
// operation selection) are a 200 whose body carries the error, as the spec says they SHOULD be,
// while the hub's own refusals keep their status. Each is logged once, as refused.

const t = useTestHub();
const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);

const TWO_OPERATIONS = 'query Recent { operations(first: 1) { edges { cursor } } } query Courses { courses(first: 1) { edges { cursor } } }';

async function post(payload: unknown, accept?: string, headers: Record<string, string> = {}) {
  const requestId = `request-errors-${randomUUID()}`;
  const response = await fetch(t.gatewayUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'x-purpose': 'request errors suite',
      authorization: `Bearer ${await t.token({ organisation: 'hub', roles: ['HUB_ADMIN' as never] })}`,
      ...(accept ? { accept } : {}),
      ...headers,
    },
    body: JSON.stringify(payload),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
  const { rows } = await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]));
  return { status: response.status, contentType: response.headers.get('content-type'), body, events: rows.map((r) => r.event) };
}

/** No data, a first error with `code`, and exactly one access event: refused, with that code, no subgraph called. */
function expectRefused(answer: Awaited<ReturnType<typeof post>>, code: string) {
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.[0]?.extensions?.code).toBe(code);
  expect(answer.events).toHaveLength(1);
  expect(answer.events[0]).toMatchObject({ outcome: 'refused', refusalCode: code, subgraphs: [], records: [] });
}

describe('an operation that cannot be selected is the client\'s mistake', () => {
  test.each([undefined, '*/*', 'application/graphql-response+json'])('an unknown operationName is a 400 OPERATION_RESOLUTION_FAILURE naming the operations there are (Accept: %s)', async (accept) => {
    const answer = await post({ query: TWO_OPERATIONS, operationName: 'Missing' }, accept);
    expect(answer.status).toBe(400);
    expectRefused(answer, 'OPERATION_RESOLUTION_FAILURE');
    expect(answer.body.errors![0].message).toBe('Unknown operation named "Missing": the document has "Recent", "Courses"; set operationName to one of them.');
  });

  test('several operations and no operationName is a 400 OPERATION_RESOLUTION_FAILURE saying what to set', async () => {
    const answer = await post({ query: TWO_OPERATIONS });
    expect(answer.status).toBe(400);
    expectRefused(answer, 'OPERATION_RESOLUTION_FAILURE');
    expect(answer.body.errors![0].message).toBe('The document has 2 operations ("Recent", "Courses"): set operationName to the one to run.');
  });

  test('a named operation of the document still runs', async () => {
    const answer = await post({ query: TWO_OPERATIONS, operationName: 'Courses' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.events).toEqual([expect.objectContaining({ outcome: 'ok', operationName: 'Courses' })]);
  });
});

const REQUEST_ERRORS: [string, unknown, string][] = [
  ['a document that does not parse', { query: '{ operations(' }, 'GRAPHQL_PARSE_FAILED'],
  ['a document that does not validate', { query: '{ operations(first: 1) { nope } }' }, 'GRAPHQL_VALIDATION_FAILED'],
  ['a required variable not sent', { query: 'query ($id: ID!) { checkpoint(id: $id) { name } }', variables: {} }, 'BAD_USER_INPUT'],
  ['a variable of the wrong type', { query: 'query ($id: ID!) { checkpoint(id: $id) { name } }', variables: { id: { a: 1 } } }, 'BAD_USER_INPUT'],
  ['an unknown operationName', { query: TWO_OPERATIONS, operationName: 'Missing' }, 'OPERATION_RESOLUTION_FAILURE'],
];

describe('Accept: application/json', () => {
  test.each(REQUEST_ERRORS)('%s is a 200 with the error in the body, logged once as refused', async (_name, payload, code) => {
    const answer = await post(payload, 'application/json');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expectRefused(answer, code);
  });

  test.each(REQUEST_ERRORS)('%s stays a 400 for a client that prefers application/graphql-response+json', async (_name, payload, code) => {
    const answer = await post(payload, 'application/graphql-response+json, application/json;q=0.9');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/graphql-response\+json/);
    expectRefused(answer, code);
  });

  test.each([
    ['an operation over the depth limit', { query: '{ operations(first: 1) { edges { node { checkpoints { deployments { operation { checkpoints { deployments { operation { checkpoints { deployments { operation { code } } } } } } } } } } } } }' }, 400, 'OPERATION_TOO_COMPLEX'],
    ['a page size over MAX_PAGE_SIZE', { query: 'query ($n: Int!) { operations(first: $n) { edges { cursor } } }', variables: { n: 1000 } }, 400, 'BAD_USER_INPUT'],
    ['a string holding NUL', { query: 'query ($c: String!) { operation(code: $c) { code } }', variables: { c: 'A\u0000B' } }, 400, 'BAD_USER_INPUT'],
  ] as const)('the hub\'s refusals keep their status: %s', async (_name, payload, status, code) => {
    const answer = await post(payload, 'application/json');
    expect(answer.status).toBe(status);
    expectRefused(answer, code);
  });

  test('a refused token keeps its 401, even on a document that does not validate', async () => {
    const requestId = `request-errors-${randomUUID()}`;
    const response = await fetch(t.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-request-id': requestId, authorization: 'Bearer not.a.token' },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    expect(response.status).toBe(401);
    const { rows } = await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]));
    expect(rows.map((r) => r.event)).toEqual([expect.objectContaining({ outcome: 'refused', refusalCode: 'UNAUTHENTICATED' })]);
  });
});
