import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../shared/connection';
import type { SubgraphContext } from '../shared/context';
import { Enrollment } from './enrollment.entity';
import { CheckpointRef } from './operation.reference';
import { Participant } from './participant.entity';
import { ParticipantFilter } from './training.input';
import type { TrainingLoaders } from './training.loaders';

type Context = SubgraphContext<TrainingLoaders>;

const ParticipantConnection = Connection(Participant, 'A page of participants, ordered by name.');

@Resolver(() => Participant)
export class ParticipantResolver {
  @Query(() => Participant, { nullable: true, description: 'One participant by id; null when none matches.' })
  participant(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier.' }) id: string): Promise<Participant | null> {
    return ctx.loaders.participantById.load(id);
  }

  @Query(() => ParticipantConnection, { description: 'Participants matching the filter, ordered by name, as a Relay connection.' })
  async participants(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => ParticipantFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: ParticipantFilter,
  ) {
    const keyset = keysetPage<Participant>(page, 'asc', { fullName: 'text', id: 'uuid' });
    const where: FilterQuery<Participant>[] = [];
    if (filter?.country) where.push({ country: filter.country });
    if (filter?.agency) where.push({ agency: filter.agency });
    if (filter?.checkpointId) where.push({ checkpointId: filter.checkpointId });
    if (filter?.sessionId) where.push({ enrollments: { session: filter.sessionId } });
    const rows = await keyset.find(ctx.em, Participant, where);
    for (const row of rows) ctx.loaders.participantById.prime(row.id, row);
    return keyset.connection(rows);
  }

  @FieldResolver(() => CheckpointRef, { nullable: true, description: 'Checkpoint the officer staffs during the operation; null when not assigned.' })
  checkpoint(@Root() participant: Participant): CheckpointRef | null {
    return participant.checkpointId ? { id: participant.checkpointId } : null;
  }

  @FieldResolver(() => [Enrollment], { description: 'The officer\'s enrolments, oldest first.' })
  enrollments(@Root() participant: Participant, @Ctx() ctx: Context): Promise<Enrollment[]> {
    return ctx.loaders.enrollmentsByParticipant.load(participant.id);
  }
}
