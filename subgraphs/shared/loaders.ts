import DataLoader from 'dataloader';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID (every entity id in the hub is one). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * A DataLoader keyed by entity ids. Keys often come from `_entities` representations, which no
 * argument check has seen: a key that is not a UUID cannot exist, so it gets `missing()` without
 * reaching `fetch` (PostgreSQL would only raise a cast error), and a batch of none makes no query.
 * `fetch` answers the valid keys it found; the others get `missing()` too.
 */
export function loaderByUuid<Value>(fetch: (ids: string[]) => Promise<Map<string, Value>>, missing: () => Value): DataLoader<string, Value> {
  return new DataLoader(async (keys) => {
    const valid = [...new Set(keys.filter(isUuid))];
    const found = valid.length ? await fetch(valid) : new Map<string, Value>();
    return keys.map((key) => (found.has(key) ? found.get(key)! : missing()));
  });
}

/**
 * One `WHERE id IN (...)` per tick for any entity with a string `id`; results in key order,
 * `null` for ids that do not exist.
 */
export function loaderById<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return loaderByUuid(async (ids) => {
    const rows = await em.find(entity, { id: { $in: ids } } as unknown as FilterQuery<T>);
    return new Map(rows.map((row) => [row.id, row]));
  }, () => null);
}

/**
 * One query per tick for the children of many parents: `where <foreignKey> in (...)`, grouped back
 * by parent in key order (an empty list for a parent without children).
 */
export function loaderByParent<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  foreignKey: keyof T & string,
  parentOf: (row: T) => string,
  orderBy?: Record<string, 'asc' | 'desc'>,
): DataLoader<string, T[]> {
  return loaderByUuid(async (parentIds) => {
    const rows = await em.find(entity, { [foreignKey]: { $in: parentIds } } as FilterQuery<T>, { orderBy } as never);
    return groupBy(parentIds, rows, (row) => [parentOf(row)]);
  }, () => []);
}

/**
 * Rows grouped under each of `keys` they belong to (`keysOf` may name several), in row order; a
 * key without rows gets an empty list.
 */
export function groupBy<T>(keys: readonly string[], rows: T[], keysOf: (row: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) for (const key of keysOf(row)) groups.get(key)?.push(row);
  return groups;
}

/**
 * A loader whose batch is one SQL statement returning rows keyed by `key` (aggregates over entity
 * ids). The statement's first `?` is bound to the batch's keys as a JSON array, e.g.
 * `from json_array_elements_text(?::json) as ids(id)`. A statement that depends on the caller (see
 * `releasedIds`) is given as a function returning its text and the values of its other `?`s, in
 * order after the keys. A key that is not a UUID gets `toValue(undefined)`.
 */
export function loaderBySql<Row extends Record<string, unknown>, Value>(
  em: EntityManager,
  sql: string | (() => Promise<{ sql: string; params: unknown[] }>),
  key: keyof Row & string,
  toValue: (row: Row | undefined) => Value,
): DataLoader<string, Value> {
  return loaderByUuid(async (keys) => {
    const statement = typeof sql === 'string' ? { sql, params: [] } : await sql();
    const rows: Row[] = await em.getConnection().execute(statement.sql, [JSON.stringify(keys), ...statement.params]);
    return new Map(rows.map((row) => [String(row[key]), toValue(row)]));
  }, () => toValue(undefined));
}
