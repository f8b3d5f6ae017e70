import type { ClientBase } from 'pg';
import { ident } from '../platform/database';
import { inSnapshot } from './log';
import { signAnchor, type AuditPublicKeys, type AuditSigner, type SignedAnchor } from './signing';
import { AUDIT_SCHEMA } from './store';
import { formatReport, verifyAuditLog } from './verify';

// Retention of the stored log (`npm run audit:prune`), as the admin.

const PARTITION = /^access_event_p(\d{4})(\d{2})$/;

/** What a prune did. */
export interface PruneResult {
  /** Partitions dropped, oldest first. */
  dropped: string[];
  /** One anchor per chain that lost events. */
  anchors: SignedAnchor[];
}

/**
 * Pruning refused and nothing dropped: the chains that would lose events do not verify, or a
 * chain's dropped events would not be a prefix of it. Its own class so that `audit:prune` can
 * tell this verdict (exit 1) from a failure to run (exit 2).
 */
export class PruneRefusedError extends Error {
  override name = 'PruneRefusedError';
}

/** Monthly partitions of the events table with the first instant after each (exclusive upper bound). */
async function monthlyPartitions(client: ClientBase): Promise<{ name: string; oid: number; end: Date }[]> {
  const { rows } = await client.query<{ name: string; oid: number }>(
    `select c.relname as name, c.oid::int as oid from pg_inherits i
       join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent join pg_namespace n on n.oid = p.relnamespace
      where n.nspname = $1 and p.relname = 'access_event' order by c.relname`,
    [AUDIT_SCHEMA],
  );
  return rows.flatMap(({ name, oid }) => {
    const match = PARTITION.exec(name);
    return match ? [{ name, oid, end: new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)) }] : [];
  });
}

/**
 * Retention: drops every monthly partition of the events table that ends on or before `before`
 * (never the current month), keeping each chain verifiable. First the chains that lose events are
 * verified whole, outside any lock (pruning must not launder tampering: it refuses if they do not
 * verify); then, in one short transaction, a signed anchor per chain records where its
 * verification now starts (the first kept sequence number and the hash of the last dropped
 * event), and the partitions are dropped. Rows in the default partition (months that never got
 * their own) are kept.
 *
 * Dropping a partition locks the events table until commit, which holds up the gateway's writes:
 * `lock_timeout` (2 s, below the writer's statement timeout) gives up rather than queue writers
 * behind a long read. Runs as the admin (`client`); `signer` is the hub's audit signing key.
 */
export async function pruneBefore(client: ClientBase, before: Date, signer: AuditSigner, keys: AuditPublicKeys, now = new Date()): Promise<PruneResult> {
  const currentMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const limit = before < currentMonth ? before : currentMonth;
  const schema = ident(AUDIT_SCHEMA);
  const cutOf = async (oids: number[]) =>
    (
      await client.query<{ chain_id: string; last_seq: string; hash: string }>(
        `select distinct on (chain_id) chain_id, seq::text as last_seq, hash from ${schema}.access_event
          where tableoid = any($1::oid[]) order by chain_id, seq desc`,
        [oids],
      )
    ).rows;

  const drop = (await monthlyPartitions(client)).filter((p) => p.end.getTime() <= limit.getTime());
  if (!drop.length) return { dropped: [], anchors: [] };
  const oids = drop.map((p) => p.oid);
  const report = await inSnapshot(client, async () => verifyAuditLog(client, keys, (await cutOf(oids)).map((c) => c.chain_id)));
  if (!report.ok) throw new PruneRefusedError(`refusing to prune: the chains that would lose events do not verify\n${formatReport(report)}`);

  await client.query('begin');
  try {
    await client.query(`set local lock_timeout = '2s'`);
    const createdAt = now.toISOString();
    const anchors: SignedAnchor[] = [];
    for (const { chain_id: chainId, last_seq: lastSeq, hash } of await cutOf(oids)) {
      // Writers stamp commit times monotonically, so a chain's dropped events are always a prefix.
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from ${schema}.access_event where chain_id = $1 and seq <= $2 and tableoid <> all($3::oid[])`,
        [chainId, lastSeq, oids],
      );
      if (rows[0].n > 0) throw new PruneRefusedError(`refusing to prune: chain ${chainId} has events up to seq ${lastSeq} outside the partitions to drop`);
      const anchor = await signAnchor(signer, { chainId, firstSeq: Number(lastSeq) + 1, prevHash: hash, prunedBefore: limit.toISOString(), createdAt });
      await client.query(
        `insert into ${schema}.chain_anchor (chain_id, first_seq, prev_hash, pruned_before, created_at, kid, signature) values ($1, $2, $3, $4, $5, $6, $7)`,
        [anchor.chainId, anchor.firstSeq, anchor.prevHash, anchor.prunedBefore, anchor.createdAt, anchor.kid, anchor.signature],
      );
      anchors.push(anchor);
    }
    for (const partition of drop) await client.query(`drop table ${schema}.${ident(partition.name)}`);
    await client.query('commit');
    return { dropped: drop.map((p) => p.name), anchors };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
