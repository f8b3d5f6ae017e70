import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderByParent } from '../../shared/loaders';
import { TemplateRecord } from './template-record.entity';

/** Per-request loaders: Template Partner's records for many operations or checkpoints in one query each. */
export function createTemplateLoaders(em: EntityManager) {
  return {
    recordsByOperation: loaderByParent(em, TemplateRecord, 'operationId', (r) => r.operationId, { reportedAt: 'asc' }),
    recordsByCheckpoint: loaderByParent(em, TemplateRecord, 'checkpointId', (r) => r.checkpointId ?? '', { reportedAt: 'asc' }),
  };
}

export type TemplateLoaders = ReturnType<typeof createTemplateLoaders>;
