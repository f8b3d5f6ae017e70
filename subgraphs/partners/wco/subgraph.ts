import { defineSubgraph } from '../../shared/subgraph';
import { migrations } from './migrations';
import { seedWco } from './seed/seed';
import { Seizure } from './wco-seizure.entity';
import { createWcoLoaders } from './wco.loaders';
import { SeizureResolver, shares, WcoCheckpointShareResolver, WcoShareResolver } from './wco.resolver';

export default defineSubgraph({
  name: 'wco',
  dbSchema: 'partner_wco',
  description: 'Customs Organisation (demo partner): seizures at checkpoints during joint operations.',
  entities: [Seizure],
  resolvers: [SeizureResolver, WcoShareResolver, WcoCheckpointShareResolver, ...shares.resolvers],
  orphanedTypes: shares.orphanedTypes,
  references: shares.references,
  createLoaders: createWcoLoaders,
  migrations,
  seed: seedWco,
});
