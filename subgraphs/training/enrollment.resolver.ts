import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { fail, found } from '../shared/errors';
import { Classification } from '../../authorization/subgraph/handling';
import { Role } from '../../identity';
import { RequireRole } from '../../authorization/subgraph/policy';
import type { SubgraphContext } from '../shared/context';
import { Course } from './course.entity';
import { Enrollment } from './enrollment.entity';
import { TrainingSessionStatus } from './enums';
import { Participant } from './participant.entity';
import { TrainingSession } from './training-session.entity';
import { EnrolInput, NewParticipantInput } from './training.input';
import type { TrainingLoaders } from './training.loaders';
import { PASS_MARK, certificateNumber, rules, sessionStatus, today } from './training.rules';

type Context = SubgraphContext<TrainingLoaders>;

/** Personal data is owned by the officer's agency and released to the task force that trains them. */
const PARTICIPANT_RELEASE = ['hub'];

/** The officer recorded under the agency's service number, or a new record for them. */
async function findOrRecord(em: EntityManager, input: NewParticipantInput): Promise<Participant> {
  const existing = await em.findOne(Participant, { agency: input.agency, serviceNumber: input.serviceNumber });
  if (existing) return existing;
  return em.create(Participant, {
    fullName: input.fullName,
    rank: input.rank,
    country: input.country,
    agency: input.agency,
    serviceNumber: input.serviceNumber,
    checkpointId: input.checkpointId ?? null,
    handling: { owner: input.agency, classification: Classification.RESTRICTED, releasableTo: PARTICIPANT_RELEASE },
  });
}

/**
 * Loads an enrolment locked for update, with its session: assessment and certification of one
 * enrolment run one after the other, so a certificate always matches the score it was issued for.
 */
async function lockEnrollment(em: EntityManager, id: string): Promise<{ enrollment: Enrollment; session: TrainingSession }> {
  const enrollment = found(await em.findOne(Enrollment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE }), 'Enrollment', `id ${id}`);
  const session = found(await em.findOne(TrainingSession, { id: enrollment.session.id }), 'TrainingSession', `id ${enrollment.session.id}`);
  return { enrollment, session };
}

@Resolver(() => Enrollment)
export class EnrollmentResolver {
  @FieldResolver(() => TrainingSession, { description: 'The session.' })
  async session(@Root() enrollment: Enrollment, @Ctx() ctx: Context): Promise<TrainingSession> {
    return found(await ctx.loaders.sessionById.load(enrollment.session.id), 'TrainingSession', `id ${enrollment.session.id}`);
  }

  @FieldResolver(() => Participant, { nullable: true, description: "The officer enrolled; null unless the officer's agency released the record to you." })
  participant(@Root() enrollment: Enrollment, @Ctx() ctx: Context): Promise<Participant | null> {
    return ctx.loaders.participantById.load(enrollment.participant.id);
  }

  @Mutation(() => Enrollment, {
    description: 'Enrols an officer in a session. Refused with CONFLICT when the session is cancelled, has ended, is full, or already has the officer.',
  })
  @RequireRole(Role.TRAINER, Role.HUB_ADMIN)
  async enrol(@Ctx() ctx: Context, @Arg('input', () => EnrolInput, { description: 'Session and officer.' }) input: EnrolInput): Promise<Enrollment> {
    if ((input.participantId == null) === (input.participant == null)) {
      throw fail.badInput('give exactly one of participantId (an officer already recorded) or participant (an officer to record)', 'participantId');
    }
    if (input.participant) {
      rules.text('participant.fullName', input.participant.fullName);
      rules.text('participant.rank', input.participant.rank, 80);
      rules.organisation('participant.agency', input.participant.agency);
      rules.text('participant.serviceNumber', input.participant.serviceNumber, 40);
    }
    return ctx.em.transactional(async (em) => {
      // Locking the session serialises enrolments in it, so two officers cannot take its last place.
      const session = found(await em.findOne(TrainingSession, { id: input.sessionId }, { lockMode: LockMode.PESSIMISTIC_WRITE }), 'TrainingSession', `id ${input.sessionId}`);
      const status = sessionStatus(session);
      if (status === TrainingSessionStatus.CANCELLED) throw fail.conflict(`session ${session.id} is cancelled: enrol in a session that is scheduled or in progress`);
      if (status === TrainingSessionStatus.COMPLETED) throw fail.conflict(`session ${session.id} ended on ${session.endsOn}: enrolments are accepted until its last day`);
      const participant = input.participantId
        ? found(await em.findOne(Participant, { id: input.participantId }), 'Participant', `id ${input.participantId}`)
        : await findOrRecord(em, input.participant!);
      if (await em.count(Enrollment, { session: session.id, participant: participant.id })) {
        throw fail.conflict(`participant ${participant.id} is already enrolled in session ${session.id}; an officer is enrolled once per session`);
      }
      const taken = await em.count(Enrollment, { session: session.id });
      if (taken >= session.capacity) throw fail.conflict(`session ${session.id} is full (${taken} of ${session.capacity} places taken): enrol in another session of the course`);
      return em.create(Enrollment, { session, participant });
    });
  }

  @Mutation(() => Enrollment, {
    description: `Records (or corrects) an assessment score from 0 to 100; ${PASS_MARK} or more passes. Refused with CONFLICT for a cancelled session or an enrolment already certified.`,
  })
  @RequireRole(Role.TRAINER, Role.HUB_ADMIN)
  async recordAssessment(
    @Ctx() ctx: Context,
    @Arg('enrollmentId', () => ID, { description: 'Enrolment assessed.' }) enrollmentId: string,
    @Arg('score', () => Int, { description: 'Score from 0 to 100.' }) score: number,
  ): Promise<Enrollment> {
    rules.range('score', score, 0, 100);
    return ctx.em.transactional(async (em) => {
      const { enrollment, session } = await lockEnrollment(em, enrollmentId);
      if (session.cancelledAt) throw fail.conflict(`session ${session.id} is cancelled: its enrolments cannot be assessed`);
      if (enrollment.certificateNumber) throw fail.conflict(`enrolment ${enrollment.id} is certified (${enrollment.certificateNumber}): its score can no longer change`);
      enrollment.score = score;
      enrollment.assessedAt = new Date();
      return enrollment;
    });
  }

  @Mutation(() => Enrollment, {
    description: `Issues the certificate of an enrolment whose score is ${PASS_MARK} or more. Refused with CONFLICT without a passing score, for a cancelled session, or when already certified.`,
  })
  @RequireRole(Role.TRAINER, Role.HUB_ADMIN)
  async certify(@Ctx() ctx: Context, @Arg('enrollmentId', () => ID, { description: 'Enrolment to certify.' }) enrollmentId: string): Promise<Enrollment> {
    return ctx.em.transactional(async (em) => {
      const { enrollment, session } = await lockEnrollment(em, enrollmentId);
      if (session.cancelledAt) throw fail.conflict(`session ${session.id} is cancelled: no certificates are issued for it`);
      if (enrollment.certificateNumber) {
        throw fail.conflict(`enrolment ${enrollment.id} was already certified on ${enrollment.certifiedOn} (${enrollment.certificateNumber}); a certificate is issued once`);
      }
      if (enrollment.score === null || enrollment.score === undefined) {
        throw fail.conflict(`enrolment ${enrollment.id} has no assessment yet: record a score of at least ${PASS_MARK} with recordAssessment, then certify`);
      }
      if (enrollment.score < PASS_MARK) {
        throw fail.conflict(`enrolment ${enrollment.id} scored ${enrollment.score}, below the pass mark: only a score from ${PASS_MARK} to 100 can be certified`);
      }
      const course = found(await em.findOne(Course, { id: session.course.id }), 'Course', `id ${session.course.id}`);
      enrollment.certifiedOn = today();
      enrollment.certificateNumber = certificateNumber(course.code, enrollment.certifiedOn, enrollment.id);
      return enrollment;
    });
  }
}
