import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../../identity';
import type { AccessDecision } from '../../authorization/gateway/plugin';
import { deniedPaths, fieldCoordinates } from './coordinates';
import { auditPrincipal, documentHash, emptyAccessEvent, RECEIVED_BY_GATEWAY, type AccessEvent, type AccessOutcome } from '../event';
import { AUDIT_UNAVAILABLE, type AuditWriter } from '../writer';

/** The part of the gateway context the access log fills in as the request goes. */
export interface AuditedContext extends BaseContext {
  event: AccessEvent;
  startedAt: number;
  access?: AccessDecision;
}

/** Codes that mean the request was refused before anything ran (when no data came back). */
const REFUSALS = new Set([
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'UNAUTHORIZED_FIELD_OR_TYPE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'OPERATION_TOO_COMPLEX',
  'OPERATION_NOT_TRUSTED',
  'INTROSPECTION_DISABLED',
  'PAYLOAD_TOO_LARGE',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/** Events whose request the access log plugin has handled (committed, or answered AUDIT_UNAVAILABLE). */
const handled = new WeakSet<AccessEvent>();

/**
 * Whether the request pipeline already logged this request's event, so a request that Apollo
 * answered outside it (see `onErrorAnswer` in platform/http.ts) is logged exactly once.
 */
export function isLogged(event: AccessEvent): boolean {
  return handled.has(event);
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

/** The request id a caller sent (`x-request-id`, if it is a plain token of up to 64 characters), else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
}

/**
 * A new event for a request, with what is known before parsing: who, from which client, why, and
 * where it was received (the gateway, or the subgraph that a direct call reached).
 */
export function startEvent(req: IncomingMessage, requestId: string, principal: Principal | null, purpose: string | null, receivedBy: string = RECEIVED_BY_GATEWAY): AccessEvent {
  const event = emptyAccessEvent(requestId, new Date());
  event.receivedBy = receivedBy;
  event.principal = auditPrincipal(principal);
  event.clientName = header(req, 'apollographql-client-name');
  event.clientVersion = header(req, 'apollographql-client-version');
  event.purpose = purpose;
  return event;
}

/** Refused before GraphQL ran (bad token, oversized or malformed body): recorded all the same. */
export function refusedEvent(event: AccessEvent, code: string, startedAt: number): AccessEvent {
  return { ...event, outcome: 'refused', refusalCode: code, durationMs: Math.round(performance.now() - startedAt) };
}

/**
 * A request Apollo Server answered with an HTTP error outside the request pipeline (CSRF
 * prevention, a body that is no GraphQL request, a refused token or document): refused, unless
 * the hub itself failed (5xx).
 */
export function answeredEvent(event: AccessEvent, code: string, status: number, startedAt: number): AccessEvent {
  return { ...refusedEvent(event, code, startedAt), outcome: status >= 500 && !REFUSALS.has(code) ? 'error' : 'refused' };
}

/** The client's answer when its event could not be committed: no data, ever. */
export function auditUnavailable(): GraphQLError {
  return new GraphQLError('The access log is unavailable, so no data can be served; retry shortly.', {
    extensions: { code: AUDIT_UNAVAILABLE, http: { status: 503 } },
  });
}

/** No data, or only root fields that are all null: nothing came back. */
function nothingReturned(data: unknown): boolean {
  return data === undefined || data === null || (typeof data === 'object' && Object.values(data).every((value) => value === null));
}

function outcomeOf(data: unknown, errors: readonly GraphQLFormattedError[] | undefined, context: AuditedContext): { outcome: AccessOutcome; code: string | null } {
  if (context.access?.rejected) return { outcome: 'refused', code: 'UNAUTHORIZED_FIELD_OR_TYPE' };
  const code = (errors?.[0]?.extensions?.code as string | undefined) ?? null;
  if (errors?.length && nothingReturned(data)) return { outcome: code && REFUSALS.has(code) ? 'refused' : 'error', code };
  if (data === undefined || data === null) return { outcome: 'error', code };
  return errors?.length || context.access?.denied.length ? { outcome: 'partial', code } : { outcome: 'ok', code: null };
}

/**
 * One access event per request, committed before the response leaves: what was asked (operation,
 * document hash, keyed hashes of the variables, field coordinates), what was denied, which
 * subgraphs were called and which records came back. If the event cannot be committed the client
 * gets `AUDIT_UNAVAILABLE` and no data. While the log is failing, mutations are refused before
 * they run, so no change can happen without its event.
 */
export function accessLogPlugin<Context extends AuditedContext>(audit: AuditWriter): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation' && !audit.healthy()) throw auditUnavailable();
        },
        async willSendResponse({ contextValue, response, request, operation, operationName, document, schema }) {
          const event = contextValue.event;
          event.documentHash = request.query ? documentHash(request.query) : null;
          event.variables = audit.hashVariables(request.variables ?? {});
          if (operation) {
            event.operationName = operationName ?? null;
            event.operationType = operation.operation;
            // What the caller asked for, before the access layer removed anything.
            event.fieldCoordinates = [...fieldCoordinates(schema, contextValue.access?.original ?? document!, operationName)];
          }
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const { outcome, code } = outcomeOf(result?.data, result?.errors, contextValue);
          event.outcome = outcome;
          event.refusalCode = code;
          event.denied = deniedPaths(contextValue.access?.denied ?? []);
          event.durationMs = Math.round(performance.now() - contextValue.startedAt);
          handled.add(event);
          try {
            await audit.record(event);
          } catch {
            const error = auditUnavailable();
            if (response.body.kind === 'single') response.body.singleResult = { errors: [{ message: error.message, extensions: { code: AUDIT_UNAVAILABLE } }] };
            response.http.status = 503;
          }
        },
      };
    },
  };
}
