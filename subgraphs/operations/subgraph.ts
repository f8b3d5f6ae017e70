import { defineSubgraph } from '../shared/subgraph';
import { Check } from './check.entity';
import { Checkpoint } from './checkpoint.entity';
import { CheckpointResolver } from './checkpoint.resolver';
import { Deployment } from './deployment.entity';
import { DeploymentResolver } from './deployment.resolver';
import { DocumentAlert } from './document-alert.entity';
import { Hit } from './hit.entity';
import { HitNotification } from './notifications/hit-notification.entity';
import { NotificationResolver } from './notifications/notification.resolver';
import { migrations } from './migrations';
import { Operation } from './operation.entity';
import { OperationResolver } from './operation.resolver';
import { createOperationsLoaders } from './operations.loaders';
import { ScreeningResolver } from './screening.resolver';
import { seedOperations } from './seed/seed';

export default defineSubgraph({
  name: 'operations',
  dbSchema: 'operations',
  description: 'Operations, checkpoints, deployments and screening (document alerts, checks, hits).',
  entities: [Operation, Checkpoint, Deployment, DocumentAlert, Check, Hit, HitNotification],
  resolvers: [OperationResolver, CheckpointResolver, DeploymentResolver, ScreeningResolver, NotificationResolver],
  references: {
    Operation: (reference, ctx) => ctx.loaders.operationById.load(String(reference.id)),
    Checkpoint: (reference, ctx) => ctx.loaders.checkpointById.load(String(reference.id)),
  },
  createLoaders: createOperationsLoaders,
  migrations,
  seed: seedOperations,
});
