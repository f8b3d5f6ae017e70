import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { fail } from './errors';
import { findRows, isUuid } from './loaders';

// Every subgraph returns connections: a value type defined in several subgraphs must be @shareable.
@ObjectType({ description: 'Relay page information.' })
@Directive('@shareable')
export class PageInfo {
  @Field({ description: 'True when more items follow `endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as `after` to get the next page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: 'How many items to return (1 to the configured maximum, 100 by default).' })
  first!: number;

  @Field(() => String, { nullable: true, description: 'Opaque cursor from a previous page\'s `pageInfo.endCursor`.' })
  after?: string | null;
}

/** A cursor is an opaque wrapper around the sort key of the last row (see `keysetPage`). */
function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`, 'utf8').toString('base64url');
}

/** The one answer to an `after` this API did not issue (or that was altered). */
function badCursor() {
  return fail.badInput('after is not a cursor returned by this API: pass pageInfo.endCursor unchanged', 'after');
}

/**
 * Decodes `after` and returns what a keyset query needs. `first` was already checked against
 * MAX_PAGE_SIZE before the resolver ran (field-hooks.ts).
 */
function pageWindow(args: PageArgs): { limit: number; afterKey: string | null } {
  if (args.after === undefined || args.after === null) return { limit: args.first, afterKey: null };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  if (!decoded.startsWith('c:')) throw badCursor();
  return { limit: args.first, afterKey: decoded.slice(2) };
}

/** Wraps one keyset page (fetched with `limit + 1` rows) as a connection. */
function toConnection<T>(rows: T[], limit: number, keyOf: (row: T) => string) {
  const nodes = rows.slice(0, limit);
  return {
    edges: nodes.map((node) => ({ node, cursor: encodeCursor(keyOf(node)) })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: nodes.length ? encodeCursor(keyOf(nodes[nodes.length - 1])) : null },
  };
}

/** Declares `XConnection` and `XEdge` types for a node type, so every list in the API is paged the same way. */
export function Connection<T extends object>(nodeType: ClassType<T>, description: string) {
  const name = nodeType.name;

  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field(() => nodeType, { nullable: true, description: `The ${name}; null when access rules withhold it from you (an error says which).` })
    node!: T;

    @Field({ description: 'Cursor of this edge, for `after`.' })
    cursor!: string;
  }

  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [Edge], { description: 'The items of this page, in order.' })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page stands in the whole list.' })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** How one column of a sort key is written into a cursor and checked when it comes back. */
export type KeyKind = 'text' | 'day' | 'time' | 'uuid' | 'integer';

const KEY_KINDS: Record<KeyKind, { read(text: string): unknown; write(value: unknown): string }> = {
  text: { read: (text) => text, write: String },
  day: { read: (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined), write: String },
  time: {
    read: (text) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(text) && !Number.isNaN(Date.parse(text)) ? new Date(text) : undefined),
    write: (value) => (value as Date).toISOString(),
  },
  // Any other id would only make PostgreSQL raise a cast error.
  uuid: { read: (text) => (isUuid(text) ? text : undefined), write: String },
  // Kept as text: a bigint does not fit a JavaScript number.
  integer: { read: (text) => (/^\d{1,19}$/.test(text) ? text : undefined), write: String },
};

/** One keyset page: the checked window, the decoded cursor, and how to query and wrap it. */
export interface KeysetPage<T> {
  /** Rows wanted; fetch `limit + 1` so `connection` knows whether more follow. */
  limit: number;
  /** The cursor's key values in sort-key order, `null` on the first page (for SQL written by hand). */
  after: unknown[] | null;
  /** MikroORM filter for the rows after the cursor (`{}` on the first page). */
  where: Record<string, unknown>;
  orderBy: Record<string, 'asc' | 'desc'>;
  /** Wraps the fetched rows as a connection whose cursors carry each row's sort key. */
  connection(rows: T[]): ReturnType<typeof toConnection<T>>;
  /** Fetches the page's rows of `entity` that meet every condition (`limit + 1` of them, for `connection`), in one query. */
  find(em: EntityManager, entity: EntityName<T>, conditions?: FilterQuery<T>[]): Promise<T[]>;
}

/**
 * Keyset paging over a composite sort key, every column in `direction`: `key` lists the columns in
 * order with what each holds, e.g. `{ startsOn: 'day', id: 'uuid' }`. The key must be unique (end
 * it with the id) so that no row is skipped or repeated. An `after` whose parts do not fit `key`
 * is refused with BAD_USER_INPUT.
 */
export function keysetPage<T extends object>(args: PageArgs, direction: 'asc' | 'desc', key: { [Field in keyof T & string]?: KeyKind }): KeysetPage<T> {
  const { limit, afterKey } = pageWindow(args);
  const parts = Object.entries(key) as [keyof T & string, KeyKind][];
  // PostgreSQL text never holds NUL, so it separates free text; other keys keep the `|` of the
  // cursors already issued.
  const separator = parts.some(([, kind]) => kind === 'text') ? '\u0000' : '|';
  const after = afterKey === null ? null : decodeKey(afterKey.split(separator), parts);
  const beyond = direction === 'asc' ? '$gt' : '$lt';
  // (a, b) after (A, B): a beyond A, or a = A and b beyond B, and so on down the key.
  const where = after ? { $or: parts.map(([field], i) => ({ ...Object.fromEntries(parts.slice(0, i).map(([f], j) => [f, after[j]])), [field]: { [beyond]: after[i] } })) } : {};
  const orderBy = Object.fromEntries(parts.map(([field]) => [field, direction])) as Record<string, 'asc' | 'desc'>;
  return {
    limit,
    after,
    where,
    orderBy,
    connection: (rows) => toConnection(rows, limit, (row) => parts.map(([field, kind]) => KEY_KINDS[kind].write(row[field])).join(separator)),
    find: (em, entity, conditions = []) => findRows(em, entity, { $and: [...conditions, where] } as FilterQuery<T>, { orderBy, limit: limit + 1 }),
  };
}

function decodeKey(texts: string[], parts: [string, KeyKind][]): unknown[] {
  if (texts.length !== parts.length) throw badCursor();
  return parts.map(([, kind], i) => {
    const value = KEY_KINDS[kind].read(texts[i]);
    if (value === undefined) throw badCursor();
    return value;
  });
}
