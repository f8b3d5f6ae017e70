import type { MigrationList } from '../../../subgraphs/shared/subgraph';
import { Migration20261128033006Initial } from './20261128033006-initial';
import { Migration20261130150000ChainRegistry } from './20261130150000-chain-registry';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128033006-initial', class: Migration20261128033006Initial },
  { name: '20261130150000-chain-registry', class: Migration20261130150000ChainRegistry },
];
