import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, Field, FieldResolver, Float, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import { Role, type Principal } from '../../identity';
import { fail, found } from '../shared/errors';
import { RequireRoleWithPurpose } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Check } from './check.entity';
import { Checkpoint } from './checkpoint.entity';
import { Deployment } from './deployment.entity';
import { DocumentAlert } from './document-alert.entity';
import { HitStatus, OperationStatus, ScreeningDatabase } from './enums';
import { Hit } from './hit.entity';
import { Operation } from './operation.entity';
import { ConfirmHitInput, HitFilter, RejectHitInput, ScreenDocumentInput } from './operation.input';
import type { OperationsLoaders } from './operations.loaders';
import { HitNotification } from './notifications/hit-notification.entity';

type Context = SubgraphContext<OperationsLoaders>;

const HitConnection = Connection(Hit, 'A page of hits, newest first.');
const DOCUMENT_NUMBER = /^[A-Z0-9]{5,20}$/;

/** Upper case without spaces or dashes, as numbers are printed in the machine-readable zone. */
export function normaliseDocumentNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

@ObjectType({ description: 'Outcome of one screening. The document number is not echoed back.' })
export class ScreeningResult {
  @Field(() => ID, { description: 'Identifier of the recorded check.' })
  checkId!: string;

  @Field({ description: 'When the check was recorded.' })
  checkedAt!: Date;

  @Field({ description: 'True when the document matched a stolen or lost document record.' })
  matched!: boolean;

  @Field(() => Hit, { nullable: true, description: 'The PENDING hit created on a match.' })
  hit!: Hit | null;
}

@Resolver(() => Hit)
export class ScreeningResolver {
  @Query(() => HitConnection, { description: 'Hits matching the filter, newest first.' })
  async hits(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => HitFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: HitFilter,
  ) {
    const keyset = keysetPage<Hit>(page, 'desc', { detectedAt: 'time', id: 'uuid' });
    const where: FilterQuery<Hit>[] = [hitsVisibleTo(ctx.principal)];
    if (filter?.operationId) where.push({ operation: filter.operationId });
    if (filter?.checkpointId) where.push({ checkpoint: filter.checkpointId });
    if (filter?.status) where.push({ status: filter.status });
    const rows = await keyset.find(ctx.em, Hit, where);
    return keyset.connection(rows);
  }

  @Query(() => Hit, { nullable: true, description: 'One hit by id, with its decision once the owner has made it; null when it does not exist or is not visible to you (same rule as `hits`).' })
  async hit(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier of the hit.' }) id: string): Promise<Hit | null> {
    return ctx.em.findOne(Hit, { $and: [{ id }, hitsVisibleTo(ctx.principal)] });
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Milliseconds from the match to the owner\'s decision; null while pending.' })
  timeToDecisionMs(@Root() hit: Hit): number | null {
    return hit.decidedAt ? hit.decidedAt.getTime() - hit.detectedAt.getTime() : null;
  }

  @FieldResolver(() => HitNotification, { nullable: true, description: 'The notification of this hit to the owner of the matched record, and whether its endpoint acknowledged it; null for hits recorded before notifications existed.' })
  async notification(@Root() hit: Hit, @Ctx() ctx: Context): Promise<HitNotification | null> {
    return (await ctx.loaders.notificationsByHit.load(hit.id))[0] ?? null;
  }

  @FieldResolver(() => Operation, { description: 'Operation during which the hit occurred.' })
  async operation(@Root() hit: Hit, @Ctx() ctx: Context): Promise<Operation> {
    return found(await ctx.loaders.operationById.load(hit.operation.id), 'Operation', `id ${hit.operation.id}`);
  }

  @FieldResolver(() => Checkpoint, { description: 'Checkpoint where the document was screened.' })
  async checkpoint(@Root() hit: Hit, @Ctx() ctx: Context): Promise<Checkpoint> {
    return found(await ctx.loaders.checkpointById.load(hit.checkpoint.id), 'Checkpoint', `id ${hit.checkpoint.id}`);
  }

  @FieldResolver(() => DocumentAlert, { nullable: true, description: 'The stolen or lost document record that matched; null unless its owner released it to you.' })
  alert(@Root() hit: Hit, @Ctx() ctx: Context): Promise<DocumentAlert | null> {
    return ctx.loaders.alertById.load(hit.alert.id);
  }

  @Mutation(() => ScreeningResult, {
    description: 'Screens a travel document at a checkpoint of your country deployed in an ACTIVE operation: records a check and, on a match, a PENDING hit. Border officers, with a declared purpose.',
  })
  @RequireRoleWithPurpose(Role.BORDER_OFFICER)
  async screenDocument(@Ctx() ctx: Context, @Arg('input', () => ScreenDocumentInput) input: ScreenDocumentInput): Promise<ScreeningResult> {
    const number = normaliseDocumentNumber(input.documentNumber);
    if (!DOCUMENT_NUMBER.test(number)) throw fail.badInput('documentNumber must have 5 to 20 letters or digits (spaces and dashes are ignored)', 'documentNumber');
    const subjectRef = ctx.tools.subjectRef(`${input.issuingCountry}:${number}`);
    // Independent lookups, sent together: one round trip of waiting instead of four in a row. The alert is
    // looked up through the releasability filter like any read.
    const [operationOrNull, deployment, alert] = await Promise.all([
      ctx.em.findOne(Operation, { id: input.operationId }),
      ctx.em.findOne(Deployment, { operation: input.operationId, checkpoint: input.checkpointId }, { populate: ['checkpoint'] }),
      ctx.em.findOne(DocumentAlert, { lookupKey: subjectRef }),
    ]);
    const operation = found(operationOrNull, 'Operation', `id ${input.operationId}`);
    if (operation.status !== OperationStatus.ACTIVE) throw fail.conflict(`operation ${operation.code} is ${operation.status}: screening is only allowed while it is ACTIVE`);
    if (!operation.databasesEnabled.includes(ScreeningDatabase.STOLEN_LOST_TRAVEL_DOCUMENTS)) {
      throw fail.conflict(`operation ${operation.code} does not open the stolen and lost travel documents database`);
    }
    if (!deployment) {
      found(await ctx.em.findOne(Checkpoint, { id: input.checkpointId }), 'Checkpoint', `id ${input.checkpointId}`);
      throw fail.conflict(`checkpoint ${input.checkpointId} has no deployment in operation ${operation.code}: screening is only allowed at deployed checkpoints`);
    }
    const checkpoint = deployment.checkpoint.getEntity();
    if (checkpoint.country !== ctx.principal.country) {
      throw fail.forbidden(`officers screen at checkpoints of their own country; this checkpoint is in ${checkpoint.country}`);
    }
    const recorded = {
      id: randomUUID(),
      operation: operation.id,
      checkpoint: input.checkpointId,
      database: ScreeningDatabase.STOLEN_LOST_TRAVEL_DOCUMENTS,
      checkedAt: new Date(),
      subjectRef,
      documentType: input.documentType,
      issuingCountry: input.issuingCountry,
      matched: alert !== null,
    };
    if (!alert) {
      // The usual case (about one screening in a thousand matches): one INSERT, atomic by itself,
      // without the unit of work's BEGIN and COMMIT around it.
      await ctx.em.insert(Check, recorded);
      return { checkId: recorded.id, checkedAt: recorded.checkedAt, matched: false, hit: null };
    }
    // A match: the check, its hit and the hit's notification to the record's owner (the outbox) are
    // written in one transaction, so no hit goes unnotified and no notification outlives a lost hit.
    const check = ctx.em.create(Check, recorded);
    const hit = ctx.em.create(Hit, { check, alert, operation: operation.id, checkpoint: input.checkpointId, database: check.database, detectedAt: recorded.checkedAt });
    ctx.em.create(HitNotification, { hit, organisation: alert.handling.owner, createdAt: recorded.checkedAt, nextAttemptAt: recorded.checkedAt });
    await ctx.em.flush();
    return { checkId: check.id, checkedAt: check.checkedAt, matched: true, hit };
  }

  @Mutation(() => Hit, { description: "The record owner's bureau confirms a PENDING hit; the action taken is recorded. NCB analysts of the owner, with a declared purpose." })
  @RequireRoleWithPurpose(Role.NCB_ANALYST)
  async confirmHit(@Ctx() ctx: Context, @Arg('input', () => ConfirmHitInput) input: ConfirmHitInput): Promise<Hit> {
    return decide(ctx, input.hitId, HitStatus.CONFIRMED, input);
  }

  @Mutation(() => Hit, { description: "The record owner's bureau rejects a PENDING hit (no match after verification). NCB analysts of the owner, with a declared purpose." })
  @RequireRoleWithPurpose(Role.NCB_ANALYST)
  async rejectHit(@Ctx() ctx: Context, @Arg('input', () => RejectHitInput) input: RejectHitInput): Promise<Hit> {
    return decide(ctx, input.hitId, HitStatus.REJECTED, input);
  }
}

/**
 * Which hits a caller sees: hub administrators all; border officers those at checkpoints of their
 * country; NCB analysts those on records their bureau owns. Anyone else none.
 */
function hitsVisibleTo(principal: Principal): FilterQuery<Hit> {
  if (principal.roles.includes(Role.HUB_ADMIN)) return {};
  const visible: FilterQuery<Hit>[] = [];
  if (principal.roles.includes(Role.BORDER_OFFICER) && principal.country) visible.push({ checkpoint: { country: principal.country } });
  if (principal.roles.includes(Role.NCB_ANALYST)) visible.push({ alert: { handling: { owner: principal.organisation } } });
  return visible.length ? { $or: visible } : { id: { $in: [] } };
}

async function decide(ctx: Context, hitId: string, status: HitStatus, input: ConfirmHitInput | RejectHitInput): Promise<Hit> {
  if (input.note !== undefined && input.note !== null && input.note.length > 2000) throw fail.badInput('note must be at most 2000 characters', 'note');
  const hit = found(await ctx.em.findOne(Hit, { id: hitId }, { populate: ['alert'] }), 'Hit', `id ${hitId}`);
  // Not released to this caller: the alert stays hidden and only its owner may decide anyway.
  if (!hit.alert.isInitialized() || hit.alert.getEntity().handling.owner !== ctx.principal.organisation) {
    throw fail.forbidden(`only the bureau that owns the matched record decides a hit; you act for ${ctx.principal.organisation}`);
  }
  if (hit.status !== HitStatus.PENDING) throw fail.conflict(`hit ${hitId} is already ${hit.status}; only a PENDING hit can be decided`);
  ctx.em.assign(hit, { status, actionTaken: input.action, decisionNote: input.note ?? null, decidedAt: new Date() });
  await ctx.em.flush();
  // The decision's access event names the hit with its owner, so the owner finds it in its view of the log.
  ctx.records?.set(`Hit:${hit.id}`, { type: 'Hit', id: hit.id, owner: ctx.principal.organisation });
  return hit;
}
