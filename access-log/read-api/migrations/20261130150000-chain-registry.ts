import { Migration } from '@mikro-orm/migrations';

/**
 * The chain registry: a chain's opening head (seq 0) names its writer and where that writer's
 * previous chain ended, and a sealed head ends a chain for good. `writer_tail` lets a writer,
 * which may only insert, learn where its own latest chain ended so that it can seal it after a
 * crash and link its new chain to it; it returns positions and hashes, never an event.
 *
 * No statement may contain a question mark: knex would read it as a placeholder.
 */
export class Migration20261130150000ChainRegistry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "chain_head" add column "writer" text null, add column "previous" jsonb null, add column "sealed" text null;`);
    this.addSql(`create index "chain_head_writer_index" on "chain_head" ("writer", "signed_at") where "seq" = 0;`);
    this.addSql(`create function writer_tail(writer_id text) returns table (chain_id uuid, seq bigint, hash text, sealed boolean)
language sql stable security definer set search_path from current as $$
  with latest as (
    select h.chain_id from chain_head h where h.writer = writer_id and h.seq = 0 order by h.signed_at desc limit 1
  ), tail as (
    select e.seq, e.hash from access_event e, latest where e.chain_id = latest.chain_id order by e.seq desc limit 1
  ), pruned as (
    select a.first_seq - 1 as seq, a.prev_hash as hash from chain_anchor a, latest where a.chain_id = latest.chain_id order by a.first_seq desc limit 1
  )
  select latest.chain_id,
         coalesce((select seq from tail), (select seq from pruned), 0),
         coalesce((select hash from tail), (select hash from pruned), repeat('0', 64)),
         exists (select 1 from chain_head s where s.chain_id = latest.chain_id and s.sealed is not null)
    from latest
$$;`);
    this.addSql(`revoke all on function writer_tail(text) from public;`);
  }
}
