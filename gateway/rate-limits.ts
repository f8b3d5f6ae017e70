import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { HeaderMap } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Principal } from '../identity/principal';
import { codedError, ErrorCode } from '../platform/errors';
import type { Logger } from '../platform/logger';

const count = z.number().int().min(1).max(1_000_000);

/** One organisation's limits; a missing one is no limit. */
const limitsSchema = z
  .object({
    /** Requests per second of the whole organisation, across every gateway replica. */
    requestsPerSecond: count.optional(),
    /** Requests of the organisation running at once, per gateway replica. */
    concurrent: count.optional(),
    /** Requests per second of each subject (person or system) of the organisation, across replicas. */
    subjectRequestsPerSecond: count.optional(),
    /** Requests of each subject running at once, per gateway replica. */
    subjectConcurrent: count.optional(),
  })
  .strict();

const rateLimitsSchema = z
  .object({
    /** Limits of every organisation not listed in `organisations`. */
    default: limitsSchema.default({}),
    /** Per organisation code: what replaces `default` for it (fields not given are taken from `default`). */
    organisations: z.record(z.string().min(1), limitsSchema).default({}),
  })
  .strict();

export type OrganisationLimits = z.infer<typeof limitsSchema>;
export type RateLimits = z.infer<typeof rateLimitsSchema>;

/**
 * `RATE_LIMITS`: JSON (`{"default": {...}, "organisations": {"wco": {...}}}`) or the path of a
 * JSON file holding it; empty: `null` (no limits). Throws one error naming every problem.
 */
export function parseRateLimits(value: string): RateLimits | null {
  const text = value.trim();
  if (!text) return null;
  let raw: unknown;
  /** Named in every message: the file, when the limits come from one (the variable's name is added by the config reader). */
  let source = 'must be JSON';
  try {
    if (text.startsWith('{')) {
      raw = JSON.parse(text);
    } else {
      source = `file ${text} must hold JSON`;
      if (!existsSync(text)) throw new Error(`is neither JSON nor a readable file: ${text}`);
      raw = JSON.parse(readFileSync(text, 'utf8'));
    }
  } catch (error) {
    throw new Error(`${source} (${(error as Error).message})`);
  }
  const parsed = rateLimitsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new Error(
      `${source} {"default": {...}, "organisations": {"<code>": {...}}} with whole numbers requestsPerSecond, concurrent, subjectRequestsPerSecond, subjectConcurrent; ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

/** A refusal as the limiter reports it (for metrics; the access log has it already). */
export interface RateLimitRefusal {
  organisation: string;
  /** Which limit: `organisation` or `subject`, per second or concurrency. */
  limit: 'requestsPerSecond' | 'concurrent' | 'subjectRequestsPerSecond' | 'subjectConcurrent';
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  /**
   * The PostgreSQL login whose own schema holds the shared counters (`null`: in memory, this
   * replica only). The table is created at start.
   */
  store: { connectionString: string; schema: string } | null;
  log: Logger;
  /** Called for each refusal (a hook for metrics). */
  onRefused?(refusal: RateLimitRefusal): void;
  /** How long a counter update may wait for PostgreSQL before this replica's own counters decide, in ms. */
  storeTimeoutMs?: number;
}

/** A request admitted under the limits: what it holds is given back once, by `release`. */
export interface Admission {
  release(): void;
}

const NOTHING_HELD: Admission = { release: () => undefined };
const TABLE = 'request_rate';

/**
 * Requests per second and concurrent requests per organisation and per subject.
 *
 * Per second: counters in PostgreSQL (rate-limiter-flexible), shared by every gateway replica,
 * one-second fixed windows. When PostgreSQL does not answer within `storeTimeoutMs` or fails,
 * each counter update falls to an in-memory limiter with the same limits (its insurance): the
 * limits then hold per replica, neither dropped (a flood would meet no limit when it hurts most)
 * nor turned into refusals of every request (the access log, in the same database, already
 * refuses to serve when it cannot write). A key far over its limit is blocked in memory until its
 * window ends, so a flood costs PostgreSQL one update per window and replica, not one per request.
 *
 * Concurrent: counted in this replica's memory, exact and never leaked by a replica that died
 * mid-request; with N replicas behind a balancer an organisation may run up to N × `concurrent`.
 */
export class RequestLimiter {
  private readonly pool: Pool | null;
  private readonly perSecond = new Map<number, RateLimiterAbstract>();
  private readonly running = new Map<string, number>();
  private ready: Promise<void>;

  constructor(
    private readonly limits: RateLimits,
    private readonly options: RateLimiterOptions,
  ) {
    const timeout = options.storeTimeoutMs ?? 500;
    this.pool = options.store
      ? new Pool({ connectionString: options.store.connectionString, max: 5, connectionTimeoutMillis: timeout, query_timeout: timeout, idleTimeoutMillis: 30_000 })
      : null;
    // A lost connection is the pool's business (it reconnects); never an unhandled error.
    this.pool?.on('error', (error) => options.log.warn({ err: error }, 'rate limit store connection lost'));
    this.ready = this.pool
      ? this.pool
          .query(`create table if not exists "${options.store!.schema}"."${TABLE}" (key varchar(255) primary key, points integer not null default 0, expire bigint)`)
          .then(() => undefined)
      : Promise.resolve();
  }

  /** Resolves once the shared table exists; rejects with the reason it could not be created. */
  start(): Promise<void> {
    return this.ready;
  }

  /** The limits of `organisation`: its own entry over the default. */
  limitsOf(organisation: string): OrganisationLimits {
    return { ...this.limits.default, ...this.limits.organisations[organisation] };
  }

  /**
   * Admits a request of `principal` or throws `RATE_LIMITED` (HTTP 429, `retry-after`).
   * Concurrency is checked first: it costs nothing, and a caller over it should not spend its
   * per-second allowance.
   */
  async admit(principal: Principal): Promise<Admission> {
    const limits = this.limitsOf(principal.organisation);
    const org = `o:${principal.organisation}`;
    const subject = `s:${principal.organisation}:${principal.subject}`;
    const held: string[] = [];
    const release = () => {
      for (const key of held.splice(0)) {
        const left = (this.running.get(key) ?? 1) - 1;
        if (left > 0) this.running.set(key, left);
        else this.running.delete(key);
      }
    };
    const hold = (key: string, max: number | undefined, limit: RateLimitRefusal['limit']) => {
      if (max === undefined) return;
      const now = this.running.get(key) ?? 0;
      if (now >= max) {
        release();
        throw this.refuse(principal.organisation, limit, 1, max);
      }
      this.running.set(key, now + 1);
      held.push(key);
    };
    hold(org, limits.concurrent, 'concurrent');
    hold(subject, limits.subjectConcurrent, 'subjectConcurrent');
    try {
      await this.consume(org, limits.requestsPerSecond, principal.organisation, 'requestsPerSecond');
      await this.consume(subject, limits.subjectRequestsPerSecond, principal.organisation, 'subjectRequestsPerSecond');
    } catch (error) {
      release();
      throw error;
    }
    return held.length ? { release } : NOTHING_HELD;
  }

  /** Stops using the store (the hub is stopping). */
  async close(): Promise<void> {
    await this.pool?.end();
  }

  private async consume(key: string, points: number | undefined, organisation: string, limit: RateLimitRefusal['limit']): Promise<void> {
    if (points === undefined) return;
    try {
      await this.limiterFor(points).consume(key.length > 200 ? `h:${createHash('sha256').update(key).digest('hex')}` : key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw this.refuse(organisation, limit, Math.max(1, Math.ceil(error.msBeforeNext / 1000)), points);
    }
  }

  /** One limiter per distinct allowance: the allowance is the limiter's, the counters are per key. */
  private limiterFor(points: number): RateLimiterAbstract {
    let limiter = this.perSecond.get(points);
    if (!limiter) {
      const memory = new RateLimiterMemory({ points, duration: 1, keyPrefix: 'rps' });
      limiter = this.pool
        ? new RateLimiterPostgres({
            storeClient: this.pool,
            storeType: 'pool',
            schemaName: this.options.store!.schema,
            tableName: TABLE,
            tableCreated: true,
            keyPrefix: 'rps',
            points,
            duration: 1,
            inMemoryBlockOnConsumed: points + 1,
            insuranceLimiter: memory,
          })
        : memory;
      this.perSecond.set(points, limiter);
    }
    return limiter;
  }

  private refuse(organisation: string, limit: RateLimitRefusal['limit'], retryAfterSeconds: number, max: number): GraphQLError {
    this.options.onRefused?.({ organisation, limit, retryAfterSeconds });
    const what = {
      requestsPerSecond: `more than ${max} requests per second from organisation ${organisation}`,
      concurrent: `more than ${max} requests at once from organisation ${organisation}`,
      subjectRequestsPerSecond: `more than ${max} requests per second from this caller`,
      subjectConcurrent: `more than ${max} requests at once from this caller`,
    }[limit];
    // The message names the limit: `extensions.limit` means an operation limit (see masking.ts).
    const error = codedError(ErrorCode.RATE_LIMITED, `Rate limited: ${what}; retry after ${retryAfterSeconds} s`);
    // Apollo Server answers with the status and headers of `extensions.http` (a HeaderMap).
    error.extensions.http = { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) };
    return error;
  }
}
