import type { MikroORM } from '@mikro-orm/postgresql';
import { catalog } from '../subgraphs/catalog';
import { openOrm } from '../subgraphs/shared/orm';
import { startSubgraph } from '../subgraphs/shared/server';
import type { SubgraphDefinition } from '../subgraphs/shared/subgraph';
import { pageLimits } from '../subgraphs/shared/connection';
import { createGatewayServer } from '../gateway/server';
import type { Config } from './config';
import { databaseUrl, provisionDatabase, schemaGrant, type DatabaseServer } from './database';
import type { HttpService } from './http';
import type { Logger } from './logger';
import { subgraphTools, type HubSecrets } from './secrets';

/** A subgraph the hub runs in this process, with its ORM (closed on stop). */
interface RunningSubgraph {
  definition: SubgraphDefinition<any>;
  orm: MikroORM;
  service: HttpService;
}

export interface RunningHub {
  gatewayUrl: string | null;
  subgraphs: Map<string, { url: string; orm: MikroORM }>;
  stop(): Promise<void>;
}

/** Opens each subgraph's ORM as its own role and brings its schema to the latest migration. */
async function openSubgraphs(server: DatabaseServer, secrets: HubSecrets, definitions: SubgraphDefinition<any>[]) {
  return Promise.all(
    definitions.map(async (definition) => {
      const grant = schemaGrant(server, secrets, definition.dbSchema);
      const orm = await openOrm(definition, databaseUrl(server, { user: grant.role, password: grant.password }));
      return { definition, orm };
    }),
  );
}

/**
 * Provisions the database (schemas, roles), migrates every subgraph and, when asked, loads the
 * demo data. Idempotent: `npm start` runs it on every start.
 */
export async function prepareDatabase(server: DatabaseServer, secrets: HubSecrets, options: { seed: boolean; log: Logger }): Promise<void> {
  await provisionDatabase(server, catalog.map((d) => schemaGrant(server, secrets, d.dbSchema)));
  const opened = await openSubgraphs(server, secrets, catalog);
  const tools = subgraphTools(secrets);
  try {
    for (const { definition, orm } of opened) {
      const applied = await orm.getMigrator().up();
      if (applied.length) options.log.info({ subgraph: definition.name, migrations: applied.map((m) => m.name) }, 'migrations applied');
      if (options.seed && definition.seed) await definition.seed(orm.em.fork(), tools);
    }
    if (options.seed) options.log.info('demo data loaded');
  } finally {
    await Promise.all(opened.map(({ orm }) => orm.close()));
  }
}

/** The URL each subgraph is reached at: an override from config, else the port this hub assigns it. */
export function subgraphUrls(config: Config, ports: Map<string, number>): Record<string, string> {
  const urls: Record<string, string> = {};
  catalog.forEach((definition, index) => {
    const port = ports.get(definition.name) ?? config.SUBGRAPH_PORT_BASE + index;
    urls[definition.name] = config.SUBGRAPH_URLS[definition.name] ?? `http://${config.PUBLIC_HOST}:${port}/graphql`;
  });
  return urls;
}

/**
 * Starts the services this process runs (`HUB_SERVICES`): the subgraphs first, then the gateway,
 * which plans against the committed supergraph. `ephemeralPorts` (tests) binds every server to a
 * free port.
 */
export async function startHub(
  config: Config,
  server: DatabaseServer,
  secrets: HubSecrets,
  log: Logger,
  options: { ephemeralPorts?: boolean } = {},
): Promise<RunningHub> {
  pageLimits.max = config.MAX_PAGE_SIZE;
  const runs = (service: string) => config.HUB_SERVICES.includes('all') || config.HUB_SERVICES.includes(service);
  const local = catalog.filter((definition) => runs(definition.name));
  const tools = subgraphTools(secrets);
  const running: RunningSubgraph[] = [];
  let gateway: HttpService | null = null;
  const stop = async () => {
    await gateway?.close();
    await Promise.all(running.map(async ({ service, orm }) => {
      await service.close();
      await orm.close();
    }));
  };
  try {
    const opened = await openSubgraphs(server, secrets, local);
    for (const { definition, orm } of opened) {
      const port = options.ephemeralPorts ? 0 : config.SUBGRAPH_PORT_BASE + catalog.indexOf(definition);
      const service = await startSubgraph(definition, { orm, tools, host: config.HOST, port, production: config.NODE_ENV === 'production', log });
      running.push({ definition, orm, service });
    }
    const ports = new Map(running.map(({ definition, service }) => [definition.name, service.port]));
    const urls = subgraphUrls(config, ports);
    if (runs('gateway')) {
      gateway = await createGatewayServer(config, { subgraphUrls: urls, log, port: options.ephemeralPorts ? 0 : config.GATEWAY_PORT });
    }
    return {
      gatewayUrl: gateway ? gateway.url : null,
      subgraphs: new Map(running.map(({ definition, service, orm }) => [definition.name, { url: service.url, orm }])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
