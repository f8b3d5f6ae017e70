import { GraphQLID, type GraphQLField, type GraphQLInputType, getNullableType, isInputObjectType, isListType } from 'graphql';
import { fail } from './errors';
import { isUuid } from './loaders';

function checkIds(type: GraphQLInputType, value: unknown, path: string): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    (value as unknown[]).forEach((item, index) => checkIds(nullable.ofType, item, `${path}[${index}]`));
  } else if (nullable === GraphQLID) {
    if (!isUuid(value)) throw fail.badInput(`${path} must be an id returned by this API (a UUID such as 3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c)`, path);
  } else if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    for (const [name, field] of Object.entries(fields)) checkIds(field.type, (value as Record<string, unknown>)[name], `${path}.${name}`);
  }
}

/** Whether a value of `type` can hold an id anywhere (itself, a list item, a nested input field). */
export function mayHoldId(type: GraphQLInputType, seen = new Set<GraphQLInputType>()): boolean {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return mayHoldId(nullable.ofType, seen);
  if (nullable === GraphQLID) return true;
  if (!isInputObjectType(nullable) || seen.has(nullable)) return false;
  seen.add(nullable);
  return Object.values(nullable.getFields()).some((field) => mayHoldId(field.type, seen));
}

/**
 * Every id in the hub is a UUID: refusing anything else at the edge gives the caller a clear
 * BAD_USER_INPUT instead of a database cast error, for arguments and nested input fields alike.
 */
export function checkIdArguments(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): void {
  for (const arg of field.args) checkIds(arg.type, args[arg.name], arg.name);
}
