import { randomUUID } from 'node:crypto';
import { Check, Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { CountryCode, LocalDate } from '../shared/scalars';
import { Course } from './course.entity';
import { TrainingSessionStatus } from './enums';
import { sessionStatus } from './training.rules';

@Entity({ tableName: 'training_session' })
@Index({ properties: ['startsOn', 'id'] })
@Check({ name: 'training_session_days_check', expression: 'ends_on >= starts_on' })
@Check({ name: 'training_session_capacity_check', expression: 'capacity >= 1 and capacity <= 500' })
@ObjectType({ description: 'One run of a course: where and when it is taught, by whom, and the operation in which it is practised.' })
@Directive('@key(fields: "id")')
export class TrainingSession {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Course, { ref: true, index: true })
  course!: Ref<Course>;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'First training day.' })
  startsOn!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'Last training day (included).' })
  endsOn!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country where the session is held.' })
  hostCountry!: string;

  @Property({ length: 200 })
  @Field({ description: 'Venue and city, such as `Police Academy, Accra`.' })
  place!: string;

  @Property({ length: 40 })
  @Field({ description: 'Code of the organisation that delivers the training (e.g. `hub`, `iom`, `wco`).' })
  trainerOrganisation!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Most participants the session takes (1 to 500).' })
  capacity!: number;

  /** Owned by the operations subgraph, so only its id is kept here (no foreign key). */
  @Property({ type: 'uuid', nullable: true, index: true })
  operationId?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the session was cancelled; null unless it was.' })
  cancelledAt?: Date | null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the session was scheduled.' })
  createdAt: Date & Opt = new Date();

  @Field(() => TrainingSessionStatus, { description: 'Where the session stands today (UTC), from its days and whether it was cancelled.' })
  get status(): Opt<TrainingSessionStatus> {
    return sessionStatus(this);
  }
}
