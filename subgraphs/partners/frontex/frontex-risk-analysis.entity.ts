import { randomUUID } from 'node:crypto';
import { ArrayType, Check, Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../../authorization/subgraph/handling';
import { LocalDate } from '../../shared/scalars';

@Entity({ tableName: 'risk_analysis_product' })
@Index({ properties: ['publishedAt', 'id'] })
@Check({ name: 'risk_analysis_product_period_check', expression: 'period_end >= period_start' })
@ObjectType('RiskAnalysisProduct', {
  description: 'A risk-analysis product of the border and coast guard agency: its assessment of a region over a period, shared with the operations it informs.',
})
export class RiskAnalysisProduct {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 200 })
  @Field({ description: 'Title, such as `Western Balkans quarterly risk analysis, Q1 2026`.' })
  title!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'First day of the period the analysis covers.' })
  periodStart!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'Last day (included) of the period the analysis covers.' })
  periodEnd!: string;

  @Property({ length: 100 })
  @Field({ description: 'Region the analysis covers, such as `Western Balkans` or `Gulf of Guinea`.' })
  region!: string;

  @Property({ type: 'text' })
  @Field({ description: 'Key findings: routes, modi operandi and indicators the analysis reports.' })
  summary!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the agency published the product.' })
  publishedAt!: Date;

  /** Operations the product informs; owned by the operations subgraph, so only their ids are kept. */
  @Property({ type: ArrayType, columnType: 'uuid[]' })
  @Index({ type: 'gin' })
  operationIds!: string[];

  @HandlingColumn('Owner, classification and releasability of the product (its classification and releasable-to list).')
  handling!: Handling;
}
