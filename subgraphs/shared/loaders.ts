import DataLoader from 'dataloader';
import { ReferenceKind, type EntityMetadata, type EntityName, type FilterQuery } from '@mikro-orm/core';
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
 * How rows of one entity are read for answering only, without the unit of work: each row is an
 * instance of the entity's class (its getters work, `instanceof` holds, type-graphql need not
 * convert it) holding every column, mapped and converted by the ORM's own result mapper, and a
 * reference (`Ref`) for each many-to-one or owning one-to-one, as hydration gives them; but no
 * identity map, change-set snapshot or wrapper, none of which a read needs. Measured on the test
 * database, `em.find` of a few operations cost ~4 ms of CPU, a prepared statement and this mapping
 * ~0.7 ms: the ORM's per-call query building, not the rows, was most of it.
 */
export interface PlainRows<T> {
  /** `select <every column> from <table>`, built once. */
  select: string;
  /** Column of a property, for conditions and order. */
  column(property: string): string;
  /** An instance from a raw database row (column names), or from a row the ORM already mapped. */
  fromRaw(raw: Record<string, unknown>): T;
  fromMapped(mapped: Record<string, unknown>): T;
}

const plainRowsCache = new WeakMap<EntityMetadata, PlainRows<any> | null>();

type FilterDefinitions = Record<string, { entity?: string[] }>;

/**
 * Whether any ORM filter (of the configuration, of the entity manager, as `installReleasability`
 * adds them, or of the entity) can apply to `meta`'s rows: a filter without an entity list applies
 * to all. The plain reads by key are plain SQL, which no filter reaches.
 */
function filtered(em: EntityManager, meta: EntityMetadata): boolean {
  const managerFilters = (em as unknown as { filters?: FilterDefinitions }).filters ?? {};
  const all = [em.config.get('filters') as FilterDefinitions, managerFilters, meta.filters as FilterDefinitions];
  return all.some((filters) => Object.values(filters ?? {}).some((filter) => !filter.entity || filter.entity.includes(meta.className)));
}

/**
 * The plain reader of `entity`, or `null` when its rows must be hydrated: a collection or an
 * embedded value (which the result mapper does not build) or an entity filter. The releasability
 * filter (authorization/subgraph/releasability.ts) applies to entities with `handling`, an
 * embedded value, so a filtered entity is never read here, and `em.find` keeps applying it.
 */
export function plainRows<T extends object>(em: EntityManager, entity: EntityName<T>): PlainRows<T> | null {
  const meta = em.getMetadata().get<T>(entity as never) as EntityMetadata<T>;
  if (plainRowsCache.has(meta)) return plainRowsCache.get(meta)!;
  const props = meta.props.filter((prop) => prop.persist !== false);
  const references = props.filter((prop) => prop.kind === ReferenceKind.MANY_TO_ONE || (prop.kind === ReferenceKind.ONE_TO_ONE && prop.owner));
  const readable =
    !filtered(em, meta) &&
    props.every((prop) => prop.kind === ReferenceKind.SCALAR || references.includes(prop)) &&
    props.every((prop) => prop.fieldNames?.length === 1);
  let reader: PlainRows<T> | null = null;
  if (readable) {
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    const driver = em.getDriver();
    // The ORM puts a setter for every property on the entity's prototype, which attaches its
    // unit-of-work wrapper on first assignment. Rows inherit from a prototype that shadows them
    // with plain writable slots, so assigning creates ordinary own properties.
    const rowPrototype = Object.create(meta.prototype, Object.fromEntries(props.map((prop) => [prop.name, { value: undefined, writable: true, enumerable: false, configurable: true }])));
    const fromMapped = (mapped: Record<string, unknown>): T => {
      const row = Object.assign(Object.create(rowPrototype), mapped) as Record<string, unknown>;
      for (const prop of references) {
        const key = row[prop.name];
        if (key !== null && key !== undefined) row[prop.name] = em.getReference(prop.type, key as never, { wrapped: prop.ref });
      }
      return row as T;
    };
    reader = {
      select: `select ${props.map((prop) => quote(prop.fieldNames[0])).join(', ')} from ${quote(meta.tableName)}`,
      column: (property) => quote(meta.properties[property as never as keyof typeof meta.properties].fieldNames[0]),
      fromMapped,
      fromRaw: (raw) => fromMapped(driver.mapResult(raw as never, meta) as Record<string, unknown>),
    };
  }
  plainRowsCache.set(meta, reader);
  return reader;
}

/**
 * Rows of `entity` matching `where` (any filter the ORM accepts), in `orderBy` order, at most
 * `limit`: plain when the entity can be (see `plainRows`), else hydrated by `em.find`. Entity
 * filters are applied either way.
 */
export async function findRows<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  options: { orderBy?: Record<string, 'asc' | 'desc'>; limit?: number } = {},
): Promise<T[]> {
  const reader = plainRows(em, entity);
  if (!reader || reachesOtherEntities(em.getMetadata().get(entity as never), where)) return em.find(entity, where, options as never);
  const qb = em.createQueryBuilder(entity).select('*').where(where);
  if (options.orderBy) qb.orderBy(options.orderBy as never);
  if (options.limit !== undefined) qb.limit(options.limit);
  await qb.applyFilters();
  const mapped = (await qb.execute('all', true)) as Record<string, unknown>[];
  return mapped.map(reader.fromMapped);
}

/**
 * Whether a condition looks into a related entity (`{ alert: { handling: ... } }`): a join, where
 * `em.find` may apply the related entity's filters too; such reads stay with `em.find`. A
 * relation compared by key (`{ operation: id }`, `{ operation: { $in: ids } }`) needs no join.
 */
function reachesOtherEntities(meta: EntityMetadata, where: unknown): boolean {
  if (Array.isArray(where)) return where.some((item) => reachesOtherEntities(meta, item));
  if (where === null || typeof where !== 'object') return false;
  return Object.entries(where).some(([key, value]) => {
    if (key.startsWith('$')) return reachesOtherEntities(meta, value);
    const prop = meta.properties[key as never] as EntityMetadata['props'][number] | undefined;
    if (!prop) return true;
    if (prop.kind === ReferenceKind.SCALAR || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.keys(value).some((operator) => !operator.startsWith('$'));
  });
}

/** Rows of `entity` whose `property` is one of `keys` (UUIDs), in `orderBy` order: plain when it can be (see `plainRows`), else hydrated. */
async function rowsWhereIn<T extends object>(em: EntityManager, entity: EntityName<T>, property: string, keys: string[], orderBy?: Record<string, 'asc' | 'desc'>): Promise<T[]> {
  const reader = plainRows(em, entity);
  if (!reader) return em.find(entity, { [property]: { $in: keys } } as FilterQuery<T>, { orderBy } as never);
  const order = Object.entries(orderBy ?? {}).map(([prop, direction]) => `${reader.column(prop)} ${direction}`);
  const sql = `${reader.select} where ${reader.column(property)} = any(?::uuid[])${order.length ? ` order by ${order.join(', ')}` : ''}`;
  // One array literal (the keys are UUIDs): an array binding would be spread into a list of parameters.
  const raws: Record<string, unknown>[] = await em.getConnection().execute(sql, [`{${keys.join(',')}}`]);
  return raws.map(reader.fromRaw);
}

/**
 * One `WHERE id IN (...)` per tick for any entity with a string `id`; results in key order,
 * `null` for ids that do not exist.
 */
export function loaderById<T extends { id: string }>(em: EntityManager, entity: EntityName<T>): DataLoader<string, T | null> {
  return loaderByUuid(async (ids) => {
    const rows = await rowsWhereIn(em, entity, 'id', ids);
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
    const rows = await rowsWhereIn(em, entity, foreignKey, parentIds, orderBy);
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
