import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderByParent, loaderBySql } from '../../shared/loaders';
import { Referral, ReferralAgeBand, ReferralGender } from './iom-referral.entity';

/**
 * Smallest count of referrals the migration organisation publishes in an aggregate: a group of
 * fewer people is suppressed. 11 is one published choice for k-anonymised victim statistics.
 */
export const K_ANONYMITY = 11;

/**
 * One statement for the aggregates of a whole batch of operations: one scan with grouping sets
 * (the total and each dimension), then suppression decided per (operation, dimension):
 *  - primary: a group below k;
 *  - complementary: when a dimension has exactly one primary group, its smallest shown group too,
 *    or the primary's count would be the published total minus the shown ones.
 * Groups are listed by value, never by size, so the order reveals nothing about suppressed counts.
 * Raw SQL on purpose: the aggregates count every referral whatever its handling (they are the
 * anonymised view meant for everyone), unlike `referrals`, which reads through the ORM's filters.
 */
const AGGREGATES_SQL = `
with ids as (select distinct value::uuid as operation_id from json_array_elements_text(?::json)),
counts as (
  select r.operation_id,
         case when grouping(r.nationality) = 0 then 'nationality'
              when grouping(r.age_band) = 0 then 'ageBand'
              when grouping(r.gender) = 0 then 'gender' end as dimension,
         coalesce(r.nationality, r.age_band, r.gender) as value,
         count(*)::int as n
    from referral r
    join ids on ids.operation_id = r.operation_id
   group by grouping sets ((r.operation_id), (r.operation_id, r.nationality), (r.operation_id, r.age_band), (r.operation_id, r.gender))
),
ranked as (
  select c.*,
         count(*) filter (where c.n < ${K_ANONYMITY}) over (partition by c.operation_id, c.dimension) as below_k,
         row_number() over (partition by c.operation_id, c.dimension, c.n < ${K_ANONYMITY} order by c.n, c.value) as rank_in_class
    from counts c
   where c.dimension is not null
),
decided as (
  select r.operation_id, r.dimension, r.value, r.n,
         (r.n < ${K_ANONYMITY} or (r.below_k = 1 and r.rank_in_class = 1)) as suppressed
    from ranked r
)
select ids.operation_id::text as operation_id,
       coalesce(t.n, 0) as total,
       coalesce(json_agg(json_build_object('dimension', d.dimension, 'value', d.value, 'count', case when d.suppressed then null else d.n end, 'suppressed', d.suppressed)
                         order by d.dimension, d.value) filter (where d.dimension is not null), '[]') as groups
  from ids
  left join counts t on t.operation_id = ids.operation_id and t.dimension is null
  left join decided d on d.operation_id = ids.operation_id
 group by ids.operation_id, t.n`;

/** One published group: its count is null (and `suppressed` true) when it must not be shown. */
export interface Group<Value> {
  value: Value;
  count: number | null;
  suppressed: boolean;
}

/** k-anonymised aggregates of one operation's referrals. */
export interface Aggregates {
  k: number;
  total: number | null;
  byNationality: Group<string>[];
  byAgeBand: Group<ReferralAgeBand>[];
  byGender: Group<ReferralGender>[];
}

type AggregatesRow = {
  operation_id: string;
  total: number;
  groups: { dimension: 'nationality' | 'ageBand' | 'gender'; value: string; count: number | null; suppressed: boolean }[];
};

const AGE_BAND_ORDER = Object.values(ReferralAgeBand);

function toAggregates(row: AggregatesRow | undefined): Aggregates {
  const total = row?.total ?? 0;
  const groups = row?.groups ?? [];
  const of = <Value>(dimension: string) =>
    groups.filter((g) => g.dimension === dimension).map(({ value, count, suppressed }) => ({ value: value as Value, count, suppressed }));
  return {
    k: K_ANONYMITY,
    total: total >= K_ANONYMITY ? total : null,
    byNationality: of<string>('nationality'),
    byAgeBand: of<ReferralAgeBand>('ageBand').sort((a, b) => AGE_BAND_ORDER.indexOf(a.value) - AGE_BAND_ORDER.indexOf(b.value)),
    byGender: of<ReferralGender>('gender'),
  };
}

/** Per-request loaders: referrals and their aggregates for many operations in one statement each. */
export function createIomLoaders(em: EntityManager) {
  return {
    referralsByOperation: loaderByParent(em, Referral, 'operationId', (r) => r.operationId, { referredAt: 'asc', id: 'asc' }),
    aggregatesByOperation: loaderBySql<AggregatesRow, Aggregates>(em, AGGREGATES_SQL, 'operation_id', toAggregates),
  };
}

export type IomLoaders = ReturnType<typeof createIomLoaders>;
