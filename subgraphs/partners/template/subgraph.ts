import { defineSubgraph } from '../../shared/subgraph';
import { migrations } from './migrations';
import { seedTemplate } from './seed/seed';
import { TemplateRecord } from './template-record.entity';
import { createTemplateLoaders } from './template.loaders';
import { shares, TemplateRecordResolver } from './template.resolver';

export default defineSubgraph({
  name: 'template',
  dbSchema: 'partner_template',
  description: 'Template Partner: records it shares about joint operations and checkpoints.',
  entities: [TemplateRecord],
  resolvers: [TemplateRecordResolver, ...shares.resolvers],
  orphanedTypes: shares.orphanedTypes,
  references: shares.references,
  createLoaders: createTemplateLoaders,
  migrations,
  seed: seedTemplate,
});
