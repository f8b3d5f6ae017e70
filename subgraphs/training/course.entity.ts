import { randomUUID } from 'node:crypto';
import { Entity, Enum, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CourseLevel } from './enums';
import { CrimeArea } from '../shared/crime-area';

@Entity({ tableName: 'course' })
@ObjectType({ description: 'A course in the training catalogue, taught in one or more sessions.' })
export class Course {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 20, unique: true })
  @Field({ description: 'Unique catalogue code, such as `TDF-B`; it prefixes the certificate numbers of the course.' })
  code!: string;

  @Property({ length: 200 })
  @Field({ description: 'Title as printed on certificates.' })
  title!: string;

  @Enum({ items: () => CrimeArea })
  @Field(() => CrimeArea, { description: 'Crime area the course prepares officers for.' })
  domain!: CrimeArea;

  @Enum({ items: () => CourseLevel })
  @Field(() => CourseLevel, { description: 'Who the course is for.' })
  level!: CourseLevel;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Length of the course in training days.' })
  durationDays!: number;

  @Property({ type: 'text' })
  @Field({ description: 'What the course covers and what participants practise.' })
  description!: string;
}
