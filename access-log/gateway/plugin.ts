import { HeaderMap, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContextResponseForOperation, type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { auditUnavailable, ErrorCode, REFUSAL_CODES } from '../../platform/errors';
import { inSpan } from '../../platform/tracing';
import { perDocumentText } from '../../gateway/document-cache';
import { documentHash } from '../event';
import type { Ending, RequestRecord } from '../recorder';
import type { AuditWriter } from '../writer';
import { deniedPaths, fieldCoordinates } from './coordinates';

/** A selection the access layer denied, as the access log needs it. */
export interface DeniedSelection {
  readonly path: readonly string[];
  readonly coordinate: string;
  readonly rule: string;
}

/** The part of the gateway context the access log reads: the request's record and the access layer's verdict. */
export interface AuditedContext extends BaseContext {
  record: RequestRecord;
  /** What the access layer decided, when it ran: the document as sent, what it denied, whether it refused the operation. */
  access?: { readonly original: DocumentNode; readonly denied: readonly DeniedSelection[]; readonly rejected: boolean };
}

/** A single GraphQL result, as the access log reads it and as `beforeRecording` may reshape it. */
export type SingleResult = { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] };

/** No data, or only root fields that are all null: nothing came back. */
function nothingReturned(data: unknown): boolean {
  return data === undefined || data === null || (typeof data === 'object' && Object.values(data).every((value) => value === null));
}

function endingOf(result: SingleResult | undefined, context: AuditedContext): Ending {
  if (context.access?.rejected) return { outcome: 'refused', code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE };
  const { data, errors } = result ?? {};
  const code = (errors?.[0]?.extensions?.code as string | undefined) ?? null;
  if (errors?.length && nothingReturned(data)) return { outcome: code && REFUSAL_CODES.has(code) ? 'refused' : 'error', code };
  if (data === undefined || data === null) return { outcome: 'error', code };
  return errors?.length || context.access?.denied.length ? { outcome: 'partial', code } : { outcome: 'ok', code: null };
}

/**
 * One access event per request, committed before the response leaves: what was asked (operation,
 * document hash, keyed hashes of the variables, field coordinates), what was denied, which
 * subgraphs were called and which records came back. If the event cannot be committed the client
 * gets `AUDIT_UNAVAILABLE` and no data.
 *
 * A mutation is audited before its effect: once every other plugin has admitted it, an
 * `attempted` event is committed and only then does the gateway plan and run it; if that commit
 * fails, the mutation never reaches a subgraph. Its outcome is a second event, as for any request.
 *
 * `beforeRecording` finishes the answer before it is judged and recorded (the access layer puts
 * its nulls and errors in), so the event describes exactly what the client receives.
 */
export function accessLogPlugin<Context extends AuditedContext>(
  audit: AuditWriter,
  options: { beforeRecording?: (context: Context, result: SingleResult) => void } = {},
): ApolloServerPlugin<Context> {
  // Clients send the same few documents over and over: each text is hashed once.
  const hashOf = perDocumentText(documentHash);
  /** What was sent and which operation it is, once the operation is known. */
  const describe = ({ contextValue, request, operation, operationName, document, schema }: GraphQLRequestContextWillSendResponse<Context> | GraphQLRequestContextResponseForOperation<Context>) => {
    const { record } = contextValue;
    record.sent(request.query ? hashOf(request.query) : null, audit.hashVariables(request.variables ?? {}));
    if (operation) {
      // What the caller asked for, before the access layer removed anything.
      const asked = contextValue.access?.original ?? document!;
      record.ranOperation({ name: operationName ?? null, type: operation.operation, fieldCoordinates: fieldCoordinates(schema, asked, operationName) });
    }
  };
  return {
    async requestDidStart() {
      // A mutation is described for its attempt: its outcome reuses that (hashing twice costs twice).
      let described = false;
      return {
        // Called once every plugin has admitted the operation, just before execution; a response
        // returned here replaces execution.
        async responseForOperation(requestContext) {
          if (requestContext.operation.operation !== 'mutation') return null;
          describe(requestContext);
          described = true;
          try {
            await inSpan('frontera.audit.commit', { 'frontera.audit.outcome': 'attempted' }, () => requestContext.contextValue.record.attempt(audit));
            return null;
          } catch {
            const error = auditUnavailable();
            return {
              body: { kind: 'single', singleResult: { errors: [{ message: error.message, extensions: { code: ErrorCode.AUDIT_UNAVAILABLE } }] } },
              http: { status: 503, headers: new HeaderMap() },
            };
          }
        },
        async willSendResponse(requestContext) {
          const { contextValue, response } = requestContext;
          const result = response.body.kind === 'single' ? (response.body.singleResult as SingleResult) : undefined;
          if (result) options.beforeRecording?.(contextValue, result);
          if (!described) describe(requestContext);
          contextValue.record.denied(deniedPaths(contextValue.access?.denied ?? []));
          try {
            const ending = endingOf(result, contextValue);
            // Until the group commit that carries this event is durable: the response waits for it.
            await inSpan('frontera.audit.commit', { 'frontera.audit.outcome': ending.outcome }, () => contextValue.record.commit(audit, ending));
          } catch {
            const error = auditUnavailable();
            if (response.body.kind === 'single') response.body.singleResult = { errors: [{ message: error.message, extensions: { code: ErrorCode.AUDIT_UNAVAILABLE } }] };
            response.http.status = 503;
          }
        },
      };
    },
  };
}
