import { defineSubgraph } from '../../subgraphs/shared/subgraph';
import { AccessEventResolver } from './access-event.resolver';
import { AccessEventRow } from './access-event.entity';
import { createAuditLoaders } from './audit.loaders';
import { ChainAnchorRow } from './chain-anchor.entity';
import { ChainHeadRow } from './chain-head.entity';
import { migrations } from './migrations';

export default defineSubgraph({
  name: 'audit',
  dbSchema: 'audit',
  description: 'The auditors\' read surface over the tamper-evident access log the gateway writes.',
  entities: [AccessEventRow, ChainHeadRow, ChainAnchorRow],
  resolvers: [AccessEventResolver],
  references: {},
  createLoaders: createAuditLoaders,
  migrations,
  ownsAccessLog: true,
});
