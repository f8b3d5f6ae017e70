import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { serveGraphQL, type HttpService } from '../../hub/http';
import type { Logger } from '../../hub/logger';
import { buildFederatedSchema, type SubgraphTools, type SubgraphContext, type SubgraphDefinition } from './subgraph';

export interface SubgraphServerOptions {
  orm: MikroORM;
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
  const apollo = new ApolloServer<SubgraphContext>({
    schema,
    // The gateway is this server's only client; it needs the service SDL, nobody needs a playground.
    introspection: true,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    logger: log,
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
      const em = options.orm.em.fork();
      const header = req.headers['x-request-id'];
      return {
        em,
        loaders: definition.createLoaders(em),
        requestId: typeof header === 'string' && header.length <= 64 ? header : randomUUID(),
        tools: options.tools,
      };
    },
  });
}
