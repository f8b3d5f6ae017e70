import { defineSubgraph } from '../../shared/subgraph';
import { migrations } from './migrations';
import { seedTemplate } from './seed/seed';
import { TemplateRecord } from './template-record.entity';
import { createTemplateLoaders } from './template.loaders';
import { CheckpointReference, OperationReference, TemplateCheckpointResolver, TemplateOperationResolver, TemplateRecordResolver } from './template.resolver';

export default defineSubgraph({
  name: 'template',
  dbSchema: 'partner_template',
  description: 'Template Partner: records it shares about joint operations and checkpoints.',
  entities: [TemplateRecord],
  resolvers: [TemplateRecordResolver, TemplateOperationResolver, TemplateCheckpointResolver],
  orphanedTypes: [OperationReference, CheckpointReference],
  references: {
    Operation: (reference) => ({ id: String(reference.id) }),
    Checkpoint: (reference) => ({ id: String(reference.id) }),
  },
  createLoaders: createTemplateLoaders,
  migrations,
  seed: seedTemplate,
});
