import { Client, Pool, type PoolClient } from 'pg';
import { emptyAccessEvent, RECEIVED_BY_NOTIFIER, type AccessEvent, type AuditPrincipal } from '../../../access-log/event';
import type { AuditWriter } from '../../../access-log/writer';
import { ident } from '../../../platform/database';
import type { SigningKeyPair } from '../../../platform/key-store';
import type { Logger } from '../../../platform/logger';
import type { EndpointRegistry, NotificationEvent } from './endpoints';
import { signNotification } from './signature';

/** Channel the outbox's trigger notifies when a row becomes due (migration 20261130160000). */
export const WAKE_CHANNEL = 'frontera_hit_notification';

/** The hub itself, as the access log names it when it sends a notification: a system principal, no person, no role. */
export const NOTIFIER_PRINCIPAL: AuditPrincipal = { subject: 'frontera-notifier', organisation: 'hub', roles: [] };

export interface HitNotifierOptions {
  /** The operations subgraph's role (it owns the outbox): claims, reads and updates rows, nothing else. */
  connectionString: string;
  /** PostgreSQL schema of the outbox (`operations`). */
  schema: string;
  registry: EndpointRegistry;
  /** Signs every try (see signature.ts). */
  key: Pick<SigningKeyPair, 'kid' | 'privateKey'>;
  /** Every try is recorded before it is made, and its result after. */
  audit: AuditWriter;
  log: Logger;
  /** Tries before a notification is dead-lettered (NOTIFICATION_MAX_ATTEMPTS). */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  pollMs: number;
  concurrency: number;
  /** Called after each try (for metrics: wire a counter or histogram here). */
  onAttempt?(report: AttemptReport): void;
  /** Jitter source in [0, 1) (tests pin it). */
  random?(): number;
}

/** One try, as {@link HitNotifierOptions.onAttempt} hears of it. */
export interface AttemptReport {
  notificationId: string;
  organisation: string;
  attempt: number;
  /** `delivered`; `retry` (failed, another try is scheduled); `dead` (failed, dead-lettered); `no-endpoint` (nothing sent). */
  result: 'delivered' | 'retry' | 'dead' | 'no-endpoint';
  /** Why it failed (`HTTP_503`, `TIMEOUT`, `UNREACHABLE`, `CUT_BY_SHUTDOWN`); `null` when delivered. */
  cause: string | null;
  /** How long the HTTP exchange took, in ms. */
  durationMs: number;
  /** From the match (the hit's `detectedAt`) to the owner's acknowledgement, in ms; delivered only. */
  latencyMs: number | null;
}

/** Counters since this process started, by organisation too (failures by organisation are what operators watch). */
export interface NotifierStats {
  attempts: number;
  delivered: number;
  /** Failed tries (each retry and each dead letter counts one). */
  failed: number;
  deadLettered: number;
  noEndpoint: number;
  inFlight: number;
  byOrganisation: Record<string, { delivered: number; failed: number; deadLettered: number }>;
}

export interface HitNotifier {
  stats(): NotifierStats;
  /** Notifications waiting for a try, in the whole outbox (every process's). */
  pending(): Promise<number>;
  /** Looks at the outbox now (the database's wake-up does this by itself). */
  wake(): void;
  /**
   * Stops claiming, lets tries in flight finish for up to `deadlineMs`, then cuts them (each cut
   * try is recorded as failed with `CUT_BY_SHUTDOWN` and scheduled again), and closes its connections.
   */
  stop(deadlineMs?: number): Promise<void>;
}

interface OutboxRow {
  id: string;
  hit_id: string;
  organisation: string;
  event: NotificationEvent;
  attempts: number;
  alert_id: string;
  checkpoint_id: string;
  detected_at: Date;
  operation_code: string;
}

interface TryResult {
  ok: boolean;
  cause: string | null;
}

/** Wait before try `attempt + 1`: doubling from `base`, capped, then "equal jitter" (half fixed, half random) so retries of many hits spread out. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Reason text kept in the outbox and the access log; never the receiver's body. */
function causeOf(error: unknown, shutdown: AbortSignal): string {
  if (shutdown.aborted) return 'CUT_BY_SHUTDOWN';
  const name = (error as Error | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'UNREACHABLE';
}

/**
 * Starts delivering the outbox: claims due notifications one per transaction with
 * `FOR UPDATE SKIP LOCKED` (so any number of hub processes share the work and none sends a row
 * another holds), keeps the row locked while it signs and POSTs it to the owner's registered
 * endpoint, and commits the result in the same transaction. A process that dies mid-try releases
 * its lock with its connection: the row is still due and another try follows, under the same
 * idempotency key. Each try is recorded in the access log before it is made (`attempted`) and with
 * its result after; if the first cannot be recorded, nothing is sent.
 */
export async function startHitNotifier(options: HitNotifierOptions): Promise<HitNotifier> {
  const log = options.log.child({ component: 'hit-notifier' });
  const s = ident(options.schema);
  const random = options.random ?? Math.random;
  const pool = new Pool({
    connectionString: options.connectionString,
    max: options.concurrency + 1,
    application_name: 'frontera-hit-notifier',
    idleTimeoutMillis: 30_000,
    // A claim is held in an open transaction while its try runs. Should this process freeze (or
    // its network drop) mid-try, the server ends the session, and so frees the row for another
    // process, once it has been idle longer than any try can wait: the POST's timeout, plus a
    // margin above an access log write's (5 s).
    idle_in_transaction_session_timeout: options.timeoutMs + 10_000,
  });
  pool.on('error', (error) => log.warn({ err: error }, 'outbox connection lost'));
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const counters: Omit<NotifierStats, 'inFlight'> = { attempts: 0, delivered: 0, failed: 0, deadLettered: 0, noEndpoint: 0, byOrganisation: {} };
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> | null = null;
  let again = false;
  let listener: Client | null = null;
  let stopped: Promise<void> | null = null;

  const claimSql = `select n.id, n.hit_id, n.organisation, n.event, n.attempts, h.alert_id, h.checkpoint_id, h.detected_at, o.code as operation_code
  from ${s}.hit_notification n join ${s}.hit h on h.id = n.hit_id join ${s}.operation o on o.id = h.operation_id
 where n.state = 'PENDING' and n.next_attempt_at <= now()
 order by n.next_attempt_at
 limit 1
 for update of n skip locked`;
  // The earliest row nobody holds: rows being tried by any process are skipped, so the wait is not cut short by them.
  const nextDueSql = `select greatest(0, extract(epoch from next_attempt_at - now()) * 1000)::float8 as ms from ${s}.hit_notification
 where state = 'PENDING' order by next_attempt_at limit 1 for key share skip locked`;

  const tally = (organisation: string, field: 'delivered' | 'failed' | 'deadLettered') => {
    counters[field] += 1;
    const byOrganisation = (counters.byOrganisation[organisation] ??= { delivered: 0, failed: 0, deadLettered: 0 });
    byOrganisation[field] += 1;
  };

  const listen = async () => {
    const client = new Client({ connectionString: options.connectionString, application_name: 'frontera-hit-notifier-listen' });
    client.on('notification', () => wake());
    client.on('error', (error) => {
      log.warn({ err: error }, 'outbox wake-up connection lost: polling until it is back');
      if (listener === client) listener = null;
    });
    await client.connect();
    await client.query(`listen ${WAKE_CHANNEL}`);
    if (stopping) await client.end();
    else listener = client;
  };

  /** Takes one due row and keeps it locked (its transaction open) until its try is over; `null` when none is due. */
  const claim = async (): Promise<{ client: PoolClient; row: OutboxRow } | null> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<OutboxRow>(claimSql);
      if (rows.length) return { client, row: rows[0] };
      await client.query('commit');
      client.release();
      return null;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      client.release(error as Error);
      throw error;
    }
  };

  const post = async (url: string, row: OutboxRow, attempt: number): Promise<TryResult> => {
    const body = await signNotification(options.key, {
      idempotencyKey: row.id,
      organisation: row.organisation,
      event: row.event,
      hit: { id: row.hit_id, alertId: row.alert_id, checkpointId: row.checkpoint_id, detectedAt: row.detected_at.toISOString() },
    });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose', 'idempotency-key': row.id, 'x-frontera-attempt': String(attempt), 'user-agent': 'frontera-notifier' },
        body,
        // Only the registered URL: a redirect elsewhere is a failure, never followed.
        redirect: 'manual',
        signal: AbortSignal.any([shutdown.signal, AbortSignal.timeout(options.timeoutMs)]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status >= 200 && response.status < 300 ? { ok: true, cause: null } : { ok: false, cause: `HTTP_${response.status}` };
    } catch (error) {
      return { ok: false, cause: causeOf(error, shutdown.signal) };
    }
  };

  const deliveryEvent = (row: OutboxRow, attempt: number, time: Date): AccessEvent => ({
    ...emptyAccessEvent(`hit-notification:${row.id}:${attempt}`, time),
    principal: NOTIFIER_PRINCIPAL,
    // Starts with the operation code, so the owner sees it as `purposeCode`.
    purpose: `${row.operation_code} hit notification attempt ${attempt}`,
    operationName: 'HitNotification',
    records: [
      { type: 'Hit', id: row.hit_id, owner: row.organisation },
      { type: 'DocumentAlert', id: row.alert_id, owner: row.organisation },
    ],
    outcome: 'attempted',
    receivedBy: RECEIVED_BY_NOTIFIER,
  });

  const report = (r: AttemptReport) => {
    try {
      options.onAttempt?.(r);
    } catch (error) {
      log.warn({ err: error }, 'onAttempt callback failed');
    }
  };

  const deliver = async ({ client, row }: { client: PoolClient; row: OutboxRow }): Promise<void> => {
    const attempt = row.attempts + 1;
    const finish = async (sql: string, params: unknown[]) => {
      await client.query(sql, params);
      await client.query('commit');
    };
    let failed: Error | undefined;
    try {
      const endpoint = options.registry.endpointFor(row.organisation, row.event);
      if (!endpoint) {
        await finish(`update ${s}.hit_notification set state = 'NO_ENDPOINT', last_error = $2 where id = $1`, [row.id, `no enabled endpoint registered for ${row.organisation} (${row.event})`]);
        counters.noEndpoint += 1;
        log.info({ notification: row.id, organisation: row.organisation }, 'no endpoint registered: notification not sent');
        report({ notificationId: row.id, organisation: row.organisation, attempt: row.attempts, result: 'no-endpoint', cause: null, durationMs: 0, latencyMs: null });
        return;
      }
      const started = new Date();
      const event = deliveryEvent(row, attempt, started);
      try {
        await options.audit.record(event);
      } catch (error) {
        // Audit before effect: nothing leaves the hub unrecorded. The row waits for the log to come back.
        log.warn({ err: error, notification: row.id }, 'the try could not be recorded in the access log: not sent');
        await finish(`update ${s}.hit_notification set next_attempt_at = now() + make_interval(secs => $2::float8 / 1000) where id = $1`, [row.id, options.pollMs]);
        return;
      }
      counters.attempts += 1;
      const result = await post(endpoint.url, row, attempt);
      const durationMs = Date.now() - started.getTime();
      const dead = !result.ok && attempt >= options.maxAttempts;
      const refusalCode = result.ok ? null : dead ? `DEAD_LETTER:${result.cause}` : result.cause;
      await options.audit
        .record({ ...event, outcome: result.ok ? 'ok' : 'error', refusalCode, durationMs })
        .catch((error: unknown) => log.error({ err: error, notification: row.id }, 'the result of a try could not be recorded in the access log'));
      if (result.ok) {
        await finish(`update ${s}.hit_notification set state = 'DELIVERED', attempts = $2, last_attempt_at = $3, delivered_at = now(), last_error = null where id = $1`, [row.id, attempt, started]);
        tally(row.organisation, 'delivered');
        report({ notificationId: row.id, organisation: row.organisation, attempt, result: 'delivered', cause: null, durationMs, latencyMs: Date.now() - row.detected_at.getTime() });
      } else if (dead) {
        await finish(`update ${s}.hit_notification set state = 'DEAD', attempts = $2, last_attempt_at = $3, last_error = $4 where id = $1`, [row.id, attempt, started, result.cause]);
        tally(row.organisation, 'failed');
        tally(row.organisation, 'deadLettered');
        log.warn({ notification: row.id, organisation: row.organisation, attempts: attempt, cause: result.cause }, 'notification dead-lettered: every try failed');
        report({ notificationId: row.id, organisation: row.organisation, attempt, result: 'dead', cause: result.cause, durationMs, latencyMs: null });
      } else {
        const wait = backoffMs(attempt, options.backoffBaseMs, options.backoffMaxMs, random);
        await finish(`update ${s}.hit_notification set attempts = $2, last_attempt_at = $3, last_error = $4, next_attempt_at = now() + make_interval(secs => $5::float8 / 1000) where id = $1`, [row.id, attempt, started, result.cause, wait]);
        tally(row.organisation, 'failed');
        report({ notificationId: row.id, organisation: row.organisation, attempt, result: 'retry', cause: result.cause, durationMs, latencyMs: null });
      }
    } catch (error) {
      failed = error as Error;
      await client.query('rollback').catch(() => undefined);
      log.error({ err: error, notification: row.id }, 'notification try failed in the hub: it stays due');
    } finally {
      client.release(failed);
    }
  };

  const run = async () => {
    clearTimeout(timer);
    let delay = options.pollMs;
    try {
      if (!listener && !stopping) await listen().catch((error: unknown) => log.warn({ err: error }, 'cannot listen for outbox wake-ups: polling'));
      while (!stopping) {
        if (inFlight.size >= options.concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        const claimed = await claim();
        if (!claimed) break;
        const trying: Promise<void> = deliver(claimed).finally(() => {
          inFlight.delete(trying);
          // A slot is free: there may be more due.
          wake();
        });
        inFlight.add(trying);
      }
      const { rows } = await pool.query<{ ms: number }>(nextDueSql);
      if (rows.length) delay = Math.min(delay, rows[0].ms);
    } catch (error) {
      log.warn({ err: error }, 'outbox unavailable: trying again at the next poll');
    }
    if (!stopping) timer = setTimeout(wake, Math.max(1, delay));
  };

  function wake(): void {
    if (stopping) return;
    if (cycle) {
      again = true;
      return;
    }
    cycle = run().finally(() => {
      cycle = null;
      if (again) {
        again = false;
        wake();
      }
    });
  }

  wake();
  log.info({ endpoints: options.registry.entries.filter((e) => e.enabled).map((e) => e.organisation) }, 'hit notifications: delivering');

  return {
    stats: () => ({ ...counters, inFlight: inFlight.size, byOrganisation: Object.fromEntries(Object.entries(counters.byOrganisation).map(([k, v]) => [k, { ...v }])) }),
    async pending() {
      const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from ${s}.hit_notification where state = 'PENDING'`);
      return rows[0].n;
    },
    wake,
    stop(deadlineMs = 10_000) {
      // A second call (a second signal) may only shorten the wait.
      if (stopped) {
        if (deadlineMs === 0) shutdown.abort();
        return stopped;
      }
      stopping = true;
      clearTimeout(timer);
      const cut = setTimeout(() => shutdown.abort(), deadlineMs);
      stopped = (async () => {
        try {
          await cycle;
          await Promise.allSettled([...inFlight]);
        } finally {
          clearTimeout(cut);
          await listener?.end().catch(() => undefined);
          listener = null;
          await pool.end();
        }
      })();
      return stopped;
    },
  };
}
