import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import { catalog, defaultPort, remotePartners } from './catalog';
import { openOrm } from '../subgraphs/shared/orm';
import { startSubgraph } from '../subgraphs/shared/server';
import type { SubgraphTools } from '../subgraphs/shared/context';
import type { SubgraphDefinition } from '../subgraphs/shared/subgraph';
import { auditWriterLogin, createAuditWriter, hashTerm, loadAuditKey, loadAuditSigningKey, openWitness, provisionAuditWriter, witnessDir, type AuditWriter } from '../access-log';
import { createGatewayServer, type GatewayService, type ReloadOutcome } from '../gateway/server';
import { readRegistry } from '../subgraphs/partners/partner-registry';
import type { Config } from './config';
import { databaseUrl, provisionDatabase, schemaGrant, type DatabaseServer } from '../platform/database';
import { SUPERGRAPH_PATH } from '../gateway/server';
import type { HttpService, TlsServerOptions } from '../platform/http';
import type { Logger } from '../platform/logger';
import { keyedHash, type HubSecrets } from '../platform/secrets';
import { loadSecurity } from '../identity/trust';
import { loadOrCreateLocalIssuer } from '../identity/local-issuer';
import { startHitNotifier, type HitNotifier, type HitNotifierOptions } from '../subgraphs/operations/notifications/deliverer';
import { readEndpointRegistry } from '../subgraphs/operations/notifications/endpoints';
import { loadNotificationKey, NOTIFICATION_JWKS_PATH, notificationJwks } from '../subgraphs/operations/notifications/signature';
import { gatewayMetrics } from '../gateway/metrics';
import { metrics, startMetricsServer, watchAuditWriter, watchPendingNotifications, watchPool, type MetricsServer, type PoolUse } from '../platform/metrics';

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
  /** The hit notifications' deliverer, in the process that runs the operations subgraph; else `null`. */
  notifier: HitNotifier | null;
  /**
   * Drains, then stops: the gateway first (readiness 503 at once, no new requests, in-flight ones
   * finish or are cut and recorded as cut at the deadline), then the subgraphs, and last the
   * access log, whose final write seals the chain.
   */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Picks up what changed on disk without a restart (SIGHUP, or a change of SUPERGRAPH_FILE or of
   * the trusted-document manifests when SUPERGRAPH_WATCH is on): first starts the subgraphs of
   * partners added to the registry since (`npm run partner:new`) that this process runs, then
   * reloads the gateway's supergraph and manifests. `null` when this process runs no gateway.
   */
  reload(): Promise<ReloadOutcome | null>;
}

/** The schema holding the gateway's shared rate-limit counters, owned by a role of its own. */
export const RATE_LIMIT_SCHEMA = 'rate_limits';

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
 * Where a subgraph this process runs listens: the port of its `SUBGRAPH_URLS` entry when it has
 * one (that is where the gateway, in this process or another, will call it), else its default.
 * So a partner's subgraph can be moved off its registry port, e.g. for a second hub on one machine.
 */
export function listenPort(config: Config, name: string): number {
  const override = config.SUBGRAPH_URLS[name];
  if (override) {
    const url = new URL(override);
    return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }
  return defaultPort(name, config.SUBGRAPH_PORT_BASE);
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
  options: {
    ephemeralPorts?: boolean;
    /** Hears of every hit notification try (where metrics are wired: delivery latency, failures by organisation). */
    onNotificationAttempt?: HitNotifierOptions['onAttempt'];
  } = {},
): Promise<RunningHub> {
  const local = subgraphsRunHere(config);
  const security = await loadSecurity(config, log);
  const running: RunningSubgraph[] = [];
  let gateway: GatewayService | null = null;
  let audit: AuditWriter | null = null;
  const watchers: FSWatcher[] = [];
  let notifier: HitNotifier | null = null;
  let metricsServer: MetricsServer | null = null;
  /** What the metrics read at each scrape, let go on stop. */
  const unwatch: (() => void)[] = [];
  let stopped = false;
  let reloading: Promise<ReloadOutcome | null> = Promise.resolve(null);
  const stop = async ({ deadlineMs = config.DRAIN_TIMEOUT_MS, force }: StopOptions = {}) => {
    stopped = true;
    for (const watcher of watchers.splice(0)) watcher.close();
    // A reload under way finishes first, so whatever it started is stopped below.
    await reloading.catch(() => undefined);
    const deadline = Date.now() + deadlineMs;
    // Notification tries in flight finish within the drain (or are cut, recorded, and tried again
    // by whichever process runs next); none is claimed once the drain starts.
    const notifierStopped = notifier?.stop(force?.aborted ? 0 : deadlineMs);
    force?.addEventListener('abort', () => void notifier?.stop(0), { once: true });
    if (gateway) {
      const cut = await gateway.drain(deadlineMs, force, config.DRAIN_LEAD_MS);
      if (cut.length) log.warn({ cut: cut.length }, 'drain deadline passed or forced: requests still running were cut and recorded as cut');
      await gateway.close();
      log.info('gateway stopped');
    }
    // The subgraphs' callers were the gateway's requests: what is left of the deadline is theirs.
    await Promise.all(running.map(async ({ service, orm }) => {
      await service.drain(Math.max(0, deadline - Date.now()), force);
      await service.close();
      await orm.close();
    }));
    if (running.length) log.info({ subgraphs: running.length }, 'subgraphs stopped');
    await notifierStopped;
    if (notifier) log.info(notifier.stats(), 'hit notifications stopped');
    // Last: the gateway and the subgraphs record events until they are closed.
    await audit?.close();
    if (audit) log.info({ chainId: audit.stats().chainId, seq: audit.stats().seq }, 'access log closed: chain sealed');
    for (const stopWatching of unwatch.splice(0)) stopWatching();
    await metricsServer?.close();
  };
  const auditKey = loadAuditKey(config.SECRETS_DIR);
  const tls = subgraphServerTls(config);
  try {
    if (!runsHere(config, 'gateway') && local.length === 0) return { gatewayUrl: null, metricsUrl: null, subgraphs: new Map(), notifier: null, stop, reload: async () => null };
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
    const serve = async (definition: SubgraphDefinition<any>, orm: MikroORM, port: number) => {
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
      return service;
    };
    const opened = await openSubgraphs(server, secrets, local);
    for (const { definition, orm } of opened) {
      await serve(definition, orm, options.ephemeralPorts ? 0 : listenPort(config, definition.name));
    }
    const ports = new Map(running.map(({ definition, service }) => [definition.name, service.port]));
    const urls = subgraphUrls(config, ports);
    const subgraphs = new Map(running.map(({ definition, service, orm }) => [definition.name, { url: service.url, orm }]));
    const notificationKey = runsHere(config, 'gateway') || runsHere(config, 'operations') ? await loadNotificationKey(config.SECRETS_DIR) : null;
    if (runsHere(config, 'operations') && notificationKey) {
      const grant = schemaGrant(server, secrets, 'operations');
      notifier = await startHitNotifier({
        connectionString: databaseUrl(server, { user: grant.role, password: grant.password }),
        schema: 'operations',
        registry: readEndpointRegistry(config.NOTIFICATION_ENDPOINTS_FILE, { production: config.NODE_ENV === 'production' }),
        key: notificationKey,
        audit: writer,
        log,
        maxAttempts: config.NOTIFICATION_MAX_ATTEMPTS,
        backoffBaseMs: config.NOTIFICATION_BACKOFF_BASE_MS,
        backoffMaxMs: config.NOTIFICATION_BACKOFF_MAX_MS,
        timeoutMs: config.NOTIFICATION_TIMEOUT_MS,
        pollMs: config.NOTIFICATION_POLL_MS,
        concurrency: config.NOTIFICATION_CONCURRENCY,
        onAttempt: (report) => {
          options.onNotificationAttempt?.(report);
          if (!metered) return;
          metrics.notificationAttempts.inc({ organisation: report.organisation, result: report.result, cause: report.cause ?? 'none' });
          if (report.latencyMs !== null) metrics.notificationLatency.observe(report.latencyMs / 1000);
        },
      });
      if (metered) {
        const started = notifier;
        unwatch.push(watchPendingNotifications(() => started.pending()));
      }
    }
    if (runsHere(config, 'gateway')) {
      let rateLimitStore: { connectionString: string; schema: string } | null = null;
      if (config.RATE_LIMITS) {
        // The counters live in a schema of their own, owned by a role that can touch nothing else.
        const grant = schemaGrant(server, secrets, RATE_LIMIT_SCHEMA);
        await provisionDatabase(server, [grant]);
        rateLimitStore = { connectionString: databaseUrl(server, { user: grant.role, password: grant.password }), schema: RATE_LIMIT_SCHEMA };
      }
      const observed = metered ? gatewayMetrics({ maxOperationNames: config.METRICS_MAX_OPERATION_NAMES }) : undefined;
      gateway = await createGatewayServer(config, {
        subgraphUrls: urls,
        log,
        security,
        audit: writer,
        port: options.ephemeralPorts ? 0 : config.GATEWAY_PORT,
        rateLimitStore,
        publicDocuments: notificationKey ? { [NOTIFICATION_JWKS_PATH]: notificationJwks(notificationKey) } : {},
        metrics: observed,
        events: observed?.events,
        honourTraceparent: config.TRACES_HONOUR_TRACEPARENT,
        developmentIssuer: config.LOCAL_ISSUER && config.NODE_ENV !== 'production' ? await loadOrCreateLocalIssuer(config.SECRETS_DIR) : null,
      });
    }

    /** Starts the subgraphs of partners registered since start (partner:new) that this process runs. */
    const startAddedPartners = async () => {
      const added = readRegistry().partners.filter((p) => !p.schema && runsHere(config, p.code) && !running.some((r) => r.definition.name === p.code));
      for (const partner of added) {
        // partner:new compiles the new folder: under `node dist/…` its JavaScript is there now.
        const definition = (require(`../subgraphs/partners/${partner.code}/subgraph`) as { default: SubgraphDefinition<any> }).default;
        await prepareDatabase(server, secrets, { seed: config.SEED, log, definitions: [definition] });
        const [{ orm }] = await openSubgraphs(server, secrets, [definition]);
        const service = await serve(definition, orm, options.ephemeralPorts ? 0 : Number(new URL(partner.url).port || 80));
        urls[definition.name] = config.SUBGRAPH_URLS[definition.name] ?? service.url;
        subgraphs.set(definition.name, { url: service.url, orm });
        log.info({ subgraph: definition.name, url: service.url }, 'partner subgraph added to the running hub');
      }
    };
    const reload = () => {
      reloading = reloading.then(async () => {
        // A change seen just before stop starts nothing: stop would not close it.
        if (stopped) return null;
        await startAddedPartners().catch((error: unknown) => log.error({ err: error }, 'a partner added to the registry could not be started: restart the hub to serve it'));
        return gateway ? gateway.reload() : null;
      });
      return reloading;
    };
    if (gateway && config.SUPERGRAPH_WATCH) {
      const watched = [config.SUPERGRAPH_FILE ?? SUPERGRAPH_PATH];
      if (config.TRUSTED_DOCUMENTS === 'enforce') watched.push(path.join(config.TRUSTED_DOCUMENTS_DIR, '*.json'));
      watchers.push(...watchForChanges(watched, () => void reload(), log));
    }
    return {
      gatewayUrl: gateway ? gateway.url : null,
      metricsUrl: metricsServer?.url ?? null,
      subgraphs,
      notifier,
      stop,
      reload,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Watches files (a `*.json` last segment: every JSON file of that folder) and calls `changed`
 * once things settle. The folders are watched, not the files: editors and tools (schema:compose)
 * replace a file rather than write into it, and a watch on the old file would go quiet.
 */
function watchForChanges(files: string[], changed: () => void, log: Logger): FSWatcher[] {
  let timer: NodeJS.Timeout | null = null;
  const settle = () => {
    if (timer) clearTimeout(timer);
    // A file being written fires several events; one reload after the last.
    timer = setTimeout(() => {
      timer = null;
      changed();
    }, 200);
    timer.unref();
  };
  const byFolder = new Map<string, Set<string>>();
  for (const file of files) {
    const folder = path.dirname(file);
    byFolder.set(folder, (byFolder.get(folder) ?? new Set()).add(path.basename(file)));
  }
  const watchers: FSWatcher[] = [];
  for (const [folder, names] of byFolder) {
    try {
      const watcher = watch(folder, (_event, name) => {
        if (name && (names.has(name) || (names.has('*.json') && name.endsWith('.json')))) settle();
      });
      watcher.on('error', (error) => log.warn({ err: error, folder }, 'cannot watch for changes any more: reload with SIGHUP'));
      watcher.unref();
      watchers.push(watcher);
    } catch (error) {
      log.warn({ err: error, folder }, 'cannot watch for changes: reload with SIGHUP');
    }
  }
  return watchers;
}
