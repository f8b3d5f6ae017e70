import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../../authorization/subgraph/handling';
import { insertRows, seedId } from '../../../shared/seeding';

/** Two records about a seeded operation, so the partner's field answers from the first start. */
export async function seedTemplate(em: EntityManager): Promise<void> {
  const operationId = seedId('operation', 'ANCHOR-III');
  const rows = ['Situation report, week 1', 'Situation report, week 2'].map((title, week) => ({
    id: seedId('template-record', title),
    operation_id: operationId,
    title,
    summary: `Synthetic demo record ${week + 1} shared by Template Partner.`,
    reported_at: new Date(Date.UTC(2026, 10, 20 + 7 * week)).toISOString(),
    handling_owner: 'template',
    handling_classification: Classification.OFFICIAL_USE,
    handling_releasable_to: ['*'],
  }));
  await insertRows(em, 'record', {
    id: 'uuid', operation_id: 'uuid', title: 'text', summary: 'text', reported_at: 'timestamptz',
    handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]',
  }, rows);
}
