import type { MigrationList } from '../../../shared/subgraph';
import { Migration20261128000000Initial } from './20261128000000-initial';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128000000-initial', class: Migration20261128000000Initial },
];
