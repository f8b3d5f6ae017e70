import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { Logger } from '../platform/logger';
import { ident } from '../platform/database';
import { extendChain, GENESIS_HASH, newChain, type ChainedEvent, type ChainHead } from './chain';
import { hashVariables, normaliseEvent, type AccessEvent } from './event';
import { signHead, type AuditSigner, type ChainPosition, type SealReason, type SignedHead } from './signing';
import type { WitnessWriter } from './witness';
import { AUDIT_SCHEMA } from './store';
import { ErrorCode } from '../platform/errors';
import { activeSpanLink, inSpan, type SpanLink } from '../platform/tracing';

/** `record` failed: the event is not known to be committed, so the response must not be released. */
export class AuditUnavailableError extends Error {
  readonly code = ErrorCode.AUDIT_UNAVAILABLE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailableError';
  }
}

/** The advisory-lock class of writer names (the second key is the name's hash), apart from other locks. */
const WRITER_LOCK_CLASS = 0x46524f4e;

/** Another live process writes under this writer's name (`AUDIT_WRITER_ID`). */
export class WriterNameInUseError extends Error {
  constructor(writer: string) {
    super(`audit writer "${writer}" is already running in another process (AUDIT_WRITER_ID must be unique per writing process)`);
    this.name = 'WriterNameInUseError';
  }
}

export interface AuditWriterOptions {
  /** The writer role's URL (see `provisionAuditWriter`): it may insert events and heads, nothing else. */
  connectionString: string;
  /** Keys {@link AuditWriter.hashVariables} (see `loadAuditKey`). */
  auditKey: Buffer | string;
  /** Signs chain heads (see `loadAuditSigningKey`). */
  signer: AuditSigner;
  /** This writer's name in the chain registry (`AUDIT_WRITER_ID`): stable across restarts, unique per process. */
  writer: string;
  /** Where every stored head is mirrored, outside the database (`AUDIT_WITNESS_DIR`); none if absent. */
  witness?: WitnessWriter;
  log: Logger;
  /** Most events one transaction inserts (default 500); more wait for the next one. */
  maxBatch?: number;
  /** Sign the chain head at least every this many events (default 1000)... */
  signEvery?: number;
  /** ...and at least this often while events arrive, in ms (default 1000). */
  signIntervalMs?: number;
  /** Server-side limit of one write, in ms (default 5000): a stuck store fails requests instead of hanging them. */
  statementTimeoutMs?: number;
  /** While unhealthy, how often the writer retries the store by itself, in ms (default 1000). */
  retryIntervalMs?: number;
  /** Most events waiting for a commit (default 10 000); beyond it `record` fails at once instead of piling up. */
  maxQueue?: number;
  /** Told of every transaction as it ends (metrics); must not throw. */
  observer?: AuditWriterObserver;
}

/** What the writer reports of each transaction, for metrics. */
export interface AuditWriterObserver {
  /** A batch of `events` was committed in `seconds` (`events` is 0 for a transaction of heads only). */
  committed(events: number, seconds: number): void;
  /** A transaction of `events` failed after `seconds`: those requests fail closed. */
  failed(events: number, seconds: number): void;
}

/** Counters for health pages and tests. */
export interface AuditWriterStats {
  /** Events committed. */
  events: number;
  /** Transactions committed (each inserts a whole batch in one statement). */
  transactions: number;
  failedTransactions: number;
  largestBatch: number;
  /** Chain currently written and its last committed sequence number. */
  chainId: string;
  seq: number;
  /** Chains this writer has started (a new one after each failed write). */
  chainsStarted: number;
  /** Where the chain this writer found unsealed at start ended (it sealed it as `recovered`), if any. */
  recovered: ChainPosition | null;
  /** Events waiting for a commit now (the one in flight excluded). */
  queued: number;
  /** The writer's connection pool (one connection at most). */
  pool: { total: number; idle: number; waiting: number; max: number };
}

export interface AuditWriter {
  /**
   * Queues `event` for the next group commit and resolves once it is committed. Rejects with
   * {@link AuditUnavailableError} when it could not be written (the response must then carry
   * `AUDIT_UNAVAILABLE` and no data), or with a TypeError for an invalid event (a gateway bug).
   */
  record(event: AccessEvent): Promise<void>;
  /** {@link hashVariables} under this writer's audit key. */
  hashVariables(variables: unknown): Record<string, string>;
  /** False from a failed write until the next successful one (the writer retries by itself meanwhile). */
  healthy(): boolean;
  stats(): AuditWriterStats;
  /** Commits what is queued, seals the chain (`closed`) and closes the connection; later `record` calls reject. */
  close(): Promise<void>;
}

interface Pending {
  event: AccessEvent;
  resolve(): void;
  reject(error: Error): void;
  /** The span of the request that queued the event, for the link from the transaction's span. */
  link?: SpanLink;
}

/** Inserts a batch of events and any heads in one statement, hence one implicit transaction and one round trip. */
function insertStatement(schema: string): string {
  const s = ident(schema);
  return `with events as (
  insert into ${s}.access_event (chain_id, seq, prev_hash, hash, recorded_at, event)
  select chain_id, seq, prev_hash, hash, recorded_at, event
    from jsonb_to_recordset($1::jsonb) as r(chain_id uuid, seq bigint, prev_hash text, hash text, recorded_at timestamptz, event jsonb)
)
insert into ${s}.chain_head (chain_id, seq, hash, signed_at, writer, previous, sealed, kid, signature)
select chain_id, seq, hash, signed_at, writer, previous, sealed, kid, signature
  from jsonb_to_recordset($2::jsonb) as h(chain_id uuid, seq bigint, hash text, signed_at timestamptz, writer text, previous jsonb, sealed text, kid text, signature text)`;
}

/** Writes tried at start before the writer gives up (each bounded by the statement timeout). */
const START_ATTEMPTS = 3;

function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/**
 * The audit writer: group commit of hash-chained events into the audit store.
 *
 * Concurrent `record` calls queue; one write is in flight at a time and inserts the whole queue
 * (up to `maxBatch`) in one statement, then every caller of that batch resolves together and the
 * next batch starts at once. So under load each commit carries many events, and an idle writer
 * commits a lone event without waiting.
 *
 * Each writer start opens a new chain (a fresh UUID; the writer never reads events). Its opening
 * head names the writer and where the writer's previous chain ended (`writer_tail`); a previous
 * chain left unsealed by a crash is sealed first, as `recovered`, at the last event the store
 * holds. Heads are signed every `signEvery` events or `signIntervalMs` and mirrored to the witness.
 * When a write fails, its callers reject, the writer turns unhealthy and continues on a NEW chain:
 * the failed batch may or may not have been committed (a lost connection hides which), and a new
 * chain keeps every chain gap-free either way. The next successful write also stores a head
 * sealing the old chain (`abandoned`) at its last event known committed. On close the chain is
 * sealed `closed`. The pg pool reconnects by itself; while
 * unhealthy the writer retries every `retryIntervalMs` with a real insert (the new chain's genesis
 * head), so health comes back without traffic and without a restart.
 *
 * Resolves once the store accepted its first write; throws {@link AuditUnavailableError} if it
 * cannot (start-up should fail loudly rather than serve without an audit log).
 */
export async function createAuditWriter(options: AuditWriterOptions): Promise<AuditWriter> {
  const log = options.log.child({ component: 'audit-writer' });
  const maxBatch = options.maxBatch ?? 500;
  const signEvery = options.signEvery ?? 1000;
  const signIntervalMs = options.signIntervalMs ?? 1_000;
  const retryIntervalMs = options.retryIntervalMs ?? 1000;
  const statementTimeout = options.statementTimeoutMs ?? 5000;
  const maxQueue = options.maxQueue ?? 10_000;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a whole number of at least 1');
  if (!Number.isInteger(signEvery) || signEvery < 1) throw new RangeError('signEvery must be a whole number of at least 1');

  const poolConfig: PoolConfig = {
    connectionString: options.connectionString,
    max: 1,
    application_name: 'frontera-audit-writer',
    connectionTimeoutMillis: statementTimeout,
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout * 2,
    idleTimeoutMillis: 30_000,
    // "Committed" must mean durable, whatever the server's default.
    options: '-c synchronous_commit=on',
  };
  const pool = new Pool(poolConfig);
  // An idle connection killed by the server (restart, pg_terminate_backend) is dropped and replaced on next use.
  pool.on('error', (error) => log.warn({ err: error }, 'audit store connection lost'));
  const sql = insertStatement(AUDIT_SCHEMA);
  const writerTail = `select chain_id, seq::text as seq, hash, sealed from ${ident(AUDIT_SCHEMA)}.writer_tail($1)`;
  const ensurePartitions = `select ${ident(AUDIT_SCHEMA)}.ensure_event_partitions($1::timestamptz)`;
  /**
   * The connection that holds this writer's name: a session advisory lock, taken before anything
   * reads or writes the writer's chains. A second process started with the same AUDIT_WRITER_ID
   * would otherwise seal the live writer's open chain as `recovered` and interleave openings;
   * it is refused instead. The lock lives and dies with the connection (a crash frees it), so a
   * replaced connection takes it again before its first write.
   */
  const holdsName = new WeakSet<PoolClient>();
  async function claimName(client: PoolClient): Promise<void> {
    if (holdsName.has(client)) return;
    const { rows } = await client.query<{ held: boolean }>('select pg_try_advisory_lock($1::int, hashtext($2)) as held', [WRITER_LOCK_CLASS, options.writer]);
    if (!rows[0]?.held) throw new WriterNameInUseError(options.writer);
    holdsName.add(client);
  }

  let queue: Pending[] = [];
  let inFlight: Promise<void> | null = null;
  let closing = false;
  let isHealthy = false;
  let head: ChainHead = newChain();
  let genesisWritten = false;
  let signedSeq = 0;
  let lastSignedAt = Date.now();
  let lastRecordedAt = 0;
  let ensuredMonth: string | null = null;
  /** Signed heads of earlier chains not yet stored. */
  let seals: SignedHead[] = [];
  /** Where this writer's previous chain ended, for the opening of the current one; read at start. */
  let previous: ChainPosition | null = null;
  let previousKnown = false;
  /** How the chain found unsealed by {@link readPrevious} ended: a crash before this start, or a failed write of this writer. */
  let unsealedBecause: SealReason = 'recovered';
  let recovered: ChainPosition | null = null;
  let sealedOnClose = false;
  /** Why the last write failed: named when the writer cannot start. */
  let lastFailure: unknown = null;
  const stats = { events: 0, transactions: 0, failedTransactions: 0, largestBatch: 0, chainsStarted: 1 };
  const seal = (at: ChainPosition, sealed: SealReason) => signHead(options.signer, { ...at, signedAt: new Date().toISOString(), sealed });

  /**
   * Before each opening: where this writer's latest chain ended in the store, sealing it there if
   * it was left open (a crash, or a failed write whose batch may have been committed after all).
   * If the witness saw that chain go further than the store now holds, the store lost events:
   * the opening links to the witnessed position instead, so that `audit:verify` reports the loss
   * even without the witness, and nothing is sealed over it.
   */
  async function readPrevious(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ chain_id: string; seq: string; hash: string; sealed: boolean }>(writerTail, [options.writer]);
    const tail = rows[0];
    const witnessed = options.witness?.lastHead() ?? null;
    if (witnessed && (!tail || (tail.chain_id === witnessed.chainId && Number(tail.seq) < witnessed.seq))) {
      previous = { chainId: witnessed.chainId, seq: witnessed.seq, hash: witnessed.hash };
      log.error(
        { chainId: witnessed.chainId, witnessedSeq: witnessed.seq, storedSeq: tail ? Number(tail.seq) : null },
        'the audit store holds less of this writer\'s last chain than its witness saw: events were deleted; the new chain links to the witnessed position so audit:verify reports it',
      );
    } else if (tail) {
      previous = { chainId: tail.chain_id, seq: Number(tail.seq), hash: tail.hash };
      if (!tail.sealed) {
        seals = [...seals, await seal(previous, unsealedBecause)];
        if (unsealedBecause === 'recovered') {
          recovered = previous;
          log.warn({ chainId: previous.chainId, seq: previous.seq }, 'the previous chain of this writer was not sealed (the process stopped without closing the log): sealing it where the store ends');
        }
      }
    }
    previousKnown = true;
  }

  const headRow = (h: SignedHead) => ({ chain_id: h.chainId, seq: h.seq, hash: h.hash, signed_at: h.signedAt, writer: h.writer ?? null, previous: h.previous ?? null, sealed: h.sealed ?? null, kid: h.kid, signature: h.signature });
  const eventRow = (l: ChainedEvent) => ({ chain_id: l.chainId, seq: l.seq, prev_hash: l.prevHash, hash: l.hash, recorded_at: l.recordedAt, event: l.event });

  /**
   * One transaction, traced as a trace of its own (it serves many requests) linked to the span of
   * each request whose event it commits; its PostgreSQL queries are its children.
   */
  function write(batch: Pending[], forceHead: boolean): Promise<void> {
    const links = batch.flatMap((p) => (p.link ? [p.link] : []));
    const started = performance.now();
    const failedBefore = stats.failedTransactions;
    const seconds = () => (performance.now() - started) / 1000;
    return inSpan('frontera.audit.write', { 'frontera.audit.events': batch.length }, () => writeBatch(batch, forceHead), { root: true, links }).then(
      () => {
        if (stats.failedTransactions > failedBefore) options.observer?.failed(batch.length, seconds());
        else options.observer?.committed(batch.length, seconds());
      },
      (error: unknown) => {
        options.observer?.failed(batch.length, seconds());
        throw error;
      },
    );
  }

  async function writeBatch(batch: Pending[], forceHead: boolean): Promise<void> {
    // Monotonic per writer, so a chain's events never go back in time (retention drops prefixes).
    const now = Math.max(Date.now(), lastRecordedAt);
    const recordedAt = new Date(now).toISOString();
    const { links, head: next } = extendChain(head, batch.map((p) => p.event), recordedAt);
    const heads: SignedHead[] = [...seals];
    const due = next.seq - signedSeq >= signEvery || (next.seq > signedSeq && (forceHead || now - lastSignedAt >= signIntervalMs));
    let client: PoolClient | null = null;
    try {
      client = await pool.connect();
      await claimName(client);
      if (!previousKnown) await readPrevious(client);
      heads.push(...seals.slice(heads.length));
      if (!genesisWritten) heads.push(await signHead(options.signer, { chainId: head.chainId, seq: 0, hash: GENESIS_HASH, signedAt: recordedAt, writer: options.writer, previous }));
      if (closing && queue.length === 0) heads.push(await signHead(options.signer, { ...next, signedAt: recordedAt, sealed: 'closed' }));
      else if (due) heads.push(await signHead(options.signer, { ...next, signedAt: recordedAt }));
      if (ensuredMonth !== monthOf(recordedAt)) {
        // The default partition takes any month without its own, so a failure here only costs tidiness.
        await client.query(ensurePartitions, [recordedAt]).catch((error: unknown) => {
          if (isHealthy) log.warn({ err: error }, 'could not create the monthly audit partitions');
        });
        ensuredMonth = monthOf(recordedAt);
      }
      await client.query(sql, [JSON.stringify(links.map(eventRow)), JSON.stringify(heads.map(headRow))]);
      client.release();
    } catch (error) {
      // A connection in an unknown state is dropped, not reused (and its lock goes with it).
      client?.release(error instanceof Error ? error : true);
      stats.failedTransactions += 1;
      lastFailure = error;
      ensuredMonth = null;
      if (isHealthy) log.error({ err: error, events: batch.length, chainId: head.chainId }, 'audit store write failed: requests fail closed until it is back');
      isHealthy = false;
      // Continue on a new chain. The failed batch may have been committed after all (a connection
      // lost after the commit), so the old chain is sealed where the store really ends, read back
      // by the next write, and the new chain links to that.
      if (genesisWritten) {
        previousKnown = false;
        unsealedBecause = 'abandoned';
      }
      head = newChain();
      genesisWritten = false;
      signedSeq = 0;
      stats.chainsStarted += 1;
      const failure = new AuditUnavailableError('the access event could not be committed to the audit store', { cause: error });
      for (const pending of batch) pending.reject(failure);
      return;
    }
    lastRecordedAt = now;
    head = next;
    genesisWritten = true;
    seals = [];
    if (options.witness) options.witness.append(heads).catch((error: unknown) => log.error({ err: error }, 'could not mirror signed heads to the witness'));
    if (closing && heads.some((h) => h.sealed === 'closed')) sealedOnClose = true;
    if (due || closing) {
      signedSeq = next.seq;
      lastSignedAt = now;
    }
    if (!isHealthy) log.info({ chainId: head.chainId }, 'audit store writable');
    isHealthy = true;
    stats.transactions += 1;
    stats.events += batch.length;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    for (const pending of batch) pending.resolve();
  }

  /** Starts the next write if none is in flight; each write starts the next when it ends. */
  function pump(forceHead = false): void {
    if (inFlight || (queue.length === 0 && !forceHead)) return;
    const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
    if (batch === queue) queue = [];
    inFlight = write(batch, forceHead)
      .catch((error: unknown) => {
        // Only signing can throw here (a broken key): nothing was written.
        log.error({ err: error }, 'audit writer failed before writing');
        isHealthy = false;
        const failure = new AuditUnavailableError('the access event could not be signed for the audit store', { cause: error });
        for (const pending of batch) pending.reject(failure);
      })
      .finally(() => {
        inFlight = null;
        pump();
      });
  }

  // While unhealthy and idle, probe the store with a real write; while healthy and idle, sign
  // what was committed since the last head so the tail of the chain is covered within the interval.
  const timer = setInterval(() => {
    if (inFlight || queue.length || closing) return;
    if (!isHealthy) pump(true);
    else if (head.seq > signedSeq && Date.now() - lastSignedAt >= signIntervalMs) pump(true);
    // A quarter of the interval: an idle tail waits at most 1.25 intervals for its head.
  }, Math.min(retryIntervalMs, Math.max(25, Math.floor(signIntervalMs / 4))));
  timer.unref();

  // A store that is slow to answer at start (a busy machine, a server still starting) gets a few
  // chances before start-up fails.
  for (let attempt = 1; attempt <= START_ATTEMPTS && !isHealthy; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryIntervalMs));
    pump(true);
    await inFlight;
  }
  if (!isHealthy) {
    clearInterval(timer);
    await pool.end();
    const cause = lastFailure instanceof Error ? ` (${lastFailure.message})` : '';
    throw new AuditUnavailableError(`the audit store is not writable${cause}: check the database and that provisionAuditWriter ran after the migrations`, { cause: lastFailure });
  }
  log.info({ chainId: head.chainId }, 'audit writer started');

  return {
    record(event) {
      if (closing) return Promise.reject(new AuditUnavailableError('the audit writer is closed'));
      if (queue.length >= maxQueue) return Promise.reject(new AuditUnavailableError(`the audit store is not keeping up (${queue.length} events waiting)`));
      let normalised: AccessEvent;
      try {
        normalised = normaliseEvent(event);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ event: normalised, resolve, reject, link: activeSpanLink() });
        pump();
      });
    },
    hashVariables: (variables) => hashVariables(variables, options.auditKey),
    healthy: () => isHealthy,
    stats: () => ({
      ...stats,
      chainId: head.chainId,
      seq: head.seq,
      recovered,
      queued: queue.length,
      pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: 1 },
    }),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(timer);
      while (inFlight || queue.length) {
        pump();
        await inFlight;
      }
      // The last write of a clean stop carries the seal; a writer that cannot write leaves the
      // chain open, and its next start seals it as `recovered`.
      if (isHealthy && !sealedOnClose) {
        pump(true);
        await inFlight;
      }
      await pool.end();
      await options.witness?.close();
    },
  };
}
