import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** An entity owned by another subgraph, as this one sees it: its key and nothing else. */
export interface EntityReference {
  id: string;
}

const OWNED_ELSEWHERE = {
  Operation: 'A joint operation of the task force at land, air or sea border checkpoints.',
  Checkpoint: 'A border crossing point where officers screen travellers during operations.',
} as const;

/**
 * Declares the stub of an entity owned by another subgraph (`@key(fields: "id")`, id only) so
 * this subgraph can add fields to it or point at it; the gateway fetches the rest from the owner.
 * A new class per call: each subgraph's schema gets its own, with only its own field resolvers.
 */
export function entityReference(typeName: keyof typeof OWNED_ELSEWHERE) {
  @ObjectType(typeName, { description: OWNED_ELSEWHERE[typeName] })
  @Directive('@key(fields: "id")')
  class Reference implements EntityReference {
    @Field(() => ID, { description: 'Stable identifier.' })
    id!: string;
  }
  return Reference;
}
