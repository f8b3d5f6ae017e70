import { defaultFieldResolver, getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import { badUserInput } from '../../platform/errors';
import { checkIdArguments, mayHoldId } from './id-arguments';
import { noteRecord } from '../../access-log/records';
import type { SubgraphContext } from './context';

/** Refuses a page size outside 1…max, as every connection field takes it. */
function checkPageSize(first: unknown, max: number): void {
  if (!Number.isInteger(first) || (first as number) < 1 || (first as number) > max) throw badUserInput(`first must be between 1 and ${max}; got ${first}`, 'first');
}

/**
 * Adds the checks every subgraph makes while it resolves, each only where it can apply: id
 * arguments are checked on fields that take an id, page sizes on fields that take `first`
 * (every connection field, at most `maxPageSize`, MAX_PAGE_SIZE), and records are noted on types that have an `id`.
 * Wrapping the resolvers once, synchronously, keeps the other fields on graphql-js's plain
 * property read; a type-graphql global middleware would put every field of every object
 * through an async middleware chain (measured: most of a 100-row join's resolver time).
 */
export function addFieldHooks(schema: GraphQLSchema, maxPageSize: number): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields();
    const holdsRecords = 'id' in fields;
    // graphql-js resolves an object's fields one after another: the record is noted at its first
    // field, and the others of the same object for the same request skip the look-up (holding on
    // to the last object and its request's records only until the next one).
    let lastRoot: unknown;
    let lastRecords: SubgraphContext['records'];
    const note = (root: unknown, records: SubgraphContext['records']) => {
      if (root === lastRoot && records === lastRecords) return;
      noteRecord(type.name, root, records);
      lastRoot = root;
      lastRecords = records;
    };
    for (const field of Object.values(fields)) {
      const takesIds = field.args.some((arg) => mayHoldId(arg.type));
      const paged = getNamedType(field.type).name.endsWith('Connection') && field.args.some((arg) => arg.name === 'first');
      if (!holdsRecords && !takesIds && !paged) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context: SubgraphContext, info) => {
        if (takesIds) checkIdArguments(field, args);
        if (paged) checkPageSize(args.first, maxPageSize);
        if (holdsRecords) note(root, context.records);
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}
