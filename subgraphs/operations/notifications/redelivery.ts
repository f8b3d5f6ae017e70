import type { ClientBase } from 'pg';
import { ident } from '../../../platform/database';
import { NotificationState } from './notification-state';

/** Which notifications an operator sends again: one by id, or every one in a state (optionally of one organisation). */
export type RedeliverySelection = { id: string; organisation?: string } | { state: NotificationState.DEAD | NotificationState.NO_ENDPOINT | NotificationState.DELIVERED; organisation?: string };

/** A notification made due again, as it was before. */
export interface Redelivered {
  id: string;
  hitId: string;
  organisation: string;
  previousState: NotificationState;
  attempts: number;
  lastError: string | null;
}

/**
 * Makes the selected notifications due again with a fresh set of tries (the same idempotency key):
 * the outbox's trigger wakes every running deliverer when this commits. A PENDING notification is
 * never touched (its tries are under way). Returns what it changed.
 */
export async function redeliver(client: ClientBase, selection: RedeliverySelection, schema = 'operations'): Promise<Redelivered[]> {
  const s = ident(schema);
  const conditions = [`n.state <> 'PENDING'`];
  const params: unknown[] = [];
  if ('id' in selection) conditions.push(`n.id = $${params.push(selection.id)}::uuid`);
  else conditions.push(`n.state = $${params.push(selection.state)}`);
  if (selection.organisation) conditions.push(`n.organisation = $${params.push(selection.organisation)}`);
  const { rows } = await client.query<{ id: string; hit_id: string; organisation: string; previous_state: NotificationState; attempts: number; last_error: string | null }>(
    `with chosen as (select id, state, attempts from ${s}.hit_notification n where ${conditions.join(' and ')} for update)
     update ${s}.hit_notification n set state = 'PENDING', attempts = 0, next_attempt_at = now()
       from chosen where n.id = chosen.id
     returning n.id, n.hit_id, n.organisation, chosen.state as previous_state, chosen.attempts, n.last_error`,
    params,
  );
  return rows.map((r) => ({ id: r.id, hitId: r.hit_id, organisation: r.organisation, previousState: r.previous_state, attempts: r.attempts, lastError: r.last_error }));
}
