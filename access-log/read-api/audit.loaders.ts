import type { EntityManager } from '@mikro-orm/postgresql';
import { ident } from '../../platform/database';
import { AUDIT_SCHEMA } from '../store';
import type { AccessEvent } from '../event';

/** One SQL condition with its `?` bindings. */
export interface Condition {
  sql: string;
  bindings: unknown[];
}

/** An event row as the read surface needs it. */
export interface EventRow {
  chain_id: string;
  seq: string;
  hash: string;
  recorded_at: Date;
  occurred_at: Date;
  event: AccessEvent;
}

const TABLE = `${ident(AUDIT_SCHEMA)}.access_event`;

/** The two orders of a page of events, newest first, each with a unique key for its cursors. */
export type EventOrder = 'chain' | 'hash';
const ORDERS: Record<EventOrder, { orderBy: string; after: string }> = {
  // Ordered by the table's columns: the text `seq` of the select list would sort 10 before 9.
  chain: {
    orderBy: `${TABLE}.occurred_at desc, ${TABLE}.chain_id desc, ${TABLE}.seq desc`,
    after: '(occurred_at, chain_id, seq) < (?::timestamptz, ?::uuid, ?::bigint)',
  },
  hash: { orderBy: `${TABLE}.occurred_at desc, ${TABLE}.hash desc`, after: '(occurred_at, hash) < (?::timestamptz, ?)' },
};

/**
 * Reads access events for one request. Conditions are bound as parameters through knex (not
 * MikroORM's `execute`, which inlines values and would read a `?` inside one as a placeholder).
 */
export class AccessEventReader {
  constructor(private readonly em: EntityManager) {}

  private async query<Row>(sql: string, bindings: unknown[]): Promise<Row[]> {
    const result = await this.em.getKnex().raw(sql, bindings as never);
    return (result as { rows: Row[] }).rows;
  }

  /**
   * One keyset page, newest first: `limit + 1` rows so the caller knows whether more follow.
   * `after` is the cursor's key as `keysetPage` decodes it: (occurred_at, chain_id, seq) for the
   * `chain` order, (occurred_at, hash) for `hash`, which a data owner's cursors use because the
   * chain position is withheld from it (a sequence number would tell how busy the hub was).
   */
  async page(conditions: Condition[], limit: number, after: unknown[] | null, order: EventOrder = 'chain'): Promise<EventRow[]> {
    const key = ORDERS[order];
    const all = after ? [...conditions, { sql: key.after, bindings: after }] : conditions;
    const where = all.length ? `where ${all.map((c) => `(${c.sql})`).join(' and ')}` : '';
    const rows = await this.query<EventRow>(
      `select chain_id, seq::text as seq, hash, recorded_at, occurred_at, event from ${TABLE} ${where} order by ${key.orderBy} limit ?`,
      [...all.flatMap((c) => c.bindings), limit + 1],
    );
    // The ORM's driver hands timestamps over as text.
    return rows.map((row) => ({ ...row, recorded_at: new Date(row.recorded_at), occurred_at: new Date(row.occurred_at) }));
  }

  /** How many events match, across all pages. */
  async count(conditions: Condition[]): Promise<number> {
    const where = conditions.length ? `where ${conditions.map((c) => `(${c.sql})`).join(' and ')}` : '';
    const [row] = await this.query<{ total: number }>(`select count(*)::int as total from ${TABLE} ${where}`, conditions.flatMap((c) => c.bindings));
    return row.total;
  }
}

/** Per-request data access of the audit subgraph. */
export function createAuditLoaders(em: EntityManager) {
  return { events: new AccessEventReader(em) };
}

export type AuditLoaders = ReturnType<typeof createAuditLoaders>;
