import { GraphQLError } from 'graphql';
import { Classification, Role, type Principal } from '../identity/principal';
import { createLogger } from '../platform/logger';
import { parseRateLimits, RequestLimiter } from './rate-limits';

const principal = (organisation: string, subject = `${organisation}.one`): Principal => ({
  subject,
  organisation,
  country: null,
  roles: [Role.PARTNER_LIAISON],
  scopes: [],
  clearance: Classification.RESTRICTED,
  expiresAt: new Date(Date.now() + 3_600_000),
});

const limiter = (limits: string) => new RequestLimiter(parseRateLimits(limits)!, { store: null, log: createLogger('silent') });

const refusal = async (admitting: Promise<unknown>) => {
  const error = await admitting.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  return error as GraphQLError;
};

describe('RATE_LIMITS', () => {
  test('empty means no limits; JSON is read and each organisation falls back to the default field by field', () => {
    expect(parseRateLimits('')).toBeNull();
    const limits = limiter('{"default": {"requestsPerSecond": 10, "concurrent": 5}, "organisations": {"wco": {"requestsPerSecond": 100}}}');
    expect(limits.limitsOf('wco')).toEqual({ requestsPerSecond: 100, concurrent: 5 });
    expect(limits.limitsOf('iom')).toEqual({ requestsPerSecond: 10, concurrent: 5 });
  });

  test('a wrong value is named, with what is accepted', () => {
    expect(() => parseRateLimits('{"default": {"rps": 10}}')).toThrow(/must be JSON \{"default".*requestsPerSecond, concurrent.*; default: Unrecognized key: "rps"/);
    expect(() => parseRateLimits('{"organisations": {"wco": {"concurrent": 0}}}')).toThrow(/organisations\.wco\.concurrent/);
    expect(() => parseRateLimits('{nope')).toThrow(/must be JSON \(/);
    expect(() => parseRateLimits('/no/such/file.json')).toThrow(/neither JSON nor a readable file/);
  });
});

describe('concurrent requests', () => {
  test('an organisation over its concurrency is refused with RATE_LIMITED and 429 until one of its requests ends; others are not affected', async () => {
    const limits = limiter('{"default": {"concurrent": 2}}');
    const first = await limits.admit(principal('wco', 'a'));
    await limits.admit(principal('wco', 'b'));
    const error = await refusal(limits.admit(principal('wco', 'c')));
    expect(error.extensions.code).toBe('RATE_LIMITED');
    expect(error.message).toMatch(/more than 2 requests at once from organisation wco/);
    expect((error.extensions.http as { status: number; headers: Map<string, string> }).status).toBe(429);
    expect((error.extensions.http as { headers: Map<string, string> }).headers.get('retry-after')).toBe('1');
    await limits.admit(principal('iom'));
    first.release();
    first.release(); // a second release gives nothing back twice
    await limits.admit(principal('wco', 'c'));
    await refusal(limits.admit(principal('wco', 'd')));
  });

  test('a subject is limited within its organisation, and a refused request holds nothing', async () => {
    const limits = limiter('{"default": {"concurrent": 3, "subjectConcurrent": 1}}');
    const held = await limits.admit(principal('wco', 'a'));
    expect((await refusal(limits.admit(principal('wco', 'a')))).message).toMatch(/at once from this caller/);
    await limits.admit(principal('wco', 'b'));
    held.release();
    await limits.admit(principal('wco', 'a'));
    await limits.admit(principal('wco', 'c'));
    expect((await refusal(limits.admit(principal('wco', 'd')))).message).toMatch(/organisation wco/);
  });
});

describe('requests per second (in memory)', () => {
  test('the allowance is per organisation and per second, with the wait in retry-after', async () => {
    const limits = limiter('{"default": {"requestsPerSecond": 3}}');
    for (let i = 0; i < 3; i++) await limits.admit(principal('wco', `s${i}`));
    const error = await refusal(limits.admit(principal('wco', 'other')));
    expect(error.message).toMatch(/more than 3 requests per second from organisation wco/);
    await limits.admit(principal('iom'));
  });
});
