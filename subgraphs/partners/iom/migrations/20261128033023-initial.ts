import { Migration } from '@mikro-orm/migrations';

/** Referrals of presumed victims of trafficking (confidential); table names are unqualified: the schema is provisioned, and owned, by the hub. */
export class Migration20261128033023Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "referral" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid null, "referred_at" timestamptz not null, "nationality" varchar(3) not null, "age_band" text check ("age_band" in ('UNDER_12', 'AGE_12_17', 'AGE_18_24', 'AGE_25_34', 'AGE_35_PLUS')) not null, "gender" text check ("gender" in ('FEMALE', 'MALE', 'UNDISCLOSED')) not null, "needs" text[] not null, "referred_to" text check ("referred_to" in ('NATIONAL_ANTI_TRAFFICKING_AGENCY', 'GOVERNMENT_SHELTER', 'NGO_SHELTER', 'HEALTH_FACILITY', 'CHILD_PROTECTION_SERVICE', 'LEGAL_AID_PROVIDER', 'ASSISTED_VOLUNTARY_RETURN')) not null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "referral_pkey" primary key ("id"));`);
    this.addSql(`create index "referral_operation_id_index" on "referral" ("operation_id");`);
    this.addSql(`create index "referral_checkpoint_id_index" on "referral" ("checkpoint_id");`);
    this.addSql(`create index "referral_referred_at_id_index" on "referral" ("referred_at", "id");`);
  }
}
