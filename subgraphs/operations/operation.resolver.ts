import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import { Role } from '../../identity';
import { fail, found } from '../shared/errors';
import { RequireRole } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { OperationStatus } from './enums';
import { Operation } from './operation.entity';
import { CreateOperationInput, OperationFilter, UpdateOperationInput } from './operation.input';
import { changesOf, rules } from './operation.rules';
import type { OperationsLoaders } from './operations.loaders';
import { OperationResults } from './results.type';

type Context = SubgraphContext<OperationsLoaders>;

const OperationConnection = Connection(Operation, 'A page of operations, ordered by code.');

@Resolver(() => Operation)
export class OperationResolver {
  @Query(() => Operation, { nullable: true, description: 'One operation by `id` or by `code` (exactly one of them); null when none matches.' })
  async operation(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true, description: 'Identifier.' }) id?: string,
    @Arg('code', () => String, { nullable: true, description: 'Code, such as `SUNBIRD-IV`.' }) code?: string,
  ): Promise<Operation | null> {
    if ((id == null) === (code == null)) throw fail.badInput('give exactly one of id or code');
    if (id != null) return ctx.loaders.operationById.load(id);
    return ctx.em.findOne(Operation, { code: code! });
  }

  @Query(() => OperationConnection, { description: 'Operations matching the filter, ordered by code, as a Relay connection.' })
  async operations(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => OperationFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: OperationFilter,
  ) {
    const keyset = keysetPage<Operation>(page, 'asc', { code: 'text' });
    const where: FilterQuery<Operation> = {};
    if (filter?.status) where.status = filter.status;
    if (filter?.borderType) where.borderTypes = { $contains: [filter.borderType] };
    if (filter?.crimeArea) where.crimeAreas = { $contains: [filter.crimeArea] };
    if (filter?.country) where.participatingCountries = { $contains: [filter.country] };
    if (filter?.partnerOrganisation) where.partnerOrganisations = { $contains: [filter.partnerOrganisation] };
    const rows = await keyset.find(ctx.em, Operation, [where]);
    for (const row of rows) ctx.loaders.operationById.prime(row.id, row);
    return keyset.connection(rows);
  }

  @FieldResolver(() => [Deployment], { description: 'Deployments of officers to checkpoints, by start time.' })
  deployments(@Root() operation: Operation, @Ctx() ctx: Context): Promise<Deployment[]> {
    return ctx.loaders.deploymentsByOperation.load(operation.id);
  }

  @FieldResolver(() => [Checkpoint], { description: 'Checkpoints where the operation deploys officers (each once).' })
  async checkpoints(@Root() operation: Operation, @Ctx() ctx: Context): Promise<Checkpoint[]> {
    const deployments = await ctx.loaders.deploymentsByOperation.load(operation.id);
    const ids = [...new Set(deployments.map((d) => d.checkpoint.id))];
    const checkpoints = await ctx.loaders.checkpointById.loadMany(ids);
    return checkpoints.filter((c): c is Checkpoint => c instanceof Checkpoint);
  }

  @FieldResolver(() => OperationResults, { description: 'Aggregate results so far, counted from checks and hits.' })
  results(@Root() operation: Operation, @Ctx() ctx: Context): Promise<OperationResults> {
    return ctx.loaders.resultsByOperation.load(operation.id);
  }

  @Mutation(() => Operation, { description: 'Creates a PLANNED operation. Refused with CONFLICT when the code exists.' })
  @RequireRole(Role.HUB_ADMIN)
  async createOperation(@Ctx() ctx: Context, @Arg('input', () => CreateOperationInput) input: CreateOperationInput): Promise<Operation> {
    rules.operationCode(input.code);
    rules.text('name', input.name);
    rules.period(input.startsOn, input.endsOn);
    for (const field of ['borderTypes', 'crimeAreas', 'participatingCountries', 'databasesEnabled'] as const) rules.nonEmpty(field, input[field]);
    rules.organisations('leadOrganisation', [input.leadOrganisation]);
    rules.organisations('partnerOrganisations', input.partnerOrganisations);
    if (await ctx.em.count(Operation, { code: input.code })) throw fail.conflict(`an operation with code ${input.code} exists; codes are unique`);
    const operation = ctx.em.create(Operation, { ...input });
    await ctx.em.flush();
    return operation;
  }

  @Mutation(() => Operation, { description: 'Changes an operation that is not CLOSED.' })
  @RequireRole(Role.HUB_ADMIN)
  async updateOperation(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Operation to change.' }) id: string,
    @Arg('input', () => UpdateOperationInput) input: UpdateOperationInput,
  ): Promise<Operation> {
    const operation = found(await ctx.em.findOne(Operation, { id }), 'Operation', `id ${id}`);
    if (operation.status === OperationStatus.CLOSED) throw fail.conflict(`operation ${operation.code} is CLOSED and can no longer change`);
    rules.text('name', input.name);
    for (const field of ['borderTypes', 'crimeAreas', 'participatingCountries', 'databasesEnabled'] as const) rules.nonEmpty(field, input[field]);
    rules.organisations('partnerOrganisations', input.partnerOrganisations);
    const changes = changesOf(input);
    rules.period(changes.startsOn ?? operation.startsOn, changes.endsOn ?? operation.endsOn);
    ctx.em.assign(operation, changes);
    await ctx.em.flush();
    return operation;
  }

  @Mutation(() => Operation, { description: 'Moves an operation along its life cycle: PLANNED → ACTIVE → CLOSED, or PLANNED → CLOSED.' })
  @RequireRole(Role.HUB_ADMIN)
  async setOperationStatus(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { description: 'Operation.' }) id: string,
    @Arg('status', () => OperationStatus, { description: 'New status.' }) status: OperationStatus,
  ): Promise<Operation> {
    const operation = found(await ctx.em.findOne(Operation, { id }), 'Operation', `id ${id}`);
    rules.transition(operation.status, status);
    operation.status = status;
    await ctx.em.flush();
    return operation;
  }
}
