import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { KeyLike } from 'jose';
import { parseBearer, subgraphTokenVerifier } from '../../gateway/identity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { serveGraphQL, type HttpService } from '../../hub/http';
import type { Logger } from '../../hub/logger';
import { scopeToCaller } from './access';
import { RECORDS_EXTENSION } from './records';
import { buildFederatedSchema, type SubgraphTools, type SubgraphContext, type SubgraphDefinition } from './subgraph';

export interface SubgraphServerOptions {
  orm: MikroORM;
  /** Public half of the gateway's signing key: only calls signed by the gateway for this subgraph are served. */
  gatewayKey: KeyLike;
  tools: SubgraphTools;
  host: string;
  port: number;
  production: boolean;
  log: Logger;
}

/**
 * Serves one subgraph. Each request gets its own EntityManager fork and its own DataLoaders, so
 * nothing is cached across requests and every list is fetched in batches.
 */
export async function startSubgraph(definition: SubgraphDefinition<any>, options: SubgraphServerOptions): Promise<HttpService> {
  const schema = await buildFederatedSchema(definition);
  const log = options.log.child({ subgraph: definition.name });
  const verifyGatewayToken = subgraphTokenVerifier(options.gatewayKey, definition.name);
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    // The gateway is this server's only client; it needs the service SDL, nobody needs a playground.
    introspection: true,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    logger: log,
    plugins: [
      {
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, response }) {
              if (response.body.kind !== 'single' || !contextValue.records?.size) return;
              const result = response.body.singleResult;
              result.extensions = { ...result.extensions, [RECORDS_EXTENSION]: [...contextValue.records.values()] };
            },
          };
        },
      },
    ],
    formatError: (formatted, error) => {
      if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
        log.error({ err: error, path: formatted.path }, 'resolver failed');
        if (options.production) return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      return formatted;
    },
  });
  return serveGraphQL(apollo, {
    host: options.host,
    port: options.port,
    maxBodyBytes: 1_000_000,
    async context(req) {
      const bearer = parseBearer(req.headers.authorization);
      const caller = typeof bearer === 'string' ? await verifyGatewayToken(bearer) : null;
      if (!caller?.ok) {
        throw new GraphQLError('Not authenticated: this subgraph only answers calls the Frontera gateway signed for it', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
        });
      }
      const em = options.orm.em.fork();
      scopeToCaller(em, caller.principal);
      return {
        principal: caller.principal,
        purpose: caller.purpose,
        em,
        loaders: definition.createLoaders(em),
        requestId: requestIdOf(req),
        tools: options.tools,
        records: new Map(),
      };
    },
  });
}

/** The gateway's request id (`x-request-id`), which joins this subgraph's logs to the access event. */
function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : 'unknown';
}
