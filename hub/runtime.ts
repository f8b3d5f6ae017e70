import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { catalog, defaultPort, remotePartners } from './catalog';
import { openOrm } from '../subgraphs/shared/orm';
import { startSubgraph } from '../subgraphs/shared/server';
import type { SubgraphTools } from '../subgraphs/shared/context';
import type { SubgraphDefinition } from '../subgraphs/shared/subgraph';
import { auditWriterLogin, createAuditWriter, hashTerm, loadAuditKey, loadAuditSigningKey, openWitness, provisionAuditWriter, witnessDir, type AuditWriter } from '../access-log';
import { createGatewayServer } from '../gateway/server';
import type { Config } from './config';
import { databaseUrl, provisionDatabase, schemaGrant, type DatabaseServer } from '../platform/database';
import type { HttpService, TlsServerOptions } from '../platform/http';
import type { Logger } from '../platform/logger';
import { keyedHash, type HubSecrets } from '../platform/secrets';
import { loadSecurity } from '../identity/trust';
import { gatewayMetrics } from '../gateway/metrics';
import { metrics, startMetricsServer, watchAuditWriter, watchPool, type MetricsServer, type PoolUse } from '../platform/metrics';

/** A subgraph the hub runs in this process, with its ORM (closed on stop). */
interface RunningSubgraph {
  definition: SubgraphDefinition<any>;
  orm: MikroORM;
  service: HttpService;
}

export interface StopOptions {
  /** How long in-flight requests may take to finish (default DRAIN_TIMEOUT_MS). */
  deadlineMs?: number;
  /** Aborted (a second signal): stop waiting and cut what is still running. */
  force?: AbortSignal;
}

export interface RunningHub {
  gatewayUrl: string | null;
  /** `http://host:port/metrics` when METRICS_PORT is set, else `null`. */
  metricsUrl: string | null;
  subgraphs: Map<string, { url: string; orm: MikroORM }>;
  /**
   * Drains, then stops: the gateway first (readiness 503 at once, no new requests, in-flight ones
   * finish or are cut and recorded as cut at the deadline), then the subgraphs, and last the
   * access log, whose final write seals the chain.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** The keyed helpers demo data needs: the hash that stands for a screened document number (a Check never stores the number). */
export function seedTools(secrets: HubSecrets): Pick<SubgraphTools, 'subjectRef'> {
  return { subjectRef: (value) => keyedHash(secrets.screeningKey, value) };
}

/** Keyed helpers for a subgraph that reads the access log (see `SubgraphTools`); others get {@link seedTools}. */
export function subgraphTools(secrets: HubSecrets, auditKey: Buffer): SubgraphTools {
  return { ...seedTools(secrets), auditTerm: (value) => hashTerm(value, auditKey) };
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
export async function prepareDatabase(
  server: DatabaseServer,
  secrets: HubSecrets,
  options: { seed: boolean; log: Logger; definitions?: SubgraphDefinition<any>[] },
): Promise<void> {
  const definitions = options.definitions ?? catalog;
  await provisionDatabase(server, definitions.map((d) => schemaGrant(server, secrets, d.dbSchema)));
  const opened = await openSubgraphs(server, secrets, definitions);
  const tools = seedTools(secrets);
  try {
    for (const { definition, orm } of opened) {
      const applied = await orm.getMigrator().up();
      if (applied.length) options.log.info({ subgraph: definition.name, migrations: applied.map((m) => m.name) }, 'migrations applied');
      if (options.seed && definition.seed) await definition.seed(orm.em.fork(), tools);
    }
    if (options.seed) options.log.info('demo data loaded');
    // After the audit subgraph's migrations: the audit writer (gateway and subgraphs) may insert events, nothing else.
    if (definitions.some((d) => d.ownsAccessLog)) await provisionAuditWriter(server, secrets);
  } finally {
    await Promise.all(opened.map(({ orm }) => orm.close()));
  }
}

/**
 * This process's name as an audit writer: `AUDIT_WRITER_ID`, else the host, the services it runs
 * and its gateway port, which stay the same across restarts of the same process slot.
 */
export function auditWriterId(config: Config): string {
  return config.AUDIT_WRITER_ID ?? `${hostname()}-${config.HUB_SERVICES.join('+')}-${config.GATEWAY_PORT}`.replace(/[^\w.-]/g, '_').slice(0, 100);
}

/** Whether this process runs `service` (`HUB_SERVICES`: `all` or a list of names). */
export function runsHere(config: Config, service: string): boolean {
  return config.HUB_SERVICES.includes('all') || config.HUB_SERVICES.includes(service);
}

/** The subgraphs this process runs (and so migrates and seeds). */
export function subgraphsRunHere(config: Config): SubgraphDefinition<any>[] {
  return catalog.filter((definition) => runsHere(config, definition.name));
}

/**
 * The URL each subgraph is reached at: an override from config, else where this hub runs it, else
 * (a partner running elsewhere) its registry URL.
 */
export function subgraphUrls(config: Config, ports: Map<string, number>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const definition of catalog) {
    const port = ports.get(definition.name) ?? defaultPort(definition.name, config.SUBGRAPH_PORT_BASE);
    urls[definition.name] = `${config.SUBGRAPH_TLS_CERT_FILE ? 'https' : 'http'}://${config.PUBLIC_HOST}:${port}/graphql`;
  }
  for (const partner of remotePartners) urls[partner.code] = partner.url;
  return { ...urls, ...config.SUBGRAPH_URLS };
}

/** A MikroORM (knex) connection pool's use, read at each scrape; `null` before it exists. */
function ormPoolUse(orm: MikroORM): () => PoolUse | null {
  return () => {
    // knex's tarn pool: not in MikroORM's public types, hence the guarded reads.
    const pool = (orm.em.getConnection().getKnex() as { client?: { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } } }).client?.pool;
    return pool ? { used: pool.numUsed(), idle: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max } : null;
  };
}

/** The TLS material the subgraphs this process runs serve with, read once; `undefined`: plain HTTP. */
function subgraphServerTls(config: Config): TlsServerOptions | undefined {
  if (!config.SUBGRAPH_TLS_CERT_FILE || !config.SUBGRAPH_TLS_KEY_FILE) return undefined;
  return {
    cert: readFileSync(config.SUBGRAPH_TLS_CERT_FILE),
    key: readFileSync(config.SUBGRAPH_TLS_KEY_FILE),
    ...(config.SUBGRAPH_TLS_CLIENT_CA_FILE ? { clientCa: readFileSync(config.SUBGRAPH_TLS_CLIENT_CA_FILE) } : {}),
  };
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
  const local = subgraphsRunHere(config);
  const security = await loadSecurity(config, log);
  const running: RunningSubgraph[] = [];
  let gateway: HttpService | null = null;
  let audit: AuditWriter | null = null;
  let metricsServer: MetricsServer | null = null;
  /** What the metrics read at each scrape, let go on stop. */
  const unwatch: (() => void)[] = [];
  const stop = async ({ deadlineMs = config.DRAIN_TIMEOUT_MS, force }: StopOptions = {}) => {
    const deadline = Date.now() + deadlineMs;
    if (gateway) {
      const cut = await gateway.drain(deadlineMs, force);
      if (cut.length) log.warn({ cut: cut.length }, 'drain deadline passed or forced: requests still running were cut and recorded as cut');
      await gateway.close();
    }
    // The subgraphs' callers were the gateway's requests: what is left of the deadline is theirs.
    await Promise.all(running.map(async ({ service, orm }) => {
      await service.drain(Math.max(0, deadline - Date.now()), force);
      await service.close();
      await orm.close();
    }));
    // Last: the gateway and the subgraphs record events until they are closed.
    await audit?.close();
    for (const stopWatching of unwatch.splice(0)) stopWatching();
    await metricsServer?.close();
  };
  const auditKey = loadAuditKey(config.SECRETS_DIR);
  const tls = subgraphServerTls(config);
  try {
    if (!runsHere(config, 'gateway') && local.length === 0) return { gatewayUrl: null, metricsUrl: null, subgraphs: new Map(), stop };
    const metered = config.METRICS_PORT !== undefined;
    // The gateway logs every request it receives; each subgraph logs the direct calls it refuses.
    const writerId = auditWriterId(config);
    const writer = await createAuditWriter({
      connectionString: auditWriterLogin(server, secrets).connectionString,
      auditKey,
      signer: await loadAuditSigningKey(config.SECRETS_DIR),
      writer: writerId,
      witness: config.AUDIT_WITNESS_DIR === 'off' ? undefined : await openWitness(witnessDir(config.AUDIT_WITNESS_DIR, server), writerId),
      signIntervalMs: config.AUDIT_HEAD_INTERVAL_MS,
      signEvery: config.AUDIT_HEAD_EVERY,
      log,
      observer: metered
        ? {
          committed(events, seconds) {
            metrics.auditCommitDuration.observe(seconds);
            if (events) metrics.auditBatchSize.observe(events);
          },
          failed(_events, seconds) {
            metrics.auditCommitDuration.observe(seconds);
            metrics.auditWriteFailures.inc();
          },
        }
        : undefined,
    });
    audit = writer;
    if (metered) {
      unwatch.push(
        watchAuditWriter(() => ({ queued: writer.stats().queued, healthy: writer.healthy() })),
        watchPool('audit-writer', () => {
          const { pool } = writer.stats();
          return { used: pool.total - pool.idle, idle: pool.idle, waiting: pool.waiting, max: pool.max };
        }),
      );
      metricsServer = await startMetricsServer({ host: config.METRICS_HOST ?? config.HOST, port: options.ephemeralPorts ? 0 : config.METRICS_PORT! });
      log.info({ url: metricsServer.url }, 'metrics served');
    }
    const opened = await openSubgraphs(server, secrets, local);
    for (const { definition, orm } of opened) {
      const port = options.ephemeralPorts ? 0 : defaultPort(definition.name, config.SUBGRAPH_PORT_BASE);
      const service = await startSubgraph(definition, {
        orm,
        tools: definition.ownsAccessLog ? subgraphTools(secrets, auditKey) : seedTools(secrets),
        gatewayKeys: security.gatewayKeys,
        tls,
        audit: writer,
        host: config.HOST,
        port,
        production: config.NODE_ENV === 'production',
        log,
        maxBodyBytes: config.SUBGRAPH_MAX_BODY_BYTES,
        requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
        maxPageSize: config.MAX_PAGE_SIZE,
      });
      running.push({ definition, orm, service });
      if (metered) unwatch.push(watchPool(definition.name, ormPoolUse(orm)));
    }
    const ports = new Map(running.map(({ definition, service }) => [definition.name, service.port]));
    const urls = subgraphUrls(config, ports);
    if (runsHere(config, 'gateway')) {
      gateway = await createGatewayServer(config, {
        subgraphUrls: urls,
        log,
        security,
        audit: writer,
        port: options.ephemeralPorts ? 0 : config.GATEWAY_PORT,
        metrics: metered ? gatewayMetrics({ maxOperationNames: config.METRICS_MAX_OPERATION_NAMES }) : undefined,
        honourTraceparent: config.TRACES_HONOUR_TRACEPARENT,
      });
    }
    return {
      gatewayUrl: gateway ? gateway.url : null,
      metricsUrl: metricsServer?.url ?? null,
      subgraphs: new Map(running.map(({ definition, service, orm }) => [definition.name, { url: service.url, orm }])),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
