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
   * `after` is the cursor's (occurred_at, chain_id, seq), as `keysetPage` decodes it.
   */
  async page(conditions: Condition[], limit: number, after: unknown[] | null): Promise<EventRow[]> {
    const all = after ? [...conditions, { sql: '(occurred_at, chain_id, seq) < (?::timestamptz, ?::uuid, ?::bigint)', bindings: after }] : conditions;
    const where = all.length ? `where ${all.map((c) => `(${c.sql})`).join(' and ')}` : '';
    // Ordered by the table's columns: the text `seq` of the select list would sort 10 before 9.
    const rows = await this.query<EventRow>(
      `select chain_id, seq::text as seq, hash, recorded_at, occurred_at, event from ${TABLE} ${where} order by ${TABLE}.occurred_at desc, ${TABLE}.chain_id desc, ${TABLE}.seq desc limit ?`,
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
