import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { loadConfig } from '../hub/config';
import { databaseUrl, withClient } from '../platform/database';
import { testDatabase } from './database';
import { callers, useTestHub } from './harness';

// What a browser on another origin meets: a preflight answered for the listed origins only, an
// answer it may read only from a listed origin, Apollo's CSRF prevention as before, and no access
// event for a preflight.

const ALLOWED = 'https://app.example.org';
const REFUSED = 'https://evil.example.net';

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);
const eventsOf = async (requestId: string) =>
  (await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]))).rows.map((r) => r.event);

describe('CORS with an allow-list', () => {
  const t = useTestHub({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173`, CORS_MAX_AGE_SECONDS: '300' });
  const preflight = (origin: string, headers = 'content-type, authorization, x-purpose, apollographql-client-name', method = 'POST', requestId = `cors-${randomUUID()}`) =>
    fetch(t.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers, 'x-request-id': requestId },
    });

  test('a preflight from a listed origin is answered 204 with the methods, headers and max-age; it is not a request, so it is not in the access log', async () => {
    const requestId = `cors-${randomUUID()}`;
    const response = await preflight(ALLOWED, 'content-type, authorization, x-purpose, x-request-id, apollographql-client-name, apollographql-client-version, apollo-require-preflight', 'POST', requestId);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowed = response.headers.get('access-control-allow-headers')!.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-purpose', 'x-request-id', 'apollographql-client-name', 'apollographql-client-version', 'apollo-require-preflight']));
    expect(response.headers.get('access-control-max-age')).toBe('300');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/origin/);
    expect(await response.text()).toBe('');
    expect(await eventsOf(requestId)).toEqual([]);
  });

  test('a preflight from another origin, for another method or for a header not served gets no allow header', async () => {
    for (const response of [await preflight(REFUSED), await preflight(ALLOWED, 'content-type', 'PUT'), await preflight(ALLOWED, 'content-type, x-evil')]) {
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-allow-methods')).toBeNull();
      expect(response.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  test('an answer carries allow-origin for a listed origin only; the request itself is served and logged either way', async () => {
    const token = await t.token(callers.hubAdmin);
    for (const [origin, allowed] of [[ALLOWED, true], [REFUSED, false]] as const) {
      const requestId = `cors-${randomUUID()}`;
      const response = await fetch(t.gatewayUrl, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(allowed ? ALLOWED : null);
      if (allowed) expect(response.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
      expect(response.headers.get('vary')).toMatch(/origin/);
      expect(await eventsOf(requestId)).toHaveLength(1);
    }
  });

  test("CSRF prevention is unchanged: a simple GET from a listed origin without a preflight header is still refused", async () => {
    const requestId = `cors-${randomUUID()}`;
    const response = await fetch(`${t.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, { headers: { origin: ALLOWED, 'x-request-id': requestId } });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF|preflight/i);
    // Refused, and logged as every refusal is.
    expect(await eventsOf(requestId)).toEqual([expect.objectContaining({ outcome: 'refused' })]);
  });

  test('OPTIONS that is not a preflight is still refused with 405', async () => {
    const response = await fetch(t.gatewayUrl, { method: 'OPTIONS' });
    expect(response.status).toBe(405);
  });
});

describe('CORS by default', () => {
  const t = useTestHub();
  test('no origin is allowed: a preflight is refused like any OPTIONS and no answer carries a CORS header', async () => {
    const response = await fetch(t.gatewayUrl, { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await fetch(t.gatewayUrl, { method: 'POST', headers: { origin: ALLOWED, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('CORS_ORIGINS accepts only origins as browsers send them', () => {
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS: "\*" is not an origin/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.org/' })).toThrow(/CORS_ORIGINS: "https:\/\/app.example.org\/" is not an origin/);
    expect(() => loadConfig({ CORS_ORIGINS: 'app.example.org' })).toThrow(/CORS_ORIGINS/);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).CORS_ORIGINS).toEqual(['https://a.example', 'http://localhost:5173']);
  });
});
