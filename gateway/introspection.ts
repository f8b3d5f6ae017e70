import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { perDocument } from './document-cache';
import type { Principal, Role } from '../identity';

/** Error code of an introspection query from a caller who may not introspect. */
export const INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED';

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
          throw new GraphQLError('Introspection is disabled in production for your role: the schema is published in the API documentation.', {
            extensions: { code: INTROSPECTION_DISABLED, http: { status: 403 } },
          });
        },
      };
    },
  };
}
