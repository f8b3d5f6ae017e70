import { Migration } from '@mikro-orm/migrations';

/** Operations, checkpoints, deployments and screening tables. */
export class Migration20261128000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "checkpoint" ("id" uuid not null, "name" varchar(200) not null, "country" varchar(3) not null, "border_type" text check ("border_type" in ('AIR', 'LAND', 'SEA')) not null, "place" varchar(200) not null, "latitude" double precision not null, "longitude" double precision not null, constraint "checkpoint_pkey" primary key ("id"));`);
    this.addSql(`alter table "checkpoint" add constraint "checkpoint_country_name_unique" unique ("country", "name");`);
    this.addSql(`create table "document_alert" ("id" uuid not null, "document_number" varchar(20) not null, "issuing_country" varchar(3) not null, "document_type" text check ("document_type" in ('PASSPORT', 'IDENTITY_CARD', 'VISA', 'REFUGEE_TRAVEL_DOCUMENT', 'SEAFARER_IDENTITY_DOCUMENT')) not null, "loss_type" text check ("loss_type" in ('STOLEN_BLANK', 'LOST', 'STOLEN_FROM_BEARER', 'REVOKED')) not null, "reported_on" date not null, "lookup_key" varchar(64) not null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "document_alert_pkey" primary key ("id"));`);
    this.addSql(`alter table "document_alert" add constraint "document_alert_lookup_key_unique" unique ("lookup_key");`);
    this.addSql(`create table "operation" ("id" uuid not null, "code" varchar(40) not null, "name" varchar(200) not null, "status" text check ("status" in ('PLANNED', 'ACTIVE', 'CLOSED')) not null default 'PLANNED', "starts_on" date not null, "ends_on" date not null, "border_types" text[] not null, "crime_areas" text[] not null, "lead_organisation" varchar(40) not null, "participating_countries" text[] not null, "partner_organisations" text[] not null, "databases_enabled" text[] not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "operation_pkey" primary key ("id"));`);
    this.addSql(`alter table "operation" add constraint "operation_code_unique" unique ("code");`);
    this.addSql(`create table "deployment" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "officers_assigned" int not null, constraint "deployment_pkey" primary key ("id"));`);
    this.addSql(`create index "deployment_operation_id_index" on "deployment" ("operation_id");`);
    this.addSql(`create index "deployment_checkpoint_id_index" on "deployment" ("checkpoint_id");`);
    this.addSql(`create table "check" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid not null, "database" text check ("database" in ('STOLEN_LOST_TRAVEL_DOCUMENTS', 'WANTED_PERSONS', 'TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES', 'STOLEN_MOTOR_VEHICLES', 'STOLEN_VESSELS', 'ILLICIT_FIREARMS', 'FINGERPRINTS')) not null, "checked_at" timestamptz not null, "subject_ref" varchar(64) not null, "document_type" text check ("document_type" in ('PASSPORT', 'IDENTITY_CARD', 'VISA', 'REFUGEE_TRAVEL_DOCUMENT', 'SEAFARER_IDENTITY_DOCUMENT')) not null, "issuing_country" varchar(3) not null, "matched" boolean not null, constraint "check_pkey" primary key ("id"));`);
    this.addSql(`create index "check_operation_id_checkpoint_id_index" on "check" ("operation_id", "checkpoint_id");`);
    this.addSql(`create table "hit" ("id" uuid not null, "check_id" uuid not null, "alert_id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid not null, "database" text check ("database" in ('STOLEN_LOST_TRAVEL_DOCUMENTS', 'WANTED_PERSONS', 'TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES', 'STOLEN_MOTOR_VEHICLES', 'STOLEN_VESSELS', 'ILLICIT_FIREARMS', 'FINGERPRINTS')) not null, "status" text check ("status" in ('PENDING', 'CONFIRMED', 'REJECTED')) not null default 'PENDING', "action_taken" text check ("action_taken" in ('REFUSED_ENTRY', 'QUESTIONED', 'ARRESTED', 'SEIZED', 'RELEASED', 'NONE')) null, "decision_note" text null, "detected_at" timestamptz not null, "decided_at" timestamptz null, constraint "hit_pkey" primary key ("id"));`);
    this.addSql(`alter table "hit" add constraint "hit_check_id_unique" unique ("check_id");`);
    this.addSql(`create index "hit_alert_id_index" on "hit" ("alert_id");`);
    this.addSql(`create index "hit_checkpoint_id_index" on "hit" ("checkpoint_id");`);
    this.addSql(`create index "hit_operation_id_status_index" on "hit" ("operation_id", "status");`);
    this.addSql(`alter table "deployment" add constraint "deployment_operation_id_foreign" foreign key ("operation_id") references "operation" ("id") on update cascade;`);
    this.addSql(`alter table "deployment" add constraint "deployment_checkpoint_id_foreign" foreign key ("checkpoint_id") references "checkpoint" ("id") on update cascade;`);
    this.addSql(`alter table "check" add constraint "check_operation_id_foreign" foreign key ("operation_id") references "operation" ("id") on update cascade;`);
    this.addSql(`alter table "check" add constraint "check_checkpoint_id_foreign" foreign key ("checkpoint_id") references "checkpoint" ("id") on update cascade;`);
    this.addSql(`alter table "hit" add constraint "hit_check_id_foreign" foreign key ("check_id") references "check" ("id") on update cascade;`);
    this.addSql(`alter table "hit" add constraint "hit_alert_id_foreign" foreign key ("alert_id") references "document_alert" ("id") on update cascade;`);
    this.addSql(`alter table "hit" add constraint "hit_operation_id_foreign" foreign key ("operation_id") references "operation" ("id") on update cascade;`);
    this.addSql(`alter table "hit" add constraint "hit_checkpoint_id_foreign" foreign key ("checkpoint_id") references "checkpoint" ("id") on update cascade;`);
  }
}
