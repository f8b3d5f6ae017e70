import { defineSubgraph } from '../../shared/subgraph';
import { migrations } from './migrations';
import { seedWco } from './seed/seed';
import { Seizure } from './wco-seizure.entity';
import { createWcoLoaders } from './wco.loaders';
import {
  CheckpointReference,
  OperationReference,
  SeizureResolver,
  WcoCheckpointResolver,
  WcoCheckpointShareResolver,
  WcoOperationResolver,
  WcoShareResolver,
} from './wco.resolver';

export default defineSubgraph({
  name: 'wco',
  dbSchema: 'partner_wco',
  description: 'Customs Organisation (demo partner): seizures at checkpoints during joint operations.',
  entities: [Seizure],
  resolvers: [SeizureResolver, WcoOperationResolver, WcoCheckpointResolver, WcoShareResolver, WcoCheckpointShareResolver],
  orphanedTypes: [OperationReference, CheckpointReference],
  references: {
    Operation: (reference) => ({ id: String(reference.id) }),
    Checkpoint: (reference) => ({ id: String(reference.id) }),
  },
  createLoaders: createWcoLoaders,
  migrations,
  seed: seedWco,
});
