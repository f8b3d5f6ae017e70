import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { fail } from './errors';

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

/** A cursor is an opaque wrapper around the sort key of the last row (here: code or id). */
export function encodeCursor(key: string): string {
  return Buffer.from(`c:${key}`, 'utf8').toString('base64url');
}

/**
 * Decodes `after` and returns what a keyset query needs. `first` was already checked against
 * MAX_PAGE_SIZE before the resolver ran (field-hooks.ts).
 */
export function pageWindow(args: PageArgs): { limit: number; afterKey: string | null } {
  if (args.after === undefined || args.after === null) return { limit: args.first, afterKey: null };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  if (!decoded.startsWith('c:')) throw fail.badInput('after is not a cursor returned by this API: pass pageInfo.endCursor unchanged', 'after');
  return { limit: args.first, afterKey: decoded.slice(2) };
}

/** Wraps one keyset page (fetched with `limit + 1` rows) as a connection. */
export function toConnection<T>(rows: T[], limit: number, keyOf: (row: T) => string) {
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

/**
 * Keyset paging newest first over `(timeField desc, id desc)`: the filter for rows after the
 * cursor, the order, and the cursor key of a row. Ties on time are broken by id, so no row is
 * skipped or repeated.
 */
export function newestFirst<T extends { id: string }>(timeField: keyof T & string, afterKey: string | null) {
  let where: Record<string, unknown> | null = null;
  if (afterKey !== null) {
    const [time, id] = afterKey.split('|');
    const at = new Date(time);
    if (Number.isNaN(at.getTime()) || !id) throw fail.badInput('after is not a cursor returned by this API: pass pageInfo.endCursor unchanged', 'after');
    where = { $or: [{ [timeField]: { $lt: at } }, { [timeField]: at, id: { $lt: id } }] };
  }
  return {
    where,
    orderBy: { [timeField]: 'desc', id: 'desc' } as Record<string, 'desc'>,
    keyOf: (row: T) => `${(row[timeField] as Date).toISOString()}|${row.id}`,
  };
}
