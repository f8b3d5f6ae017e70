import { defaultFieldResolver, isObjectType, type GraphQLSchema } from 'graphql';
import { checkIdArguments, mayHoldId } from './id-arguments';
import { noteRecord } from '../../access-log/records';
import type { SubgraphContext } from './subgraph';

/**
 * Adds the two checks every subgraph makes while it resolves, each only where it can apply: id
 * arguments are checked on fields that take an id, records are noted on types that have an `id`.
 * Wrapping the resolvers once, synchronously, keeps the other fields on graphql-js's plain
 * property read; a type-graphql global middleware would put every field of every object
 * through an async middleware chain (measured: most of a 100-row join's resolver time).
 */
export function addFieldHooks(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields();
    const holdsRecords = 'id' in fields;
    for (const field of Object.values(fields)) {
      const takesIds = field.args.some((arg) => mayHoldId(arg.type));
      if (!holdsRecords && !takesIds) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (root, args, context: SubgraphContext, info) => {
        if (takesIds) checkIdArguments(field, args);
        if (holdsRecords) noteRecord(type.name, root, context);
        return resolve(root, args, context, info);
      };
    }
  }
  return schema;
}
