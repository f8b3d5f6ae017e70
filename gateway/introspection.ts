import type { ApolloServerPlugin } from '@apollo/server';
import { NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { codedError, ErrorCode } from '../platform/errors';
import { perDocument } from './document-cache';
import type { Principal, Role } from '../identity';

/** Whether a document selects `__schema` or `__type`, judged once per document. */
const introspects = perDocument((document: DocumentNode, schema: GraphQLSchema) => validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0);

/**
 * Introspection (`__schema`, `__type`; `__typename` is always fine) for everyone outside
 * production, and in production only for callers holding one of `roles`. Apollo Server's own
 * switch is all or nothing, so it stays on and this decides per request, before planning.
 */
export function introspectionPlugin<Context extends { principal: Principal | null }>(options: { production: boolean; roles: readonly Role[] }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      if (!options.production) return;
      return {
        async didResolveOperation({ schema, document, contextValue }) {
          const roles = contextValue.principal?.roles ?? [];
          if (roles.some((role) => options.roles.includes(role))) return;
          if (!introspects(document, schema)) return;
          throw codedError(ErrorCode.INTROSPECTION_DISABLED, 'Introspection is disabled in production for your role: the schema is published in the API documentation.');
        },
      };
    },
  };
}
