import { Migration } from '@mikro-orm/migrations';

/** Seizures, with route and restricted suspect columns; table names are unqualified: the schema is provisioned, and owned, by the hub. */
export class Migration20261128033013Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "seizure" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid not null, "case_reference" varchar(40) not null, "commodity" text check ("commodity" in ('FIREARMS', 'AMMUNITION', 'COCAINE', 'HEROIN', 'CANNABIS', 'METHAMPHETAMINE', 'AMPHETAMINE', 'PHARMACEUTICALS', 'CIGARETTES', 'CURRENCY', 'WILDLIFE', 'COUNTERFEIT_GOODS', 'FUEL')) not null, "quantity" numeric(14,3) not null, "unit" text check ("unit" in ('KG', 'LITRE', 'PIECE', 'EUR', 'USD')) not null, "concealment" text check ("concealment" in ('VEHICLE_COMPARTMENT', 'FUEL_TANK', 'CARGO_CONTAINER', 'MIXED_WITH_LEGITIMATE_CARGO', 'VESSEL_STRUCTURE', 'LUGGAGE', 'ON_BODY', 'POSTAL_PARCEL', 'UNCONCEALED')) not null, "route_origin" varchar(3) not null, "route_destination" varchar(3) not null, "seized_at" timestamptz not null, "suspect_nationality" varchar(3) null, "suspect_age_band" text check ("suspect_age_band" in ('UNDER_18', 'AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'AGE_55_PLUS')) null, "suspect_gender" text check ("suspect_gender" in ('FEMALE', 'MALE', 'UNKNOWN')) null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "seizure_pkey" primary key ("id"), constraint seizure_quantity_check check (quantity > 0));`);
    this.addSql(`create index "seizure_operation_id_index" on "seizure" ("operation_id");`);
    this.addSql(`create index "seizure_checkpoint_id_index" on "seizure" ("checkpoint_id");`);
    this.addSql(`alter table "seizure" add constraint "seizure_case_reference_unique" unique ("case_reference");`);
    this.addSql(`create index "seizure_seized_at_id_index" on "seizure" ("seized_at", "id");`);
  }
}
