import DataLoader from 'dataloader';
import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a syntactically valid UUID (every entity id in the hub is one). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * One `WHERE id IN (...)` per tick for any entity with a string `id`; results in key order,
 * `null` for ids that do not exist.
 */
export function loaderById<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    // An id that is not a UUID cannot exist; asking PostgreSQL would only raise a cast error.
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await em.find(entity, { id: { $in: valid } } as unknown as FilterQuery<T>) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
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
  return new DataLoader(async (parentIds) => {
    const valid = parentIds.filter(isUuid);
    const rows = valid.length ? await em.find(entity, { [foreignKey]: { $in: valid } } as FilterQuery<T>, { orderBy } as never) : [];
    const groups = new Map<string, T[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(parentOf(row))?.push(row);
    return parentIds.map((id) => groups.get(id) ?? []);
  });
}

/**
 * A loader whose batch is one SQL statement returning rows keyed by `key` (aggregates). The
 * statement's single `?` is bound to the batch's keys as a JSON array, e.g.
 * `from json_array_elements_text(?::json) as ids(id)`.
 */
export function loaderBySql<Row extends Record<string, unknown>, Value>(
  em: EntityManager,
  sql: string,
  key: keyof Row & string,
  toValue: (row: Row | undefined) => Value,
): DataLoader<string, Value> {
  return new DataLoader(async (keys) => {
    const rows: Row[] = await em.getConnection().execute(sql, [JSON.stringify(keys)]);
    const byKey = new Map(rows.map((row) => [String(row[key]), row]));
    return keys.map((k) => toValue(byKey.get(k)));
  });
}
