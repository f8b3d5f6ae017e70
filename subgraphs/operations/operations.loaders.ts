import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderById, loaderByParent, loaderBySql } from '../shared/loaders';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { DocumentAlert } from './document-alert.entity';
import { Operation } from './operation.entity';
import { HitNotification } from './notifications/hit-notification.entity';
import { OperationResults } from './results.type';

// One statement for the results of a whole batch of operations; every figure is counted in SQL.
// A public aggregate, declared so: every caller gets the same figures. Checks and hits carry no
// handling (nothing for the release filter to apply to); these are the operation's headline
// totals, broken down by database only, never by person, document, country or checkpoint; the
// hits themselves, and the records they matched, stay behind their roles and releasability.
const RESULTS_SQL = `
select ids.id as operation_id,
       (select count(*) from "check" c where c.operation_id = ids.id)::int as checks,
       (select count(*) from hit h where h.operation_id = ids.id)::int as hits,
       (select count(*) from hit h where h.operation_id = ids.id and h.status = 'CONFIRMED')::int as confirmed_hits,
       (select count(*) from hit h where h.operation_id = ids.id and h.status = 'CONFIRMED' and h.action_taken = 'ARRESTED')::int as arrests,
       (select count(*) from hit h where h.operation_id = ids.id and h.status = 'CONFIRMED' and h.action_taken = 'SEIZED')::int as seizures,
       coalesce((select json_agg(json_build_object('database', d.database, 'hits', d.n) order by d.database)
                   from (select h.database, count(*)::int as n from hit h where h.operation_id = ids.id group by h.database) d), '[]') as hits_by_database
  from (select value::uuid as id from json_array_elements_text(?::json)) as ids`;

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
