import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The hub's Prometheus metrics: the one Registry and every metric definition, in one place so
 * that names, labels and buckets stay consistent and the README's list can be checked against
 * this file. A new metric is defined here (`frontera_` prefix, base units: seconds, bytes), and
 * the code that observes it receives it or a small observer (see `access-log/writer.ts`'s
 * `observer`, `gateway/subgraph-fetch.ts`'s `observe`) instead of importing prom-client itself.
 *
 * Label values that come from requests are bounded ({@link BoundedLabel}): a series per value a
 * client can invent would let any client exhaust the scraper's memory.
 */
export const registry = new Registry();

/** Latency buckets from 5 ms to 10 s (the default subgraph timeout). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The label value of a request without a (resolved) operation, or without a verified caller. */
export const UNKNOWN = 'unknown';
/** The label value of an operation without a name. */
export const ANONYMOUS = 'anonymous';
/** The label value of every value beyond a {@link BoundedLabel}'s bound. */
export const OTHER = 'other';

/**
 * A label with at most `max` distinct values: the first `max` values seen keep their own series,
 * every later one is counted as {@link OTHER}.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  /** `value` as a label value. */
  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
}

/** Every metric of the hub (see the README, "Operations"). */
export const metrics = {
  requests: new Counter({
    name: 'frontera_gateway_requests_total',
    help: 'Gateway requests, by operation name (bounded; anonymous, unknown when none was resolved, other beyond the bound), outcome (ok, partial, error, refused) and caller organisation (unknown without a verified caller).',
    labelNames: ['operation', 'outcome', 'organisation'] as const,
    registers: [registry],
  }),
  requestDuration: new Histogram({
    name: 'frontera_gateway_request_duration_seconds',
    help: 'Time from receipt to the committed access event of a gateway request, by operation, outcome and organisation.',
    labelNames: ['operation', 'outcome', 'organisation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  requestErrors: new Counter({
    name: 'frontera_gateway_request_errors_total',
    help: 'Gateway requests that ended with an error code (refused, failed or partial), by operation, organisation and first error code.',
    labelNames: ['operation', 'organisation', 'code'] as const,
    registers: [registry],
  }),
  authorizationDenials: new Counter({
    name: 'frontera_authorization_denials_total',
    help: 'Selections the gateway\'s access layer denied (filter and reject modes) or would deny (dry-run), by rule, e.g. @requiresScopes(ops:read).',
    labelNames: ['rule'] as const,
    registers: [registry],
  }),
  subgraphFetchDuration: new Histogram({
    name: 'frontera_subgraph_fetch_duration_seconds',
    help: 'Time of each gateway call to a subgraph, until its response headers (or failure), by subgraph.',
    labelNames: ['subgraph'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  subgraphFetchErrors: new Counter({
    name: 'frontera_subgraph_fetch_errors_total',
    help: 'Gateway calls to a subgraph that failed, by subgraph and reason: timeout, network, http_4xx, http_5xx.',
    labelNames: ['subgraph', 'reason'] as const,
    registers: [registry],
  }),
  auditBatchSize: new Histogram({
    name: 'frontera_audit_batch_size',
    help: 'Access events per audit-store transaction (group commit).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  }),
  auditCommitDuration: new Histogram({
    name: 'frontera_audit_commit_duration_seconds',
    help: 'Time of each audit-store transaction (one batch of events and any chain heads).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  }),
  auditWriteFailures: new Counter({
    name: 'frontera_audit_write_failures_total',
    help: 'Audit-store transactions that failed (their requests were answered AUDIT_UNAVAILABLE).',
    registers: [registry],
  }),
  auditQueueDepth: new Gauge({
    name: 'frontera_audit_queue_depth',
    help: 'Access events waiting for a commit (requests held until their event is committed).',
    registers: [registry],
    collect() {
      let depth = 0;
      for (const source of auditSources) depth += source().queued;
      this.set(depth);
    },
  }),
  auditWriterHealthy: new Gauge({
    name: 'frontera_audit_writer_healthy',
    help: '1 while the audit writer can commit, 0 from a failed write until the next successful one (requests fail closed meanwhile).',
    registers: [registry],
    collect() {
      if (auditSources.size === 0) return;
      let healthy = 1;
      for (const source of auditSources) if (!source().healthy) healthy = 0;
      this.set(healthy);
    },
  }),
  dbPoolConnections: new Gauge({
    name: 'frontera_db_pool_connections',
    help: 'Database connections of each pool (a subgraph\'s, the audit writer\'s) by state: used, idle, and waiting (callers waiting for a connection).',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, source] of poolSources) {
        const use = source();
        if (!use) continue;
        this.set({ pool, state: 'used' }, use.used);
        this.set({ pool, state: 'idle' }, use.idle);
        this.set({ pool, state: 'waiting' }, use.waiting);
      }
    },
  }),
  notificationAttempts: new Counter({
    name: 'frontera_notification_attempts_total',
    help: 'Hit-notification tries, by owner organisation and result (delivered, retry, dead, no-endpoint) and failure cause.',
    labelNames: ['organisation', 'result', 'cause'] as const,
    registers: [registry],
  }),
  notificationLatency: new Histogram({
    name: 'frontera_notification_delivery_latency_seconds',
    help: 'From the hit to its owner acknowledging the notification.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  }),
  notificationsPending: new Gauge({
    name: 'frontera_notifications_pending',
    help: 'Hit notifications waiting to be delivered (retries included), read from the outbox at each scrape.',
    registers: [registry],
    async collect() {
      const counts = await Promise.all([...pendingSources].map((source) => source().catch(() => null)));
      const known = counts.filter((n): n is number => n !== null);
      if (known.length) this.set(Math.max(...known));
    },
  }),
  subgraphBreakerOpen: new Gauge({
    name: 'frontera_subgraph_breaker_open',
    help: 'Whether a subgraph\'s circuit breaker is open (1) or half-open (0.5): its calls fail at once.',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  }),
  subgraphRetries: new Counter({
    name: 'frontera_subgraph_retries_total',
    help: 'Query calls to a subgraph retried after a connection error or a 502/503/504.',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  }),
  subgraphCoalesced: new Counter({
    name: 'frontera_subgraph_fetches_coalesced_total',
    help: 'Gateway query calls to a subgraph that joined an identical call in flight (same caller token, purpose, document and variables) instead of being sent.',
    labelNames: ['subgraph'] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: 'frontera_rate_limited_total',
    help: 'Requests refused with 429 RATE_LIMITED, by organisation and the limit that refused them.',
    labelNames: ['organisation', 'limit'] as const,
    registers: [registry],
  }),
  supergraphReloads: new Counter({
    name: 'frontera_supergraph_reloads_total',
    help: 'Supergraph and trusted-document reloads, applied or refused (the old one kept).',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  dbPoolMax: new Gauge({
    name: 'frontera_db_pool_max_connections',
    help: 'Most connections each database pool opens.',
    labelNames: ['pool'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [pool, source] of poolSources) {
        const use = source();
        if (use) this.set({ pool }, use.max);
      }
    },
  }),
};

/** What the audit gauges read from a writer at each scrape. */
export interface AuditGaugeSource {
  queued: number;
  healthy: boolean;
}

/** A database pool's use at one instant; `null` while it has none (not opened yet). */
export interface PoolUse {
  used: number;
  idle: number;
  waiting: number;
  max: number;
}

const auditSources = new Set<() => AuditGaugeSource>();
const poolSources = new Map<string, () => PoolUse | null>();

/** Reads an audit writer at each scrape; returns the function that stops it. */
export function watchAuditWriter(source: () => AuditGaugeSource): () => void {
  auditSources.add(source);
  return () => auditSources.delete(source);
}

const pendingSources = new Set<() => Promise<number>>();

/** Reads the notification outbox's pending count at each scrape; returns the function that stops it. */
export function watchPendingNotifications(source: () => Promise<number>): () => void {
  pendingSources.add(source);
  return () => pendingSources.delete(source);
}

/** Reads the pool named `pool` at each scrape; returns the function that stops it. */
export function watchPool(pool: string, source: () => PoolUse | null): () => void {
  poolSources.set(pool, source);
  return () => {
    if (poolSources.get(pool) === source) poolSources.delete(pool);
  };
}

let processMetrics = false;

/** Node's own metrics (event-loop lag, heap, GC, CPU, handles), prom-client's defaults, registered once per process. */
function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}

export interface MetricsServer {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the registry at `GET /metrics` (Prometheus text format) on a port of its own, apart
 * from the GraphQL port, so that it can be bound to an internal interface and never reached by
 * API clients; anything else gets 404.
 */
export async function startMetricsServer(options: { host: string; port: number }): Promise<MetricsServer> {
  collectProcessMetrics();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics are served at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics could not be collected: ${(error as Error).message}\n`);
      },
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
