import type { MigrationList } from '../../shared/subgraph';
import { Migration20261128032038Initial } from './20261128032038-initial';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128032038-initial', class: Migration20261128032038Initial },
];
