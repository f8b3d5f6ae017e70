import { Migration } from '@mikro-orm/migrations';

// Contributions of checks and of hits to an operation's results, one row per operation and
// database (a hit counts under its own database, a check under its own).
const CHECK_CONTRIBUTION = `operation_id, database, 1 as checks, 0 as hits, 0 as confirmed_hits, 0 as arrests, 0 as seizures`;
const HIT_CONTRIBUTION = `operation_id, database, 0 as checks, 1 as hits,
  (status = 'CONFIRMED')::int as confirmed_hits,
  (status = 'CONFIRMED' and action_taken = 'ARRESTED')::int as arrests,
  (status = 'CONFIRMED' and action_taken = 'SEIZED')::int as seizures`;
const FIGURES = ['checks', 'hits', 'confirmed_hits', 'arrests', 'seizures'];

/**
 * Adds `sign` times the contributions of `rows` (a transition table) to the tally, in one statement.
 * Rows go to the writing backend's stripe: concurrent screenings of one operation update different
 * rows, so none waits for another's commit; a read sums the stripes. Ordered by key, so two
 * multi-row statements lock tally rows in the same order.
 */
const addToTally = (rows: string, contribution: string, sign: '' | '-') => `
    insert into "operation_tally" as t (operation_id, database, stripe, ${FIGURES.join(', ')})
    select operation_id, database, pg_backend_pid() % 16, ${FIGURES.map((f) => `${sign}sum(${f})`).join(', ')}
      from (select ${contribution} from ${rows}) c
     group by operation_id, database
     order by operation_id, database
    on conflict (operation_id, database, stripe) do update set ${FIGURES.map((f) => `${f} = t.${f} + excluded.${f}`).join(', ')};`;

/** A statement-level trigger function keeping the tally of `table`'s rows (its transition tables are `new_rows` and `old_rows`). */
const tallyFunction = (name: string, contribution: string) => `create function "${name}"() returns trigger language plpgsql set search_path from current as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then${addToTally('old_rows', contribution, '-')}
  end if;
  if tg_op in ('INSERT', 'UPDATE') then${addToTally('new_rows', contribution, '')}
  end if;
  return null;
end $$;`;

/** The tally from scratch (after `delete from "operation_tally"`): after a TRUNCATE, and once for the rows recorded before it existed. */
const RECOUNT = `
    insert into "operation_tally" (operation_id, database, stripe, ${FIGURES.join(', ')})
    select operation_id, database, 0, ${FIGURES.map((f) => `sum(${f})`).join(', ')}
      from (select ${CHECK_CONTRIBUTION} from "check" union all select ${HIT_CONTRIBUTION} from "hit") c
     group by operation_id, database;`;

/**
 * Operation results kept as they are written instead of counted on every read: `operation_tally`
 * holds, per operation, database and stripe, the number of checks, hits, confirmed hits, arrests
 * and seizures. Statement-level triggers on `check` and `hit` add each statement's rows (a bulk
 * seed of 100,000 checks is one upsert per operation), in the writing transaction, so the tally
 * and the rows it counts commit or roll back together. A read of 100 operations sums a few rows
 * each instead of scanning ~100,000 checks.
 */
export class Migration20261130180000OperationTally extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "operation_tally" ("operation_id" uuid not null, "database" text not null, "stripe" smallint not null,
      ${FIGURES.map((f) => `"${f}" bigint not null default 0`).join(', ')},
      constraint "operation_tally_pkey" primary key ("operation_id", "database", "stripe"));`);
    this.addSql(tallyFunction('check_tally', CHECK_CONTRIBUTION));
    this.addSql(tallyFunction('hit_tally', HIT_CONTRIBUTION));
    this.addSql(`create function "operation_tally_recount"() returns trigger language plpgsql set search_path from current as $$
begin
    delete from "operation_tally";${RECOUNT}
  return null;
end $$;`);
    for (const table of ['check', 'hit']) {
      // A trigger with transition tables takes one event (PostgreSQL's rule), hence three of them.
      this.addSql(`create trigger "${table}_tally_insert" after insert on "${table}" referencing new table as new_rows for each statement execute function "${table}_tally"();`);
      this.addSql(`create trigger "${table}_tally_update" after update on "${table}" referencing old table as old_rows new table as new_rows for each statement execute function "${table}_tally"();`);
      this.addSql(`create trigger "${table}_tally_delete" after delete on "${table}" referencing old table as old_rows for each statement execute function "${table}_tally"();`);
      this.addSql(`create trigger "${table}_tally_truncate" after truncate on "${table}" for each statement execute function "operation_tally_recount"();`);
    }
    this.addSql(RECOUNT);
  }

  override async down(): Promise<void> {
    for (const table of ['check', 'hit']) {
      for (const event of ['insert', 'update', 'delete', 'truncate']) this.addSql(`drop trigger if exists "${table}_tally_${event}" on "${table}";`);
    }
    this.addSql(`drop function if exists "check_tally"();`);
    this.addSql(`drop function if exists "hit_tally"();`);
    this.addSql(`drop function if exists "operation_tally_recount"();`);
    this.addSql(`drop table if exists "operation_tally";`);
  }
}
