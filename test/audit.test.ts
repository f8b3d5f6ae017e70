import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import {
  AuditUnavailableError,
  createAuditWriter,
  emptyAccessEvent,
  extendChain,
  GENESIS_HASH,
  linkHash,
  loadAuditKey,
  loadAuditSigningKey,
  newChain,
  normaliseEvent,
  provisionAuditWriter,
  type AccessEvent,
  type AuditWriter,
  type AuditWriterLogin,
  type ChainedEvent,
} from '../access-log';
import { exportEvents } from '../access-log/export';
import { pruneBefore } from '../access-log/retention';
import { signHead } from '../access-log/signing';
import { formatReport, verifyAuditLog } from '../access-log/verify';
import { openWitness } from '../access-log/witness';
import { chainEvents, inSnapshot } from '../access-log/log';
import { Classification, gatewayCallHeaders, loadOrCreateHubInternalKey, Role, signSubgraphToken, staticKeyRing, type HubInternalKey, type Principal } from '../identity';
import { repoRoot } from '../platform/config';
import { databaseUrl, schemaGrant, withClient, type DatabaseServer } from '../platform/database';
import type { HttpService } from '../platform/http';
import { createLogger } from '../platform/logger';
import { loadSecrets } from '../platform/secrets';
import { subgraphTools } from '../hub/runtime';
import audit from '../access-log/read-api/subgraph';
import { openOrm } from '../subgraphs/shared/orm';
import { scratchDatabase, testConfig } from './database';
import { callers, startTestHub, startTestSubgraph } from './harness';

const config = testConfig();
// A database of its own: these tests lock, revoke and tamper with the audit store on purpose.
let server: DatabaseServer;
const secrets = loadSecrets(config.SECRETS_DIR);
const log = createLogger('silent');
let login: AuditWriterLogin;
let signer: Awaited<ReturnType<typeof loadAuditSigningKey>>;
let keys: Map<string, typeof signer.publicKey>;
let auditKey: Buffer;
const writers: AuditWriter[] = [];

beforeAll(async () => {
  server = await scratchDatabase('audit');
  login = await provisionAuditWriter(server, secrets);
  signer = await loadAuditSigningKey(config.SECRETS_DIR);
  keys = new Map([[signer.kid, signer.publicKey]]);
  auditKey = loadAuditKey(config.SECRETS_DIR);
});

afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
});

function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  return withClient(databaseUrl(server), work);
}

async function startWriter(overrides: Partial<Parameters<typeof createAuditWriter>[0]> = {}): Promise<AuditWriter> {
  const writer = await createAuditWriter({ connectionString: login.connectionString, auditKey, signer, log, writer: `test-${randomUUID()}`, retryIntervalMs: 100, signEvery: 100, ...overrides });
  writers.push(writer);
  return writer;
}

let counter = 0;
function event(overrides: Partial<AccessEvent> = {}): AccessEvent {
  counter += 1;
  return {
    ...emptyAccessEvent(`audit-test-${process.pid}-${counter}-${randomUUID().slice(0, 8)}`, new Date()),
    principal: { subject: 'officer.tha', organisation: 'ncb-tha', roles: ['BORDER_OFFICER'] },
    operationName: 'Operations',
    operationType: 'query',
    fieldCoordinates: ['Query.operations', 'Operation.code'],
    subgraphs: ['operations'],
    outcome: 'ok',
    durationMs: 3.5,
    ...overrides,
  };
}

/** Ends the session holding a writer's name, as a crashed process would (see `claimName` in access-log/writer.ts). */
async function dropWriterSession(writer: string): Promise<void> {
  const { rows } = await admin((c) => c.query("select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and objid::int = hashtext($1)", [writer]));
  expect(rows).toEqual([{ ended: true }]);
}

/** Verifies the chains named (all when omitted) in one snapshot, as `audit:verify` does. */
function verify(only?: string[]) {
  return admin((client) => inSnapshot(client, () => verifyAuditLog(client, keys, only)));
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('group commit', () => {
  test('500 concurrent records: one row each, a gap-free verified chain, far fewer transactions than events', async () => {
    const writer = await startWriter({ signEvery: 100 });
    const events = Array.from({ length: 500 }, () => event());
    const started = performance.now();
    await Promise.all(events.map((e) => writer.record(e)));
    const elapsed = performance.now() - started;
    const stats = writer.stats();

    const { rows } = await admin((c) => c.query<{ request_id: string; seq: string }>('select e.request_id, e.seq::text as seq from audit.access_event e where e.chain_id = $1 order by e.seq', [stats.chainId]));
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.request_id))).toEqual(new Set(events.map((e) => e.requestId)));
    expect(stats.events).toBe(500);
    expect(stats.transactions).toBeLessThan(500);
    expect(stats.transactions).toBeLessThanOrEqual(50);

    const report = await verify([stats.chainId]);
    expect(report.problems).toEqual([]);
    // The genesis head, then a head at the end of any batch that brings 100 or more unsigned events.
    expect(report.signedHeads).toBeGreaterThanOrEqual(2);
    expect(report.lastSignedHead!.seq).toBeGreaterThan(500 - 100);

    // Steady load, as a gateway sees it: 20 clients, each recording its next event once the last committed.
    const before = writer.stats();
    const steady = performance.now();
    await Promise.all(Array.from({ length: 20 }, async () => {
      for (let i = 0; i < 25; i++) await writer.record(event());
    }));
    const steadyMs = performance.now() - steady;
    const steadyTransactions = writer.stats().transactions - before.transactions;
    expect(steadyTransactions).toBeLessThan(500);

    // One at a time, for comparison: every event pays a whole commit.
    const sequential = performance.now();
    for (let i = 0; i < 100; i++) await writer.record(event());
    const sequentialMs = performance.now() - sequential;
    const rate = (events: number, ms: number) => Math.round((events / ms) * 1000);
    console.log(
      `group commit: 500 concurrent records in ${elapsed.toFixed(0)} ms = ${rate(500, elapsed)} events/s in ${stats.transactions - 1} transactions ` +
        `(largest ${stats.largestBatch}, plus the writer's start-up head); 20 clients x 25 in turn: ${rate(500, steadyMs)} events/s, ` +
        `${steadyTransactions} transactions (${(500 / steadyTransactions).toFixed(1)} events/transaction); ` +
        `100 sequential records: ${rate(100, sequentialMs)} events/s (1 event/transaction)`,
    );
  });

  test('an invalid event rejects alone and never reaches the batch', async () => {
    const writer = await startWriter();
    const good = event();
    const results = await Promise.allSettled([writer.record(good), writer.record({ ...event(), outcome: 'maybe' as never }), writer.record(event())]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(writer.healthy()).toBe(true);
  });
});

describe('append-only store', () => {
  beforeAll(async () => {
    const writer = await startWriter();
    await writer.record(event());
  });

  test('the gateway role may insert but never read, change or empty the log', async () => {
    await withClient(login.connectionString, async (client) => {
      for (const sql of [
        'select count(*) from audit.access_event',
        'select count(*) from audit.chain_head',
        "update audit.access_event set hash = hash",
        'delete from audit.access_event',
        'truncate audit.access_event',
        'update audit.chain_head set hash = hash',
      ]) {
        await expect(client.query(sql)).rejects.toThrow(/permission denied/);
      }
    });
  });

  test('the audit schema owner, and even a superuser, hit the append-only trigger', async () => {
    const owner = schemaGrant(server, secrets, 'audit');
    const { rows } = await admin((c) => c.query<{ name: string }>(`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit.access_event'::regclass`));
    const partitions = rows.map((r) => r.name);
    expect(partitions).toEqual(expect.arrayContaining(['access_event_default', expect.stringMatching(/^access_event_p\d{6}$/)]));
    await withClient(databaseUrl(server, { user: owner.role, password: owner.password }), async (client) => {
      for (const sql of [
        'update audit.access_event set hash = hash',
        'delete from audit.access_event',
        'truncate audit.access_event',
        ...partitions.map((p) => `truncate audit.${p}`),
        'update audit.chain_head set hash = hash',
        'delete from audit.chain_head',
        'truncate audit.chain_anchor',
      ]) {
        await expect(client.query(sql)).rejects.toThrow(/append-only/);
      }
    });
    await admin(async (client) => {
      await expect(client.query('delete from audit.access_event')).rejects.toThrow(/append-only: DELETE on audit.access_event/);
    });
  });
});

describe('tampering is named by audit:verify', () => {
  let chainId: string;
  let rows: ChainedEvent[];

  beforeAll(async () => {
    const writer = await startWriter({ signEvery: 5 });
    for (let i = 0; i < 12; i++) await writer.record(event());
    chainId = writer.stats().chainId;
    const { rows: stored } = await admin((c) => c.query('select seq::int as seq, event from audit.access_event where chain_id = $1 order by seq', [chainId]));
    rows = stored.map((r) => ({ seq: r.seq, event: r.event }) as ChainedEvent);
    expect((await verify([chainId])).ok).toBe(true);
  });

  /** Runs `work` as the superuser with triggers off (session_replication_role), as an attacker with full access would. */
  function asAttacker(work: (client: Client) => Promise<unknown>) {
    return admin(async (client) => {
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      await work(client);
      await client.query('commit');
    });
  }

  test('a writer restarted after its newest events were deleted with their head links its new chain to what its witness saw, so verify reports the loss', async () => {
    const witnessRoot = mkdtempSync(path.join(os.tmpdir(), 'frontera-witness-'));
    // The rest of the suite verifies the whole log: what this test deletes goes back afterwards.
    let restore = async () => undefined as unknown;
    try {
      const id = `test-${randomUUID()}`;
      const first = await startWriter({ writer: id, signEvery: 5, witness: await openWitness(witnessRoot, id) });
      for (let i = 0; i < 10; i++) await first.record(event());
      const lost = first.stats().chainId;
      // Heads at seq 5 and 10 are in the witness. While the writer is down (it never closes:
      // a crash), the owner of the database deletes events 8-10 and the head naming seq 10.
      const events = await admin((c) => c.query('select chain_id, seq, prev_hash, hash, recorded_at, event from audit.access_event where chain_id = $1 and seq >= 8', [lost]));
      const heads = await admin((c) => c.query('select id, chain_id, seq, hash, signed_at, writer, previous, sealed, kid, signature from audit.chain_head where chain_id = $1 and seq = 10', [lost]));
      restore = () =>
        asAttacker(async (c) => {
          for (const r of events.rows) await c.query('insert into audit.access_event (chain_id, seq, prev_hash, hash, recorded_at, event) values ($1, $2, $3, $4, $5, $6)', [r.chain_id, r.seq, r.prev_hash, r.hash, r.recorded_at, r.event]);
          for (const h of heads.rows) await c.query('insert into audit.chain_head (id, chain_id, seq, hash, signed_at, writer, previous, sealed, kid, signature) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [h.id, h.chain_id, h.seq, h.hash, h.signed_at, h.writer, h.previous, h.sealed, h.kid, h.signature]);
        });
      await asAttacker(async (c) => {
        await c.query('delete from audit.access_event where chain_id = $1 and seq >= 8', [lost]);
        await c.query('delete from audit.chain_head where chain_id = $1 and seq = 10', [lost]);
      });
      expect((await verify([lost])).ok).toBe(true); // what the store alone says about that chain
      await dropWriterSession(id); // the crash: its connection, and the lock on its name, are gone
      const second = await startWriter({ writer: id, signEvery: 5, witness: await openWitness(witnessRoot, id) });
      await second.record(event());
      const report = await verify([lost, second.stats().chainId]);
      expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'missing', chainId: lost, seq: 10 }));
      // Nothing was sealed over the loss.
      const seals = await admin((c) => c.query('select count(*)::int as n from audit.chain_head where chain_id = $1 and sealed is not null', [lost]));
      expect(seals.rows[0].n).toBe(0);
    } finally {
      await restore();
      rmSync(witnessRoot, { recursive: true, force: true });
    }
  });

  /** `npm run audit:verify` as a user runs it, against the test database. */
  function verifyCli(): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repoRoot, 'access-log', 'cli', 'verify.ts'), '--database', server.database],
        {
          cwd: repoRoot,
          // These writers keep no witness (the witness has its own tests).
          env: { ...process.env, EMBEDDED_PG_PORT: String(config.EMBEDDED_PG_PORT), EMBEDDED_PG_DIR: config.EMBEDDED_PG_DIR, SECRETS_DIR: config.SECRETS_DIR, DATABASE_URL: config.DATABASE_URL ?? '', AUDIT_WITNESS_DIR: 'off' },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  test('an altered event: the CLI exits 1 naming chain, seq and request id; restored, it verifies again', async () => {
    const original = rows[6].event;
    await asAttacker((c) => c.query(`update audit.access_event set event = jsonb_set(event, '{purpose}', '"cover-up"') where chain_id = $1 and seq = 7`, [chainId]));
    const report = await verify([chainId]);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chainId, seq: 7, requestId: original.requestId });
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`FAILED: first altered event: chain ${chainId} seq 7 request ${original.requestId}`);

    await asAttacker((c) => c.query('update audit.access_event set event = $2 where chain_id = $1 and seq = 7', [chainId, original]));
    const ok = await verifyCli();
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^audit:verify ok: \d+ chains, \d+ events, \d+ signed heads, \d+ anchors; last signed head: chain [0-9a-f-]{36} seq \d+ at \S+\n$/);
  }, 60_000);

  test('a deleted event is named as missing', async () => {
    const saved = await admin((c) => c.query('select * from audit.access_event where chain_id = $1 and seq = 4', [chainId]));
    await asAttacker((c) => c.query('delete from audit.access_event where chain_id = $1 and seq = 4', [chainId]));
    expect((await verify([chainId])).problems[0]).toMatchObject({ kind: 'missing', chainId, seq: 4, requestId: null });
    const row = saved.rows[0];
    await admin((c) => c.query('insert into audit.access_event (chain_id, seq, prev_hash, hash, recorded_at, event) values ($1, $2, $3, $4, $5, $6)', [row.chain_id, row.seq, row.prev_hash, row.hash, row.recorded_at, row.event]));
    expect((await verify([chainId])).ok).toBe(true);
  });

  test('a second row with an existing sequence number is read even where a page of the chain ends', async () => {
    const saved = (await admin((c) => c.query('select * from audit.access_event where chain_id = $1 and seq = 2', [chainId]))).rows[0];
    const later = new Date(saved.recorded_at.getTime() + 1);
    await asAttacker((c) => c.query('insert into audit.access_event (chain_id, seq, prev_hash, hash, recorded_at, event) values ($1, $2, $3, $4, $5, $6)', [chainId, 2, saved.prev_hash, saved.hash, later, saved.event]));
    // Events start at seq 1, so the first page of 2 ends at the original seq 2, right before the copy.
    const paged = await admin((c) => chainEvents(c, chainId, 2));
    const all = await admin((c) => chainEvents(c, chainId));
    expect(paged.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect(paged.filter((e) => e.seq === 2)).toHaveLength(2);
    await asAttacker((c) => c.query('delete from audit.access_event where chain_id = $1 and seq = 2 and recorded_at = $2', [chainId, later]));
  });

  test('two events swapped in order are named as reordered', async () => {
    // In three steps: rows of one batch share the commit time, so a one-statement swap would collide on the key.
    const swap = async (c: Client) => {
      await c.query('update audit.access_event set seq = -9 where chain_id = $1 and seq = 9', [chainId]);
      await c.query('update audit.access_event set seq = 9 where chain_id = $1 and seq = 10', [chainId]);
      await c.query('update audit.access_event set seq = 10 where chain_id = $1 and seq = -9', [chainId]);
    };
    await asAttacker(swap);
    expect((await verify([chainId])).problems[0]).toMatchObject({ kind: 'reordered', chainId, seq: 9, requestId: rows[9].event.requestId });
    await asAttacker(swap);
    expect((await verify([chainId])).ok).toBe(true);
  });

  test('a rewrite that recomputes every later hash is caught by the signed head', async () => {
    const { rows: stored } = await admin((c) => c.query('select chain_id, seq::int as seq, prev_hash, hash, recorded_at, event from audit.access_event where chain_id = $1 order by seq', [chainId]));
    const links: ChainedEvent[] = stored.map((r) => ({ chainId: r.chain_id, seq: r.seq, prevHash: r.prev_hash, hash: r.hash, recordedAt: r.recorded_at.toISOString(), event: r.event }));
    const forged = links.map((l) => ({ ...l }));
    forged[1] = { ...forged[1], event: { ...forged[1].event, outcome: 'refused' } };
    for (let i = 1; i < forged.length; i++) {
      forged[i] = { ...forged[i], prevHash: forged[i - 1].hash };
      forged[i] = { ...forged[i], hash: linkHash(forged[i]) };
    }
    const write = (set: ChainedEvent[]) =>
      asAttacker(async (c) => {
        for (const l of set) await c.query('update audit.access_event set prev_hash = $3, hash = $4, event = $5 where chain_id = $1 and seq = $2', [l.chainId, l.seq, l.prevHash, l.hash, l.event]);
      });
    await write(forged);
    const report = await verify([chainId]);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chainId, seq: 5 });
    expect(report.problems[0].message).toMatch(/rewritten/);
    await write(links);
    expect((await verify([chainId])).ok).toBe(true);
  });
});

describe('audit store outage: fail closed, recover without restart', () => {
  test('a connection killed mid-write rejects that batch, turns unhealthy, and the next writes succeed on a new chain', async () => {
    const writer = await startWriter();
    await writer.record(event());
    const first = writer.stats().chainId;

    const locker = new Client({ connectionString: databaseUrl(server) });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table audit.access_event in access exclusive mode');
    const healthyWhenRejected: boolean[] = [];
    const sent = Array.from({ length: 20 }, () => event());
    const outcomes = sent.map((e) =>
      writer.record(e).then(
        () => 'committed' as const,
        (error: unknown) => {
          expect(error).toBeInstanceOf(AuditUnavailableError);
          healthyWhenRejected.push(writer.healthy());
          return 'rejected' as const;
        },
      ),
    );
    const blocked = () =>
      admin(async (c) => (await c.query(`select 1 from pg_stat_activity where usename = $1 and application_name = 'frontera-audit-writer' and wait_event_type = 'Lock'`, [login.role])).rowCount! > 0);
    await waitFor(blocked);
    await admin((c) => c.query(`select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and application_name = 'frontera-audit-writer'`, [login.role]));
    await locker.query('rollback');
    await locker.end();

    const results = await Promise.all(outcomes);
    expect(results).toContain('rejected');
    expect(healthyWhenRejected.every((h) => h === false)).toBe(true);
    // No response may carry data without its event: every committed record is in the log, no rejected one is.
    const { rows } = await admin((c) => c.query<{ request_id: string }>('select request_id from audit.access_event where request_id = any($1)', [sent.map((e) => e.requestId)]));
    const stored = new Set(rows.map((r) => r.request_id));
    sent.forEach((e, i) => expect(stored.has(e.requestId)).toBe(results[i] === 'committed'));

    await writer.record(event());
    expect(writer.healthy()).toBe(true);
    const stats = writer.stats();
    expect(stats.chainId).not.toBe(first);
    expect(stats.chainsStarted).toBeGreaterThanOrEqual(2);
    // The abandoned chain was sealed at its last committed event.
    const seal = await admin((c) => c.query('select seq::int as seq from audit.chain_head where chain_id = $1 and seq > 0', [first]));
    expect(seal.rows.map((r) => r.seq)).toEqual([1]);
    expect((await verify([first, stats.chainId])).problems).toEqual([]);
  });

  test('losing the INSERT grant fails requests and health; restoring it heals the writer by itself', async () => {
    const writer = await startWriter({ retryIntervalMs: 50 });
    await writer.record(event());
    await admin((c) => c.query(`revoke insert on audit.access_event from ${login.role}`));
    try {
      await expect(writer.record(event())).rejects.toBeInstanceOf(AuditUnavailableError);
      expect(writer.healthy()).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(writer.healthy()).toBe(false);
    } finally {
      await provisionAuditWriter(server, secrets);
    }
    await waitFor(() => writer.healthy());
    await expect(writer.record(event())).resolves.toBeUndefined();
  });

  test('an unreachable store refuses to start the writer', async () => {
    const wrongPort = login.connectionString.replace(`:${server.port}/`, ':1/');
    await expect(createAuditWriter({ connectionString: wrongPort, auditKey, signer, log, writer: 'unreachable' })).rejects.toBeInstanceOf(AuditUnavailableError);
  });

  test('a second process with the same writer name is refused while the first lives, and never seals its open chain', async () => {
    const name = `shared-name-${randomUUID().slice(0, 8)}`;
    const first = await startWriter({ writer: name });
    await first.record(event());
    const second = createAuditWriter({ connectionString: login.connectionString, auditKey, signer, log, writer: name, retryIntervalMs: 50 });
    await expect(second).rejects.toThrow(/audit writer "shared-name-[\w]+" is already running in another process/);
    // The live writer's chain is still open and still its own: it goes on and closes cleanly.
    await first.record(event());
    expect((await verify([first.stats().chainId])).ok).toBe(true);
    await first.close();
    const next = await startWriter({ writer: name });
    expect(next.stats().recovered).toBeNull();
    await next.record(event());
    const report = await verify([first.stats().chainId, next.stats().chainId]);
    expect(report.ok).toBe(true);
  });
});

describe('retention', () => {
  /** Start of the UTC month `offset` months from now. */
  const month = (offset: number) => {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  };

  /** Inserts a chain committed in old months directly (a writer only ever stamps "now"). */
  async function oldChain(): Promise<ChainedEvent[]> {
    let head = newChain();
    const links: ChainedEvent[] = [];
    for (const at of [month(-3), month(-2)]) {
      const next = extendChain(head, [1, 2, 3].map(() => normaliseEvent(event())), new Date(at.getTime() + 86_400_000).toISOString());
      links.push(...next.links);
      head = next.head;
    }
    const heads = [
      await signHead(signer, { chainId: head.chainId, seq: 0, hash: GENESIS_HASH, signedAt: links[0].recordedAt }),
      await signHead(signer, { chainId: head.chainId, seq: 3, hash: links[2].hash, signedAt: links[2].recordedAt }),
      await signHead(signer, { chainId: head.chainId, seq: 6, hash: links[5].hash, signedAt: links[5].recordedAt }),
    ];
    await admin(async (c) => {
      await c.query('select audit.ensure_event_partitions($1)', [month(-3)]);
      for (const l of links) await c.query('insert into audit.access_event (chain_id, seq, prev_hash, hash, recorded_at, event) values ($1, $2, $3, $4, $5, $6)', [l.chainId, l.seq, l.prevHash, l.hash, l.recordedAt, l.event]);
      for (const h of heads) await c.query('insert into audit.chain_head (chain_id, seq, hash, signed_at, kid, signature) values ($1, $2, $3, $4, $5, $6)', [h.chainId, h.seq, h.hash, h.signedAt, h.kid, h.signature]);
    });
    return links;
  }

  test('drops whole old months, anchors each chain, and the rest still verifies; refuses to prune a tampered chain', async () => {
    const links = await oldChain();
    const chainId = links[0].chainId;
    const oldest = `access_event_p${month(-3).toISOString().slice(0, 7).replace('-', '')}`;

    const first = await admin((c) => pruneBefore(c, month(-2), signer, keys));
    expect(first.dropped).toEqual([oldest]);
    expect(first.anchors).toEqual([expect.objectContaining({ chainId, firstSeq: 4, prevHash: links[2].hash })]);
    const after = await verify([chainId]);
    expect(after.problems).toEqual([]);
    expect(after).toMatchObject({ events: 3, anchors: 1 });

    // Pruning must not launder tampering: a chain that does not verify is not pruned.
    await admin(async (c) => {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query(`update audit.access_event set event = jsonb_set(event, '{outcome}', '"error"') where chain_id = $1 and seq = 5`, [chainId]);
      await c.query('commit');
    });
    await expect(admin((c) => pruneBefore(c, month(-1), signer, keys))).rejects.toThrow(/refusing to prune.*altered.*seq 5/s);
    await admin(async (c) => {
      await c.query('begin');
      await c.query('set local session_replication_role = replica');
      await c.query('update audit.access_event set event = $2 where chain_id = $1 and seq = 5', [chainId, links[4].event]);
      await c.query('commit');
    });
    const second = await admin((c) => pruneBefore(c, month(-1), signer, keys));
    expect(second.anchors).toEqual([expect.objectContaining({ chainId, firstSeq: 7, prevHash: links[5].hash })]);
    expect((await verify([chainId])).problems).toEqual([]);
  });

  test('never drops the current month', async () => {
    // Its own data, whatever the tests before it left: old months holding a chain, the month before
    // this one, and an event of this month written by a writer.
    const partition = (offset: number) => `access_event_p${month(offset).toISOString().slice(0, 7).replace('-', '')}`;
    await admin((c) => c.query('select audit.ensure_event_partitions($1)', [month(-1)]));
    const links = await oldChain();
    const writer = await startWriter();
    const current = event();
    await writer.record(current);
    const currentChain = writer.stats().chainId;

    const result = await admin((c) => pruneBefore(c, month(6), signer, keys));
    // The cut went as far as it may, every whole month before this one, and stopped there.
    expect(result.dropped).toEqual([partition(-3), partition(-2), partition(-1)]);
    expect(result.anchors).toEqual([expect.objectContaining({ chainId: links[0].chainId, firstSeq: 7, prevHash: links[5].hash })]);
    const { rows } = await admin((c) => c.query(`select to_regclass($1) as current`, [`audit.${partition(0)}`]));
    expect(rows[0].current).not.toBeNull();
    const kept = await admin((c) => c.query('select count(*)::int as n from audit.access_event where request_id = $1', [current.requestId]));
    expect(kept.rows[0].n).toBe(1);
    expect((await verify([currentChain])).problems).toEqual([]);
  });
});

describe('the audit subgraph', () => {
  const run = randomUUID().slice(0, 8);
  const purpose = `AUDIT-TEST-${run}`;
  const documentNumber = `X${run.toUpperCase()}`;
  const alertA = randomUUID();
  const alertB = randomUUID();
  const t0 = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1e9) * 1000);
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  let e1: AccessEvent;
  let e2: AccessEvent;
  let e3: AccessEvent;
  let orm: MikroORM;
  let subgraph: HttpService;
  let internalKey: HubInternalKey;
  let keyDir: string;

  const principal = (subject: string, organisation: string, roles: Role[]): Principal => ({
    subject,
    organisation,
    country: null,
    roles,
    scopes: [],
    clearance: Classification.CONFIDENTIAL,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const auditor = principal('auditor.one', 'hub', [Role.AUDITOR]);
  const thaLiaison = principal('liaison.tha', 'ncb-tha', [Role.PARTNER_LIAISON]);
  const fraLiaison = principal('liaison.fra', 'ncb-fra', [Role.PARTNER_LIAISON]);
  const officer = principal('officer.fra', 'ncb-fra', [Role.BORDER_OFFICER]);

  beforeAll(async () => {
    const writer = await startWriter();
    e1 = {
      ...event({ purpose, operationName: 'Screen', operationType: 'mutation', fieldCoordinates: ['Mutation.screenDocument', 'ScreeningResult.matched'] }),
      time: at(0).toISOString(),
      principal: { subject: `officer.${run}`, organisation: 'ncb-fra', roles: ['BORDER_OFFICER'] },
      variables: writer.hashVariables({ input: { documentNumber, issuingCountry: 'FRA' } }),
      records: [{ type: 'DocumentAlert', id: alertA, owner: 'ncb-fra' }],
    };
    e2 = {
      ...event({ purpose, operationName: 'OperationView', clientName: '=HYPERLINK("http://evil")', outcome: 'partial' }),
      time: at(1).toISOString(),
      principal: { subject: `liaison.${run}`, organisation: 'wco', roles: ['PARTNER_LIAISON'] },
      records: [
        { type: 'Operation', id: randomUUID(), owner: 'hub' },
        { type: 'DocumentAlert', id: alertB, owner: 'ncb-tha' },
      ],
      denied: [{ path: 'operation.results', coordinate: 'Operation.results', rule: '@policy(role:hub_admin)' }],
    };
    e3 = {
      ...event({ purpose, outcome: 'refused', refusalCode: 'UNAUTHENTICATED', operationName: null, fieldCoordinates: [], subgraphs: [] }),
      time: at(2).toISOString(),
      principal: null,
      variables: writer.hashVariables({ number: ` ${documentNumber.toLowerCase()}` }),
    };
    await Promise.all([e1, e2, e3].map((e) => writer.record(e)));

    const grant = schemaGrant(server, secrets, 'audit');
    orm = await openOrm(audit, databaseUrl(server, { user: grant.role, password: grant.password }));
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-audit-test-'));
    internalKey = await loadOrCreateHubInternalKey(keyDir);
    subgraph = await startTestSubgraph(audit, {
      orm,
      tools: subgraphTools(secrets, auditKey),
      gatewayKeys: staticKeyRing(internalKey),
      audit: writer,
      log,
    });
  });

  afterAll(async () => {
    await subgraph?.close();
    await orm?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** Queries the audit subgraph over HTTP as the gateway would, signing the caller into the call. */
  async function ask(as: Principal, query: string, variables: Record<string, unknown> = {}) {
    const token = await signSubgraphToken(internalKey, { audience: 'audit', principal: as, purpose: 'audit test' });
    const body = JSON.stringify({ query, variables });
    const response = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gatewayCallHeaders(internalKey, 'audit', token, body, `audit-${randomUUID()}`) },
      body,
    });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  }

  const EVENTS = `query($filter: AccessEventFilter, $first: Int, $after: String) {
    accessEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { requestId time outcome purpose operationName refusalCode principal { subject organisation } records { type id owner } variables { path hash } denied { path rule } chain { chainId seq } } }
    }
  }`;
  const ids = (connection: any) => connection.edges.map((edge: any) => edge.node.requestId);

  test('an auditor lists events newest first, pages through them and filters on every field', async () => {
    const all = await ask(auditor, EVENTS, { filter: { purpose }, first: 10 });
    expect(all.errors).toBeUndefined();
    expect(ids(all.data.accessEvents)).toEqual([e3.requestId, e2.requestId, e1.requestId]);
    expect(all.data.accessEvents.totalCount).toBe(3);

    const page1 = (await ask(auditor, EVENTS, { filter: { purpose }, first: 2 })).data.accessEvents;
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await ask(auditor, EVENTS, { filter: { purpose }, first: 2, after: page1.pageInfo.endCursor })).data.accessEvents;
    expect([...ids(page1), ...ids(page2)]).toEqual([e3.requestId, e2.requestId, e1.requestId]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const only = async (filter: Record<string, unknown>) => ids((await ask(auditor, EVENTS, { filter: { purpose, ...filter }, first: 10 })).data.accessEvents);
    expect(await only({ organisation: 'wco' })).toEqual([e2.requestId]);
    expect(await only({ subject: `officer.${run}` })).toEqual([e1.requestId]);
    expect(await only({ operationName: 'Screen' })).toEqual([e1.requestId]);
    expect(await only({ fieldCoordinate: 'Mutation.screenDocument' })).toEqual([e1.requestId]);
    expect(await only({ entity: { type: 'DocumentAlert', id: alertB } })).toEqual([e2.requestId]);
    expect(await only({ decision: 'DENIED' })).toEqual([e3.requestId, e2.requestId]);
    expect(await only({ decision: 'ALLOWED' })).toEqual([e1.requestId]);
    expect(await only({ outcome: 'REFUSED' })).toEqual([e3.requestId]);
    expect(await only({ role: 'BORDER_OFFICER' })).toEqual([e1.requestId]); // e3 was anonymous
    expect(await only({ role: 'PARTNER_LIAISON' })).toEqual([e2.requestId]);
    expect(await only({ refusalCode: 'UNAUTHENTICATED' })).toEqual([e3.requestId]);
    expect(await only({ refusalCode: 'RATE_LIMITED' })).toEqual([]);
    expect(await only({ from: at(0.5).toISOString(), to: at(1.5).toISOString() })).toEqual([e2.requestId]);

    const node = all.data.accessEvents.edges[1].node;
    expect(node).toMatchObject({ outcome: 'PARTIAL', denied: [{ path: 'operation.results', rule: '@policy(role:hub_admin)' }], principal: { organisation: 'wco' } });
  });

  test('whoAccessed and searchedTerm find the events; the log never holds the searched value', async () => {
    const who = await ask(auditor, `query($id: String!) { whoAccessed(type: "DocumentAlert", id: $id) { totalCount edges { node { requestId principal { subject } } } } }`, { id: alertA });
    expect(who.data.whoAccessed).toMatchObject({ totalCount: 1, edges: [{ node: { requestId: e1.requestId, principal: { subject: `officer.${run}` } } }] });

    // Typed in lower case with spaces, as an auditor might: the hash is of the normalised value.
    const searched = await ask(auditor, `query($value: String!) { searchedTerm(value: $value) { totalCount edges { node { requestId variables { path hash } } } } }`, { value: `  ${documentNumber.toLowerCase()} ` });
    expect(searched.errors).toBeUndefined();
    expect(searched.data.searchedTerm.totalCount).toBe(2);
    expect(ids(searched.data.searchedTerm)).toEqual([e3.requestId, e1.requestId]);
    expect(JSON.stringify(searched)).not.toContain(documentNumber);
    const stored = await admin((c) => c.query<{ event: unknown }>('select event from audit.access_event where request_id = any($1)', [[e1.requestId, e3.requestId]]));
    expect(JSON.stringify(stored.rows)).not.toContain(documentNumber);
    expect(JSON.stringify(stored.rows).toUpperCase()).not.toContain(documentNumber);
  });

  test('a partner liaison sees only events that returned its own records, and only those records', async () => {
    // Its events are told apart by time: a data owner may not filter on the purpose's free text.
    const range = { from: at(0).toISOString(), to: at(3).toISOString() };
    const tha = (await ask(thaLiaison, EVENTS, { filter: range, first: 10 })).data.accessEvents;
    expect(tha.edges.map((edge: any) => edge.node.time)).toEqual([e2.time]);
    expect(tha.totalCount).toBe(1);
    expect(tha.edges[0].node.records).toEqual([{ type: 'DocumentAlert', id: alertB, owner: 'ncb-tha' }]);
    expect(tha.edges[0].node.variables).toEqual([]);

    const fra = (await ask(fraLiaison, EVENTS, { filter: range, first: 10 })).data.accessEvents;
    expect(fra.edges.map((edge: any) => edge.node.time)).toEqual([e1.time]);
    const notTheirs = await ask(thaLiaison, `query($id: String!) { whoAccessed(type: "DocumentAlert", id: $id) { totalCount } }`, { id: alertA });
    expect(notTheirs.data.whoAccessed.totalCount).toBe(0);
    const searched = await ask(thaLiaison, `query($value: String!) { searchedTerm(value: $value) { totalCount } }`, { value: documentNumber });
    expect(searched.data).toBeNull();
    expect(searched.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('anyone else is refused with FORBIDDEN; bad input with BAD_USER_INPUT', async () => {
    const forbidden = await ask(officer, EVENTS, { first: 5 });
    expect(forbidden.data).toBeNull();
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const backwards = await ask(auditor, EVENTS, { filter: { from: at(2).toISOString(), to: at(1).toISOString() } });
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const cursor = await ask(auditor, EVENTS, { after: 'bm9wZQ' });
    expect(cursor.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('a call the gateway did not sign is refused, and auditors find it by where it was received', async () => {
    const requestId = `direct-${randomUUID()}`;
    const from = new Date(Date.now() - 1000).toISOString();
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ query: '{ accessEvents(first: 1) { totalCount } }' }) });
    expect(response.status).toBe(401);
    const found = await ask(auditor, `query($filter: AccessEventFilter) { accessEvents(filter: $filter, first: 100) { edges { node { requestId receivedBy outcome refusalCode subgraphs principal { subject } } } } }`, { filter: { receivedBy: 'audit', from } });
    expect(found.errors).toBeUndefined();
    expect(found.data.accessEvents.edges.map((e: any) => e.node)).toEqual([{ requestId, receivedBy: 'audit', outcome: 'REFUSED', refusalCode: 'UNAUTHENTICATED', subgraphs: ['audit'], principal: null }]);
  });

  test('receivedBy: events stored without it were received by the gateway; the filter tells them from direct calls', async () => {
    const writer = await startWriter();
    const marker = `received-by-${randomUUID()}`;
    // Written as the gateway wrote events before receivedBy existed, and as a subgraph writes a refused direct call.
    const old = event({ purpose: marker });
    const direct = event({ purpose: marker, receivedBy: 'operations', outcome: 'refused', refusalCode: 'UNAUTHENTICATED', principal: null, subgraphs: ['operations'], operationName: null, operationType: null, fieldCoordinates: [] });
    expect(Object.keys(old)).not.toContain('receivedBy');
    await Promise.all([writer.record(old), writer.record(direct)]);
    const nodes = async (filter: Record<string, unknown>) => {
      const result = await ask(auditor, `query($filter: AccessEventFilter) { accessEvents(filter: $filter, first: 10) { edges { node { requestId receivedBy } } } }`, { filter: { purpose: marker, ...filter } });
      expect(result.errors).toBeUndefined();
      return result.data.accessEvents.edges.map((e: any) => e.node);
    };
    expect(await nodes({})).toEqual(expect.arrayContaining([{ requestId: old.requestId, receivedBy: 'gateway' }, { requestId: direct.requestId, receivedBy: 'operations' }]));
    expect(await nodes({})).toHaveLength(2);
    expect(await nodes({ receivedBy: 'gateway' })).toEqual([{ requestId: old.requestId, receivedBy: 'gateway' }]);
    expect(await nodes({ receivedBy: 'operations' })).toEqual([{ requestId: direct.requestId, receivedBy: 'operations' }]);
    expect(await nodes({ receivedBy: 'training' })).toEqual([]);
    expect((await verify([writer.stats().chainId])).problems).toEqual([]);
  });

  test('through the gateway: an auditor finds who accessed a record and who searched a value; a liaison only its own; an officer nothing', async () => {
    const hub = await startTestHub({}, server);
    try {
      const who = `query($id: String!) { whoAccessed(type: "DocumentAlert", id: $id) { totalCount edges { node { requestId principal { organisation } } } } }`;
      const asAuditor = await hub.query(who, { id: alertA }, { as: callers.auditor });
      expect(asAuditor.body.errors).toBeUndefined();
      expect(asAuditor.body.data.whoAccessed).toMatchObject({ totalCount: 1, edges: [{ node: { requestId: e1.requestId, principal: { organisation: 'ncb-fra' } } }] });
      const searched = await hub.query(`query($v: String!) { searchedTerm(value: $v) { totalCount } }`, { v: documentNumber.toLowerCase() }, { as: callers.auditor });
      expect(searched.body.data.searchedTerm.totalCount).toBe(2);

      const thaLiaisonCaller = { organisation: 'ncb-tha', roles: [Role.PARTNER_LIAISON], clearance: Classification.RESTRICTED };
      expect((await hub.query(who, { id: alertB }, { as: thaLiaisonCaller })).body.data.whoAccessed.totalCount).toBe(1);
      expect((await hub.query(who, { id: alertB }, { as: callers.wcoLiaison })).body.data.whoAccessed.totalCount).toBe(0);

      const asOfficer = await hub.query(who, { id: alertA }, { as: callers.officerTha });
      expect(asOfficer.body.data?.whoAccessed ?? null).toBeNull();
      expect(asOfficer.body.errors?.[0].extensions?.code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');
    } finally {
      await hub.stop();
    }
  }, 60_000);

  test('export streams the events of a time range as verifiable JSON lines or spreadsheet-safe CSV', async () => {
    const collect = async (format: 'jsonl' | 'csv') => {
      const out = new PassThrough();
      const chunks: string[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
      const count = await admin((c) => exportEvents(c, { from: at(0), to: at(3), format, pageSize: 2 }, out));
      return { count, text: chunks.join('') };
    };
    const jsonl = await collect('jsonl');
    expect(jsonl.count).toBe(3);
    const lines = jsonl.text.trim().split('\n').map((line) => JSON.parse(line) as ChainedEvent);
    expect(lines.map((l) => l.event.requestId)).toEqual([e1.requestId, e2.requestId, e3.requestId]);
    for (const line of lines) expect(linkHash(line)).toBe(line.hash);

    const csv = await collect('csv');
    const rows = csv.text.trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^time,request_id,subject,organisation/);
    expect(rows[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('verification of the whole log', () => {
  test('every chain written by this suite verifies', async () => {
    const report = await verify();
    expect(formatReport(report)).toMatch(/^audit:verify ok/);
  });
});
