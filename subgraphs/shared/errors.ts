import type { GraphQLError } from 'graphql';
import { badUserInput, codedError, ErrorCode } from '../../platform/errors';

/**
 * The known failures a resolver may raise, each with a stable `extensions.code` that clients can
 * switch on (listed in the README). Messages say what was wrong and what is accepted.
 */
export const fail = {
  badInput: badUserInput,
  notFound(type: string, key: string): GraphQLError {
    return codedError(ErrorCode.NOT_FOUND, `No ${type} with ${key}`, { type });
  },
  /** The caller is identified but this record or action is not theirs (data owner's rule). */
  forbidden(message: string): GraphQLError {
    return codedError(ErrorCode.FORBIDDEN, message);
  },
  /** A request that is well formed but not allowed in the record's current state. */
  conflict(message: string): GraphQLError {
    return codedError(ErrorCode.CONFLICT, message);
  },
};

/** Throws NOT_FOUND unless `value` exists; keeps resolvers free of null checks. */
export function found<T>(value: T | null | undefined, type: string, key: string): T {
  if (value === null || value === undefined) throw fail.notFound(type, key);
  return value;
}
