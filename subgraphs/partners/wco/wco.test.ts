import { Classification } from '../../../authorization/subgraph/handling';
import { seedId } from '../../shared/seeding';
import { useTestHub } from '../../../test/harness';
import { ConcealmentMethod, Seizure, SeizureCommodity, SeizureUnit } from './wco-seizure.entity';

// The customs organisation's contribution answers through the gateway, on the shared entities.

const t = useTestHub();

const { ok } = t;

/** `count` PLANNED operations taken part in by `partner`, created through the gateway in one request. */
async function createOperations(partner: string, count: number): Promise<string[]> {
  const fields = Array.from({ length: count }, (_, i) => `o${i}: createOperation(input: {
    code: "WX-${process.pid}-${i}", name: "Fixture ${i}", startsOn: "2026-05-04", endsOn: "2026-05-15", borderTypes: [SEA],
    crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["GHA"], partnerOrganisations: ["${partner}"],
    databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id }`);
  const data = await ok<Record<string, { id: string }>>(`mutation { ${fields.join('\n')} }`);
  return Object.values(data).map((o) => o.id);
}

const SEIZURE = `commodity quantity unit concealment route { origin destination } seizedAt caseReference
  suspect { nationality ageBand gender } handling { owner classification releasableTo } checkpoint { id name } operation { code }`;

test('Operation.wco returns the seeded seizures, their count and totals per commodity', async () => {
  const data = await ok(`{ operation(code: "ANCHOR-III") { wco { seizures { ${SEIZURE} } seizureCount byCommodity { commodity unit seizureCount totalQuantity } } } }`);
  const { seizures, seizureCount, byCommodity } = data.operation.wco;
  expect(seizureCount).toBe(28);
  expect(seizures).toHaveLength(28);
  expect(seizures.every((s: any) => s.operation.code === 'ANCHOR-III' && s.handling.owner === 'wco')).toBe(true);
  expect(seizures.map((s: any) => s.seizedAt)).toEqual(seizures.map((s: any) => s.seizedAt).sort());
  expect(new Set(seizures.map((s: any) => s.commodity))).toContain('COCAINE');
  // Suspect details come as one unit or not at all (unclaimed goods).
  for (const { suspect } of seizures) if (suspect) expect(Object.values(suspect).every((v) => typeof v === 'string')).toBe(true);
  expect(seizures.some((s: any) => s.suspect === null)).toBe(true);
  expect(seizures.some((s: any) => s.suspect !== null)).toBe(true);
  // The breakdown adds up to the list, commodity by commodity and unit by unit.
  expect(byCommodity.reduce((n: number, c: any) => n + c.seizureCount, 0)).toBe(28);
  for (const group of byCommodity) {
    const matching = seizures.filter((s: any) => s.commodity === group.commodity && s.unit === group.unit);
    expect(group.seizureCount).toBe(matching.length);
    expect(group.totalQuantity).toBeCloseTo(matching.reduce((q: number, s: any) => q + s.quantity, 0), 3);
  }
});

test('every seeded seizure is at a checkpoint where, and while, the operations subgraph deploys its operation', async () => {
  const fields = `period { start end } deployments { startsAt endsAt checkpoint { id } } wco { seizures { seizedAt checkpoint { id } } }`;
  const data = await ok(`{ a: operation(code: "TRIGGER-SALVO-II") { ${fields} } b: operation(code: "ANCHOR-III") { ${fields} } }`);
  expect(data.a.wco.seizures).toHaveLength(36);
  expect(data.b.wco.seizures).toHaveLength(28);
  for (const operation of [data.a, data.b]) {
    for (const seizure of operation.wco.seizures) {
      const deployment = operation.deployments.find((d: any) => d.checkpoint.id === seizure.checkpoint.id);
      expect(deployment).toBeDefined();
      expect(seizure.seizedAt >= deployment.startsAt && seizure.seizedAt <= deployment.endsAt).toBe(true);
    }
  }
});

test('Checkpoint.wco lists the seizures made there', async () => {
  const data = await ok(`{ operation(code: "ANCHOR-III") { deployments { checkpoint { id name wco { seizures { caseReference checkpoint { id } operation { code } } } } } } }`);
  const checkpoints = data.operation.deployments.map((d: any) => d.checkpoint);
  // The ports are used by ANCHOR-III only, so their seizures together are the operation's.
  const all = checkpoints.flatMap((c: any) => c.wco.seizures);
  expect(all).toHaveLength(28);
  for (const checkpoint of checkpoints) expect(checkpoint.wco.seizures.every((s: any) => s.checkpoint.id === checkpoint.id)).toBe(true);
});

test('wcoSeizures pages newest first and filters by operation and commodity', async () => {
  const operationId = seedId('operation', 'TRIGGER-SALVO-II');
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 10; page++) {
    const data: any = await ok(`query($id: ID!, $after: String) { wcoSeizures(first: 10, operationId: $id, after: $after) { edges { node { seizedAt caseReference } } pageInfo { hasNextPage endCursor } } }`, { id: operationId, after });
    seen.push(...data.wcoSeizures.edges.map((e: any) => `${e.node.seizedAt} ${e.node.caseReference}`));
    if (!data.wcoSeizures.pageInfo.hasNextPage) break;
    after = data.wcoSeizures.pageInfo.endCursor;
  }
  expect(seen).toHaveLength(36);
  expect(new Set(seen).size).toBe(36);
  expect([...seen].sort().reverse().map((s) => s.slice(0, 24))).toEqual(seen.map((s) => s.slice(0, 24)));
  const firearms = await ok(`{ wcoSeizures(first: 100, commodity: FIREARMS) { edges { node { commodity unit } } } }`);
  expect(firearms.wcoSeizures.edges.length).toBeGreaterThan(0);
  expect(firearms.wcoSeizures.edges.every((e: any) => e.node.commodity === 'FIREARMS' && e.node.unit === 'PIECE')).toBe(true);
});

test('Operation.wco for many operations costs a constant number of SQL statements', async () => {
  const partner = `fixture-wco-${process.pid}`;
  const ids = await createOperations(partner, 20);
  const em = t.hub.subgraphs.get('wco')!.orm.em.fork();
  const checkpointId = seedId('checkpoint', 'GHA:Port of Tema');
  ids.forEach((operationId, n) => em.create(Seizure, {
    operationId, checkpointId, caseReference: `GHA-C-FX-${process.pid}-${n}`, commodity: SeizureCommodity.COCAINE, quantity: n + 0.5, unit: SeizureUnit.KG,
    concealment: ConcealmentMethod.CARGO_CONTAINER, route: { origin: 'BRA', destination: 'ESP' }, seizedAt: new Date('2026-05-06T10:00:00Z'), suspect: null,
    handling: { owner: 'wco', classification: Classification.RESTRICTED, releasableTo: ['hub'] },
  }));
  await em.flush();
  const query = `query($first: Int!, $partner: String!) { operations(first: $first, filter: { partnerOrganisation: $partner }) {
    edges { node { code wco { seizureCount byCommodity { commodity totalQuantity } seizures { quantity checkpoint { name wco { seizures { caseReference } } } } } } } } }`;
  const two = await t.countSql(() => t.query(query, { first: 2, partner }));
  const twenty = await t.countSql(() => t.query(query, { first: 20, partner }));
  expect(twenty.result.body.errors).toBeUndefined();
  const nodes = twenty.result.body.data.operations.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(20);
  expect(nodes.every((n: any) => n.wco.seizureCount === 1 && n.wco.byCommodity[0].totalQuantity === n.wco.seizures[0].quantity)).toBe(true);
  expect(twenty.statements).toBe(two.statements);
});
