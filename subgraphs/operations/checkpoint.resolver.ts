import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import { Role } from '../../identity';
import { fail, found } from '../shared/errors';
import { RequireRole } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { CheckpointFilter, CreateCheckpointInput, UpdateCheckpointInput } from './operation.input';
import { changesOf, rules } from './operation.rules';
import type { OperationsLoaders } from './operations.loaders';

type Context = SubgraphContext<OperationsLoaders>;

const CheckpointConnection = Connection(Checkpoint, 'A page of checkpoints, ordered by country then name.');

function validatePlace(input: { name?: string; place?: string; latitude?: number; longitude?: number }): void {
  rules.text('name', input.name);
  rules.text('place', input.place);
  rules.range('latitude', input.latitude, -90, 90);
  rules.range('longitude', input.longitude, -180, 180);
}

@Resolver(() => Checkpoint)
export class CheckpointResolver {
  @Query(() => Checkpoint, { nullable: true, description: 'One checkpoint by id; null when none matches.' })
  checkpoint(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier.' }) id: string): Promise<Checkpoint | null> {
    return ctx.loaders.checkpointById.load(id);
  }

  @Query(() => CheckpointConnection, { description: 'Checkpoints matching the filter, ordered by country then name.' })
  async checkpoints(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => CheckpointFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: CheckpointFilter,
  ) {
    const keyset = keysetPage<Checkpoint>(page, 'asc', { country: 'text', name: 'text' });
    const where: FilterQuery<Checkpoint>[] = [];
    if (filter?.country) where.push({ country: filter.country });
    if (filter?.borderType) where.push({ borderType: filter.borderType });
    const rows = await keyset.find(ctx.em, Checkpoint, where);
    for (const row of rows) ctx.loaders.checkpointById.prime(row.id, row);
    return keyset.connection(rows);
  }

  @FieldResolver(() => [Deployment], { description: 'Deployments at this checkpoint, by start time.' })
  deployments(@Root() checkpoint: Checkpoint, @Ctx() ctx: Context): Promise<Deployment[]> {
    return ctx.loaders.deploymentsByCheckpoint.load(checkpoint.id);
  }

  @Mutation(() => Checkpoint, { description: 'Records a checkpoint. Refused with CONFLICT when the country has one of that name.' })
  @RequireRole(Role.HUB_ADMIN)
  async createCheckpoint(@Ctx() ctx: Context, @Arg('input', () => CreateCheckpointInput) input: CreateCheckpointInput): Promise<Checkpoint> {
    validatePlace(input);
    if (await ctx.em.count(Checkpoint, { country: input.country, name: input.name })) {
      throw fail.conflict(`${input.country} already has a checkpoint named "${input.name}"`);
    }
    const checkpoint = ctx.em.create(Checkpoint, { ...input });
    await ctx.em.flush();
    return checkpoint;
  }

  @Mutation(() => Checkpoint, { description: 'Changes a checkpoint.' })
  @RequireRole(Role.HUB_ADMIN)
  async updateCheckpoint(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Checkpoint to change.' }) id: string,
    @Arg('input', () => UpdateCheckpointInput) input: UpdateCheckpointInput,
  ): Promise<Checkpoint> {
    const checkpoint = found(await ctx.em.findOne(Checkpoint, { id }), 'Checkpoint', `id ${id}`);
    validatePlace(input);
    ctx.em.assign(checkpoint, changesOf(input));
    await ctx.em.flush();
    return checkpoint;
  }
}
