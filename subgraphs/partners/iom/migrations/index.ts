import type { MigrationList } from '../../../shared/subgraph';
import { Migration20261128033023Initial } from './20261128033023-initial';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128033023-initial', class: Migration20261128033023Initial },
];
