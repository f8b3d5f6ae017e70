import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../../shared/connection';
import { partnerShares, type EntityReference } from '../../shared/federation';
import type { SubgraphContext } from '../../shared/context';
import { AssetDeployment } from './frontex-asset-deployment.entity';
import { RiskAnalysisProduct } from './frontex-risk-analysis.entity';
import type { FrontexLoaders } from './frontex.loaders';

type Context = SubgraphContext<FrontexLoaders>;

@ObjectType('AssetTotals', { description: 'Sums over a list of asset deployments.' })
export class AssetTotals {
  @Field(() => Int, { description: 'Deployments counted.' })
  deployments!: number;

  @Field(() => Int, { description: 'Officers, summed over the deployments.' })
  officers!: number;

  @Field(() => Int, { description: 'Patrol vessels, summed over the deployments.' })
  vessels!: number;

  @Field(() => Int, { description: 'Aircraft, summed over the deployments.' })
  aircraft!: number;

  @Field(() => Int, { description: 'Vehicles, summed over the deployments.' })
  vehicles!: number;
}

/** Totals are summed from the same rows `assets` returns, so the two always agree. */
function totalsOf(assets: AssetDeployment[]): AssetTotals {
  const totals: AssetTotals = { deployments: assets.length, officers: 0, vessels: 0, aircraft: 0, vehicles: 0 };
  for (const asset of assets) {
    totals.officers += asset.officers;
    totals.vessels += asset.vessels;
    totals.aircraft += asset.aircraft;
    totals.vehicles += asset.vehicles;
  }
  return totals;
}

// A share only carries the key it was reached from; each field loads what it needs (in batches),
// so asking for `riskAnalyses` alone never reads the assets.

@ObjectType('FrontexShare', { description: 'What the border and coast guard agency shares about one operation.' })
export class FrontexShare {
  operationId!: string;
}

@ObjectType('FrontexCheckpointShare', { description: 'What the border and coast guard agency shares about one checkpoint.' })
export class FrontexCheckpointShare {
  checkpointId!: string;
}

export const shares = partnerShares<FrontexLoaders>('frontex', {
  Operation: {
    type: FrontexShare,
    description: 'The border and coast guard agency\'s contribution to this operation: risk analyses and assets.',
    share: (operationId): FrontexShare => ({ operationId }),
  },
  Checkpoint: {
    type: FrontexCheckpointShare,
    description: 'The border and coast guard agency\'s assets deployed at this checkpoint.',
    share: (checkpointId): FrontexCheckpointShare => ({ checkpointId }),
  },
});
const { Operation: OperationReference, Checkpoint: CheckpointReference } = shares;

const RiskAnalysisProductConnection = Connection(RiskAnalysisProduct, 'A page of risk-analysis products, newest first.');

@Resolver(() => FrontexShare)
export class FrontexShareResolver {
  @FieldResolver(() => [RiskAnalysisProduct], { description: 'Risk-analysis products that inform the operation, earliest period first.' })
  async riskAnalyses(@Root() share: FrontexShare, @Ctx() ctx: Context): Promise<RiskAnalysisProduct[]> {
    return ctx.loaders.riskAnalysesByOperation.load(share.operationId);
  }

  @FieldResolver(() => [AssetDeployment], { description: 'Assets deployed to the operation, by first day.' })
  async assets(@Root() share: FrontexShare, @Ctx() ctx: Context): Promise<AssetDeployment[]> {
    return ctx.loaders.assetsByOperation.load(share.operationId);
  }

  @FieldResolver(() => AssetTotals, { description: 'Officers, vessels, aircraft and vehicles summed over `assets`.' })
  async totals(@Root() share: FrontexShare, @Ctx() ctx: Context): Promise<AssetTotals> {
    return totalsOf(await ctx.loaders.assetsByOperation.load(share.operationId));
  }
}

@Resolver(() => FrontexCheckpointShare)
export class FrontexCheckpointShareResolver {
  @FieldResolver(() => [AssetDeployment], { description: 'Assets deployed at the checkpoint (in any operation), by first day.' })
  async assets(@Root() share: FrontexCheckpointShare, @Ctx() ctx: Context): Promise<AssetDeployment[]> {
    return ctx.loaders.assetsByCheckpoint.load(share.checkpointId);
  }

  @FieldResolver(() => AssetTotals, { description: 'Officers, vessels, aircraft and vehicles summed over `assets`.' })
  async totals(@Root() share: FrontexCheckpointShare, @Ctx() ctx: Context): Promise<AssetTotals> {
    return totalsOf(await ctx.loaders.assetsByCheckpoint.load(share.checkpointId));
  }
}

@Resolver(() => RiskAnalysisProduct)
export class RiskAnalysisProductResolver {
  @Query(() => RiskAnalysisProductConnection, { name: 'frontexRiskAnalyses', description: 'The border and coast guard agency\'s risk-analysis products, newest first, optionally for one operation.' })
  async riskAnalyses(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('operationId', () => ID, { nullable: true, description: 'Only products that inform this operation.' }) operationId?: string,
  ) {
    const keyset = keysetPage<RiskAnalysisProduct>(page, 'desc', { publishedAt: 'time', id: 'uuid' });
    const where = [operationId ? { operationIds: { $contains: [operationId] } } : {}];
    const rows = await keyset.find(ctx.em, RiskAnalysisProduct, where);
    return keyset.connection(rows);
  }

  @FieldResolver(() => [OperationReference], { description: 'The operations the product informs.' })
  operations(@Root() product: RiskAnalysisProduct): EntityReference[] {
    return product.operationIds.map((id) => ({ id }));
  }
}

@Resolver(() => AssetDeployment)
export class AssetDeploymentResolver {
  @FieldResolver(() => OperationReference, { description: 'The operation the assets are deployed to.' })
  operation(@Root() asset: AssetDeployment): EntityReference {
    return { id: asset.operationId };
  }

  @FieldResolver(() => CheckpointReference, { nullable: true, description: 'The checkpoint the assets are deployed at; null for assets supporting the whole operation.' })
  checkpoint(@Root() asset: AssetDeployment): EntityReference | null {
    return asset.checkpointId ? { id: asset.checkpointId } : null;
  }
}
