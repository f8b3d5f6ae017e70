import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '../../platform/errors';

/**
 * The known failures a resolver may raise, each with a stable `extensions.code` that clients can
 * switch on (listed in the README). Messages say what was wrong and what is accepted.
 */
export const fail = {
  badInput(message: string, field?: string): GraphQLError {
    return badUserInput(message, field);
  },
  notFound(type: string, key: string): GraphQLError {
    return new GraphQLError(`No ${type} with ${key}`, { extensions: { code: ErrorCode.NOT_FOUND, type } });
  },
  /** The caller is identified but this record or action is not theirs (data owner's rule). */
  forbidden(message: string): GraphQLError {
    return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  },
  /** A request that is well formed but not allowed in the record's current state. */
  conflict(message: string): GraphQLError {
    return new GraphQLError(message, { extensions: { code: ErrorCode.CONFLICT } });
  },
};

/** Throws NOT_FOUND unless `value` exists; keeps resolvers free of null checks. */
export function found<T>(value: T | null | undefined, type: string, key: string): T {
  if (value === null || value === undefined) throw fail.notFound(type, key);
  return value;
}
