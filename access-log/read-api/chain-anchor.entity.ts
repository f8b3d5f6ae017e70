import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Written by retention before it drops monthly partitions: verification of `chainId` starts at
 * `firstSeq`, whose previous hash is `prevHash` (the hash of the last dropped event). Signed with
 * the hub's audit key, so an anchor cannot be forged to hide deleted events. Append-only.
 */
@Entity({ tableName: 'chain_anchor' })
@Index({ properties: ['chainId', 'firstSeq'] })
export class ChainAnchorRow {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id!: string & Opt;

  @Property({ type: 'uuid' })
  chainId!: string;

  @Property({ type: 'bigint' })
  firstSeq!: string;

  @Property({ length: 64 })
  prevHash!: string;

  /** The retention cut-off that dropped the events before `firstSeq`. */
  @Property({ type: 'timestamptz' })
  prunedBefore!: Date;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'text' })
  kid!: string;

  /** Compact JWS (ES256) over `{chainId, createdAt, firstSeq, prevHash, prunedBefore}`. */
  @Property({ type: 'text' })
  signature!: string;
}
