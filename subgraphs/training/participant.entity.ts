import { randomUUID } from 'node:crypto';
import { Collection, Entity, OneToMany, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../authorization/subgraph/handling';
import { Policy, withPurpose } from '../../authorization/subgraph/policy';
import { CountryCode } from '../shared/scalars';
import { Enrollment } from './enrollment.entity';
import { rolePolicy } from '../../authorization/policies';
import { Role } from '../../identity/principal';

/**
 * Personal data: every participant carries handling (owner: the officer's agency, RESTRICTED), so
 * the access layer can filter and mask participants like any other sensitive record.
 */
@Entity({ tableName: 'participant' })
@Unique({ properties: ['agency', 'serviceNumber'] })
@ObjectType({ description: 'An officer who takes part in training. Personal data: owned by the officer\'s agency and protected by its handling.' })
@Policy(...[Role.TRAINER, Role.HUB_ADMIN, Role.NCB_ANALYST].map((role) => withPurpose(rolePolicy(role))))
@Directive('@key(fields: "id")')
export class Participant {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 200 })
  @Field({ description: 'Full name as the agency records it.' })
  fullName!: string;

  @Property({ length: 80 })
  @Field({ description: 'Rank or grade, such as `Police Lieutenant` or `Senior Immigration Officer`.' })
  rank!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country the officer serves.' })
  country!: string;

  @Property({ length: 40 })
  @Field({ description: 'Code of the officer\'s organisation in the hub, such as `ncb-tha`; it owns this record.' })
  agency!: string;

  @Property({ length: 40 })
  @Field({ description: 'The officer\'s service number, unique within the agency.' })
  serviceNumber!: string;

  /** A checkpoint of the operations subgraph, so only its id is kept here (no foreign key). */
  @Property({ type: 'uuid', nullable: true, index: true })
  checkpointId?: string | null;

  @HandlingColumn('Owner (the agency), classification and releasability of this personal record.')
  handling!: Handling;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the participant was first recorded.' })
  createdAt: Date & Opt = new Date();

  @OneToMany(() => Enrollment, (enrollment) => enrollment.participant)
  enrollments = new Collection<Enrollment>(this);
}
