import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { Kind, parse, print, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { codedError, ErrorCode } from '../../platform/errors';
import {
  applyDeniedNulls,
  applyMode,
  authorizeOperation,
  decisionCacheKey,
  documentClaims,
  extractAccessRules,
  type AccessRequirement,
  type AccessRules,
  type AuthorizationDecision,
  type AuthorizationMode,
} from '.';
import type { Logger } from '../../platform/logger';
import { endSpan, startChildSpan } from '../../platform/tracing';
import { perDocument, perDocumentAnd } from '../../gateway/document-cache';
import { decidePolicy, unknownPolicies, type PolicyInput } from '../policies';

/** What the access layer decided for one request, kept for the audit event and the response. */
export interface AccessDecision {
  /** The document as the caller sent it. */
  original: DocumentNode;
  denied: AuthorizationDecision['denied'];
  errors: AuthorizationDecision['errors'];
  nullDenied: boolean;
  rejected: boolean;
  /** The document to plan instead of the one sent, with its own query hash; `null` when nothing was removed. */
  filtered: { document: DocumentNode; queryHash: string } | null;
}

/** The part of the gateway context the access layer reads and writes. */
export interface AccessContext extends PolicyInput {
  access?: AccessDecision;
}

const ROOT_TYPES = new Set(['Query', 'Mutation']);

/** An authorization result with the query hash of its filtered document (`null` when nothing was removed). */
interface AuthorizationVerdict {
  result: ReturnType<typeof authorizeOperation>;
  queryHash: string | null;
}
const AUTHENTICATED_ONLY: AccessRequirement = { authenticated: true, scopes: null, policies: null };

/**
 * Reads the access rules from the supergraph once. Deny by default: a root field that declares no
 * requirement still needs an authenticated caller. Start-up fails on a policy this gateway does not
 * define, so a misspelt policy can never go unenforced.
 */
export function loadAccessRules(supergraphSdl: string): AccessRules {
  const document = parse(supergraphSdl);
  const declared = extractAccessRules(document);
  const fields = new Map(declared.fields);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION || !ROOT_TYPES.has(definition.name.value)) continue;
    for (const field of definition.fields ?? []) {
      if (field.name.value.startsWith('_')) continue;
      const coordinate = `${definition.name.value}.${field.name.value}`;
      const own = fields.get(coordinate);
      if (!own?.authenticated) fields.set(coordinate, { ...(own ?? AUTHENTICATED_ONLY), authenticated: true });
    }
  }
  const names: string[] = [];
  for (const requirement of [...declared.types.values(), ...fields.values()]) for (const group of requirement.policies ?? []) names.push(...group);
  const unknown = unknownPolicies(names);
  if (unknown.length) throw new Error(`the supergraph uses policies the gateway does not define: ${unknown.join(', ')} (see authorization/policies.ts)`);
  return { types: declared.types, fields };
}

/**
 * Enforces `@authenticated`, `@requiresScopes` and `@policy` before query planning: unauthorized
 * selections are removed from the document the gateway plans (filter), the whole operation is
 * refused (reject), or only reported (dry-run). Removed fields come back as `null` with one
 * `UNAUTHORIZED_FIELD_OR_TYPE` error each.
 */
export function accessControlPlugin<Context extends AccessContext>(rulesOf: AccessRules | ((schema: GraphQLSchema) => AccessRules), mode: AuthorizationMode, log: Logger): ApolloServerPlugin<Context> {
  // A gateway whose supergraph is reloaded judges each request by the rules of the schema it runs on.
  const rulesFor = typeof rulesOf === 'function' ? rulesOf : () => rulesOf;
  // One policy pass per document shape: the verdict depends only on the document, the operation
  // and the claims `documentClaims` lists, so callers and requests that agree on those share it.
  // Documents are cached per schema (Apollo Server's document store), so a reload starts afresh.
  const claimsOf = perDocument((document: DocumentNode, schema: GraphQLSchema) => documentClaims(rulesFor(schema), schema, document));
  const verdicts = perDocumentAnd((_document: DocumentNode, _key: string, judge: () => AuthorizationVerdict) => judge(), 256);
  /** Decides for one request and keeps the decision in its context; throws when the operation is refused. */
  const authorize = (requestContext: GraphQLRequestContextDidResolveOperation<Context>): void => {
    const context = requestContext.contextValue;
    const input: PolicyInput = { principal: context.principal, purpose: context.purpose };
    const caller = { authenticated: context.principal !== null, scopes: context.principal?.scopes ?? [], policies: (name: string) => decidePolicy(name, input) };
    const { schema, document, operationName, request } = requestContext;
    const key = JSON.stringify([operationName ?? null, decisionCacheKey(claimsOf(document, schema), caller, request.variables)]);
    const verdict = verdicts(document, key, () => {
      const result = authorizeOperation(rulesFor(schema), schema, document, operationName, request.variables, caller);
      return { result, queryHash: result.document === document ? null : createHash('sha256').update(print(result.document)).digest('hex') };
    });
    const decision = applyMode(mode, verdict.result);
    context.access = {
      original: document,
      denied: decision.denied,
      errors: decision.errors,
      nullDenied: decision.nullDenied,
      rejected: decision.rejected,
      filtered: decision.document && decision.document !== document && verdict.queryHash ? { document: decision.document, queryHash: verdict.queryHash } : null,
    };
    if (mode === 'dry-run' && decision.denied.length) {
      log.info({ paths: decision.denied.map((d) => ({ path: d.path.join('.'), rule: d.rule })) }, 'dry-run: these fields would be denied');
    }
    if (decision.rejected) {
      const paths = decision.denied.map((d) => d.path);
      throw codedError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, `Unauthorized fields or types: ${paths.map((p) => p.join('.')).join(', ')}`, { paths });
    }
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const span = startChildSpan('frontera.authorization', { 'frontera.authorization.mode': mode });
          let failure: unknown;
          try {
            authorize(requestContext);
          } catch (error) {
            failure = error;
            throw error;
          } finally {
            span.setAttribute('frontera.authorization.denied', requestContext.contextValue.access?.denied.length ?? 0);
            endSpan(span, failure);
          }
        },
        // The filtered document replaces the one sent only now, once every plugin has judged what
        // the caller asked for (limits, introspection) and just before the gateway plans it.
        async executionDidStart(requestContext) {
          const filtered = requestContext.contextValue.access?.filtered;
          if (!filtered) return;
          // The gateway caches query plans by queryHash: the filtered document must have its own.
          const mutable = requestContext as { document: DocumentNode; queryHash: string };
          mutable.document = filtered.document;
          mutable.queryHash = filtered.queryHash;
        },
      };
    },
  };
}

/**
 * Puts the access layer's verdict into an answer: `null` at every denied path and one
 * `UNAUTHORIZED_FIELD_OR_TYPE` error each (filter mode). An answer without data was refused
 * before execution (a limit, a variable): it has nothing to null out and no denied field to explain.
 */
export function shapeForCaller(access: AccessDecision | undefined, result: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }): void {
  if (!access || access.rejected || result.data === undefined) return;
  if (access.nullDenied) result.data = applyDeniedNulls((result.data ?? {}) as Record<string, unknown>, access.denied);
  if (access.errors.length) result.errors = [...(result.errors ?? []), ...access.errors];
}
