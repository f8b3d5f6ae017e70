import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderById, loaderByParent, loaderBySql } from '../shared/loaders';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { DocumentAlert } from './document-alert.entity';
import { Operation } from './operation.entity';
import { HitNotification } from './notifications/hit-notification.entity';
import { OperationResults } from './results.type';

// One statement for the results of a whole batch of operations, summed from the tally the writes
// keep (migration 20261130180000-operation-tally): a few rows per operation, never its checks.
// A public aggregate, declared so: every caller gets the same figures. Checks and hits carry no
// handling (nothing for the release filter to apply to); these are the operation's headline
// totals, broken down by database only, never by person, document, country or checkpoint; the
// hits themselves, and the records they matched, stay behind their roles and releasability.
const RESULTS_SQL = `
select ids.id as operation_id,
       coalesce(sum(d.checks), 0)::int as checks,
       coalesce(sum(d.hits), 0)::int as hits,
       coalesce(sum(d.confirmed_hits), 0)::int as confirmed_hits,
       coalesce(sum(d.arrests), 0)::int as arrests,
       coalesce(sum(d.seizures), 0)::int as seizures,
       coalesce(json_agg(json_build_object('database', d.database, 'hits', d.hits) order by d.database) filter (where d.hits > 0), '[]') as hits_by_database
  from (select distinct value::uuid as id from json_array_elements_text(?::json)) as ids
  left join lateral (
        select t.database, sum(t.checks)::int as checks, sum(t.hits)::int as hits, sum(t.confirmed_hits)::int as confirmed_hits,
               sum(t.arrests)::int as arrests, sum(t.seizures)::int as seizures
          from operation_tally t
         where t.operation_id = ids.id
         group by t.database) d on true
 group by ids.id`;

type ResultsRow = {
  operation_id: string;
  checks: number;
  hits: number;
  confirmed_hits: number;
  arrests: number;
  seizures: number;
  hits_by_database: { database: string; hits: number }[];
};

/** Per-request loaders of the operations subgraph: every relation is fetched in batches. */
export function createOperationsLoaders(em: EntityManager) {
  return {
    operationById: loaderById(em, Operation),
    checkpointById: loaderById(em, Checkpoint),
    alertById: loaderById(em, DocumentAlert),
    deploymentsByOperation: loaderByParent(em, Deployment, 'operation', (d) => d.operation.id, { startsAt: 'asc' }),
    deploymentsByCheckpoint: loaderByParent(em, Deployment, 'checkpoint', (d) => d.checkpoint.id, { startsAt: 'asc' }),
    notificationsByHit: loaderByParent(em, HitNotification, 'hit', (n) => n.hit.id),
    resultsByOperation: loaderBySql<ResultsRow, OperationResults>(em, RESULTS_SQL, 'operation_id', (row) => ({
      checks: row?.checks ?? 0,
      hits: row?.hits ?? 0,
      confirmedHits: row?.confirmed_hits ?? 0,
      arrests: row?.arrests ?? 0,
      seizures: row?.seizures ?? 0,
      hitsByDatabase: (row?.hits_by_database ?? []) as OperationResults['hitsByDatabase'],
    })),
  };
}

export type OperationsLoaders = ReturnType<typeof createOperationsLoaders>;
