import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Role } from '../../identity';
import { fail, found } from '../shared/errors';
import { RequireRole } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { OperationStatus } from './enums';
import { Operation } from './operation.entity';
import { CreateDeploymentInput, UpdateDeploymentInput } from './operation.input';
import { changesOf, rules } from './operation.rules';
import type { OperationsLoaders } from './operations.loaders';

type Context = SubgraphContext<OperationsLoaders>;

/** A deployment window must fall within the operation's days (UTC). */
function withinPeriod(operation: Operation, startsAt: Date, endsAt: Date): void {
  rules.window(startsAt, endsAt);
  const first = new Date(`${operation.startsOn}T00:00:00Z`);
  const last = new Date(`${operation.endsOn}T23:59:59.999Z`);
  if (startsAt < first || endsAt > last) {
    throw fail.badInput(`the window must lie within operation ${operation.code}'s period ${operation.startsOn} to ${operation.endsOn} (UTC)`, 'startsAt');
  }
}

@Resolver(() => Deployment)
export class DeploymentResolver {
  @FieldResolver(() => Operation, { description: 'The operation.' })
  async operation(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<Operation> {
    return found(await ctx.loaders.operationById.load(deployment.operation.id), 'Operation', `id ${deployment.operation.id}`);
  }

  @FieldResolver(() => Checkpoint, { description: 'The checkpoint.' })
  async checkpoint(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<Checkpoint> {
    return found(await ctx.loaders.checkpointById.load(deployment.checkpoint.id), 'Checkpoint', `id ${deployment.checkpoint.id}`);
  }

  @Mutation(() => Deployment, { description: 'Deploys officers to a checkpoint for an operation that is not CLOSED.' })
  @RequireRole(Role.HUB_ADMIN)
  async createDeployment(@Ctx() ctx: Context, @Arg('input', () => CreateDeploymentInput) input: CreateDeploymentInput): Promise<Deployment> {
    const operation = found(await ctx.em.findOne(Operation, { id: input.operationId }), 'Operation', `id ${input.operationId}`);
    const checkpoint = found(await ctx.em.findOne(Checkpoint, { id: input.checkpointId }), 'Checkpoint', `id ${input.checkpointId}`);
    if (operation.status === OperationStatus.CLOSED) throw fail.conflict(`operation ${operation.code} is CLOSED: no new deployments`);
    withinPeriod(operation, input.startsAt, input.endsAt);
    rules.range('officersAssigned', input.officersAssigned, 1, 10_000);
    const deployment = ctx.em.create(Deployment, {
      operation,
      checkpoint,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      officersAssigned: input.officersAssigned,
    });
    await ctx.em.flush();
    return deployment;
  }

  @Mutation(() => Deployment, { description: 'Changes a deployment of an operation that is not CLOSED.' })
  @RequireRole(Role.HUB_ADMIN)
  async updateDeployment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Deployment to change.' }) id: string,
    @Arg('input', () => UpdateDeploymentInput) input: UpdateDeploymentInput,
  ): Promise<Deployment> {
    const deployment = found(await ctx.em.findOne(Deployment, { id }, { populate: ['operation'] }), 'Deployment', `id ${id}`);
    const operation = deployment.operation.getEntity();
    if (operation.status === OperationStatus.CLOSED) throw fail.conflict(`operation ${operation.code} is CLOSED: its deployments can no longer change`);
    withinPeriod(operation, input.startsAt ?? deployment.startsAt, input.endsAt ?? deployment.endsAt);
    rules.range('officersAssigned', input.officersAssigned ?? undefined, 1, 10_000);
    ctx.em.assign(deployment, changesOf(input));
    await ctx.em.flush();
    return deployment;
  }
}
