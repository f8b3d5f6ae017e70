import type { MigrationList } from '../../shared/subgraph';
import { Migration20261128000000Initial } from './20261128000000-initial';
import { Migration20261130160000HitNotifications } from './20261130160000-hit-notifications';
import { Migration20261130180000OperationTally } from './20261130180000-operation-tally';

/** Applied in this order; `npm run db:migration` appends new ones. */
export const migrations: MigrationList = [
  { name: '20261128000000-initial', class: Migration20261128000000Initial },
  { name: '20261130160000-hit-notifications', class: Migration20261130160000HitNotifications },
  { name: '20261130180000-operation-tally', class: Migration20261130180000OperationTally },
];
