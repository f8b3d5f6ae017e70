import { randomUUID } from 'node:crypto';
import { Entity, Enum, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../authorization/subgraph/handling';
import { Policy, withPurpose } from '../../authorization/subgraph/policy';
import { CountryCode, LocalDate } from '../shared/scalars';
import { DocumentType, LossType } from './enums';

@Entity({ tableName: 'document_alert' })
@ObjectType({ description: 'A stolen or lost travel document recorded by the bureau of its issuing country.' })
export class DocumentAlert {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @Property({ length: 20 })
  @Field(() => String, { nullable: true, description: 'Document number as issued (upper case, no separators); null without RESTRICTED clearance and a declared purpose.' })
  @Policy(withPurpose('clearance:restricted'))
  documentNumber!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Issuing country.' })
  issuingCountry!: string;

  @Enum({ items: () => DocumentType })
  @Field(() => DocumentType, { description: 'Type of document.' })
  documentType!: DocumentType;

  @Enum({ items: () => LossType })
  @Field(() => LossType, { description: 'Why the document is recorded.' })
  lossType!: LossType;

  @Property({ type: 'date' })
  @Field(() => LocalDate, { description: 'When the loss or theft was reported.' })
  reportedOn!: string;

  /** Keyed hash of issuing country and number: screening matches on it, never on the clear number. */
  @Property({ length: 64, unique: true })
  lookupKey!: string;

  @HandlingColumn('Owner, classification and releasability of the record.')
  handling!: Handling;
}
