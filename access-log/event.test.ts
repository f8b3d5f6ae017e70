import { Role } from '../identity/principal';
import { auditPrincipal, canonicalJson, documentHash, emptyAccessEvent, hashTerm, hashVariables, normaliseEvent, TRUNCATED_VARIABLES_KEY } from './event';

const KEY = Buffer.alloc(32, 7);

describe('canonicalJson', () => {
  test('sorts keys at every level and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  test('the same value encodes the same whatever the key order', () => {
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  test('leaves out undefined keys, writes undefined array items as null, escapes strings as JSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: 'quote " and \u0001' })).toBe('{"b":[null],"c":"quote \\" and \\u0001"}');
  });

  test.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a Date', new Date(0)],
    ['a bigint', BigInt(1)],
    ['a function', () => 1],
  ])('refuses %s', (_name, value) => {
    expect(() => canonicalJson({ value })).toThrow(TypeError);
  });

  test('refuses a cycle', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/cycle/);
  });
});

describe('hashVariables', () => {
  test('hashes every leaf by path and never keeps a clear value', () => {
    const variables = { input: { documentNumber: 'AB123456', issuingCountry: 'FRA', tags: ['x', 'y'], count: 3, flag: true, none: null } };
    const hashes = hashVariables(variables, KEY);
    expect(Object.keys(hashes).sort()).toEqual(['input.count', 'input.documentNumber', 'input.flag', 'input.issuingCountry', 'input.none', 'input.tags[0]', 'input.tags[1]']);
    for (const hash of Object.values(hashes)) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(hashes)).not.toMatch(/AB123456|FRA/);
  });

  test('a value typed in lower case with spaces hashes like the upper-case value', () => {
    const typed = hashVariables({ n: '  ab123456 ' }, KEY).n;
    expect(typed).toBe(hashVariables({ n: 'AB123456' }, KEY).n);
    expect(typed).toBe(hashTerm('ab123456', KEY));
  });

  test('depends on the key and on the value', () => {
    expect(hashTerm('AB1', KEY)).not.toBe(hashTerm('AB1', Buffer.alloc(32, 8)));
    expect(hashTerm('AB1', KEY)).not.toBe(hashTerm('AB2', KEY));
  });

  test('the number 123 and the string "123" hash alike', () => {
    expect(hashTerm(123, KEY)).toBe(hashTerm('123', KEY));
  });

  test('bounds the work a hostile request can cause and says what it left out', () => {
    const wide = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`v${i}`, i]));
    const hashes = hashVariables(wide, KEY);
    expect(Object.keys(hashes)).toHaveLength(1001);
    expect(hashes[TRUNCATED_VARIABLES_KEY]).toBe('500');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(hashVariables({ deep }, KEY)[TRUNCATED_VARIABLES_KEY]).toBe('1');
  });

  test('no variables, no hashes', () => {
    expect(hashVariables(undefined, KEY)).toEqual({});
    expect(hashVariables(null, KEY)).toEqual({});
  });
});

describe('normaliseEvent', () => {
  const base = () => ({ ...emptyAccessEvent('req-1', new Date('2026-11-28T10:00:00.000Z')), outcome: 'ok' as const });

  test('sorts and deduplicates lists so one request always encodes the same way', () => {
    const event = normaliseEvent({
      ...base(),
      fieldCoordinates: ['Query.operations', 'Operation.code', 'Query.operations'],
      records: [
        { type: 'Operation', id: 'b', owner: 'hub' },
        { type: 'Operation', id: 'a', owner: 'hub' },
        { type: 'Operation', id: 'b', owner: 'hub' },
      ],
      subgraphs: ['training', 'operations'],
    });
    expect(event.fieldCoordinates).toEqual(['Operation.code', 'Query.operations']);
    expect(event.records.map((r) => r.id)).toEqual(['a', 'b']);
    expect(event.subgraphs).toEqual(['operations', 'training']);
  });

  test('keeps receivedBy when given, and leaves the key out when not (events stored before it existed have none)', () => {
    expect(normaliseEvent({ ...base(), receivedBy: 'operations' }).receivedBy).toBe('operations');
    const old = normaliseEvent(base());
    expect(Object.keys(old)).not.toContain('receivedBy');
    expect(canonicalJson(old as never)).not.toContain('receivedBy');
  });

  test('keeps a trace id when given and hashes it with the rest; an event without one (before tracing, or tracing off) encodes as before', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const traced = normaliseEvent({ ...base(), traceId });
    expect(traced.traceId).toBe(traceId);
    expect(canonicalJson(traced as never)).toContain(`"traceId":"${traceId}"`);
    const untraced = normaliseEvent(base());
    expect(Object.keys(untraced)).not.toContain('traceId');
    expect(canonicalJson(untraced as never)).toBe(canonicalJson(normaliseEvent({ ...base(), traceId: undefined }) as never));
  });

  test('replaces what PostgreSQL jsonb refuses (NUL, lone surrogates) instead of failing a whole batch', () => {
    const event = normaliseEvent({ ...base(), clientName: 'bad\u0000name\ud800', principal: { subject: 'x\u0000', organisation: 'hub', roles: [] } });
    expect(event.clientName).toBe('bad\uFFFDname\uFFFD');
    expect(event.principal?.subject).toBe('x\uFFFD');
  });

  test.each([
    ['an unknown outcome', { outcome: 'maybe' }, /outcome/],
    ['a time that is not a date', { time: 'yesterday' }, /time/],
    ['a clear variable value', { variables: { 'input.number': 'AB123' } }, /variables.input.number/],
    ['a negative duration', { durationMs: -1 }, /durationMs/],
    ['a record without id', { records: [{ type: 'Operation', owner: null }] }, /records\[0\].id/],
    ['a receivedBy that is no service name', { receivedBy: 'Operations; drop' }, /receivedBy/],
    ['an empty receivedBy', { receivedBy: '' }, /receivedBy/],
    ['a trace id that is not 32 hex digits', { traceId: '4bf92f35' }, /traceId/],
    ['an upper-case trace id', { traceId: '4BF92F3577B34DA6A3CE929D0E0E4736' }, /traceId/],
    ['the all-zero (invalid) trace id', { traceId: '0'.repeat(32) }, /traceId/],
  ])('refuses %s', (_name, change, message) => {
    expect(() => normaliseEvent({ ...base(), ...(change as object) })).toThrow(message);
  });
});

test('auditPrincipal keeps who, for whom and in which roles; documentHash is the SHA-256 of the text', () => {
  const principal = { subject: 'a', organisation: 'ncb-fra', roles: [Role.NCB_ANALYST], scopes: ['x'], clearance: null, country: 'FRA', expiresAt: new Date() };
  expect(auditPrincipal(principal)).toEqual({ subject: 'a', organisation: 'ncb-fra', roles: ['NCB_ANALYST'] });
  expect(auditPrincipal(null)).toBeNull();
  expect(documentHash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
