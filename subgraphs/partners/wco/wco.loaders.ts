import type { EntityManager } from '@mikro-orm/postgresql';
import { loaderByParent } from '../../shared/loaders';
import { Seizure } from './wco-seizure.entity';

/** Per-request loaders: seizures for many operations or checkpoints in one statement each. */
export function createWcoLoaders(em: EntityManager) {
  return {
    seizuresByOperation: loaderByParent(em, Seizure, 'operationId', (s) => s.operationId, { seizedAt: 'asc', id: 'asc' }),
    seizuresByCheckpoint: loaderByParent(em, Seizure, 'checkpointId', (s) => s.checkpointId, { seizedAt: 'asc', id: 'asc' }),
  };
}

export type WcoLoaders = ReturnType<typeof createWcoLoaders>;
