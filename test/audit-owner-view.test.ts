import { randomUUID } from 'node:crypto';
import { Classification, Role } from '../identity';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { databaseUrl, withClient } from '../platform/database';
import { startTracing, stopTracing } from '../platform/tracing';
import { callers, useTestHub, type Caller } from './harness';
import { testDatabase } from './database';

// The access log as each role reads it, field by field. One real request through the gateway
// returns records of several owners (the customs organisation's seizures, the border agency's
// risk analyses, operations and checkpoints), with a purpose, a client, variables and a denied field; then
// every role asks for every field of `AccessEvent` about it. An auditor gets all of it; the data
// owner (`wco`) only which organisation read which of its records, when, for which purpose code;
// a data owner whose records did not come back gets nothing; everyone else is refused.

// Traced, so that the event has a trace id to withhold (spans stay in memory).
beforeAll(() => startTracing({ exporter: 'console', serviceName: 'test' }, { spanExporter: new InMemorySpanExporter() }));
afterAll(() => stopTracing());
const t = useTestHub();
const admin = <T>(work: (client: import('pg').Client) => Promise<T>) => withClient(databaseUrl(testDatabase()), work);

/** Reads the customs seizures with only OFFICIAL_USE clearance, so checkpoint locations are denied. */
const reader: Caller = { organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.OFFICIAL_USE };
const READ = `query SeizureFollowUp($code: String!, $first: Int!) {
  operation(code: $code) { id code frontex { riskAnalyses { id } } }
  wcoSeizures(first: $first) { edges { node { id caseReference checkpoint { name location { place } } } } }
}`;
const PURPOSE = 'ANCHOR-III seizure follow-up case 42 J. Doe';

type Field = { name: string; type: TypeRef };
type TypeRef = { kind: string; name: string | null; ofType: TypeRef | null };
const named = (type: TypeRef): TypeRef => (type.ofType ? named(type.ofType) : type);

/** Every field of `AccessEvent` (and every field of the objects it holds), from the gateway's own schema. */
async function accessEventSelection(): Promise<{ fields: string[]; selection: string }> {
  const typeQuery = `query($name: String!) { __type(name: $name) { fields { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`;
  const fieldsOf = async (name: string): Promise<Field[]> => (await t.ok(typeQuery, { name }, { as: callers.auditor })).__type.fields;
  const fields = await fieldsOf('AccessEvent');
  const parts = await Promise.all(
    fields.map(async (field) => {
      const type = named(field.type);
      if (type.kind !== 'OBJECT') return field.name;
      const inner = await fieldsOf(type.name!);
      return `${field.name} { ${inner.map((f) => f.name).join(' ')} }`;
    }),
  );
  return { fields: fields.map((f) => f.name), selection: parts.join(' ') };
}

const WITHHELD = Symbol('withheld');
const SAME = Symbol('same as the auditor');
type OwnerRule = typeof WITHHELD | typeof SAME | ((auditorValue: any) => unknown);

/**
 * The table: for every field of `AccessEvent`, what the auditor gets (from the stored event and its
 * chain link) and what the data owner `wco` gets. Withheld means null, or an empty list for a list.
 */
const OWNER = 'wco';
const TABLE: Record<string, { auditor: (event: any, row: any) => unknown; owner: OwnerRule }> = {
  requestId: { auditor: (e) => e.requestId, owner: WITHHELD },
  time: { auditor: (e) => e.time, owner: SAME },
  receivedBy: { auditor: () => 'gateway', owner: SAME },
  principal: { auditor: (e) => e.principal, owner: (p) => ({ subject: null, organisation: p.organisation, roles: p.roles }) },
  clientName: { auditor: (e) => e.clientName, owner: WITHHELD },
  clientVersion: { auditor: (e) => e.clientVersion, owner: WITHHELD },
  purpose: { auditor: (e) => e.purpose, owner: WITHHELD },
  purposeCode: { auditor: () => 'ANCHOR-III', owner: SAME },
  operationName: { auditor: (e) => e.operationName, owner: WITHHELD },
  operationType: { auditor: (e) => e.operationType.toUpperCase(), owner: SAME },
  documentHash: { auditor: (e) => e.documentHash, owner: WITHHELD },
  variables: { auditor: (e) => Object.entries(e.variables).map(([path, hash]) => ({ path, hash })), owner: WITHHELD },
  fieldCoordinates: { auditor: (e) => e.fieldCoordinates, owner: WITHHELD },
  denied: { auditor: (e) => e.denied, owner: WITHHELD },
  subgraphs: { auditor: (e) => e.subgraphs, owner: WITHHELD },
  records: { auditor: (e) => e.records, owner: (records) => records.filter((r: any) => r.owner === OWNER) },
  outcome: { auditor: (e) => e.outcome.toUpperCase(), owner: WITHHELD },
  refusalCode: { auditor: (e) => e.refusalCode, owner: WITHHELD },
  durationMs: { auditor: (e) => e.durationMs, owner: WITHHELD },
  traceId: { auditor: (e) => e.traceId, owner: WITHHELD },
  chain: {
    auditor: (_e, row) => ({ chainId: row.chain_id, seq: Number(row.seq), hash: row.hash, recordedAt: new Date(row.recorded_at).toISOString() }),
    owner: WITHHELD,
  },
};

let requestId: string;
let stored: { event: any; row: any };
let ownRecord: { type: string; id: string };
let othersRecord: { type: string; id: string; owner: string | null };
let fields: string[];
let selection: string;

beforeAll(async () => {
  requestId = `owner-view-${randomUUID()}`;
  const read = await t.query(READ, { code: 'ANCHOR-III', first: 3 }, {
    as: reader,
    purpose: PURPOSE,
    headers: { 'x-request-id': requestId, 'apollographql-client-name': 'customs-desk', 'apollographql-client-version': '2.4.1' },
  });
  expect(read.body.data.wcoSeizures.edges.length).toBeGreaterThan(0);
  expect(read.body.errors?.map((e) => e.extensions?.code)).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
  const rows = await admin((c) => c.query(`select chain_id, seq::text as seq, hash, recorded_at, event from audit.access_event where request_id = $1`, [requestId]));
  expect(rows.rows).toHaveLength(1);
  stored = { event: rows.rows[0].event, row: rows.rows[0] };
  const records = stored.event.records as { type: string; id: string; owner: string | null }[];
  const own = records.find((r) => r.owner === OWNER)!;
  ownRecord = own && { type: own.type, id: own.id };
  othersRecord = records.find((r) => r.owner === 'frontex')!;
  expect(ownRecord).toBeDefined();
  expect(othersRecord).toBeDefined();
  ({ fields, selection } = await accessEventSelection());
});

/** The event as `as` reads it, found by one of the data owner's records and the event's time. */
async function readEvent(as: Caller) {
  const time = new Date(stored.event.time);
  const filter = { entity: ownRecord, from: time.toISOString(), to: new Date(time.getTime() + 1).toISOString() };
  return t.query(`query($filter: AccessEventFilter) { accessEvents(filter: $filter, first: 10) { totalCount edges { node { ${selection} } } } }`, { filter }, { as });
}

const withheld = (value: unknown) => (Array.isArray(value) ? [] : null);

test('the table covers every field of AccessEvent, and the event fills every field an owner must not see', () => {
  expect(Object.keys(TABLE).sort()).toEqual([...fields].sort());
  for (const [field, rule] of Object.entries(TABLE)) {
    if (rule.owner !== WITHHELD) continue;
    // A withheld field proves nothing if the auditor's value is empty too.
    const value = rule.auditor(stored.event, stored.row);
    expect([field, value]).not.toEqual([field, withheld(value)]);
  }
});

describe.each(Object.keys(TABLE))('AccessEvent.%s', (field) => {
  test('an AUDITOR gets the stored value', async () => {
    const response = await readEvent(callers.auditor);
    expect(response.body.errors).toBeUndefined();
    const node = response.body.data.accessEvents.edges.map((e: any) => e.node).find((n: any) => n.requestId === requestId);
    expect(node).toBeDefined();
    expect(node[field]).toEqual(TABLE[field].auditor(stored.event, stored.row));
  });

  test('the data owner (PARTNER_LIAISON of wco) gets its view', async () => {
    const response = await readEvent(callers.wcoLiaison);
    expect(response.body.errors).toBeUndefined();
    const nodes = response.body.data.accessEvents.edges.map((e: any) => e.node).filter((n: any) => n.time === stored.event.time);
    expect(nodes).toHaveLength(1);
    const rule = TABLE[field];
    const full = rule.auditor(stored.event, stored.row);
    const expected = rule.owner === SAME ? full : rule.owner === WITHHELD ? withheld(full) : rule.owner(full);
    expect(nodes[0][field]).toEqual(expected);
  });

  test('a data owner whose records did not come back (iom) gets no event', async () => {
    const response = await readEvent(callers.iomLiaison);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.accessEvents).toEqual({ totalCount: 0, edges: [] });
  });

  test.each([
    ['HUB_ADMIN', callers.hubAdmin],
    ['BORDER_OFFICER', callers.officerTha],
    ['NCB_ANALYST', callers.analystFra],
    ['TRAINER', callers.trainer],
  ])('%s (no audit access) gets nothing', async (_role, as) => {
    const response = await readEvent(as);
    expect(response.body.data?.accessEvents ?? null).toBeNull();
    expect(response.body.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });
});

test('a data owner\'s cursors carry no chain position, and page through its events', async () => {
  // A second event that returned the owner's records, so it has two pages.
  await t.ok(`{ wcoSeizures(first: 1) { edges { node { id } } } }`, {}, { as: reader });
  const page = `query($after: String) { accessEvents(first: 1, after: $after) { edges { cursor node { time } } pageInfo { hasNextPage endCursor } } }`;
  const first = (await t.ok(page, {}, { as: callers.wcoLiaison })).accessEvents;
  expect(first.pageInfo.hasNextPage).toBe(true);
  const second = (await t.ok(page, { after: first.pageInfo.endCursor }, { as: callers.wcoLiaison })).accessEvents;
  expect(second.edges).toHaveLength(1);
  expect(Date.parse(second.edges[0].node.time)).toBeLessThanOrEqual(Date.parse(first.edges[0].node.time));
  expect(second.edges[0].cursor).not.toBe(first.edges[0].cursor);
  const decoded = Buffer.from(first.pageInfo.endCursor, 'base64url').toString('utf8');
  expect(decoded).not.toContain(stored.row.chain_id);
  expect(decoded).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  // An auditor's cursor is not accepted in place of an owner's: it is refused, not misread.
  const auditorCursor = (await t.ok(page, {}, { as: callers.auditor })).accessEvents.pageInfo.endCursor;
  const refused = await t.query(page, { after: auditorCursor }, { as: callers.wcoLiaison });
  expect(refused.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
});

describe('no filter answers a data owner\'s question about what it may not see', () => {
  const events = `query($filter: AccessEventFilter) { accessEvents(filter: $filter, first: 10) { totalCount } }`;
  const around = () => {
    const time = new Date(stored.event.time);
    return { from: time.toISOString(), to: new Date(time.getTime() + 1).toISOString() };
  };

  test('whoAccessed and entity: another owner\'s record that came back beside its own matches nothing', async () => {
    const who = `query($type: String!, $id: String!) { whoAccessed(type: $type, id: $id, first: 10) { totalCount edges { node { time } } } }`;
    const asAuditor = await t.ok(who, { type: othersRecord.type, id: othersRecord.id }, { as: callers.auditor });
    expect(asAuditor.whoAccessed.edges.map((e: any) => e.node.time)).toContain(stored.event.time);

    const theirs = await t.ok(who, { type: othersRecord.type, id: othersRecord.id }, { as: callers.wcoLiaison });
    expect(theirs.whoAccessed.edges.map((e: any) => e.node.time)).not.toContain(stored.event.time);
    const own = await t.ok(who, ownRecord, { as: callers.wcoLiaison });
    expect(own.whoAccessed.edges.map((e: any) => e.node.time)).toContain(stored.event.time);

    const byEntity = await t.ok(events, { filter: { ...around(), entity: { type: othersRecord.type, id: othersRecord.id } } }, { as: callers.wcoLiaison });
    expect(byEntity.accessEvents.totalCount).toBe(0);
    const byOwnEntity = await t.ok(events, { filter: { ...around(), entity: ownRecord } }, { as: callers.wcoLiaison });
    expect(byOwnEntity.accessEvents.totalCount).toBe(1);
  });

  test('searchedTerm is for auditors: a data owner cannot confirm a value someone searched for', async () => {
    const searched = `query($v: String!) { searchedTerm(value: $v, first: 100) { edges { node { requestId time } } } }`;
    const asAuditor = await t.ok(searched, { v: 'anchor-iii' }, { as: callers.auditor });
    expect(asAuditor.searchedTerm.edges.map((e: any) => e.node.requestId)).toContain(requestId);
    const asOwner = await t.query(searched, { v: 'anchor-iii' }, { as: callers.wcoLiaison });
    expect(asOwner.body.data?.searchedTerm ?? null).toBeNull();
    expect(asOwner.body.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
  });

  test.each([
    ['subject', 'test.hub.hub_admin'],
    ['purpose', PURPOSE],
    ['operationName', 'SeizureFollowUp'],
    ['fieldCoordinate', 'Query.wcoSeizures'],
    ['decision', 'DENIED'],
    ['outcome', 'PARTIAL'],
  ])('a filter on %s (withheld from owners) is refused with FORBIDDEN, not answered', async (key, value) => {
    const response = await t.query(events, { filter: { ...around(), [key]: value } }, { as: callers.wcoLiaison });
    expect(response.body.data?.accessEvents ?? null).toBeNull();
    expect(response.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: `filter.${key}` });
    // The same filter works for an auditor, so the refusal is about who asks.
    const asAuditor = await t.ok(events, { filter: { ...around(), [key]: value } }, { as: callers.auditor });
    expect(asAuditor.accessEvents.totalCount).toBeGreaterThanOrEqual(1);
  });

  test('filters on what an owner sees work: its organisation, time, purpose code and where received', async () => {
    const filter = { ...around(), entity: ownRecord, organisation: 'hub', purposeCode: 'ANCHOR-III', receivedBy: 'gateway' };
    expect((await t.ok(events, { filter }, { as: callers.wcoLiaison })).accessEvents.totalCount).toBe(1);
    expect((await t.ok(events, { filter: { ...filter, purposeCode: 'SUNBIRD-IV' } }, { as: callers.wcoLiaison })).accessEvents.totalCount).toBe(0);
    expect((await t.ok(events, { filter: { ...filter, organisation: 'frontex' } }, { as: callers.wcoLiaison })).accessEvents.totalCount).toBe(0);
    const bad = await t.query(events, { filter: { ...around(), purposeCode: 'anchor-iii follow-up' } }, { as: callers.wcoLiaison });
    expect(bad.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.purposeCode' });
  });
});
