import { randomUUID } from 'node:crypto';
import { Role } from '../identity';
import { databaseUrl, withClient, type DatabaseServer } from '../platform/database';
import { callers, useTestHub, type Caller } from './harness';
import { scratchDatabase } from './database';

// Operation results are read from a tally that triggers keep as checks and hits are written
// (migration 20261130180000-operation-tally). These tests hold it to the figures the hub used to
// count from the rows on every read, after the seed and after every kind of write.

// A database of its own: its operations' results must match a recount at any moment, which
// another suite's screenings in the shared one would race.
let database: DatabaseServer;
const t = useTestHub({}, async () => (database = await scratchDatabase('operation_results', { seed: true })));
const admin = <T>(work: (client: import('pg').Client) => Promise<T>) => withClient(databaseUrl(database), work);

/** The former read, verbatim: every figure counted from the checks and hits themselves. */
const RECOUNT_SQL = `
select ids.id as operation_id,
       (select count(*) from operations."check" c where c.operation_id = ids.id)::int as checks,
       (select count(*) from operations.hit h where h.operation_id = ids.id)::int as hits,
       (select count(*) from operations.hit h where h.operation_id = ids.id and h.status = 'CONFIRMED')::int as confirmed_hits,
       (select count(*) from operations.hit h where h.operation_id = ids.id and h.status = 'CONFIRMED' and h.action_taken = 'ARRESTED')::int as arrests,
       (select count(*) from operations.hit h where h.operation_id = ids.id and h.status = 'CONFIRMED' and h.action_taken = 'SEIZED')::int as seizures,
       coalesce((select json_agg(json_build_object('database', d.database, 'hits', d.n) order by d.database)
                   from (select h.database, count(*)::int as n from operations.hit h where h.operation_id = ids.id group by h.database) d), '[]') as hits_by_database
  from (select id from operations.operation) as ids`;

const RESULTS = 'results { checks hits confirmedHits arrests seizures hitsByDatabase { database hits } }';

async function recounted(): Promise<Record<string, unknown>> {
  const rows = await admin((c) => c.query(RECOUNT_SQL));
  return Object.fromEntries(
    rows.rows.map((r) => [
      r.operation_id,
      { checks: r.checks, hits: r.hits, confirmedHits: r.confirmed_hits, arrests: r.arrests, seizures: r.seizures, hitsByDatabase: r.hits_by_database },
    ]),
  );
}

async function served(as: Caller = callers.hubAdmin): Promise<Record<string, unknown>> {
  const data = await t.ok(`{ operations(first: 100) { edges { node { id ${RESULTS} } } } }`, {}, { as });
  return Object.fromEntries(data.operations.edges.map((e: any) => [e.node.id, e.node.results]));
}

/** Every operation's results, as served, equal a recount from the rows. */
async function expectTallyMatchesRecount(): Promise<void> {
  const expected = await recounted();
  expect(Object.keys(expected).length).toBeLessThanOrEqual(100);
  expect(await served()).toEqual(expected);
}

test('after the seed, every operation\'s results equal a recount of its checks and hits', async () => {
  const expected = await recounted();
  // The seeded data set has three screened operations, each with hits.
  const figures = Object.values(expected) as { checks: number; hits: number }[];
  expect(figures.filter((f) => f.checks > 10_000 && f.hits > 0).length).toBeGreaterThanOrEqual(3);
  expect(await served()).toEqual(expected);
});

test('the figures are the same for every caller who may read operations, as before', async () => {
  const forAdmin = await served();
  expect(await served(callers.officerTha)).toEqual(forAdmin);
  expect(await served(callers.wcoLiaison)).toEqual(forAdmin);
});

describe('writes keep the tally in step', () => {
  let operationId: string;
  let checkpointId: string;
  let alerts: { documentNumber: string; issuingCountry: string; owner: string }[];
  const screen = (documentNumber: string, issuingCountry = 'FRA') =>
    t.ok(`mutation($input: ScreenDocumentInput!) { screenDocument(input: $input) { checkId matched hit { id } } }`, { input: { operationId, checkpointId, documentNumber, issuingCountry, documentType: 'PASSPORT' } }, { as: callers.officerTha });
  const ownerOf = (alert: { owner: string }): Caller => ({ organisation: alert.owner, roles: [Role.NCB_ANALYST], clearance: callers.analystFra.clearance });

  beforeAll(async () => {
    const code = `TALLY-${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await t.ok(
      `mutation($code: String!) { createOperation(input: { code: $code, name: "Tally", startsOn: "2026-03-01", endsOn: "2026-03-14", borderTypes: [LAND], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["THA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`,
      { code },
    );
    operationId = created.createOperation.id;
    const checkpoint = await t.ok(`mutation { createCheckpoint(input: { name: "Tally crossing ${code}", country: "THA", borderType: LAND, place: "Aranyaprathet", latitude: 13.66, longitude: 102.5 }) { id } }`);
    checkpointId = checkpoint.createCheckpoint.id;
    await t.ok(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }`, {
      input: { operationId, checkpointId, startsAt: '2026-03-02T06:00:00Z', endsAt: '2026-03-10T18:00:00Z', officersAssigned: 4 },
    });
    await t.ok(`mutation($id: ID!) { setOperationStatus(id: $id, status: ACTIVE) { status } }`, { id: operationId });
    const rows = await admin((c) => c.query(`select document_number, issuing_country, handling_owner from operations.document_alert where handling_owner = 'ncb-tha' order by id limit 3`));
    alerts = rows.rows.map((r) => ({ documentNumber: r.document_number, issuingCountry: r.issuing_country, owner: r.handling_owner }));
  });

  const resultsOf = async () => (await t.ok(`query($id: ID!) { operation(id: $id) { ${RESULTS} } }`, { id: operationId })).operation.results;

  test('concurrent screenings, a hit, its confirmation and a rejection each show at once', async () => {
    expect(await resultsOf()).toEqual({ checks: 0, hits: 0, confirmedHits: 0, arrests: 0, seizures: 0, hitsByDatabase: [] });
    // Concurrent clean screenings of one operation land on different stripes of the tally or wait for one another; none is lost.
    await Promise.all(Array.from({ length: 12 }, (_, i) => screen(`ZZ${String(i).padStart(6, '0')}`)));
    expect(await resultsOf()).toMatchObject({ checks: 12, hits: 0, hitsByDatabase: [] });

    const seized = (await screen(alerts[0].documentNumber, alerts[0].issuingCountry)).screenDocument.hit.id;
    const released = (await screen(alerts[1].documentNumber, alerts[1].issuingCountry)).screenDocument.hit.id;
    expect(await resultsOf()).toEqual({ checks: 14, hits: 2, confirmedHits: 0, arrests: 0, seizures: 0, hitsByDatabase: [{ database: 'STOLEN_LOST_TRAVEL_DOCUMENTS', hits: 2 }] });

    await t.ok(`mutation($id: ID!) { confirmHit(input: { hitId: $id, action: SEIZED }) { status } }`, { id: seized }, { as: ownerOf(alerts[0]) });
    await t.ok(`mutation($id: ID!) { rejectHit(input: { hitId: $id }) { status } }`, { id: released }, { as: ownerOf(alerts[1]) });
    expect(await resultsOf()).toEqual({ checks: 14, hits: 2, confirmedHits: 1, arrests: 0, seizures: 1, hitsByDatabase: [{ database: 'STOLEN_LOST_TRAVEL_DOCUMENTS', hits: 2 }] });
    await expectTallyMatchesRecount();
  });

  test('a rolled-back write leaves no trace, and updates and deletions by hand are counted', async () => {
    const before = await resultsOf();
    await admin(async (c) => {
      await c.query('begin');
      await c.query(`insert into operations."check" (id, operation_id, checkpoint_id, database, checked_at, subject_ref, document_type, issuing_country, matched)
                     select gen_random_uuid(), $1, $2, 'WANTED_PERSONS', now(), md5(i::text) || md5(i::text), 'PASSPORT', 'FRA', false from generate_series(1, 50) i`, [operationId, checkpointId]);
      await c.query('rollback');
    });
    expect(await resultsOf()).toEqual(before);

    await admin(async (c) => {
      // A bulk insert in another database, a hit moved to another database and a confirmed hit turned into an arrest, clean checks removed.
      await c.query(`insert into operations."check" (id, operation_id, checkpoint_id, database, checked_at, subject_ref, document_type, issuing_country, matched)
                     select gen_random_uuid(), $1, $2, 'WANTED_PERSONS', now(), md5(i::text) || md5(i::text), 'PASSPORT', 'FRA', false from generate_series(1, 50) i`, [operationId, checkpointId]);
      await c.query(`update operations.hit set database = 'WANTED_PERSONS' where operation_id = $1 and status = 'REJECTED'`, [operationId]);
      await c.query(`update operations.hit set action_taken = 'ARRESTED' where operation_id = $1 and status = 'CONFIRMED'`, [operationId]);
      await c.query(`delete from operations."check" where id in (select id from operations."check" where operation_id = $1 and not matched and database = 'STOLEN_LOST_TRAVEL_DOCUMENTS' limit 5)`, [operationId]);
    });
    expect(await resultsOf()).toEqual({
      checks: 14 + 50 - 5,
      hits: 2,
      confirmedHits: 1,
      arrests: 1,
      seizures: 0,
      hitsByDatabase: [
        { database: 'STOLEN_LOST_TRAVEL_DOCUMENTS', hits: 1 },
        { database: 'WANTED_PERSONS', hits: 1 },
      ],
    });
    await expectTallyMatchesRecount();
  });

  test('a TRUNCATE recounts from what is left', async () => {
    await admin((c) => c.query(`truncate operations.hit_notification, operations.hit, operations."check"`));
    const cleared = await recounted();
    for (const figures of Object.values(cleared)) expect(figures).toEqual({ checks: 0, hits: 0, confirmedHits: 0, arrests: 0, seizures: 0, hitsByDatabase: [] });
    await expectTallyMatchesRecount();
  });
});
