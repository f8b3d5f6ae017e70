import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { loadAuditSigningKey } from '../access-log';
import { inSnapshot } from '../access-log/log';
import { verifyAuditLog } from '../access-log/verify';
import { auditWriterRole } from '../access-log/store';
import { databaseUrl, ident, withClient } from '../platform/database';
import { startTestHub, callers, useTestHub } from './harness';
import { scratchDatabase, testConfig, testDatabase } from './database';

// The access log as an auditor relies on it, through the gateway over HTTP: one event per request,
// a chain that verifies, the right denials and records, and no data ever served without its event.

const t = useTestHub();

const server = testDatabase();
const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(server), work);

async function eventsFor(requestIds: string[]): Promise<Map<string, any[]>> {
  const rows = await admin((c) => c.query(`select event from audit.access_event where event->>'requestId' = any($1)`, [requestIds]));
  const byId = new Map<string, any[]>(requestIds.map((id) => [id, []]));
  for (const { event } of rows.rows) byId.get(event.requestId)?.push(event);
  return byId;
}

const tag = () => `log-${randomUUID()}`;

test('a few hundred concurrent mixed requests: exactly one event each, right outcomes, denials and records; the chain verifies', async () => {
  const kinds = ['allowed', 'denied', 'refused'] as const;
  const requests = Array.from({ length: 300 }, (_, i) => ({ id: tag(), kind: kinds[i % 3] }));
  const responses = await Promise.all(
    requests.map(({ id, kind }) => {
      if (kind === 'allowed') return t.query(`{ operation(code: "ANCHOR-III") { id code } }`, {}, { headers: { 'x-request-id': id } });
      if (kind === 'denied') {
        return t.query(`{ checkpoints(first: 2) { edges { node { id name location { place } } } } }`, {}, {
          as: { ...callers.analystFra, clearance: undefined },
          headers: { 'x-request-id': id },
        });
      }
      return t.query(`{ operations(first: 1) { edges { cursor } } }`, {}, { as: null, headers: { 'x-request-id': id, authorization: 'Bearer forged.token.value' } });
    }),
  );
  expect(responses.filter((r) => r.status === 401)).toHaveLength(100);

  const events = await eventsFor(requests.map((r) => r.id));
  const operationId = responses[0].body.data.operation.id;
  for (const { id, kind } of requests) {
    const logged = events.get(id)!;
    expect(logged).toHaveLength(1);
    const [event] = logged;
    if (kind === 'allowed') {
      expect(event).toMatchObject({ outcome: 'ok', operationType: 'query', principal: { organisation: 'hub' }, subgraphs: ['operations'], receivedBy: 'gateway' });
      expect(event.records).toContainEqual({ type: 'Operation', id: operationId, owner: null });
      expect(event.fieldCoordinates).toEqual(expect.arrayContaining(['Query.operation', 'Operation.code']));
    } else if (kind === 'denied') {
      expect(event.outcome).toBe('partial');
      expect(event.denied).toEqual([expect.objectContaining({ path: 'checkpoints.edges.node.location', rule: '@policy(clearance:restricted)' })]);
      expect(event.records.filter((r: any) => r.type === 'Checkpoint')).toHaveLength(2);
    } else {
      expect(event).toMatchObject({ outcome: 'refused', refusalCode: 'UNAUTHENTICATED', principal: null, subgraphs: [], receivedBy: 'gateway' });
    }
  }
  // The records report never reaches the client.
  expect(JSON.stringify(responses[0].body)).not.toMatch(/fronteraRecords/);

  const signer = await loadAuditSigningKey(testConfig().SECRETS_DIR);
  const chains = await admin((c) => c.query(`select distinct chain_id from audit.access_event where event->>'requestId' = any($1)`, [requests.map((r) => r.id)]));
  const report = await admin((c) => inSnapshot(c, () => verifyAuditLog(c, new Map([[signer.kid, signer.publicKey]]), chains.rows.map((r) => r.chain_id))));
  expect(report.problems).toEqual([]);
  expect(report.events).toBeGreaterThanOrEqual(300);
});

test('variables are kept only as keyed hashes, and an auditor finds who searched a value and who saw a record', async () => {
  const id = tag();
  const code = 'TRIGGER-SALVO-II';
  const asked = await t.query(`query Find($code: String!) { operation(code: $code) { id } }`, { code }, { as: callers.officerTha, headers: { 'x-request-id': id } });
  const operationId = asked.body.data.operation.id;
  const [event] = (await eventsFor([id])).get(id)!;
  expect(JSON.stringify(event)).not.toContain(code);
  expect(event.variables.code).toMatch(/^[0-9a-f]{64}$/);

  const searchId = tag();
  const searched = await t.query(`query($v: String!) { searchedTerm(value: $v, first: 100) { totalCount edges { node { requestId } } } }`, { v: code.toLowerCase() }, { as: callers.auditor, headers: { 'x-request-id': searchId } });
  expect(searched.body.errors).toBeUndefined();
  expect(searched.body.data.searchedTerm.edges.map((e: any) => e.node.requestId)).toContain(id);

  const who = await t.query(`query($id: String!) { whoAccessed(type: "Operation", id: $id, first: 100) { edges { node { requestId principal { organisation roles } } } } }`, { id: operationId }, { as: callers.auditor });
  expect(who.body.data.whoAccessed.edges.map((e: any) => e.node.requestId)).toContain(id);

  // Reading the audit log is itself audited: this very search left exactly one event, the auditor's.
  const searchEvents = (await eventsFor([searchId])).get(searchId)!;
  expect(searchEvents).toHaveLength(1);
  const [searchEvent] = searchEvents;
  expect(searchEvent).toMatchObject({ outcome: 'ok', operationType: 'query', principal: { organisation: 'hub', roles: ['AUDITOR'] } });
  expect(searchEvent.fieldCoordinates).toContain('Query.searchedTerm');
  expect(searchEvent.variables.v).toMatch(/^[0-9a-f]{64}$/);
});

const createOperation = `mutation($code: String!) { createOperation(input: { code: $code, name: "x", startsOn: "2026-01-01", endsOn: "2026-01-02", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`;

test('a mutation is audited before its effect: the store failing while the writer still looks healthy stops it before any subgraph', async () => {
  const server = await scratchDatabase('attempt');
  const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(server), work);
  const role = ident(auditWriterRole(server));
  const hub = await startTestHub({}, server);
  const operationsWith = async (code: string) => (await admin((c) => c.query(`select count(*)::int as n from operations.operation where code = $1`, [code]))).rows[0].n;
  const eventsOf = async (id: string) =>
    (await admin((c) => c.query(`select seq::int as seq, chain_id, event from audit.access_event where event->>'requestId' = $1 order by chain_id, seq`, [id]))).rows;
  try {
    // The writer has just committed (the hub answered this), so it believes the store is healthy.
    expect((await hub.query(`{ operations(first: 1) { edges { cursor } } }`)).status).toBe(200);
    await admin((c) => c.query(`revoke insert on all tables in schema audit from ${role}`));
    const refusedId = tag();
    const refusedCode = `ATTEMPT-${Date.now()}`;
    const refused = await hub.query(createOperation, { code: refusedCode }, { headers: { 'x-request-id': refusedId } });
    expect(refused.status).toBe(503);
    expect(refused.body.errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
    expect(refused.body.data ?? null).toBeNull();
    expect(await operationsWith(refusedCode)).toBe(0);
    expect(await eventsOf(refusedId)).toEqual([]);

    await admin((c) => c.query(`grant insert on all tables in schema audit to ${role}`));
    const deadline = Date.now() + 10_000;
    const ready = async () => (await fetch(hub.gatewayUrl.replace('/graphql', '/health/ready'))).ok;
    while (!(await ready()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await ready()).toBe(true);

    const id = tag();
    const code = `ATTEMPT-${Date.now()}`;
    const done = await hub.query(createOperation, { code }, { headers: { 'x-request-id': id } });
    expect(done.status).toBe(200);
    expect(done.body.data.createOperation.id).toBeTruthy();
    expect(await operationsWith(code)).toBe(1);
    const events = await eventsOf(id);
    // The attempt, committed before the subgraph ran, then the outcome, later in the same chain.
    expect(events.map((e: any) => e.event.outcome)).toEqual(['attempted', 'ok']);
    expect(events[0].chain_id).toBe(events[1].chain_id);
    expect(events[0].seq).toBeLessThan(events[1].seq);
    expect(events[0].event).toMatchObject({ operationType: 'mutation', operationName: null, principal: { organisation: 'hub' }, subgraphs: [] });
    expect(Object.keys(events[0].event.variables)).toEqual(['code']);
    expect(events[1].event.subgraphs).toEqual(['operations']);
  } finally {
    await hub.stop();
  }
});

test('with the audit store refusing writes, no response carries data, mutations do not run, and it heals without a restart', async () => {
  // Its own database and hub: revoking the writer's grant must not fail the suites running beside it.
  const server = await scratchDatabase('outage');
  const admin = <T>(work: (client: Client) => Promise<T>) => withClient(databaseUrl(server), work);
  const logged = async (requestIds: string[]) => {
    const rows = await admin((c) => c.query(`select event->>'requestId' as id from audit.access_event where event->>'requestId' = any($1)`, [requestIds]));
    return new Set(rows.rows.map((r) => r.id));
  };
  const role = ident(auditWriterRole(server));
  const hub = await startTestHub({}, server);
  try {
    await admin((c) => c.query(`revoke insert on all tables in schema audit from ${role}`));
    const ids = Array.from({ length: 20 }, tag);
    const responses = await Promise.all(ids.map((id) => hub.query(`{ operations(first: 3) { edges { node { code } } } }`, {}, { headers: { 'x-request-id': id } })));
    const events = await logged(ids);
    responses.forEach((response, i) => {
      if (response.body.data) expect(events.has(ids[i])).toBe(true);
      else {
        expect(response.status).toBe(503);
        expect(response.body.errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
      }
    });
    expect(responses.some((r) => r.status === 503)).toBe(true);
    expect((await fetch(hub.gatewayUrl.replace('/graphql', '/health/ready'))).status).toBe(503);

    // A direct subgraph call is refused all the same, and its answer says nothing about the log.
    const direct = await fetch(hub.hub.subgraphs.get('operations')!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ operations(first: 1) { edges { node { code } } } }"}' });
    const directBody = (await direct.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(direct.status).toBe(401);
    expect(directBody.data).toBeUndefined();
    expect(directBody.errors.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);

    const code = `NOLOG-${Date.now()}`;
    const mutation = await hub.query(createOperation, { code });
    expect(mutation.body.errors?.[0].extensions?.code).toBe('AUDIT_UNAVAILABLE');
    const written = await admin((c) => c.query(`select count(*)::int as n from operations.operation where code = $1`, [code]));
    expect(written.rows[0].n).toBe(0);

    await admin((c) => c.query(`grant insert on all tables in schema audit to ${role}`));
    const deadline = Date.now() + 10_000;
    let healed = await hub.query(`{ operations(first: 1) { edges { cursor } } }`);
    while (healed.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      healed = await hub.query(`{ operations(first: 1) { edges { cursor } } }`);
    }
    expect(healed.status).toBe(200);
    expect(healed.body.errors).toBeUndefined();
  } finally {
    await hub.stop();
  }
});
