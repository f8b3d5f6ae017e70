import { randomUUID } from 'node:crypto';
import { Check, Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../../authorization/subgraph/handling';
import { CountryCode, LocalDate } from '../../shared/scalars';

@Entity({ tableName: 'asset_deployment' })
@Check({ name: 'asset_deployment_days_check', expression: 'deployed_until >= deployed_from' })
@Check({ name: 'asset_deployment_counts_check', expression: 'officers >= 0 and vessels >= 0 and aircraft >= 0 and vehicles >= 0' })
@ObjectType('AssetDeployment', {
  description: 'Officers and equipment the border and coast guard agency deploys to an operation, at one checkpoint or in support of the whole operation.',
})
export class AssetDeployment {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  /** Owned by the operations subgraph, so only its id is kept here (no foreign key). */
  @Property({ type: 'uuid', index: true })
  operationId!: string;

  /** Null for assets supporting the whole operation (e.g. a surveillance aircraft). */
  @Property({ type: 'uuid', nullable: true, index: true })
  checkpointId?: string | null;

  @Property({ length: 200 })
  @Field({ description: 'What was deployed, such as `Offshore patrol vessel with boarding team`.' })
  description!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country that hosts the deployment.' })
  hostCountry!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'First day of the deployment.' })
  deployedFrom!: string;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'Last day (included) of the deployment.' })
  deployedUntil!: string;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Officers deployed (standing corps and seconded national officers).' })
  officers!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Patrol vessels deployed.' })
  vessels!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Aircraft deployed (fixed-wing, helicopters and drones).' })
  aircraft!: number;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Vehicles deployed (patrol cars, thermo-vision and document-examination vans).' })
  vehicles!: number;

  @HandlingColumn('Owner, classification and releasability of the deployment record.')
  handling!: Handling;
}
