import { Migration } from '@mikro-orm/migrations';

/**
 * The hit notification outbox, and its wake-up: a row becoming due (a new hit, a redelivery)
 * notifies channel `frontera_hit_notification` when its transaction commits, so deliverers in
 * every hub process claim it at once instead of at their next poll. A hit inserted from now on
 * must have its notification by the end of its transaction (a deferred constraint trigger); hits
 * recorded before stay as they were.
 */
export class Migration20261130160000HitNotifications extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "hit_notification" ("id" uuid not null, "hit_id" uuid not null, "organisation" varchar(40) not null, "event" text not null, "state" text check ("state" in ('PENDING', 'DELIVERED', 'DEAD', 'NO_ENDPOINT')) not null default 'PENDING', "attempts" int not null default 0, "created_at" timestamptz not null, "next_attempt_at" timestamptz not null, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, "last_error" text null, constraint "hit_notification_pkey" primary key ("id"));`);
    this.addSql(`alter table "hit_notification" add constraint "hit_notification_hit_id_organisation_event_unique" unique ("hit_id", "organisation", "event");`);
    this.addSql(`create index "hit_notification_due_index" on "hit_notification" ("next_attempt_at") where "state" = 'PENDING';`);
    this.addSql(`alter table "hit_notification" add constraint "hit_notification_hit_id_foreign" foreign key ("hit_id") references "hit" ("id") on update cascade;`);
    this.addSql(`create function "hit_notification_wake"() returns trigger language plpgsql as $$ begin perform pg_notify('frontera_hit_notification', ''); return null; end $$;`);
    this.addSql(`create trigger "hit_notification_wake" after insert or update of "state" on "hit_notification" for each row when (new."state" = 'PENDING') execute function "hit_notification_wake"();`);
    // The schema this runs in is the one the function reads, whoever's search_path calls it later.
    this.addSql(`create function "hit_requires_notification"() returns trigger language plpgsql set search_path from current as $$
begin
  if not exists (select 1 from "hit_notification" where "hit_id" = new."id") then
    raise exception 'hit % has no notification: a hit and its notification to the record owner are written in one transaction', new."id" using errcode = '23514';
  end if;
  return null;
end $$;`);
    this.addSql(`create constraint trigger "hit_requires_notification" after insert on "hit" deferrable initially deferred for each row execute function "hit_requires_notification"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "hit_requires_notification" on "hit";`);
    this.addSql(`drop function if exists "hit_requires_notification"();`);
    this.addSql(`drop table if exists "hit_notification" cascade;`);
    this.addSql(`drop function if exists "hit_notification_wake"();`);
  }
}
