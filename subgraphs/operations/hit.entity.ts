import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, OneToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Policy, withPurpose } from '../../authorization/subgraph/policy';
import { Check } from './check.entity';
import { Checkpoint } from './checkpoint.entity';
import { DocumentAlert } from './document-alert.entity';
import { HitAction, HitStatus, ScreeningDatabase } from './enums';
import { Operation } from './operation.entity';
import { rolePolicy } from '../../authorization/policies';
import { Role } from '../../identity/principal';

@Entity({ tableName: 'hit' })
@Index({ properties: ['operation', 'status'] })
@Index({ properties: ['checkpoint'] })
@ObjectType({ description: 'A screening that matched a record; the record owner confirms or rejects it before any action. Border officers, NCB analysts and hub administrators, with a declared purpose.' })
@Policy(...[Role.BORDER_OFFICER, Role.NCB_ANALYST, Role.HUB_ADMIN].map((role) => withPurpose(rolePolicy(role))))
export class Hit {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @OneToOne(() => Check, { ref: true, owner: true })
  check!: Ref<Check>;

  @ManyToOne(() => DocumentAlert, { ref: true, index: true })
  alert!: Ref<DocumentAlert>;

  // Operation, checkpoint and database repeat the check's so that aggregates and filters need no join.
  @ManyToOne(() => Operation, { ref: true })
  operation!: Ref<Operation>;

  @ManyToOne(() => Checkpoint, { ref: true })
  checkpoint!: Ref<Checkpoint>;

  @Enum({ items: () => ScreeningDatabase })
  @Field(() => ScreeningDatabase, { description: 'Database that matched.' })
  database!: ScreeningDatabase;

  @Enum({ items: () => HitStatus })
  @Field(() => HitStatus, { description: 'Decision state.' })
  status: HitStatus & Opt = HitStatus.PENDING;

  @Enum({ items: () => HitAction, nullable: true })
  @Field(() => HitAction, { nullable: true, description: 'Action taken once decided; null while pending.' })
  actionTaken?: HitAction | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Free-text note recorded with the decision.' })
  decisionNote?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the screening matched.' })
  detectedAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the owner decided; null while pending.' })
  decidedAt?: Date | null;
}
