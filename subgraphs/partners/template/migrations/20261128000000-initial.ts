import { Migration } from '@mikro-orm/migrations';

/** The partner's shared records (table names are unqualified: each partner has its own schema). */
export class Migration20261128000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "record" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid null, "title" varchar(200) not null, "summary" text not null, "reported_at" timestamptz not null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "record_pkey" primary key ("id"));`);
    this.addSql(`create index "record_operation_id_index" on "record" ("operation_id");`);
    this.addSql(`create index "record_checkpoint_id_index" on "record" ("checkpoint_id");`);
  }
}
