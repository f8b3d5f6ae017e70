import { Ctx, Directive, Field, FieldResolver, ID, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import type { SubgraphContext } from './context';

/** An entity owned by another subgraph, as this one sees it: its key and nothing else. */
export interface EntityReference {
  id: string;
}

const OWNED_ELSEWHERE = {
  Operation: 'A joint operation of the task force at land, air or sea border checkpoints.',
  Checkpoint: 'A border crossing point where officers screen travellers during operations.',
} as const;

type OwnedElsewhere = keyof typeof OWNED_ELSEWHERE;

/**
 * Declares the stub of an entity owned by another subgraph (`@key(fields: "id")`, id only) so
 * this subgraph can add fields to it or point at it; the gateway fetches the rest from the owner.
 * A new class per call: each subgraph's schema gets its own, with only its own field resolvers.
 */
function entityReference(typeName: OwnedElsewhere) {
  @ObjectType(typeName, { description: OWNED_ELSEWHERE[typeName] })
  @Directive('@key(fields: "id")')
  class Reference implements EntityReference {
    @Field(() => ID, { description: 'Stable identifier.' })
    id!: string;
  }
  return Reference;
}

/** The key is all this subgraph needs of an entity owned elsewhere to add its fields. */
const keyOnly = (reference: Record<string, unknown>): EntityReference => ({ id: String(reference.id) });

/**
 * The entities owned by the operations subgraph, for a subgraph that extends or points at them:
 * their stubs (see {@link entityReference}) and what `defineSubgraph` needs for them, i.e.
 * `orphanedTypes` and key-only `references`.
 */
export function ownedElsewhere() {
  const Operation = entityReference('Operation');
  const Checkpoint = entityReference('Checkpoint');
  return {
    Operation,
    Checkpoint,
    orphanedTypes: [Operation, Checkpoint],
    references: { Operation: keyOnly, Checkpoint: keyOnly },
  };
}

/** A partner's field on one entity owned elsewhere: its type, and its value for that entity's id. */
export interface ShareField<Loaders> {
  type: ClassType<object>;
  description: string;
  share(id: string, ctx: SubgraphContext<Loaders>): object | Promise<object>;
}

/**
 * What a partner adds to the entities owned elsewhere: on each of them one field named after the
 * partner (`Operation.frontex`, `Checkpoint.frontex`), so partners never collide in the supergraph.
 * Returns the stubs of {@link ownedElsewhere} plus the `resolvers` that declare those fields.
 */
export function partnerShares<Loaders>(partner: string, fields: Partial<Record<OwnedElsewhere, ShareField<Loaders>>>) {
  const owned = ownedElsewhere();
  const resolvers = (Object.keys(fields) as OwnedElsewhere[]).map((typeName) => shareResolver(owned[typeName], partner, fields[typeName]!));
  return { ...owned, resolvers };
}

function shareResolver<Loaders>(reference: ClassType<EntityReference>, partner: string, field: ShareField<Loaders>): Function {
  @Resolver(() => reference)
  class ShareResolver {
    @FieldResolver(() => field.type, { name: partner, description: field.description })
    share(@Root() entity: EntityReference, @Ctx() ctx: SubgraphContext<Loaders>): object | Promise<object> {
      return field.share(entity.id, ctx);
    }
  }
  return ShareResolver;
}
