import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Checkpoint } from './checkpoint.entity';
import { Operation } from './operation.entity';

@Entity({ tableName: 'deployment' })
@Index({ properties: ['checkpoint'] })
@ObjectType({ description: 'Officers assigned to a checkpoint for an operation over a time window.' })
export class Deployment {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Operation, { ref: true, index: true })
  operation!: Ref<Operation>;

  @ManyToOne(() => Checkpoint, { ref: true })
  checkpoint!: Ref<Checkpoint>;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'Start of the deployment.' })
  startsAt!: Date;

  @Property({ type: 'timestamptz' })
  @Field({ description: 'End of the deployment.' })
  endsAt!: Date;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Number of officers assigned.' })
  officersAssigned!: number;
}
