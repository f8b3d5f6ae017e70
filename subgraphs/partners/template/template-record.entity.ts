import { randomUUID } from 'node:crypto';
import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../../authorization/subgraph/handling';

@Entity({ tableName: 'record' })
@ObjectType('TemplateRecord', { description: 'A record Template Partner shares about a joint operation.' })
export class TemplateRecord {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ type: 'uuid', index: true })
  operationId!: string;

  @Property({ type: 'uuid', nullable: true, index: true })
  checkpointId?: string | null;

  @Property({ length: 200 })
  @Field({ description: 'Short title.' })
  title!: string;

  @Property({ type: 'text' })
  @Field({ description: 'What the partner reports.' })
  summary!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the partner reported it.' })
  reportedAt!: Date;

  @HandlingColumn('Owner, classification and releasability of the record.')
  handling!: Handling;
}
