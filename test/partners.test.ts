import { Client } from 'pg';
import { databaseUrl, schemaGrant } from '../platform/database';
import { loadSecrets } from '../platform/secrets';
import { seedTools } from '../hub/runtime';
import { catalog } from '../hub/catalog';
import { testConfig, testDatabase } from './database';
import { useTestHub } from './harness';

// The reference partners together: one query about an operation shows what every partner
// contributed, and each partner's data stays in a schema only that partner's role can touch.

const t = useTestHub();

test('one gateway query returns an operation with frontex, wco and iom contributions', async () => {
  // Nothing partner-specific is enforced on these fields yet: the access-control layer for partner
  // data comes next. So the default caller (a hub administrator, named in every seeded record's
  // releasable-to list) sees the confidential referrals and the restricted suspect details
  // alongside the k-anonymised aggregates that will stay visible to everyone.
  const { status, body } = await t.query(`{ operation(code: "ANCHOR-III") {
    code
    frontex { riskAnalyses { title region handling { owner classification } } assets { officers } totals { officers vessels } }
    wco { seizureCount seizures { commodity quantity unit suspect { nationality ageBand gender } handling { owner classification } } byCommodity { commodity unit seizureCount } }
    iom { referrals { nationality ageBand handling { owner classification releasableTo } } aggregates { k total byNationality { nationality count suppressed } } }
  } }`);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  const { code, frontex, wco, iom } = body.data.operation;
  expect(code).toBe('ANCHOR-III');

  expect(frontex.riskAnalyses.map((r: any) => r.region)).toEqual(['Gulf of Guinea', 'Gulf of Guinea']);
  expect(frontex.riskAnalyses.every((r: any) => r.handling.owner === 'frontex')).toBe(true);

  expect(wco.seizureCount).toBe(wco.seizures.length);
  expect(wco.seizures.length).toBeGreaterThan(10);
  expect(wco.seizures.every((s: any) => s.handling.owner === 'wco')).toBe(true);
  expect(wco.seizures.some((s: any) => s.suspect !== null)).toBe(true);

  expect(iom.referrals.length).toBe(iom.aggregates.total);
  expect(iom.referrals.every((r: any) => r.handling.owner === 'iom' && r.handling.classification === 'CONFIDENTIAL')).toBe(true);
  expect(iom.aggregates.k).toBe(11);
  expect(iom.aggregates.byNationality.some((g: any) => g.suppressed)).toBe(true);
  expect(iom.aggregates.byNationality.some((g: any) => !g.suppressed)).toBe(true);
});

test('seeding the partners again changes nothing', async () => {
  const query = `{ trigger: operation(code: "TRIGGER-SALVO-II") { frontex { riskAnalyses { id } assets { id officers } } wco { seizures { id quantity } } }
                   anchor: operation(code: "ANCHOR-III") { wco { seizures { id quantity } } iom { referrals { id nationality } aggregates { total } } } }`;
  const before = await t.query(query);
  expect(before.body.errors).toBeUndefined();
  // The seeded rows are there to compare: empty lists before and after would prove nothing.
  const { trigger, anchor } = before.body.data;
  expect([trigger.frontex.riskAnalyses, trigger.frontex.assets, trigger.wco.seizures, anchor.wco.seizures, anchor.iom.referrals].map((l: any[]) => l.length > 0)).toEqual([true, true, true, true, true]);
  const tools = seedTools(loadSecrets(testConfig().SECRETS_DIR));
  for (const code of ['frontex', 'wco', 'iom']) {
    const definition = catalog.find((d) => d.name === code)!;
    await definition.seed!(t.hub.subgraphs.get(code)!.orm.em.fork(), tools);
  }
  const after = await t.query(query);
  expect(after.body).toEqual(before.body);
});

describe("each partner's database role is refused on another partner's schema", () => {
  const tables: Record<string, string> = { frontex: 'risk_analysis_product', wco: 'seizure', iom: 'referral' };
  const partners = Object.keys(tables);
  const server = testDatabase();
  const secrets = loadSecrets(testConfig().SECRETS_DIR);

  /** Runs `sql` connected as the partner's own role; resolves to the row count or the error code. */
  async function asRole(partner: string, sql: string): Promise<{ rows: number } | { error: string; message: string }> {
    const grant = schemaGrant(server, secrets, `partner_${partner}`);
    const client = new Client({ connectionString: databaseUrl(server, { user: grant.role, password: grant.password }) });
    await client.connect();
    try {
      const result = await client.query(sql);
      return { rows: result.rowCount ?? 0 };
    } catch (error) {
      return { error: (error as { code: string }).code, message: (error as Error).message };
    } finally {
      await client.end();
    }
  }

  test.each(partners)('%s reads its own schema', async (partner) => {
    const result = await asRole(partner, `select * from partner_${partner}.${tables[partner]}`);
    expect(result).toEqual({ rows: expect.any(Number) });
    expect((result as { rows: number }).rows).toBeGreaterThan(0);
  });

  test.each(partners.flatMap((role) => partners.filter((other) => other !== role).map((other) => [role, other])))(
    'the %s role is refused on partner_%s',
    async (role, other) => {
      const result = await asRole(role, `select * from partner_${other}.${tables[other]}`);
      expect(result).toEqual({ error: '42501', message: `permission denied for schema partner_${other}` });
    },
  );
});
