import { Embeddable, Embedded, Enum, Property } from '@mikro-orm/core';
import { Directive, Field, ObjectType, registerEnumType } from 'type-graphql';
import { Classification } from '../../identity/principal';

// Records are classified on the same scale as callers are cleared (identity/principal.ts).
export { Classification };
registerEnumType(Classification, {
  name: 'Classification',
  description: 'How sensitive a record is, lowest first: OFFICIAL_USE < RESTRICTED < CONFIDENTIAL.',
});

/**
 * Who owns a record and to whom it may be released. Every sensitive record carries one; the access
 * layer filters and masks rows by it in lists, lookups, aggregates and `_entities` alike.
 */
@Embeddable()
@Directive('@shareable')
@ObjectType({ description: "A record's handling: its owner organisation, classification and the organisations it is released to." })
export class Handling {
  @Property({ length: 40 })
  @Field({ description: 'Code of the organisation that owns the record (e.g. `ncb-fra`, `wco`); it always sees it.' })
  owner!: string;

  @Enum({ items: () => Classification, nativeEnumName: undefined })
  @Field(() => Classification, { description: 'Classification; a caller needs at least this clearance.' })
  classification!: Classification;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Organisation codes the owner released the record to; `*` releases it to every organisation of the hub.' })
  releasableTo!: string[];
}

/**
 * Declares an entity's `handling`: the embedded columns (`handling_owner`, `handling_classification`,
 * `handling_releasable_to`) and the GraphQL field, so every sensitive record stores it alike.
 */
export function HandlingColumn(description: string): PropertyDecorator {
  const embedded = Embedded(() => Handling, { prefix: 'handling_' });
  const field = Field(() => Handling, { description });
  return (target, key) => {
    embedded(target, key as string);
    field(target, key);
  };
}
