import type { EntityManager } from '@mikro-orm/postgresql';
import { releasedIds, type SqlFragment } from '../../../authorization/subgraph/releasability';
import { loaderByParent, loaderBySql } from '../../shared/loaders';
import { Seizure } from './wco-seizure.entity';

// Counted in SQL through the very filter the lists read through (`releasedIds`), so the count is
// the length of `seizures` for every caller, without loading the seizures it counts.
const SEIZURE_COUNT_SQL = (released: string) => `
select s.operation_id, count(*)::int as seizures
  from (select value::uuid as id from json_array_elements_text(?::json)) as ids
  join seizure s on s.operation_id = ids.id and s.id in (${released})
 group by s.operation_id`;

type SeizureCountRow = { operation_id: string; seizures: number };

/** Per-request loaders: seizures for many operations or checkpoints in one statement each. */
export function createWcoLoaders(em: EntityManager) {
  let released: Promise<SqlFragment> | undefined;
  return {
    seizuresByOperation: loaderByParent(em, Seizure, 'operationId', (s) => s.operationId, { seizedAt: 'asc', id: 'asc' }),
    seizuresByCheckpoint: loaderByParent(em, Seizure, 'checkpointId', (s) => s.checkpointId, { seizedAt: 'asc', id: 'asc' }),
    seizureCountByOperation: loaderBySql<SeizureCountRow, number>(
      em,
      async () => {
        const visible = await (released ??= releasedIds(em, Seizure));
        return { sql: SEIZURE_COUNT_SQL(visible.sql), params: visible.params };
      },
      'operation_id',
      (row) => row?.seizures ?? 0,
    ),
  };
}

export type WcoLoaders = ReturnType<typeof createWcoLoaders>;
