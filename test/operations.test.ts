import { Role } from '../identity';
import { callers, useTestHub, type Caller } from './harness';

const t = useTestHub();
const { ok, refused } = t;

let sequence = 0;
/** A fresh, valid operation input (unique code per call). */
function operationInput(overrides: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    code: `TEST-${process.pid}-${sequence}`,
    name: `Test operation ${sequence}`,
    startsOn: '2026-03-01',
    endsOn: '2026-03-14',
    borderTypes: ['AIR'],
    crimeAreas: ['TRAVEL_DOCUMENT_FRAUD'],
    leadOrganisation: 'hub',
    participatingCountries: ['THA', 'VNM'],
    partnerOrganisations: ['frontex'],
    databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'],
    ...overrides,
  };
}

const CREATE_OPERATION = `mutation($input: CreateOperationInput!) { createOperation(input: $input) { id code status period { start end } } }`;
const CREATE_CHECKPOINT = `mutation($input: CreateCheckpointInput!) { createCheckpoint(input: $input) { id name country } }`;
const CREATE_DEPLOYMENT = `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id officersAssigned operation { code } checkpoint { name } } }`;
const SET_STATUS = `mutation($id: ID!, $status: OperationStatus!) { setOperationStatus(id: $id, status: $status) { code status } }`;
const SCREEN = `mutation($input: ScreenDocumentInput!) { screenDocument(input: $input) { checkId matched hit { id status database operation { code } checkpoint { name } alert { issuingCountry handling { owner } } } } }`;

async function createOperation(overrides: Record<string, unknown> = {}) {
  return (await ok(CREATE_OPERATION, { input: operationInput(overrides) })).createOperation as { id: string; code: string };
}

async function createCheckpoint(name = `Test crossing ${++sequence}`, country = 'THA') {
  const input = { name, country, borderType: 'LAND', place: 'Aranyaprathet', latitude: 13.66, longitude: 102.5 };
  return (await ok(CREATE_CHECKPOINT, { input })).createCheckpoint as { id: string; name: string };
}

async function deploy(operationId: string, checkpointId: string) {
  const input = { operationId, checkpointId, startsAt: '2026-03-02T06:00:00Z', endsAt: '2026-03-10T18:00:00Z', officersAssigned: 12 };
  return (await ok(CREATE_DEPLOYMENT, { input })).createDeployment;
}

describe('reading through the gateway', () => {
  test('the README query returns seeded operations with checkpoints and results', async () => {
    const data = await ok(`{ operations(first: 5) { edges { node { code checkpoints { name country } results { checks hits } } } } }`);
    const nodes = data.operations.edges.map((e: any) => e.node);
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const node of nodes) expect(node).toEqual({ code: expect.any(String), checkpoints: expect.any(Array), results: { checks: expect.any(Number), hits: expect.any(Number) } });
    // The page is newest first, so suites running alongside may fill it with operations they just
    // created: the seeded operations that have screened are checked by code.
    const seeded = await ok(`{ ${['SUNBIRD-IV', 'TRIGGER-SALVO-II', 'ANCHOR-III'].map((code, i) => `op${i}: operation(code: "${code}") { code checkpoints { name } results { checks hits } }`).join(' ')} }`);
    const withResults = Object.values(seeded).filter((n: any) => n.results.checks > 0);
    expect(withResults.length).toBeGreaterThanOrEqual(2);
    for (const node of withResults as any[]) {
      expect(node.checkpoints.length).toBeGreaterThanOrEqual(6);
      // hits are rare: far fewer than checks, but seeded operations have some
      expect(node.results.hits).toBeGreaterThan(0);
      expect(node.results.hits * 100).toBeLessThan(node.results.checks);
    }
  });

  test('operation by code and by id agree; results add up across databases', async () => {
    const byCode = await ok(`{ operation(code: "ANCHOR-III") { id code status borderTypes results { hits confirmedHits hitsByDatabase { database hits } } deployments { officersAssigned checkpoint { borderType } } } }`);
    const operation = byCode.operation;
    expect(operation.code).toBe('ANCHOR-III');
    expect(operation.deployments.length).toBeGreaterThan(0);
    expect(operation.deployments.every((d: any) => d.checkpoint.borderType === 'SEA')).toBe(true);
    expect(operation.results.hitsByDatabase.length).toBeGreaterThan(0);
    expect(operation.results.hits).toBeGreaterThan(0);
    const sum = operation.results.hitsByDatabase.reduce((total: number, d: any) => total + d.hits, 0);
    expect(sum).toBe(operation.results.hits);
    expect(operation.results.confirmedHits).toBeLessThanOrEqual(operation.results.hits);
    const byId = await ok(`query($id: ID!) { operation(id: $id) { code } }`, { id: operation.id });
    expect(byId.operation.code).toBe('ANCHOR-III');
  });

  test('unknown operation is null; asking by both id and code is refused', async () => {
    expect((await ok(`{ operation(code: "NO-SUCH-OP") { id } }`)).operation).toBeNull();
    expect((await ok(`{ operation(id: "00000000-0000-4000-8000-000000000000") { id } }`)).operation).toBeNull();
    const both = await refused(`{ operation(id: "00000000-0000-4000-8000-000000000000", code: "X") { id } }`);
    expect(both.code).toBe('BAD_USER_INPUT');
  });

  test('pagination walks every operation once, in code order', async () => {
    // Other suites create operations while this one walks, so the walk is judged against the
    // operations that existed through all of it: each of those seen exactly once, in code order,
    // and nothing seen that does not exist.
    const codes = async (first: number, pages: number) => {
      const found: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < pages; page++) {
        const data: any = await ok(`query($first: Int!, $after: String) { operations(first: $first, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } }`, { first, after });
        found.push(...data.operations.edges.map((e: any) => e.node.code));
        if (!data.operations.pageInfo.hasNextPage) return found;
        after = data.operations.pageInfo.endCursor;
      }
      throw new Error(`more than ${pages} pages of ${first} operations`);
    };
    const before = await codes(100, 100);
    const seen = await codes(2, 1_000);
    const after = new Set(await codes(100, 100));
    // More than one page, so the cursor was followed at least once.
    expect(before.length).toBeGreaterThan(2);
    expect(seen.filter((code) => before.includes(code))).toEqual(before);
    expect(seen.filter((code) => !after.has(code))).toEqual([]);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('filters narrow the list', async () => {
    const sea = await ok(`{ operations(first: 100, filter: { borderType: SEA }) { edges { node { borderTypes } } } }`);
    expect(sea.operations.edges.length).toBeGreaterThan(0);
    expect(sea.operations.edges.every((e: any) => e.node.borderTypes.includes('SEA'))).toBe(true);
    const tha = await ok(`{ operations(first: 100, filter: { country: "THA", status: CLOSED }) { edges { node { participatingCountries status } } } }`);
    expect(tha.operations.edges.length).toBeGreaterThan(0);
    expect(tha.operations.edges.every((e: any) => e.node.participatingCountries.includes('THA') && e.node.status === 'CLOSED')).toBe(true);
    const checkpoints = await ok(`{ checkpoints(first: 100, filter: { borderType: AIR }) { edges { node { borderType location { latitude longitude } } } } }`);
    expect(checkpoints.checkpoints.edges.length).toBeGreaterThan(5);
    expect(checkpoints.checkpoints.edges.every((e: any) => e.node.borderType === 'AIR')).toBe(true);
    const pending = await ok(`{ hits(first: 100, filter: { status: PENDING }) { edges { node { status operation { status } } } } }`);
    expect(pending.hits.edges.length).toBeGreaterThan(0);
    expect(pending.hits.edges.every((e: any) => e.node.status === 'PENDING')).toBe(true);
  });
});

describe('bad input is refused with a code and a message saying what is accepted', () => {
  test.each([
    ['first above the maximum', `{ operations(first: 100000) { edges { cursor } } }`, 'BAD_USER_INPUT', /first must be between 1 and 100/],
    ['first of zero', `{ checkpoints(first: 0) { edges { cursor } } }`, 'BAD_USER_INPUT', /first must be between 1 and 100/],
    ['a forged cursor', `{ operations(first: 1, after: "bm9wZQ") { edges { cursor } } }`, 'BAD_USER_INPUT', /pageInfo.endCursor/],
    ['an invalid country', `{ checkpoints(first: 5, filter: { country: "XXX" }) { edges { cursor } } }`, 'GRAPHQL_VALIDATION_FAILED', /ISO 3166-1 alpha-3/],
    ['an id that is not a UUID', `{ checkpoint(id: "1; drop table operation") { name } }`, 'BAD_USER_INPUT', /must be an id returned by this API/],
  ])('%s', async (_name, query, code, message) => {
    const error = await refused(query);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  test('an invalid country in variables', async () => {
    const error = await refused(CREATE_OPERATION, { input: operationInput({ participatingCountries: ['THA', 'ZZZ'] }) });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/ISO 3166-1 alpha-3/);
  });
});

describe('operations: create, update, life cycle', () => {
  test('create returns a PLANNED operation; a duplicate code is a CONFLICT', async () => {
    const input = operationInput();
    const created = (await ok(CREATE_OPERATION, { input })).createOperation;
    expect(created).toMatchObject({ code: input.code, status: 'PLANNED', period: { start: '2026-03-01', end: '2026-03-14' } });
    const duplicate = await refused(CREATE_OPERATION, { input });
    expect(duplicate.code).toBe('CONFLICT');
  });

  test.each([
    ['an inverted period', { startsOn: '2026-03-14', endsOn: '2026-03-01' }, /endsOn must be on or after startsOn/],
    ['a lower-case code', { code: 'sunbird' }, /upper-case letters/],
    ['no border type', { borderTypes: [] }, /borderTypes needs at least one value/],
    ['an organisation code with spaces', { partnerOrganisations: ['World Customs'] }, /not an organisation code/],
    ['an empty name', { name: '  ' }, /name must be 1 to 200 characters/],
  ])('create refuses %s and writes nothing', async (_name, overrides, message) => {
    const input = operationInput(overrides);
    const error = await refused(CREATE_OPERATION, { input });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
    if (typeof input.code === 'string' && /^[A-Z]/.test(input.code)) {
      expect((await ok(`query($code: String!) { operation(code: $code) { id } }`, { code: input.code })).operation).toBeNull();
    }
  });

  test('update changes fields and keeps the period valid', async () => {
    const { id } = await createOperation();
    const updated = await ok(`mutation($id: ID!) { updateOperation(id: $id, input: { name: "Renamed", endsOn: "2026-03-20" }) { name period { end } } }`, { id });
    expect(updated.updateOperation).toEqual({ name: 'Renamed', period: { end: '2026-03-20' } });
    const inverted = await refused(`mutation($id: ID!) { updateOperation(id: $id, input: { endsOn: "2026-02-01" }) { name } }`, { id });
    expect(inverted.code).toBe('BAD_USER_INPUT');
    const missing = await refused(`mutation { updateOperation(id: "00000000-0000-4000-8000-000000000000", input: { name: "x" }) { name } }`);
    expect(missing.code).toBe('NOT_FOUND');
  });

  test('status moves PLANNED → ACTIVE → CLOSED and nothing else', async () => {
    const { id } = await createOperation();
    expect((await ok(SET_STATUS, { id, status: 'ACTIVE' })).setOperationStatus.status).toBe('ACTIVE');
    const backwards = await refused(SET_STATUS, { id, status: 'PLANNED' });
    expect(backwards.code).toBe('CONFLICT');
    expect(backwards.message).toMatch(/from ACTIVE it can go to CLOSED/);
    expect((await ok(SET_STATUS, { id, status: 'CLOSED' })).setOperationStatus.status).toBe('CLOSED');
    const final = await refused(SET_STATUS, { id, status: 'ACTIVE' });
    expect(final.message).toMatch(/nothing \(final\)/);
    const frozen = await refused(`mutation($id: ID!) { updateOperation(id: $id, input: { name: "late" }) { name } }`, { id });
    expect(frozen.code).toBe('CONFLICT');
  });
});

describe('checkpoints and deployments', () => {
  test('create and update a checkpoint; duplicate names and bad coordinates are refused', async () => {
    const checkpoint = await createCheckpoint();
    const duplicate = await refused(CREATE_CHECKPOINT, { input: { name: checkpoint.name, country: 'THA', borderType: 'LAND', place: 'x', latitude: 1, longitude: 1 } });
    expect(duplicate.code).toBe('CONFLICT');
    const badLatitude = await refused(CREATE_CHECKPOINT, { input: { name: 'Nowhere', country: 'THA', borderType: 'LAND', place: 'x', latitude: 91, longitude: 1 } });
    expect(badLatitude.message).toMatch(/latitude must be between -90 and 90/);
    const updated = await ok(`mutation($id: ID!) { updateCheckpoint(id: $id, input: { place: "Poipet crossing" }) { location { place } } }`, { id: checkpoint.id });
    expect(updated.updateCheckpoint.location.place).toBe('Poipet crossing');
  });

  test('deployments lie within the operation period and not in a CLOSED operation', async () => {
    const operation = await createOperation();
    const checkpoint = await createCheckpoint();
    const deployment = await deploy(operation.id, checkpoint.id);
    expect(deployment).toMatchObject({ officersAssigned: 12, operation: { code: operation.code }, checkpoint: { name: checkpoint.name } });
    const outside = await refused(CREATE_DEPLOYMENT, {
      input: { operationId: operation.id, checkpointId: checkpoint.id, startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-04-02T00:00:00Z', officersAssigned: 3 },
    });
    expect(outside.message).toMatch(/within operation .* period 2026-03-01 to 2026-03-14/);
    const inverted = await refused(`mutation($id: ID!) { updateDeployment(id: $id, input: { endsAt: "2026-03-01T00:00:00Z" }) { id } }`, { id: deployment.id });
    expect(inverted.message).toMatch(/endsAt must be after startsAt/);
    const updated = await ok(`mutation($id: ID!) { updateDeployment(id: $id, input: { officersAssigned: 20 }) { officersAssigned } }`, { id: deployment.id });
    expect(updated.updateDeployment.officersAssigned).toBe(20);
    const noOfficers = await refused(`mutation($id: ID!) { updateDeployment(id: $id, input: { officersAssigned: 0 }) { id } }`, { id: deployment.id });
    expect(noOfficers.message).toMatch(/officersAssigned must be between 1 and 10000/);
    await ok(SET_STATUS, { id: operation.id, status: 'CLOSED' });
    const closed = await refused(CREATE_DEPLOYMENT, {
      input: { operationId: operation.id, checkpointId: checkpoint.id, startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-03T00:00:00Z', officersAssigned: 3 },
    });
    expect(closed.code).toBe('CONFLICT');
    const unknown = await refused(CREATE_DEPLOYMENT, {
      input: { operationId: operation.id, checkpointId: '00000000-0000-4000-8000-000000000000', startsAt: '2026-03-02T00:00:00Z', endsAt: '2026-03-03T00:00:00Z', officersAssigned: 3 },
    });
    expect(unknown.code).toBe('NOT_FOUND');
  });
});

describe('screening → hit → decision', () => {
  let operationId: string;
  let checkpointId: string;
  let alert: { documentNumber: string; issuingCountry: string; owner: string };
  let owner: Caller;

  beforeAll(async () => {
    const operation = await createOperation();
    operationId = operation.id;
    checkpointId = (await createCheckpoint()).id;
    await deploy(operationId, checkpointId);
    const orm = t.hub.subgraphs.get('operations')!.orm;
    const [row] = await orm.em.fork().getConnection().execute(`select document_number, issuing_country, handling_owner from document_alert where handling_owner = 'ncb-tha' order by id limit 1`);
    alert = { documentNumber: row.document_number, issuingCountry: row.issuing_country, owner: row.handling_owner };
    owner = { organisation: alert.owner, roles: [Role.NCB_ANALYST], clearance: callers.analystFra.clearance };
  });

  const screen = (overrides: Record<string, unknown> = {}) =>
    t.query(SCREEN, { input: { operationId, checkpointId, documentNumber: 'X1234567', issuingCountry: 'FRA', documentType: 'PASSPORT', ...overrides } }, { as: callers.officerTha });

  test('screening is refused until the operation is ACTIVE, and at checkpoints it does not deploy to', async () => {
    const planned = (await screen()).body.errors![0];
    expect(planned.extensions?.code).toBe('CONFLICT');
    expect(planned.message).toMatch(/only allowed while it is ACTIVE/);
    await ok(SET_STATUS, { id: operationId, status: 'ACTIVE' });
    const elsewhere = await createCheckpoint();
    const notDeployed = (await screen({ checkpointId: elsewhere.id })).body.errors![0];
    expect(notDeployed.message).toMatch(/only allowed at deployed checkpoints/);
    const badNumber = (await screen({ documentNumber: '12' })).body.errors![0];
    expect(badNumber.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an unknown checkpoint is NOT_FOUND, and officers screen only at their own country\'s checkpoints', async () => {
    const unknown = (await screen({ checkpointId: '00000000-0000-4000-8000-000000000000' })).body.errors![0];
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    const abroad = await createCheckpoint(undefined, 'KHM');
    await deploy(operationId, abroad.id);
    const foreign = (await screen({ checkpointId: abroad.id })).body.errors![0];
    expect(foreign.extensions?.code).toBe('FORBIDDEN');
    expect(foreign.message).toMatch(/own country; this checkpoint is in KHM/);
  });

  test('a clean screening costs four SQL statements: three lookups sent together, one INSERT', async () => {
    const { result, statements } = await t.countSql(() => screen({ documentNumber: 'ZZ 000-0002' }));
    expect(result.body.data.screenDocument).toMatchObject({ matched: false, hit: null });
    expect(statements).toBe(4);
  });

  test('a clean document is recorded without a hit and never stored in clear', async () => {
    const { body } = await screen({ documentNumber: 'ZZ 000-0001' });
    expect(body.data.screenDocument).toMatchObject({ matched: false, hit: null });
    const orm = t.hub.subgraphs.get('operations')!.orm;
    const [check] = await orm.em.fork().getConnection().execute(`select * from "check" where id = ?`, [body.data.screenDocument.checkId]);
    expect(check.subject_ref).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(check)).not.toContain('ZZ0000001');
  });

  test('a listed document creates a PENDING hit that the owner confirms once', async () => {
    // Spaces, dashes and case are normalised before matching, as an officer would type them.
    const typed = `${alert.documentNumber.slice(0, 2).toLowerCase()} ${alert.documentNumber.slice(2)}`;
    const { body } = await screen({ documentNumber: typed, issuingCountry: alert.issuingCountry });
    expect(body.errors).toBeUndefined();
    const { hit } = body.data.screenDocument;
    expect(hit).toMatchObject({ status: 'PENDING', database: 'STOLEN_LOST_TRAVEL_DOCUMENTS', alert: { issuingCountry: alert.issuingCountry, handling: { owner: alert.owner } } });
    const before = await ok(`query($id: ID!) { operation(id: $id) { results { checks hits confirmedHits arrests } } }`, { id: operationId });
    // Two clean screenings above, this one; the refused ones recorded nothing.
    expect(before.operation.results).toEqual({ checks: 3, hits: 1, confirmedHits: 0, arrests: 0 });

    const confirmed = await ok(`mutation($id: ID!) { confirmHit(input: { hitId: $id, action: ARRESTED, note: "bearer detained" }) { status actionTaken decidedAt } }`, { id: hit.id }, { as: owner });
    expect(confirmed.confirmHit).toMatchObject({ status: 'CONFIRMED', actionTaken: 'ARRESTED' });
    const again = await refused(`mutation($id: ID!) { rejectHit(input: { hitId: $id }) { status } }`, { id: hit.id }, { as: owner });
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toMatch(/already CONFIRMED/);
    const after = await ok(`query($id: ID!) { operation(id: $id) { results { hits confirmedHits arrests } } }`, { id: operationId });
    expect(after.operation.results).toEqual({ hits: 1, confirmedHits: 1, arrests: 1 });
  });

  test('a hit can be rejected, and unknown hits are NOT_FOUND', async () => {
    const { body } = await screen({ documentNumber: alert.documentNumber, issuingCountry: alert.issuingCountry });
    const hitId = body.data.screenDocument.hit.id;
    const notOwner = await refused(`mutation($id: ID!) { rejectHit(input: { hitId: $id }) { status } }`, { id: hitId }, { as: callers.analystFra });
    expect(notOwner.code).toBe('FORBIDDEN');
    const rejected = await ok(`mutation($id: ID!) { rejectHit(input: { hitId: $id, note: "different bearer" }) { status actionTaken } }`, { id: hitId }, { as: owner });
    expect(rejected.rejectHit).toEqual({ status: 'REJECTED', actionTaken: 'RELEASED' });
    const missing = await refused(`mutation { confirmHit(input: { hitId: "00000000-0000-4000-8000-000000000000", action: NONE }) { status } }`, {}, { as: owner });
    expect(missing.code).toBe('NOT_FOUND');
  });
});

describe('no N+1', () => {
  test('100 operations with nested checkpoints, deployments and results cost the same SQL as 10', async () => {
    const existing = (await ok(`{ operations(first: 100) { edges { cursor } } }`)).operations.edges.length;
    const checkpoint = await createCheckpoint();
    for (let i = existing; i < 100; i++) {
      const operation = await createOperation();
      await deploy(operation.id, checkpoint.id);
    }
    const query = `query($first: Int!) { operations(first: $first) { edges { node { code checkpoints { name deployments { officersAssigned } } deployments { startsAt checkpoint { country } } results { checks hits } } } } }`;
    const ten = await t.countSql(() => t.query(query, { first: 10 }));
    const hundred = await t.countSql(() => t.query(query, { first: 100 }));
    expect(hundred.result.body.errors).toBeUndefined();
    expect(hundred.result.body.data.operations.edges).toHaveLength(100);
    expect(hundred.statements).toBe(ten.statements);
    expect(hundred.statements).toBeLessThanOrEqual(6);
  });
});
