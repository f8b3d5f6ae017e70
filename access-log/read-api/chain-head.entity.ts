import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A signed statement that a chain had, at `seq`, an event with hash `hash` (seq 0: the chain was
 * opened). Written by the audit writer periodically, on close and when it abandons a chain after a
 * failed write; `npm run audit:verify` checks each against the events. Append-only.
 */
@Entity({ tableName: 'chain_head' })
@Index({ properties: ['chainId', 'seq'] })
export class ChainHeadRow {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string & Opt;

  @Property({ type: 'uuid' })
  chainId!: string;

  @Property({ type: 'bigint' })
  seq!: string;

  @Property({ length: 64 })
  hash!: string;

  @Property({ type: 'timestamptz' })
  signedAt!: Date;

  /** Key id (JWK thumbprint) of the hub's audit signing key. */
  @Property({ type: 'text' })
  kid!: string;

  /** Compact JWS (ES256) over `{chainId, hash, seq, signedAt}`. */
  @Property({ type: 'text' })
  signature!: string;
}
