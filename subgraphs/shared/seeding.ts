import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

// Tools every subgraph's demo seed uses: stable ids, one-statement bulk inserts, a seeded PRNG.

/** Deterministic v4-shaped UUID from sha256 of `kind:name`, so every seeded row keeps its id. */
export function seedId(kind: string, name: string): string {
  const hex = createHash('sha256').update(`${kind}:${name}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** PostgreSQL type of each column a bulk insert writes, by column name. */
export type Columns = Record<string, string>;

/**
 * Inserts rows (objects keyed by column name) in one statement; rows whose id exists are skipped,
 * which makes every seed idempotent.
 */
export async function insertRows(em: EntityManager, table: string, columns: Columns, rows: object[]): Promise<void> {
  if (!rows.length) return;
  const names = Object.keys(columns).join(', ');
  const types = Object.entries(columns).map(([name, type]) => `${name} ${type}`).join(', ');
  // MikroORM inlines parameters (an array would become a comma list), so the rows travel as one
  // JSON literal; knex then reads any '?' left in the SQL as a placeholder, hence the escape.
  const json = JSON.stringify(rows).replaceAll('?', '\\u003f');
  await em.execute(`insert into ${table} (${names}) select ${names} from jsonb_to_recordset(?::jsonb) as r(${types}) on conflict (id) do nothing`, [json]);
}

export type Rng = () => number;
export type Weighted<T> = readonly [T, number][];

/** mulberry32: tiny seeded PRNG, enough for reproducible demo data. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function weighted<T>(rng: Rng, table: Weighted<T>): T {
  let r = rng() * table.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of table) if ((r -= weight) < 0) return value;
  return table[table.length - 1][0];
}

/** n distinct items in random order (partial Fisher–Yates on a copy). */
export function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const copy = [...items];
  const count = Math.min(n, copy.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}
