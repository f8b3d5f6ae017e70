import { randomUUID } from 'node:crypto';
import { Entity, Enum, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Directive, Field, Float, ID, ObjectType } from 'type-graphql';
import { Policy } from '../../authorization/subgraph/policy';
import { CountryCode } from '../shared/scalars';
import { BorderType } from './enums';

@ObjectType({ description: 'Where a checkpoint is: place name and WGS 84 coordinates.' })
export class Location {
  @Field({ description: 'Place name, such as the airport or the crossing.' })
  place!: string;

  @Field(() => Float, { description: 'Latitude in decimal degrees (WGS 84).' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude in decimal degrees (WGS 84).' })
  longitude!: number;
}

@Entity({ tableName: 'checkpoint' })
@Unique({ properties: ['country', 'name'] })
@ObjectType({ description: 'A border crossing point where officers screen travellers during operations.' })
@Directive('@key(fields: "id")')
export class Checkpoint {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 200 })
  @Field({ description: 'Name of the crossing point, unique within its country.' })
  name!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country the checkpoint is in.' })
  country!: string;

  @Enum({ items: () => BorderType })
  @Field(() => BorderType, { description: 'Air, land or sea crossing.' })
  borderType!: BorderType;

  @Property({ length: 200 })
  place!: string;

  @Property({ type: 'double' })
  latitude!: number;

  @Property({ type: 'double' })
  longitude!: number;

  @Field(() => Location, { nullable: true, description: 'Where the checkpoint is; restricted: null without RESTRICTED clearance.' })
  @Policy(['clearance:restricted'])
  get location(): Opt<Location> {
    return { place: this.place, latitude: this.latitude, longitude: this.longitude };
  }
}
