import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { Kind, type GraphQLError, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { codedError, ErrorCode } from '../platform/errors';

const describe = (names: string[]) => names.map((name) => (name ? `"${name}"` : '(anonymous)')).join(', ');

/**
 * A document that parses and validates but names no operation that can run (an `operationName`
 * it does not define, or several operations and no name) is the client's mistake: 400
 * `OPERATION_RESOLUTION_FAILURE`, with the operations the document does have. Without this the
 * first plugin to look for the operation fails, and the client gets a 500. It must come before
 * every other plugin that looks at the operation, so that its refusal is the one sent.
 */
export function operationResolutionPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          const names = document.definitions
            .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
            .map((definition) => definition.name?.value ?? '');
          throw codedError(
            ErrorCode.OPERATION_RESOLUTION_FAILURE,
            request.operationName
              ? `Unknown operation named "${request.operationName}": the document has ${describe(names)}; set operationName to one of them.`
              : `The document has ${names.length} operations (${describe(names)}): set operationName to the one to run.`,
          );
        },
      };
    },
  };
}

/** Media types as the Accept header weighs them: explicit entries only, wildcards ignored. */
function explicitWeights(accept: string | undefined): Map<string, number> {
  const weights = new Map<string, number>();
  for (const entry of (accept ?? '').split(',')) {
    const [type, ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (!type || type.includes('*')) continue;
    const q = parameters.find((p) => p.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    if (Number.isFinite(weight)) weights.set(type, Math.max(weights.get(type) ?? 0, weight));
  }
  return weights;
}

/**
 * Whether the client asked for `application/json` by name over `application/graphql-response+json`
 * (which is then what Apollo Server answers with). A missing Accept header or a wildcard keeps
 * the hub's historic 4xx: existing clients and the hostile-input suite rely on it.
 */
export function prefersLegacyJson(accept: string | undefined): boolean {
  const weights = explicitWeights(accept);
  const json = weights.get('application/json') ?? 0;
  return json > 0 && json >= (weights.get('application/graphql-response+json') ?? 0);
}

/** Variable coercion failures as graphql-js reports them: pinned to the variable's definition. */
const isVariableCoercion = (error: GraphQLError) => error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION;

/**
 * GraphQL-over-HTTP: a well-formed request answered as `application/json` SHOULD get 200 even when
 * the document does not parse or validate, its variables do not coerce or its operation cannot
 * be selected (the errors in the body say so). Only those: the hub's own refusals (operation
 * limits, page sizes and unstorable strings, untrusted documents, introspection, authorization,
 * an unavailable access log) keep their 4xx/5xx under any media type, since proxies, rate limits
 * and alerts key on them. The access log records these requests as `refused` either way.
 */
export function jsonRequestErrorStatusPlugin<Context extends BaseContext>(): ApolloServerPlugin<Context> {
  const requestErrorCodes: ReadonlySet<string> = new Set([ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.OPERATION_RESOLUTION_FAILURE]);
  const isRequestError = (formatted: GraphQLFormattedError, original: GraphQLError | undefined) => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && requestErrorCodes.has(code)) return true;
    return code === ErrorCode.BAD_USER_INPUT && original !== undefined && isVariableCoercion(original);
  };
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }: GraphQLRequestContext<Context>) {
          if (response.http.status !== 400 || response.body?.kind !== 'single') return;
          // Read only for a 400: most answers are not, and need no parse of the Accept header.
          if (!prefersLegacyJson(request.http?.headers.get('accept'))) return;
          const result = response.body.singleResult;
          const formatted: readonly GraphQLFormattedError[] = result.errors ?? [];
          if (result.data !== undefined || formatted.length === 0 || formatted.length !== (errors?.length ?? 0)) return;
          if (formatted.every((error, i) => isRequestError(error, errors?.[i]))) response.http.status = 200;
        },
      };
    },
  };
}
