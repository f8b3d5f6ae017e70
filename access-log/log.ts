import type { ClientBase } from 'pg';
import { ident } from '../platform/database';
import type { ChainedEvent } from './chain';
import type { AccessEvent } from './event';
import type { SealReason, SignedAnchor, SignedHead } from './signing';
import { AUDIT_SCHEMA } from './store';

// Reading the stored log back (verify, export, retention run as the admin; the gateway never reads).

const schema = ident(AUDIT_SCHEMA);

interface EventRecord {
  chain_id: string;
  seq: string;
  prev_hash: string;
  hash: string;
  recorded_at: Date;
  event: AccessEvent;
}

/** A stored row as the chain code sees it. */
export function toChainedEvent(row: EventRecord): ChainedEvent {
  return { chainId: row.chain_id, seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, recordedAt: row.recorded_at.toISOString(), event: row.event };
}

/** Every chain id that has events, heads or anchors. */
export async function chainIds(client: ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ chain_id: string }>(
    `select chain_id from ${schema}.access_event union select chain_id from ${schema}.chain_head union select chain_id from ${schema}.chain_anchor order by 1`,
  );
  return rows.map((r) => r.chain_id);
}

/**
 * All events of one chain in sequence order, read in pages so no single result gets huge. Pages
 * are keyed on (seq, recorded_at), the order and the primary key, so a second row with the same
 * sequence number (a tampering the check must see) is never skipped at a page boundary.
 */
export async function chainEvents(client: ClientBase, chainId: string, pageSize = 5000): Promise<ChainedEvent[]> {
  const events: ChainedEvent[] = [];
  // The cursor's time is kept as PostgreSQL's own text, so microseconds survive the round trip.
  let after: [number, string] = [-1, '-infinity'];
  for (;;) {
    const { rows } = await client.query<EventRecord & { recorded_key: string }>(
      `select e.chain_id, e.seq::text as seq, e.prev_hash, e.hash, e.recorded_at, e.recorded_at::text as recorded_key, e.event from ${schema}.access_event e where e.chain_id = $1 and (e.seq, e.recorded_at) > ($2, $3::timestamptz) order by e.seq, e.recorded_at limit $4`,
      [chainId, after[0], after[1], pageSize],
    );
    events.push(...rows.map(toChainedEvent));
    if (rows.length < pageSize) return events;
    const last = rows[rows.length - 1];
    after = [Number(last.seq), last.recorded_key];
  }
}

interface HeadRecord {
  chain_id: string;
  seq: string;
  hash: string;
  signed_at: Date;
  writer: string | null;
  previous: SignedHead['previous'] | null;
  sealed: SealReason | null;
  kid: string;
  signature: string;
}

/** A stored head as signed: registry columns only where the writer set them. */
function toSignedHead(r: HeadRecord): SignedHead {
  return {
    chainId: r.chain_id,
    seq: Number(r.seq),
    hash: r.hash,
    signedAt: r.signed_at.toISOString(),
    ...(r.writer !== null ? { writer: r.writer } : {}),
    // An opening stores `previous` as null for a writer's first chain; other heads have no such claim.
    ...(r.writer !== null ? { previous: r.previous } : {}),
    ...(r.sealed !== null ? { sealed: r.sealed } : {}),
    kid: r.kid,
    signature: r.signature,
  };
}

/** Every signed head (few: one per second of traffic at most). */
export async function chainHeads(client: ClientBase): Promise<SignedHead[]> {
  const { rows } = await client.query<HeadRecord>(
    `select h.chain_id, h.seq::text as seq, h.hash, h.signed_at, h.writer, h.previous, h.sealed, h.kid, h.signature from ${schema}.chain_head h order by h.signed_at, h.seq`,
  );
  return rows.map(toSignedHead);
}

/** Every retention anchor (one per chain and prune). */
export async function chainAnchors(client: ClientBase): Promise<SignedAnchor[]> {
  const { rows } = await client.query<{ chain_id: string; first_seq: string; prev_hash: string; pruned_before: Date; created_at: Date; kid: string; signature: string }>(
    `select chain_id, first_seq::text as first_seq, prev_hash, pruned_before, created_at, kid, signature from ${schema}.chain_anchor order by created_at`,
  );
  return rows.map((r) => ({
    chainId: r.chain_id,
    firstSeq: Number(r.first_seq),
    prevHash: r.prev_hash,
    prunedBefore: r.pruned_before.toISOString(),
    createdAt: r.created_at.toISOString(),
    kid: r.kid,
    signature: r.signature,
  }));
}

/** Runs `work` in one read-only REPEATABLE READ transaction: every query sees the same snapshot. */
export async function inSnapshot<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('begin isolation level repeatable read read only');
  try {
    return await work();
  } finally {
    await client.query('rollback');
  }
}
