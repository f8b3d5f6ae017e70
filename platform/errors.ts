import { GraphQLError } from 'graphql';

/**
 * What a code says about a request, which decides how clients see it and how the access log
 * counts it:
 * - `refusal`: refused before anything ran; the message is written for the caller.
 * - `transport`: refused by the HTTP layer before GraphQL (never a GraphQL error); a refusal too.
 * - `answer`: the request was answered no (not found, forbidden, a conflict, the access log
 *   unavailable); the message is written for the caller.
 * - `internal`: a failure inside the hub; in production the client gets the code and a generic message.
 */
type CodeKind = 'refusal' | 'transport' | 'answer' | 'internal';

interface CodeSpec {
  readonly kind: CodeKind;
  /**
   * HTTP status when the code refuses the whole request at the edge. Errors raised by resolvers
   * carry none (see {@link badUserInput}): the rest of the answer may still be data.
   */
  readonly status?: number;
  /** For `internal` codes: the only message a production client sees. */
  readonly genericMessage?: string;
}

const RETRY = 'A service behind the gateway failed; retry later';

/**
 * Every error code the hub answers with: the one list, stable, documented in the README ("Error
 * codes"). Apollo Server's own codes that can reach a client are here too, so nothing is a string
 * literal anywhere else.
 */
const CODES = {
  BAD_REQUEST: { kind: 'refusal', status: 400 },
  BAD_USER_INPUT: { kind: 'refusal', status: 400 },
  GRAPHQL_PARSE_FAILED: { kind: 'refusal', status: 400 },
  GRAPHQL_VALIDATION_FAILED: { kind: 'refusal', status: 400 },
  OPERATION_RESOLUTION_FAILURE: { kind: 'refusal', status: 400 },
  PERSISTED_QUERY_NOT_FOUND: { kind: 'refusal' },
  PERSISTED_QUERY_NOT_SUPPORTED: { kind: 'refusal' },
  UNAUTHENTICATED: { kind: 'refusal', status: 401 },
  UNAUTHORIZED_FIELD_OR_TYPE: { kind: 'refusal', status: 403 },
  OPERATION_TOO_COMPLEX: { kind: 'refusal', status: 400 },
  OPERATION_NOT_TRUSTED: { kind: 'refusal', status: 400 },
  INTROSPECTION_DISABLED: { kind: 'refusal', status: 403 },
  PAYLOAD_TOO_LARGE: { kind: 'refusal', status: 413 },
  /** The caller's organisation or subject is over its requests-per-second or concurrency limit; `retry-after` says when to retry. */
  RATE_LIMITED: { kind: 'refusal', status: 429 },
  METHOD_NOT_ALLOWED: { kind: 'transport', status: 405 },
  UNSUPPORTED_MEDIA_TYPE: { kind: 'transport', status: 415 },
  /** Only in the access log: the body never fully arrived (Node answered 408 itself). */
  REQUEST_INCOMPLETE: { kind: 'transport' },
  /** The service is draining before it stops: new requests go to another replica. */
  SHUTTING_DOWN: { kind: 'transport', status: 503 },
  /** Only in the access log: the request was still running when the drain deadline (or a second signal) stopped the service. */
  REQUEST_CUT_BY_SHUTDOWN: { kind: 'internal', genericMessage: 'The service stopped before the request finished; retry' },
  FORBIDDEN: { kind: 'answer' },
  NOT_FOUND: { kind: 'answer' },
  CONFLICT: { kind: 'answer' },
  AUDIT_UNAVAILABLE: { kind: 'answer', status: 503 },
  INTERNAL_SERVER_ERROR: { kind: 'internal', status: 500, genericMessage: 'Internal server error' },
  SUBGRAPH_ERROR: { kind: 'internal', genericMessage: RETRY },
  DOWNSTREAM_SERVICE_ERROR: { kind: 'internal', genericMessage: RETRY },
  /** A subgraph's circuit breaker is open after repeated failures: its part of the answer fails at once instead of waiting. */
  SUBGRAPH_UNAVAILABLE: { kind: 'internal', genericMessage: 'A service behind the gateway is unavailable; retry later' },
  SUBGRAPH_TIMEOUT: { kind: 'internal', genericMessage: 'A service behind the gateway did not answer in time; retry later' },
} as const satisfies Record<string, CodeSpec>;

/** One of the hub's error codes. */
export type ErrorCode = keyof typeof CODES;

/** The codes by name, for `extensions.code` comparisons without string literals. */
export const ErrorCode = Object.freeze(Object.fromEntries(Object.keys(CODES).map((code) => [code, code]))) as { readonly [C in ErrorCode]: C };

const specOf = (code: string): CodeSpec | undefined => (CODES as Record<string, CodeSpec>)[code];

/** Codes whose message is written for the caller, so production keeps it (scrubbed of anything internal). */
export const PUBLIC_CODES: ReadonlySet<string> = new Set(Object.keys(CODES).filter((code) => ['refusal', 'answer'].includes(specOf(code)!.kind)));

/** Codes that mean the request was refused before anything ran (when no data came back). */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(Object.keys(CODES).filter((code) => ['refusal', 'transport'].includes(specOf(code)!.kind)));

/** The HTTP status a code answers with when it refuses a whole request (500 for an unknown code). */
export function statusOf(code: ErrorCode): number {
  return specOf(code)?.status ?? 500;
}

/** The message a production client sees for an internal failure; `undefined` for a public or unknown code. */
export function genericMessage(code: string): string | undefined {
  return specOf(code)?.genericMessage;
}

/**
 * A GraphQLError with its code (and, where the code decides the answer, its HTTP status). `extra`
 * adds documented extensions such as `field`, `limit` or `paths`.
 */
export function codedError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = specOf(code)?.status;
  return new GraphQLError(message, { extensions: { code, ...extra, ...(status ? { http: { status } } : {}) } });
}

/** The answer to a request without a valid token: 401, nothing ran. `advice` says what would be accepted. */
export function unauthenticated(reason: string, advice = 'Send "Authorization: Bearer <token>" from a trusted issuer.'): GraphQLError {
  return codedError(ErrorCode.UNAUTHENTICATED, advice ? `Not authenticated: ${reason}. ${advice}` : `Not authenticated: ${reason}`);
}

/** The answer when a request's access event could not be committed: 503 and no data, ever. */
export function auditUnavailable(): GraphQLError {
  return codedError(ErrorCode.AUDIT_UNAVAILABLE, 'The access log is unavailable, so no data can be served; retry shortly.');
}

/** An argument or variable that is not accepted; `field` names it, the message says what is accepted. */
export function badUserInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) } });
}
