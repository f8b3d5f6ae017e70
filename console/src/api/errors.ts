import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

/** What each code the hub answers with means for the person using the console (README, "Error codes"). */
export const REFUSAL_EXPLAINED: Record<string, string> = {
  UNAUTHENTICATED: 'Your token is missing, expired or not from an issuer the hub trusts. Sign in again.',
  UNAUTHORIZED_FIELD_OR_TYPE: 'A field you may not see: it is shown as “withheld”; the rest of the answer is complete.',
  FORBIDDEN: 'Your role or organisation may not do this to this record (the data owner’s rule).',
  AUDIT_UNAVAILABLE: 'The access log could not record this request, so the hub served nothing. Try again shortly.',
  BAD_USER_INPUT: 'An input was not accepted; the message says which and what is allowed.',
  NOT_FOUND: 'The record does not exist (or no longer).',
  CONFLICT: 'Not allowed in the record’s current state (for a hit: it has already been decided).',
  OPERATION_NOT_TRUSTED: 'This console’s operations are not registered at the hub (its trusted documents): ask the operator to register the console’s manifest.',
  OPERATION_TOO_COMPLEX: 'The request is over one of the hub’s limits.',
  RATE_LIMITED: 'Too many requests from your organisation or from you: wait a moment.',
  SHUTTING_DOWN: 'The hub is restarting: try again.',
  SUBGRAPH_TIMEOUT: 'Part of the answer did not arrive in time; the rest is shown.',
  SUBGRAPH_UNAVAILABLE: 'A part of the hub is unavailable; the rest of the answer is shown.',
  INTERNAL_SERVER_ERROR: 'A failure inside the hub.',
  PERSISTED_QUERY_NOT_FOUND: 'The hub did not know this operation yet; the console sends it again.',
  REQUEST_CUT_BY_SHUTDOWN: 'The request was still running when the hub stopped.',
  REQUEST_INCOMPLETE: 'The request’s body did not arrive in time.',
};

export interface Problem {
  code: string;
  message: string;
  explanation: string;
}

const problem = (code: string, message: string): Problem => ({ code, message, explanation: REFUSAL_EXPLAINED[code] ?? 'See “Error codes” in the hub’s README.' });

/**
 * The errors of an answer that are not about withheld fields: those are shown in place, as
 * “withheld”, and the data around them stays on screen.
 */
export function problemsOf(error: unknown): Problem[] {
  if (!error) return [];
  if (CombinedGraphQLErrors.is(error)) {
    return error.errors
      .filter((e) => e.extensions?.code !== 'UNAUTHORIZED_FIELD_OR_TYPE')
      .map((e) => problem(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'), e.message));
  }
  if (ServerError.is(error)) {
    // A refusal before execution (401, 400 OPERATION_NOT_TRUSTED, 429…): the hub's JSON says why.
    try {
      const body = JSON.parse(error.bodyText) as { errors?: { message: string; extensions?: { code?: string } }[] };
      const [first] = body.errors ?? [];
      if (first) return [problem(String(first.extensions?.code ?? `HTTP_${error.statusCode}`), first.message)];
    } catch {
      // not JSON: fall through
    }
    return [problem(`HTTP_${error.statusCode}`, error.message)];
  }
  if (error instanceof Error && 'errors' in error && Array.isArray((error as { errors: unknown[] }).errors)) {
    return (error as { errors: { message: string; extensions?: { code?: string } }[] }).errors.map((e) => problem(String(e.extensions?.code ?? 'ERROR'), e.message));
  }
  return [problem('NETWORK', error instanceof Error ? error.message : String(error))];
}

/** Paths (joined with `.`) the hub withheld from this caller: each answered null with UNAUTHORIZED_FIELD_OR_TYPE. */
export function withheldPaths(error: unknown): Set<string> {
  if (!CombinedGraphQLErrors.is(error)) return new Set();
  return new Set(error.errors.filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE' && e.path).map((e) => e.path!.join('.')));
}

/** True when the answer says the token is no longer good: the sign-in asks again. */
export function isUnauthenticated(error: unknown): boolean {
  return problemsOf(error).some((p) => p.code === 'UNAUTHENTICATED');
}
