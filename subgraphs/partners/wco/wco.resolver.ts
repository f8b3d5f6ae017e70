import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../../shared/connection';
import { partnerShares, type EntityReference } from '../../shared/federation';
import type { SubgraphContext } from '../../shared/context';
import { Seizure, SeizureCommodity, SeizureUnit } from './wco-seizure.entity';
import type { WcoLoaders } from './wco.loaders';

type Context = SubgraphContext<WcoLoaders>;

@ObjectType('CommoditySeizures', { description: 'Seizures of one commodity measured in one unit, counted and summed.' })
export class CommoditySeizures {
  @Field(() => SeizureCommodity, { description: 'The commodity.' })
  commodity!: SeizureCommodity;

  @Field(() => SeizureUnit, { description: 'Unit of `totalQuantity` (a commodity seized in several units has one entry per unit).' })
  unit!: SeizureUnit;

  @Field(() => Int, { description: 'Seizures of the commodity in this unit.' })
  seizureCount!: number;

  @Field(() => Float, { description: 'Quantity seized, summed over those seizures.' })
  totalQuantity!: number;
}

const COMMODITY_ORDER = Object.values(SeizureCommodity);
const UNIT_ORDER = Object.values(SeizureUnit);

/**
 * Counted from the same rows `seizures` returns (read through the releasability filter), so the
 * figures never include a seizure the caller may not see.
 */
function byCommodity(seizures: Seizure[]): CommoditySeizures[] {
  const groups = new Map<string, CommoditySeizures>();
  for (const seizure of seizures) {
    const key = `${seizure.commodity}:${seizure.unit}`;
    const group = groups.get(key) ?? { commodity: seizure.commodity, unit: seizure.unit, seizureCount: 0, totalQuantity: 0 };
    group.seizureCount += 1;
    group.totalQuantity += seizure.quantity;
    groups.set(key, group);
  }
  const rank = (g: CommoditySeizures) => COMMODITY_ORDER.indexOf(g.commodity) * UNIT_ORDER.length + UNIT_ORDER.indexOf(g.unit);
  // Sums of decimals with three places: round away binary floating-point noise.
  return [...groups.values()].sort((a, b) => rank(a) - rank(b)).map((g) => ({ ...g, totalQuantity: Math.round(g.totalQuantity * 1000) / 1000 }));
}

// A share only carries the key it was reached from; each field loads what it needs (in batches).

@ObjectType('WcoShare', { description: 'What the customs organisation shares about one operation.' })
export class WcoShare {
  operationId!: string;
}

@ObjectType('WcoCheckpointShare', { description: 'What the customs organisation shares about one checkpoint.' })
export class WcoCheckpointShare {
  checkpointId!: string;
}

export const shares = partnerShares<WcoLoaders>('wco', {
  Operation: {
    type: WcoShare,
    description: 'The customs organisation\'s contribution to this operation: its seizures.',
    share: (operationId): WcoShare => ({ operationId }),
  },
  Checkpoint: {
    type: WcoCheckpointShare,
    description: 'The customs organisation\'s seizures at this checkpoint.',
    share: (checkpointId): WcoCheckpointShare => ({ checkpointId }),
  },
});
const { Operation: OperationReference, Checkpoint: CheckpointReference } = shares;

const SeizureConnection = Connection(Seizure, 'A page of seizures, newest first.');

@Resolver(() => WcoShare)
export class WcoShareResolver {
  @FieldResolver(() => [Seizure], { description: 'Seizures made during the operation, oldest first.' })
  async seizures(@Root() share: WcoShare, @Ctx() ctx: Context): Promise<Seizure[]> {
    return ctx.loaders.seizuresByOperation.load(share.operationId);
  }

  @FieldResolver(() => Int, { description: 'How many seizures were made during the operation (the length of `seizures`).' })
  seizureCount(@Root() share: WcoShare, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.seizureCountByOperation.load(share.operationId);
  }

  @FieldResolver(() => [CommoditySeizures], { description: 'Seizures per commodity and unit, in the order of `SeizureCommodity`.' })
  async byCommodity(@Root() share: WcoShare, @Ctx() ctx: Context): Promise<CommoditySeizures[]> {
    return byCommodity(await this.seizures(share, ctx));
  }
}

@Resolver(() => WcoCheckpointShare)
export class WcoCheckpointShareResolver {
  @FieldResolver(() => [Seizure], { description: 'Seizures made at the checkpoint (in any operation), oldest first.' })
  async seizures(@Root() share: WcoCheckpointShare, @Ctx() ctx: Context): Promise<Seizure[]> {
    return ctx.loaders.seizuresByCheckpoint.load(share.checkpointId);
  }
}

@Resolver(() => Seizure)
export class SeizureResolver {
  @Query(() => SeizureConnection, { name: 'wcoSeizures', description: 'The customs organisation\'s seizures, newest first, optionally for one operation or commodity.' })
  async seizures(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('operationId', () => ID, { nullable: true, description: 'Only seizures made during this operation.' }) operationId?: string,
    @Arg('commodity', () => SeizureCommodity, { nullable: true, description: 'Only seizures of this commodity.' }) commodity?: SeizureCommodity,
  ) {
    const keyset = keysetPage<Seizure>(page, 'desc', { seizedAt: 'time', id: 'uuid' });
    const where = [operationId ? { operationId } : {}, commodity ? { commodity } : {}];
    const rows = await keyset.find(ctx.em, Seizure, where);
    return keyset.connection(rows);
  }

  @FieldResolver(() => OperationReference, { description: 'The operation during which the goods were seized.' })
  operation(@Root() seizure: Seizure): EntityReference {
    return { id: seizure.operationId };
  }

  @FieldResolver(() => CheckpointReference, { description: 'The checkpoint where the goods were seized.' })
  checkpoint(@Root() seizure: Seizure): EntityReference {
    return { id: seizure.checkpointId };
  }
}
