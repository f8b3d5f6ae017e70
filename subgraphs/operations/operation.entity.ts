import { randomUUID } from 'node:crypto';
import { Entity, Enum, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { LocalDate } from '../shared/scalars';
import { BorderType, OperationStatus, ScreeningDatabase } from './enums';
import { CrimeArea } from '../shared/crime-area';

@ObjectType({ description: 'A period between two calendar dates, both included.' })
export class Period {
  @Field(() => LocalDate, { description: 'First day.' })
  start!: string;

  @Field(() => LocalDate, { description: 'Last day (included).' })
  end!: string;
}

@Entity({ tableName: 'operation' })
@ObjectType({ description: 'A joint operation of the task force at land, air or sea border checkpoints.' })
@Directive('@key(fields: "id")')
export class Operation {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 40, unique: true })
  @Field({ description: 'Unique code, upper case, such as `SUNBIRD-IV`.' })
  code!: string;

  @Property({ length: 200 })
  @Field({ description: 'Display name.' })
  name!: string;

  @Enum({ items: () => OperationStatus })
  @Field(() => OperationStatus, { description: 'Where the operation stands in its life cycle.' })
  status: OperationStatus & Opt = OperationStatus.PLANNED;

  @Property({ type: 'date' })
  startsOn!: string;

  @Property({ type: 'date' })
  endsOn!: string;

  @Field(() => Period, { description: 'Days the operation runs, both ends included.' })
  get period(): Opt<Period> {
    return { start: this.startsOn, end: this.endsOn };
  }

  @Enum({ items: () => BorderType, array: true })
  @Field(() => [BorderType], { description: 'Kinds of border the operation covers.' })
  borderTypes!: BorderType[];

  @Enum({ items: () => CrimeArea, array: true })
  @Field(() => [CrimeArea], { description: 'Crime areas the operation targets.' })
  crimeAreas!: CrimeArea[];

  @Property({ length: 40 })
  @Field({ description: 'Code of the organisation leading the operation (e.g. `hub`, `ncb-tha`).' })
  leadOrganisation!: string;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Participating countries, ISO 3166-1 alpha-3.' })
  participatingCountries!: string[];

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Codes of the partner organisations taking part (e.g. `frontex`, `wco`).' })
  partnerOrganisations!: string[];

  @Enum({ items: () => ScreeningDatabase, array: true })
  @Field(() => [ScreeningDatabase], { description: 'Databases opened to officers at the checkpoints for this operation.' })
  databasesEnabled!: ScreeningDatabase[];

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the operation was recorded.' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  @Field(() => Date, { description: 'When the operation was last changed.' })
  updatedAt: Date & Opt = new Date();
}
