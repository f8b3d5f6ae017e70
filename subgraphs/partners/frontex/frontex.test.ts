import { Classification } from '../../../authorization/subgraph/handling';
import { seedId } from '../../shared/seeding';
import { useTestHub } from '../../../test/harness';
import { AssetDeployment } from './frontex-asset-deployment.entity';

// The border and coast guard agency's contribution answers through the gateway, on the shared entities.

const t = useTestHub();

const { ok } = t;

/** `count` PLANNED operations taken part in by `partner`, created through the gateway in one request. */
async function createOperations(partner: string, count: number): Promise<string[]> {
  const fields = Array.from({ length: count }, (_, i) => `o${i}: createOperation(input: {
    code: "FX-${process.pid}-${i}", name: "Fixture ${i}", startsOn: "2026-05-04", endsOn: "2026-05-15", borderTypes: [LAND],
    crimeAreas: [MIGRANT_SMUGGLING], leadOrganisation: "hub", participatingCountries: ["SRB"], partnerOrganisations: ["${partner}"],
    databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id }`);
  const data = await ok<Record<string, { id: string }>>(`mutation { ${fields.join('\n')} }`);
  return Object.values(data).map((o) => o.id);
}

test('Operation.frontex returns the seeded risk analyses, assets and totals', async () => {
  const data = await ok(`{ operation(code: "TRIGGER-SALVO-II") {
    frontex {
      riskAnalyses { title region periodStart periodEnd handling { owner classification releasableTo } operations { code } }
      assets { description officers vessels aircraft vehicles hostCountry deployedFrom deployedUntil checkpoint { name } operation { code } handling { owner } }
      totals { deployments officers vessels aircraft vehicles }
    } } }`);
  const { riskAnalyses, assets, totals } = data.operation.frontex;
  expect(riskAnalyses.map((r: any) => r.title)).toEqual([
    'Document fraud at Middle East and North Africa land borders',
    'Western Balkans quarterly risk analysis, Q1 2026',
    'Firearms trafficking on Western Balkan land routes: tactical focus',
  ]);
  expect(riskAnalyses[2]).toEqual({
    title: 'Firearms trafficking on Western Balkan land routes: tactical focus', region: 'Western Balkans', periodStart: '2026-02-01', periodEnd: '2026-04-10',
    handling: { owner: 'frontex', classification: 'RESTRICTED', releasableTo: ['hub', 'wco'] }, operations: [{ code: 'TRIGGER-SALVO-II' }],
  });
  expect(assets).toHaveLength(6);
  expect(assets.every((a: any) => a.operation.code === 'TRIGGER-SALVO-II' && a.handling.owner === 'frontex')).toBe(true);
  expect(assets.filter((a: any) => a.checkpoint === null)).toEqual([expect.objectContaining({ aircraft: 1, hostCountry: 'MKD' })]);
  const sum = (field: string) => assets.reduce((total: number, a: any) => total + a[field], 0);
  expect(totals).toEqual({ deployments: 6, officers: sum('officers'), vessels: 0, aircraft: 1, vehicles: sum('vehicles') });
  expect(totals.officers).toBe(44);
});

test('a product that informs two operations is listed under both; an operation without assets has zero totals', async () => {
  const data = await ok(`{ anchor: operation(code: "ANCHOR-III") { frontex { riskAnalyses { title operations { code } } assets { id } totals { deployments officers } } }
                           adwenpa: operation(code: "ADWENPA-V") { frontex { riskAnalyses { title } totals { deployments officers } } } }`);
  const shared = 'Gulf of Guinea maritime risk picture, second half of 2026';
  expect(data.anchor.frontex.riskAnalyses.map((r: any) => r.title)).toEqual(['Cocaine via West African ports: container and vessel profiles', shared]);
  expect(data.anchor.frontex.riskAnalyses[1].operations.map((o: any) => o.code).sort()).toEqual(['ADWENPA-V', 'ANCHOR-III']);
  expect(data.anchor.frontex.assets).toEqual([]);
  expect(data.anchor.frontex.totals).toEqual({ deployments: 0, officers: 0 });
  expect(data.adwenpa.frontex.riskAnalyses.map((r: any) => r.title)).toContain(shared);
  expect(data.adwenpa.frontex.totals).toEqual({ deployments: 5, officers: 21 });
});

test('every seeded asset at a checkpoint is where the operations subgraph deploys that operation', async () => {
  const fields = `deployments { checkpoint { id } } frontex { assets { deployedFrom deployedUntil checkpoint { id } } } period { start end }`;
  const data = await ok(`{ a: operation(code: "TRIGGER-SALVO-II") { ${fields} } b: operation(code: "ADWENPA-V") { ${fields} } }`);
  for (const operation of [data.a, data.b]) {
    expect(operation.frontex.assets.length).toBeGreaterThan(0);
    const deployed = new Set(operation.deployments.map((d: any) => d.checkpoint.id));
    for (const asset of operation.frontex.assets) {
      if (asset.checkpoint) expect(deployed).toContain(asset.checkpoint.id);
      expect(asset.deployedFrom >= operation.period.start && asset.deployedUntil <= operation.period.end).toBe(true);
    }
  }
});

test('Checkpoint.frontex lists the assets deployed there', async () => {
  const data = await ok(`{ operation(code: "TRIGGER-SALVO-II") { deployments { checkpoint { name frontex { assets { officers vehicles operation { code } } totals { officers } } } } } }`);
  const batrovci = data.operation.deployments.map((d: any) => d.checkpoint).find((c: any) => c.name === 'Batrovci Border Crossing');
  expect(batrovci.frontex).toEqual({ assets: [{ officers: 8, vehicles: 2, operation: { code: 'TRIGGER-SALVO-II' } }], totals: { officers: 8 } });
  const jaber = data.operation.deployments.map((d: any) => d.checkpoint).find((c: any) => c.name === 'Jaber Border Crossing');
  expect(jaber.frontex).toEqual({ assets: [], totals: { officers: 0 } });
});

test('frontexRiskAnalyses pages newest first and filters by operation', async () => {
  const first = await ok(`{ frontexRiskAnalyses(first: 2) { edges { node { title publishedAt } } pageInfo { hasNextPage endCursor } } }`);
  expect(first.frontexRiskAnalyses.edges.map((e: any) => e.node.title)).toEqual([
    'Trafficking in human beings on West African air and land routes: indicators',
    'Cocaine via West African ports: container and vessel profiles',
  ]);
  const next = await ok(`query($after: String) { frontexRiskAnalyses(first: 100, after: $after) { edges { node { title } } pageInfo { hasNextPage } } }`, {
    after: first.frontexRiskAnalyses.pageInfo.endCursor,
  });
  expect(next.frontexRiskAnalyses.edges).toHaveLength(5);
  expect(next.frontexRiskAnalyses.pageInfo.hasNextPage).toBe(false);
  const forAnchor = await ok(`query($id: ID!) { frontexRiskAnalyses(first: 10, operationId: $id) { edges { node { title } } } }`, { id: seedId('operation', 'ANCHOR-III') });
  expect(forAnchor.frontexRiskAnalyses.edges).toHaveLength(2);
});

test('Operation.frontex for many operations costs a constant number of SQL statements', async () => {
  const partner = `fixture-frontex-${process.pid}`;
  const ids = await createOperations(partner, 20);
  const em = t.hub.subgraphs.get('frontex')!.orm.em.fork();
  ids.forEach((operationId, n) => em.create(AssetDeployment, {
    operationId, description: 'Fixture team', hostCountry: 'SRB', deployedFrom: '2026-05-04', deployedUntil: '2026-05-15',
    officers: n + 1, vessels: 0, aircraft: 0, vehicles: 1, handling: { owner: 'frontex', classification: Classification.OFFICIAL_USE, releasableTo: ['*'] },
  }));
  await em.flush();
  const query = `query($first: Int!, $partner: String!) { operations(first: $first, filter: { partnerOrganisation: $partner }) {
    edges { node { code frontex { riskAnalyses { title operations { code } } assets { officers checkpoint { name } } totals { officers } } } } } }`;
  const two = await t.countSql(() => t.query(query, { first: 2, partner }));
  const twenty = await t.countSql(() => t.query(query, { first: 20, partner }));
  expect(twenty.result.body.errors).toBeUndefined();
  const nodes = twenty.result.body.data.operations.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(20);
  expect(nodes.map((n: any) => n.frontex.totals.officers).sort((a: number, b: number) => a - b)).toEqual(ids.map((_, n) => n + 1));
  expect(twenty.statements).toBe(two.statements);
});
