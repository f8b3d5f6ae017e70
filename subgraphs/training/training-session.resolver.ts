import { type FilterQuery, LockMode } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import { fail, found } from '../shared/errors';
import { Role } from '../../identity';
import { RequireRole } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Course } from './course.entity';
import { Enrollment } from './enrollment.entity';
import { TrainingSessionStatus } from './enums';
import { CheckpointRef, OperationRef } from './operation.reference';
import { TrainingSession } from './training-session.entity';
import { ScheduleSessionInput, TrainingSessionFilter } from './training.input';
import type { TrainingLoaders } from './training.loaders';
import { MAX_CAPACITY, rules, sessionStatus, today } from './training.rules';

type Context = SubgraphContext<TrainingLoaders>;

const TrainingSessionConnection = Connection(TrainingSession, 'A page of training sessions, ordered by first day.');

/** Conditions that select sessions in `status` on day `on`, mirroring `sessionStatus`. */
function statusCondition(status: TrainingSessionStatus, on: string): FilterQuery<TrainingSession> {
  switch (status) {
    case TrainingSessionStatus.CANCELLED:
      return { cancelledAt: { $ne: null } };
    case TrainingSessionStatus.COMPLETED:
      return { cancelledAt: null, endsOn: { $lt: on } };
    case TrainingSessionStatus.IN_PROGRESS:
      return { cancelledAt: null, startsOn: { $lte: on }, endsOn: { $gte: on } };
    case TrainingSessionStatus.SCHEDULED:
      return { cancelledAt: null, startsOn: { $gt: on } };
  }
}

@Resolver(() => TrainingSession)
export class TrainingSessionResolver {
  @Query(() => TrainingSession, { nullable: true, description: 'One training session by id; null when none matches.' })
  session(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier.' }) id: string): Promise<TrainingSession | null> {
    return ctx.loaders.sessionById.load(id);
  }

  @Query(() => TrainingSessionConnection, { description: 'Training sessions matching the filter, ordered by first day, as a Relay connection.' })
  async sessions(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => TrainingSessionFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: TrainingSessionFilter,
  ) {
    const keyset = keysetPage<TrainingSession>(page, 'asc', { startsOn: 'day', id: 'uuid' });
    rules.dateRange(filter?.from, filter?.to);
    const where: FilterQuery<TrainingSession>[] = [];
    if (filter?.status) where.push(statusCondition(filter.status, today()));
    if (filter?.courseId) where.push({ course: filter.courseId });
    if (filter?.operationId) where.push({ operationId: filter.operationId });
    if (filter?.hostCountry) where.push({ hostCountry: filter.hostCountry });
    if (filter?.from) where.push({ endsOn: { $gte: filter.from } });
    if (filter?.to) where.push({ startsOn: { $lte: filter.to } });
    const rows = await keyset.find(ctx.em, TrainingSession, where);
    for (const row of rows) ctx.loaders.sessionById.prime(row.id, row);
    return keyset.connection(rows);
  }

  @FieldResolver(() => Course, { description: 'The course taught.' })
  async course(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<Course> {
    return found(await ctx.loaders.courseById.load(session.course.id), 'Course', `id ${session.course.id}`);
  }

  @FieldResolver(() => OperationRef, { nullable: true, description: 'Operation in which the training is practised; null for a session outside any operation.' })
  operation(@Root() session: TrainingSession): OperationRef | null {
    return session.operationId ? { id: session.operationId } : null;
  }

  @FieldResolver(() => Int, { description: 'Participants enrolled that you may see (their agencies released them to you): the length of `enrollments`.' })
  async enrolled(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.countsBySession.load(session.id)).enrolled;
  }

  @FieldResolver(() => Int, { description: 'Participants certified (passed the assessment and received a certificate), of those you may see.' })
  async certified(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.countsBySession.load(session.id)).certified;
  }

  @FieldResolver(() => [Enrollment], { description: 'Enrolments in this session of participants you may see, in the order they were made (at most the capacity, 500).' })
  enrollments(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<Enrollment[]> {
    return ctx.loaders.enrollmentsBySession.load(session.id);
  }

  @FieldResolver(() => [CheckpointRef], { description: 'Checkpoints staffed by the officers enrolled in this session that you may see (each once).' })
  async checkpointsStaffed(@Root() session: TrainingSession, @Ctx() ctx: Context): Promise<CheckpointRef[]> {
    return (await ctx.loaders.checkpointsBySession.load(session.id)).map((id) => ({ id }));
  }

  @Mutation(() => TrainingSession, { description: 'Schedules a session of a catalogue course. Refused with BAD_USER_INPUT for invalid days, capacity or codes, NOT_FOUND for an unknown course.' })
  @RequireRole(Role.TRAINER, Role.HUB_ADMIN)
  async scheduleSession(@Ctx() ctx: Context, @Arg('input', () => ScheduleSessionInput, { description: 'The session.' }) input: ScheduleSessionInput): Promise<TrainingSession> {
    rules.sessionDays(input.startsOn, input.endsOn);
    rules.range('capacity', input.capacity, 1, MAX_CAPACITY);
    rules.text('place', input.place);
    rules.organisation('trainerOrganisation', input.trainerOrganisation);
    const course = found(await ctx.em.findOne(Course, { id: input.courseId }), 'Course', `id ${input.courseId}`);
    const session = ctx.em.create(TrainingSession, {
      course,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      hostCountry: input.hostCountry,
      place: input.place,
      trainerOrganisation: input.trainerOrganisation,
      capacity: input.capacity,
      operationId: input.operationId ?? null,
    });
    await ctx.em.flush();
    return session;
  }

  @Mutation(() => TrainingSession, { description: 'Cancels a session that has not ended. Refused with CONFLICT when it has ended or is already cancelled; enrolments are kept.' })
  @RequireRole(Role.TRAINER, Role.HUB_ADMIN)
  async cancelSession(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Session to cancel.' }) id: string): Promise<TrainingSession> {
    return ctx.em.transactional(async (em) => {
      const session = found(await em.findOne(TrainingSession, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }), 'TrainingSession', `id ${id}`);
      const status = sessionStatus(session);
      if (status === TrainingSessionStatus.CANCELLED) throw fail.conflict(`session ${id} was already cancelled on ${session.cancelledAt!.toISOString().slice(0, 10)}; a session is cancelled once`);
      if (status === TrainingSessionStatus.COMPLETED) throw fail.conflict(`session ${id} ended on ${session.endsOn}: only a session that is scheduled or in progress can be cancelled`);
      session.cancelledAt = new Date();
      return session;
    });
  }
}
