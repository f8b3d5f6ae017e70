import { Migration } from '@mikro-orm/migrations';

/** Risk-analysis products (linked to operations by id) and asset deployments; table names are unqualified: the schema is provisioned, and owned, by the hub. */
export class Migration20261128032954Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "asset_deployment" ("id" uuid not null, "operation_id" uuid not null, "checkpoint_id" uuid null, "description" varchar(200) not null, "host_country" varchar(3) not null, "deployed_from" date not null, "deployed_until" date not null, "officers" int not null, "vessels" int not null, "aircraft" int not null, "vehicles" int not null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "asset_deployment_pkey" primary key ("id"), constraint asset_deployment_counts_check check (officers >= 0 and vessels >= 0 and aircraft >= 0 and vehicles >= 0), constraint asset_deployment_days_check check (deployed_until >= deployed_from));`);
    this.addSql(`create index "asset_deployment_operation_id_index" on "asset_deployment" ("operation_id");`);
    this.addSql(`create index "asset_deployment_checkpoint_id_index" on "asset_deployment" ("checkpoint_id");`);
    this.addSql(`create table "risk_analysis_product" ("id" uuid not null, "title" varchar(200) not null, "period_start" date not null, "period_end" date not null, "region" varchar(100) not null, "summary" text not null, "published_at" timestamptz not null, "operation_ids" uuid[] not null, "handling_owner" varchar(40) not null, "handling_classification" text check ("handling_classification" in ('OFFICIAL_USE', 'RESTRICTED', 'CONFIDENTIAL')) not null, "handling_releasable_to" text[] not null, constraint "risk_analysis_product_pkey" primary key ("id"), constraint risk_analysis_product_period_check check (period_end >= period_start));`);
    this.addSql(`create index "risk_analysis_product_operation_ids_index" on "risk_analysis_product" using gin ("operation_ids");`);
    this.addSql(`create index "risk_analysis_product_published_at_id_index" on "risk_analysis_product" ("published_at", "id");`);
  }
}
