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

  /** Opening (seq 0) only: the writer that opened the chain. */
  @Property({ type: 'text', nullable: true })
  writer?: string;

  /** Opening only: `{chainId, seq, hash}` where the writer's previous chain ended. */
  @Property({ type: 'json', nullable: true })
  previous?: { chainId: string; seq: number; hash: string };

  /** Why the chain ended here (`closed`, `recovered`, `abandoned`), on its sealing head. */
  @Property({ type: 'text', nullable: true })
  sealed?: string;

  /** Key id (JWK thumbprint) of the hub's audit signing key. */
  @Property({ type: 'text' })
  kid!: string;

  /** Compact JWS (ES256) over `{chainId, hash, seq, signedAt}` and the registry columns when set. */
  @Property({ type: 'text' })
  signature!: string;
}
