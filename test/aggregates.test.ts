import { randomUUID } from 'node:crypto';
import { Classification, Role } from '../identity';
import { databaseUrl, withClient, type DatabaseServer } from '../platform/database';
import { callers, useTestHub, type Caller } from './harness';
import { scratchDatabase } from './database';

// Aggregates count only what the caller may see: the training figures (counted in raw SQL) go
// through the same releasability filter as the participant lists, and the partners' totals are
// counted from the rows the caller gets. A restricted row is counted for a caller who may see it
// and not for one who may not.

// A database of its own: the officers it adds (one released to everyone) must not change what
// other suites' callers see in the shared one.
let database: DatabaseServer;
const t = useTestHub({}, async () => (database = await scratchDatabase('aggregates', { seed: true })));
const admin = <T>(work: (client: import('pg').Client) => Promise<T>) => withClient(databaseUrl(database), work);

const noClearance: Caller = { organisation: 'frontex', roles: [Role.PARTNER_LIAISON] };

describe('training figures count only the participants the caller may see', () => {
  let operationId: string;
  let sessionId: string;
  let checkpoints: string[];

  // Three officers in one session of a new operation, each with its own handling:
  //   fra: owned by ncb-fra, RESTRICTED, released to hub; certified; staffs checkpoint 0
  //   tha: owned by ncb-tha, CONFIDENTIAL, released to hub; certified; staffs checkpoint 1
  //   deu: owned by ncb-deu, OFFICIAL_USE, released to everyone; not certified; staffs checkpoint 2
  beforeAll(async () => {
    const code = `AGG-${randomUUID().slice(0, 8).toUpperCase()}`;
    const created = await t.ok(
      `mutation($code: String!) { createOperation(input: { code: $code, name: "Aggregates", startsOn: "2026-01-01", endsOn: "2026-01-10", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`,
      { code },
    );
    operationId = created.createOperation.id;
    const listed = await t.ok(`{ checkpoints(first: 3) { edges { node { id } } } }`);
    checkpoints = listed.checkpoints.edges.map((e: any) => e.node.id);
    sessionId = randomUUID();
    const run = randomUUID().slice(0, 8);
    const officers = [
      { agency: 'ncb-fra', classification: Classification.RESTRICTED, releasableTo: ['hub'], certified: true },
      { agency: 'ncb-tha', classification: Classification.CONFIDENTIAL, releasableTo: ['hub'], certified: true },
      { agency: 'ncb-deu', classification: Classification.OFFICIAL_USE, releasableTo: ['*'], certified: false },
    ];
    await admin(async (c) => {
      await c.query(
        `insert into training.training_session (id, course_id, starts_on, ends_on, host_country, place, trainer_organisation, capacity, operation_id, created_at)
         select $1, id, '2025-12-01', '2025-12-02', 'FRA', 'Lyon', 'hub', 10, $2, now() from training.course order by code limit 1`,
        [sessionId, operationId],
      );
      for (const [i, officer] of officers.entries()) {
        const participantId = randomUUID();
        await c.query(
          `insert into training.participant (id, full_name, rank, country, agency, service_number, checkpoint_id, handling_owner, handling_classification, handling_releasable_to, created_at)
           values ($1, 'Test Officer', 'Inspector', $2, $3, $4, $5, $3, $6, $7, now())`,
          [participantId, officer.agency.slice(4).toUpperCase(), officer.agency, `AGG-${run}-${i}`, checkpoints[i], officer.classification, officer.releasableTo],
        );
        await c.query(
          `insert into training.enrollment (id, session_id, participant_id, enrolled_at, score, assessed_at, certified_on, certificate_number) values ($1, $2, $3, now(), $4, now(), $5, $6)`,
          [randomUUID(), sessionId, participantId, officer.certified ? 90 : 40, officer.certified ? '2025-12-03' : null, officer.certified ? `AGG-${run}-${i}` : null],
        );
      }
    });
  });

  const QUERY = `query($id: ID!) { operation(id: $id) { officersTrained trainingSessions { id enrolled certified checkpointsStaffed { id } enrollments { id } } } }`;

  test.each<[string, Caller, { seen: number[]; certified: number }]>([
    ['HUB_ADMIN, CONFIDENTIAL: all three', callers.hubAdmin, { seen: [0, 1, 2], certified: 2 }],
    ['TRAINER of hub, RESTRICTED: not the CONFIDENTIAL one', callers.trainer, { seen: [0, 2], certified: 1 }],
    ['NCB_ANALYST of ncb-fra: its own and the one released to everyone', callers.analystFra, { seen: [0, 2], certified: 1 }],
    ['PARTNER_LIAISON of wco, RESTRICTED: only the one released to everyone', callers.wcoLiaison, { seen: [2], certified: 0 }],
    ['PARTNER_LIAISON of frontex without clearance: none', noClearance, { seen: [], certified: 0 }],
  ])('%s', async (_who, as, expected) => {
    const data = await t.ok(QUERY, { id: operationId }, { as });
    const [session] = data.operation.trainingSessions;
    expect(session.id).toBe(sessionId);
    expect(session.enrolled).toBe(expected.seen.length);
    expect(session.enrollments).toHaveLength(expected.seen.length);
    expect(session.certified).toBe(expected.certified);
    expect(data.operation.officersTrained).toBe(expected.certified);
    expect(session.checkpointsStaffed.map((c: any) => c.id).sort()).toEqual(expected.seen.map((i) => checkpoints[i]).sort());
  });

  test('still one statement per figure for a whole page of operations (no N+1)', async () => {
    const page = `{ operations(first: 20) { edges { node { officersTrained trainingSessions { enrolled certified checkpointsStaffed { id } enrollments { id } } } } } }`;
    const one = await t.countSql(() => t.ok(`{ operations(first: 1) { edges { node { officersTrained trainingSessions { enrolled certified checkpointsStaffed { id } enrollments { id } } } } } }`, {}, { as: callers.wcoLiaison }));
    const many = await t.countSql(() => t.ok(page, {}, { as: callers.wcoLiaison }));
    expect(many.statements).toBe(one.statements);
  });
});

describe('partner totals are counted from the rows the caller gets', () => {
  test('the border agency\'s restricted aircraft deployment counts in its totals only for a caller who may see it', async () => {
    const query = `{ operation(code: "TRIGGER-SALVO-II") { frontex { assets { officers aircraft } totals { deployments officers aircraft } } } }`;
    const hub = (await t.ok(query, {}, { as: callers.hubAdmin })).operation.frontex;
    const wco = (await t.ok(query, {}, { as: callers.wcoLiaison })).operation.frontex;
    for (const share of [hub, wco]) {
      expect(share.totals.deployments).toBe(share.assets.length);
      expect(share.totals.officers).toBe(share.assets.reduce((sum: number, a: any) => sum + a.officers, 0));
    }
    expect(hub.totals.aircraft).toBeGreaterThan(0);
    expect(wco.totals.aircraft).toBe(0);
    expect(wco.totals.deployments).toBeLessThan(hub.totals.deployments);
  });

  test('the customs organisation\'s seizure count is the number of seizures the caller gets', async () => {
    const query = `{ operation(code: "ANCHOR-III") { wco { seizureCount seizures { id } byCommodity { seizureCount } } } }`;
    const counts = [];
    for (const as of [callers.wcoLiaison, callers.frontexLiaison, noClearance]) {
      const share = (await t.ok(query, {}, { as })).operation.wco;
      expect(share.seizureCount).toBe(share.seizures.length);
      expect(share.byCommodity.reduce((sum: number, g: any) => sum + g.seizureCount, 0)).toBe(share.seizures.length);
      counts.push(share.seizureCount);
    }
    // The owner sees all of them, others fewer, no clearance none at all.
    expect(counts[0]).toBeGreaterThan(counts[1]);
    expect(counts[2]).toBe(0);
  });
});
