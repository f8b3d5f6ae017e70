import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { inSnapshot } from '../../access-log/log';
import { loadAuditSigningKey } from '../../access-log/signing';
import { verifyAuditLog, type VerifyReport } from '../../access-log/verify';
import { readWitness, witnessDir } from '../../access-log/witness';
import { checkAccessLog, defaultMix, figures, loadPlan, secretsDir, startFaultDatabase, startFaultHub, startLoad, SUBGRAPHS, waitFor, type FaultDatabase, type FaultHub } from './harness';

// The gateway SIGKILLed under load, then started again: every answer given before the kill has its
// event, audit:verify passes and reports the crashed chain with its unsigned window, and once the
// restarted writer has sealed and linked it, deleting that chain's tail or the whole chain (as the
// database's owner can) is detected — from the link alone, and from the witness.

const WRITER = 'fault-crash-gateway';
let db: FaultDatabase;
let hub: FaultHub;
let witnessRoot: string;

beforeAll(async () => {
  witnessRoot = mkdtempSync(path.join(os.tmpdir(), 'frontera-witness-'));
  db = await startFaultDatabase('crash');
  hub = await startFaultHub(db, {
    processes: { subgraphs: SUBGRAPHS, gateway: ['gateway'] },
    env: { AUDIT_WITNESS_DIR: witnessRoot },
    processEnv: { gateway: { AUDIT_WRITER_ID: WRITER } },
  });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
  rmSync(witnessRoot, { recursive: true, force: true });
}, 60_000);

async function verify(options: { witness: boolean }): Promise<VerifyReport> {
  const key = await loadAuditSigningKey(secretsDir());
  const client = new Client({ connectionString: db.adminUrl });
  await client.connect();
  try {
    const witness = options.witness ? readWitness(witnessDir(witnessRoot, db.server)) : undefined;
    return await inSnapshot(client, () => verifyAuditLog(client, new Map([[key.kid, key.publicKey]]), undefined, { witness }));
  } finally {
    await client.end();
  }
}

/** As the database's owner: with triggers off, the append-only rule is no obstacle. */
async function asOwner(sql: string, params: unknown[]): Promise<void> {
  const client = new Client({ connectionString: db.adminUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await client.query(sql, params);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

test('SIGKILL under load, then restart: nothing answered is missing, the crashed chain is reported and sealed, and deleting its tail or all of it is detected', async () => {
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 4, maxRequests: 3_000, maxMs: 60_000 });
  let killedAt = 0;
  try {
    await waitFor(() => load.responses.filter((r) => r.answered).length >= 60, { timeoutMs: 40_000, what: '60 answers before the kill' });
    killedAt = Date.now();
    expect(await hub.process('gateway').kill('SIGKILL')).toBeNull();
  } finally {
    await load.stop();
  }
  const [crashed] = await db.query<{ chain_id: string }>(`select chain_id from audit.chain_head where writer = $1 and seq = 0 order by signed_at desc limit 1`, [WRITER]);

  const restartedAt = Date.now();
  await hub.process('gateway').start();
  const recoverMs = Date.now() - restartedAt;
  const after = startLoad(hub.gatewayUrl, defaultMix(plan), { workers: 2, maxRequests: 20, maxMs: 20_000 });
  const responses = [...load.responses, ...(await after.done)];

  const log = await checkAccessLog(db, responses);
  const report = await verify({ witness: true });
  const end = report.crashed.find((c) => c.chainId === crashed.chain_id);
  console.log(
    figures('gateway SIGKILLed under load', log, {
      failedAtKill: load.responses.filter((r) => !r.answered && r.endedAt >= killedAt).length,
      secondsToServeAgain: recoverMs / 1000,
      crashedChain: end,
      unsignedWindowEvents: end ? end.lastSeq - end.signedSeq : null,
      witnessedHeads: report.witnessedHeads,
    }),
  );
  expect(log.eventsLost).toEqual([]);
  expect(log.duplicated).toEqual([]);
  expect(log.mutationsWithoutEvent).toEqual([]);
  expect(log.verify.problems).toEqual([]);
  expect(report.problems).toEqual([]);
  // The crashed chain, sealed by the restarted writer where the store ends, with its unsigned window stated.
  expect(end).toMatchObject({ chainId: crashed.chain_id, writer: WRITER });
  expect(end!.lastSeq).toBeGreaterThanOrEqual(end!.signedSeq);
  const [opening] = await db.query<{ previous: { chainId: string; seq: number } }>(`select previous from audit.chain_head where writer = $1 and seq = 0 order by signed_at desc limit 1`, [WRITER]);
  expect(opening.previous).toMatchObject({ chainId: crashed.chain_id, seq: end!.lastSeq });

  // The owner of the database deletes the crashed chain's last events and the seal that names them.
  const cut = Math.max(1, end!.lastSeq - 2);
  await asOwner(`delete from audit.access_event where chain_id = $1 and seq >= $2`, [crashed.chain_id, cut]);
  await asOwner(`delete from audit.chain_head where chain_id = $1 and sealed is not null`, [crashed.chain_id]);
  for (const witness of [false, true]) {
    const tail = await verify({ witness });
    expect(tail.ok).toBe(false);
    expect(tail.problems).toContainEqual(expect.objectContaining({ kind: 'missing', chainId: crashed.chain_id, seq: end!.lastSeq }));
  }

  // ...and then the whole chain, heads and all.
  await asOwner(`delete from audit.access_event where chain_id = $1`, [crashed.chain_id]);
  await asOwner(`delete from audit.chain_head where chain_id = $1`, [crashed.chain_id]);
  for (const witness of [false, true]) {
    const gone = await verify({ witness });
    expect(gone.ok).toBe(false);
    expect(gone.problems).toContainEqual(expect.objectContaining({ kind: 'missing', chainId: crashed.chain_id }));
    if (!witness) expect(gone.problems.find((p) => p.chainId === crashed.chain_id)?.message).toMatch(/missing entirely/);
  }
}, 180_000);
