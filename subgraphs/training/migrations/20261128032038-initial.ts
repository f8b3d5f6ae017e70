import { Migration } from '@mikro-orm/migrations';

/** Courses, training sessions, participants (personal data with handling) and enrolments. */
export class Migration20261128032038Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "course" ("id" uuid not null, "code" varchar(20) not null, "title" varchar(200) not null, "domain" text check ("domain" in ('TRAVEL_DOCUMENT_FRAUD', 'FIREARMS', 'TRAFFICKING_IN_HUMAN_BEINGS', 'MIGRANT_SMUGGLING', 'STOLEN_VEHICLES', 'DRUGS', 'TERRORISM')) not null, "level" text check ("level" in ('BASIC', 'ADVANCED', 'TRAIN_THE_TRAINER')) not null, "duration_days" int not null, "description" text not null, constraint "course_pkey" primary key ("id"));`);
    this.addSql(`alter table "course" add constraint "course_code_unique" unique ("code");`);
    this.addSql(`create table "participant" ("id" uuid not null, "full_name" varchar(200) not null, "rank" varchar(80) not null, "country" varchar(3) not null, "agency" varchar(40) not null, "service_number" varchar(40) not null, "checkpoint_id" uuid null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, "created_at" timestamptz not null, constraint "participant_pkey" primary key ("id"));`);
    this.addSql(`create index "participant_checkpoint_id_index" on "participant" ("checkpoint_id");`);
    this.addSql(`alter table "participant" add constraint "participant_agency_service_number_unique" unique ("agency", "service_number");`);
    this.addSql(`create table "training_session" ("id" uuid not null, "course_id" uuid not null, "starts_on" date not null, "ends_on" date not null, "host_country" varchar(3) not null, "place" varchar(200) not null, "trainer_organisation" varchar(40) not null, "capacity" int not null, "operation_id" uuid null, "cancelled_at" timestamptz null, "created_at" timestamptz not null, constraint "training_session_pkey" primary key ("id"), constraint training_session_capacity_check check (capacity >= 1 and capacity <= 500), constraint training_session_days_check check (ends_on >= starts_on));`);
    this.addSql(`create index "training_session_course_id_index" on "training_session" ("course_id");`);
    this.addSql(`create index "training_session_operation_id_index" on "training_session" ("operation_id");`);
    this.addSql(`create index "training_session_starts_on_id_index" on "training_session" ("starts_on", "id");`);
    this.addSql(`create table "enrollment" ("id" uuid not null, "session_id" uuid not null, "participant_id" uuid not null, "enrolled_at" timestamptz not null, "score" int null, "assessed_at" timestamptz null, "certified_on" date null, "certificate_number" varchar(40) null, constraint "enrollment_pkey" primary key ("id"), constraint enrollment_certification_check check ((certified_on is null) = (certificate_number is null)), constraint enrollment_score_check check (score >= 0 and score <= 100));`);
    this.addSql(`create index "enrollment_participant_id_index" on "enrollment" ("participant_id");`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_certificate_number_unique" unique ("certificate_number");`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_session_id_participant_id_unique" unique ("session_id", "participant_id");`);
    this.addSql(`alter table "training_session" add constraint "training_session_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade;`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_session_id_foreign" foreign key ("session_id") references "training_session" ("id") on update cascade;`);
    this.addSql(`alter table "enrollment" add constraint "enrollment_participant_id_foreign" foreign key ("participant_id") references "participant" ("id") on update cascade;`);
  }
}
