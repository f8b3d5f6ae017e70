import type { MigrationList } from '../../../subgraphs/shared/subgraph';
import { Migration20261128033006Initial } from './20261128033006-initial';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128033006-initial', class: Migration20261128033006Initial },
];
