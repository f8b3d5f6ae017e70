import { Classification } from '../../../authorization/subgraph/handling';
import { useTestHub } from '../../../test/harness';
import { Referral, ReferralAgeBand, ReferralGender, ReferralNeed, ReferralService } from './iom-referral.entity';
import { K_ANONYMITY } from './iom.loaders';

// The migration organisation's contribution answers through the gateway: confidential referrals and
// their k-anonymised aggregates, whose suppression is checked exactly at the threshold.

const t = useTestHub();

const { ok } = t;

let batch = 0;
/** `count` PLANNED operations taken part in by `partner`, created through the gateway in one request. */
async function createOperations(partner: string, count: number): Promise<string[]> {
  batch += 1;
  const fields = Array.from({ length: count }, (_, i) => `o${i}: createOperation(input: {
    code: "IX-${process.pid}-${batch}-${i}", name: "Fixture ${i}", startsOn: "2026-05-04", endsOn: "2026-05-15", borderTypes: [AIR],
    crimeAreas: [TRAFFICKING_IN_HUMAN_BEINGS], leadOrganisation: "hub", participatingCountries: ["GHA"], partnerOrganisations: ["${partner}"],
    databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id }`);
  const data = await ok<Record<string, { id: string }>>(`mutation { ${fields.join('\n')} }`);
  return Object.values(data).map((o) => o.id);
}

/** Inserts referrals through the iom subgraph's own ORM: `groups` gives how many of each nationality. */
async function addReferrals(operationId: string, groups: Record<string, number>): Promise<void> {
  const em = t.hub.subgraphs.get('iom')!.orm.em.fork();
  for (const [nationality, count] of Object.entries(groups)) {
    for (let i = 0; i < count; i++) {
      em.create(Referral, {
        operationId, referredAt: new Date(Date.UTC(2026, 4, 5, i)), nationality, ageBand: ReferralAgeBand.AGE_18_24, gender: ReferralGender.FEMALE,
        needs: [ReferralNeed.SAFE_ACCOMMODATION], referredTo: ReferralService.NGO_SHELTER,
        handling: { owner: 'iom', classification: Classification.CONFIDENTIAL, releasableTo: ['hub'] },
      });
    }
  }
  await em.flush();
}

const AGGREGATES = `aggregates { k total byNationality { nationality count suppressed } byAgeBand { ageBand count suppressed } byGender { gender count suppressed } }`;
const shown = (count: number) => ({ count, suppressed: false });
const hidden = { count: null, suppressed: true };

test('Operation.iom returns the seeded referrals, confidential and released only to named organisations', async () => {
  const data = await ok(`{ operation(code: "ANCHOR-III") { iom { referrals { nationality ageBand gender needs referredTo referredAt checkpoint { id } operation { code } handling { owner classification releasableTo } } } } }`);
  const { referrals } = data.operation.iom;
  expect(referrals).toHaveLength(54);
  expect(referrals.every((r: any) => r.operation.code === 'ANCHOR-III' && r.handling.owner === 'iom' && r.handling.classification === 'CONFIDENTIAL')).toBe(true);
  expect(new Set(referrals.map((r: any) => JSON.stringify(r.handling.releasableTo)))).toEqual(new Set(['["hub"]', '["hub","ncb-gha"]']));
  expect(referrals.every((r: any) => r.needs.length > 0)).toBe(true);
  // Children are always referred to child protection: the seed has 12 of them (54 less the 17 + 14 + 11 adults).
  const children = referrals.filter((r: any) => r.ageBand === 'UNDER_12' || r.ageBand === 'AGE_12_17');
  expect(children.map((r: any) => r.referredTo)).toEqual(Array(12).fill('CHILD_PROTECTION_SERVICE'));
});

test('the seeded aggregates publish groups of k or more and suppress the rest', async () => {
  const data = await ok(`{ operation(code: "ANCHOR-III") { iom { ${AGGREGATES} } } }`);
  expect(data.operation.iom.aggregates).toEqual({
    k: 11,
    total: 54,
    byNationality: [
      { nationality: 'BEN', ...hidden }, { nationality: 'BFA', ...hidden }, { nationality: 'CIV', ...hidden }, { nationality: 'CMR', ...hidden },
      { nationality: 'GHA', ...shown(12) }, { nationality: 'NER', ...hidden }, { nationality: 'NGA', ...shown(18) }, { nationality: 'TGO', ...hidden },
    ],
    byAgeBand: [
      { ageBand: 'UNDER_12', ...hidden }, { ageBand: 'AGE_12_17', ...hidden }, { ageBand: 'AGE_18_24', ...shown(17) },
      { ageBand: 'AGE_25_34', ...shown(14) }, { ageBand: 'AGE_35_PLUS', ...shown(11) },
    ],
    // UNDISCLOSED (1) is below k; MALE is withheld too, or it would be 54 - 31 - UNDISCLOSED's count.
    byGender: [{ gender: 'FEMALE', ...shown(31) }, { gender: 'MALE', ...hidden }, { gender: 'UNDISCLOSED', ...hidden }],
  });
  const none = await ok(`{ operation(code: "ADWENPA-V") { iom { referrals { id } ${AGGREGATES} } } }`);
  expect(none.operation.iom).toEqual({ referrals: [], aggregates: { k: 11, total: null, byNationality: [], byAgeBand: [], byGender: [] } });
});

describe('suppression is exact at k', () => {
  let ids: string[];
  beforeAll(async () => {
    expect(K_ANONYMITY).toBe(11);
    ids = await createOperations(`fixture-iom-${process.pid}`, 3);
    await addReferrals(ids[0], { NGA: K_ANONYMITY - 1, GHA: K_ANONYMITY, BEN: 2 });
    await addReferrals(ids[1], { NGA: K_ANONYMITY - 1 });
    await addReferrals(ids[2], { NGA: K_ANONYMITY - 1, GHA: K_ANONYMITY, BEN: K_ANONYMITY + 1 });
  });

  const aggregatesOf = async (id: string) => (await ok(`query($id: ID!) { operation(id: $id) { iom { ${AGGREGATES} } } }`, { id })).operation.iom.aggregates;

  test('a group of k - 1 is suppressed and a group of k is shown', async () => {
    expect(await aggregatesOf(ids[0])).toEqual({
      k: 11,
      total: 23,
      byNationality: [{ nationality: 'BEN', ...hidden }, { nationality: 'GHA', ...shown(11) }, { nationality: 'NGA', ...hidden }],
      byAgeBand: [{ ageBand: 'AGE_18_24', ...shown(23) }],
      byGender: [{ gender: 'FEMALE', ...shown(23) }],
    });
  });

  test('a total of k - 1 is null and every group in it suppressed', async () => {
    expect(await aggregatesOf(ids[1])).toEqual({
      k: 11,
      total: null,
      byNationality: [{ nationality: 'NGA', ...hidden }],
      byAgeBand: [{ ageBand: 'AGE_18_24', ...hidden }],
      byGender: [{ gender: 'FEMALE', ...hidden }],
    });
  });

  test('a lone suppressed group takes the smallest shown group with it, so the total cannot reveal it', async () => {
    const aggregates = await aggregatesOf(ids[2]);
    expect(aggregates.total).toBe(33);
    expect(aggregates.byNationality).toEqual([{ nationality: 'BEN', ...shown(12) }, { nationality: 'GHA', ...hidden }, { nationality: 'NGA', ...hidden }]);
  });
});

test('iomReferrals pages newest first and filters by operation', async () => {
  const data = await ok(`{ operation(code: "SUNBIRD-IV") { id } }`);
  const page = await ok(`query($id: ID!) { iomReferrals(first: 100, operationId: $id) { edges { node { referredAt operation { code } } } pageInfo { hasNextPage } } }`, { id: data.operation.id });
  const times = page.iomReferrals.edges.map((e: any) => e.node.referredAt);
  expect(times).toHaveLength(72);
  expect(times).toEqual([...times].sort().reverse());
  expect(page.iomReferrals.edges.every((e: any) => e.node.operation.code === 'SUNBIRD-IV')).toBe(true);
});

test('Operation.iom for many operations costs a constant number of SQL statements', async () => {
  const partner = `fixture-iom-sql-${process.pid}`;
  const ids = await createOperations(partner, 20);
  for (const [n, id] of ids.entries()) await addReferrals(id, { NGA: n + 1 });
  const query = `query($first: Int!, $partner: String!) { operations(first: $first, filter: { partnerOrganisation: $partner }) {
    edges { node { code iom { referrals { nationality } ${AGGREGATES} } } } } }`;
  const two = await t.countSql(() => t.query(query, { first: 2, partner }));
  const twenty = await t.countSql(() => t.query(query, { first: 20, partner }));
  expect(twenty.result.body.errors).toBeUndefined();
  const nodes = twenty.result.body.data.operations.edges.map((e: any) => e.node);
  expect(nodes).toHaveLength(20);
  for (const node of nodes) {
    const size = node.iom.referrals.length;
    expect(node.iom.aggregates.total).toBe(size >= K_ANONYMITY ? size : null);
  }
  expect(twenty.statements).toBe(two.statements);
});
