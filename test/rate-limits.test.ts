import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { parseRateLimits, RequestLimiter } from '../gateway/rate-limits';
import { RATE_LIMIT_SCHEMA } from '../hub/runtime';
import { Classification, Role, type Principal } from '../identity/principal';
import { databaseUrl, provisionDatabase, schemaGrant, withClient } from '../platform/database';
import { createLogger } from '../platform/logger';
import { loadSecrets } from '../platform/secrets';
import { testConfig, testDatabase } from './database';
import { callers, useTestHub, type Caller } from './harness';

// Limits per organisation through the gateway: 429 with retry-after and one access event per
// refusal; counters shared by replicas in PostgreSQL, and this replica's own when it is down;
// one organisation's flood leaves another's requests served, at their usual speed.

const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);
const eventsOf = async (requestId: string) =>
  (await admin((c) => c.query(`select event from audit.access_event where request_id = $1`, [requestId]))).rows.map((r) => r.event);

const RPS = 20;
const QUERY = `{ operations(first: 1) { edges { node { code } } } }`;
const flooder: Caller = { ...callers.officerTha };
const bystander: Caller = { ...callers.analystFra };

describe('limits per organisation', () => {
  const t = useTestHub({ RATE_LIMITS: JSON.stringify({ default: { requestsPerSecond: RPS, concurrent: 100 }, organisations: { hub: { requestsPerSecond: 1000 } } }) });

  const send = async (as: Caller) => {
    const requestId = `limits-${randomUUID()}`;
    const started = performance.now();
    const response = await fetch(t.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token(as)}`, 'x-purpose': 'limits suite', 'x-request-id': requestId },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body, requestId, ms: performance.now() - started };
  };

  test('over its requests per second, an organisation gets 429 RATE_LIMITED with retry-after, and each refusal is one refused access event', async () => {
    const answers = await Promise.all(Array.from({ length: RPS + 10 }, () => send(flooder)));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(RPS);
    const [one] = refused;
    expect(Number(one.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(one.body.errors).toHaveLength(1);
    expect(one.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Rate limited: more than 20 requests per second from organisation ncb-tha; retry after \d+ s$/), extensions: { code: 'RATE_LIMITED' } });
    expect(await eventsOf(one.requestId)).toEqual([expect.objectContaining({ outcome: 'refused', refusalCode: 'RATE_LIMITED', principal: expect.objectContaining({ organisation: 'ncb-tha' }) })]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  });

  test("one organisation's flood does not starve another's", async () => {
    const bystanderRun = async (count: number) => {
      const runs = [];
      for (let i = 0; i < count; i++) {
        runs.push(await send(bystander));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return runs;
    };
    const baseline = await bystanderRun(10);
    // The flood, bounded so the machine measures the limiter and not its own saturation: one
    // organisation sending FLOOD_RPS (five times its allowance), up to 32 at once.
    const FLOOD_RPS = 100;
    const flood = { sent: 0, served: 0, limited: 0 };
    const pending = new Set<Promise<void>>();
    const floodStarted = performance.now();
    const ticker = setInterval(() => {
      if (pending.size >= 32) return;
      flood.sent += 1;
      const sending: Promise<void> = send(flooder).then(({ status }) => {
        if (status === 200) flood.served += 1;
        else if (status === 429) flood.limited += 1;
        pending.delete(sending);
      });
      pending.add(sending);
    }, 1000 / FLOOD_RPS);
    const during = await bystanderRun(20);
    clearInterval(ticker);
    await Promise.all(pending);
    const floodSeconds = (performance.now() - floodStarted) / 1000;

    expect(during.every((r) => r.status === 200 && !r.body.errors)).toBe(true);
    expect(flood.limited).toBeGreaterThan(0);
    // Fixed one-second windows: at most RPS per window, and the run spans ceil(seconds) + 1 of them.
    expect(flood.served).toBeLessThanOrEqual(RPS * (Math.ceil(floodSeconds) + 1));
    const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
    const ms = (rs: { ms: number }[]) => rs.map((r) => r.ms);
    process.stdout.write(
      `flood of ncb-tha (${RPS} req/s allowed): ${flood.sent} sent in ${floodSeconds.toFixed(1)} s (${(flood.sent / floodSeconds).toFixed(0)} req/s), ${flood.served} served, ${flood.limited} refused 429; ` +
        `ncb-fra alone p50 ${p(ms(baseline), 0.5).toFixed(1)} ms, p95 ${p(ms(baseline), 0.95).toFixed(1)} ms; during the flood ${during.length}/${during.length} served, p50 ${p(ms(during), 0.5).toFixed(1)} ms, p95 ${p(ms(during), 0.95).toFixed(1)} ms\n`,
    );
    // Served, and not made to wait behind the flood (a loaded 2-core machine: generous bounds).
    expect(p(ms(during), 0.5)).toBeLessThan(Math.max(300, p(ms(baseline), 0.5) * 5));
  }, 60_000);
});

describe('counters shared by replicas', () => {
  const config = testConfig();
  const grant = () => schemaGrant(testDatabase(), loadSecrets(config.SECRETS_DIR), RATE_LIMIT_SCHEMA);
  const principal = (organisation: string): Principal => ({ subject: `${organisation}.x`, organisation, country: null, roles: [Role.PARTNER_LIAISON], scopes: [], clearance: Classification.RESTRICTED, expiresAt: new Date(Date.now() + 60_000) });
  const admitted = async (limiter: RequestLimiter, organisation: string, times: number) =>
    (await Promise.allSettled(Array.from({ length: times }, () => limiter.admit(principal(organisation))))).filter((r) => r.status === 'fulfilled').length;
  // As a gateway's start does (hub/runtime.ts): idempotent.
  beforeAll(() => provisionDatabase(testDatabase(), [grant()]));

  test('two gateway replicas share one allowance through PostgreSQL', async () => {
    const { role, password } = grant();
    const store = { connectionString: databaseUrl(testDatabase(), { user: role, password }), schema: RATE_LIMIT_SCHEMA };
    const limits = parseRateLimits('{"default": {"requestsPerSecond": 20}}')!;
    const [a, b] = [new RequestLimiter(limits, { store, log: createLogger('silent') }), new RequestLimiter(limits, { store, log: createLogger('silent') })];
    await Promise.all([a.start(), b.start()]);
    const organisation = `replicas-${randomUUID().slice(0, 8)}`;
    const [fromA, fromB] = await Promise.all([admitted(a, organisation, 15), admitted(b, organisation, 15)]);
    expect(fromA + fromB).toBe(20);
    // The role owns its schema and nothing else: it cannot read the access log.
    await expect(withClient(store.connectionString, (c) => c.query('select 1 from audit.access_event limit 1'))).rejects.toThrow(/permission denied/);
    await Promise.all([a.close(), b.close()]);
  });

  test('with the store down, each replica keeps the limits in memory (neither open nor closed)', async () => {
    const store = { connectionString: 'postgresql://nobody:nothing@127.0.0.1:9/none', schema: RATE_LIMIT_SCHEMA };
    const limiter = new RequestLimiter(parseRateLimits('{"default": {"requestsPerSecond": 20}}')!, { store, log: createLogger('silent') });
    await expect(limiter.start()).rejects.toThrow();
    const started = performance.now();
    expect(await admitted(limiter, `down-${randomUUID().slice(0, 8)}`, 30)).toBe(20);
    expect(performance.now() - started).toBeLessThan(2_000);
    await limiter.close();
  });
});
