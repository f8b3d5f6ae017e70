import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, type AccessEvent } from './event';

/** `prevHash` of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Where a chain stands: its id, the sequence number of its last event (0 before the first) and that event's hash. */
export interface ChainHead {
  readonly chainId: string;
  readonly seq: number;
  readonly hash: string;
}

/** An event with its place in a chain, exactly as stored and verified. */
export interface ChainedEvent {
  readonly chainId: string;
  /** 1 for the first event of the chain, then +1 per event, no gaps. */
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  /** When the writer committed the batch (ISO 8601, UTC); the storage partition key, covered by the hash. */
  readonly recordedAt: string;
  readonly event: AccessEvent;
}

/**
 * The hash of one link: SHA-256 (hex) of the canonical JSON of `{chainId, event, prevHash,
 * recordedAt, seq}`. The sequence number and the previous hash are inside, so an event cannot
 * be changed, moved or dropped without breaking the links that follow it.
 */
export function linkHash(link: Omit<ChainedEvent, 'hash'>): string {
  const material = canonicalJson({ chainId: link.chainId, seq: link.seq, prevHash: link.prevHash, recordedAt: link.recordedAt, event: link.event as never });
  return createHash('sha256').update(material, 'utf8').digest('hex');
}

/** A new, empty chain: a fresh UUID, so a writer never needs to read the log to start one. */
export function newChain(chainId: string = randomUUID()): ChainHead {
  return { chainId, seq: 0, hash: GENESIS_HASH };
}

/**
 * Appends `events` (already normalised) after `head`, all stamped `recordedAt`. Pure: returns the
 * links and the head they lead to, and changes nothing, so a writer adopts the new head only once
 * the links are committed.
 */
export function extendChain(head: ChainHead, events: readonly AccessEvent[], recordedAt: string): { links: ChainedEvent[]; head: ChainHead } {
  const links: ChainedEvent[] = [];
  let { seq, hash } = head;
  for (const event of events) {
    const link = { chainId: head.chainId, seq: seq + 1, prevHash: hash, recordedAt, event };
    hash = linkHash(link);
    seq = link.seq;
    links.push({ ...link, hash });
  }
  return { links, head: { chainId: head.chainId, seq, hash } };
}
