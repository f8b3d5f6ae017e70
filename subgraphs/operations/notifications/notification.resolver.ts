import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, Field, FieldResolver, ID, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../../../identity';
import { RequireRole } from '../../../authorization/subgraph/policy';
import { Connection, keysetPage, PageArgs } from '../../shared/connection';
import { fail, found } from '../../shared/errors';
import type { SubgraphContext } from '../../shared/context';
import type { OperationsLoaders } from '../operations.loaders';
import { HitNotification, NotificationState } from './hit-notification.entity';

type Context = SubgraphContext<OperationsLoaders>;

const HitNotificationConnection = Connection(HitNotification, 'A page of hit notifications, newest first.');

@InputType({ description: 'Which notifications to list; all given conditions must hold.' })
export class HitNotificationFilter {
  @Field(() => NotificationState, { nullable: true, description: 'Only notifications in this state (DEAD: the dead letters).' })
  state?: NotificationState;

  @Field({ nullable: true, description: 'Only notifications to this organisation (code, e.g. `ncb-fra`).' })
  organisation?: string;
}

/** Operators' view of the outbox: what was delivered, what waits, what is dead; and redelivery. */
@Resolver(() => HitNotification)
export class NotificationResolver {
  @Query(() => HitNotificationConnection, { description: 'Notifications of hits to the owners of the matched records, newest first: delivery state, tries, last error. Hub administrators.' })
  @RequireRole(Role.HUB_ADMIN)
  async hitNotifications(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('filter', () => HitNotificationFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: HitNotificationFilter,
  ) {
    const keyset = keysetPage<HitNotification>(page, 'desc', { createdAt: 'time', id: 'uuid' });
    const where: FilterQuery<HitNotification>[] = [];
    if (filter?.state) where.push({ state: filter.state });
    if (filter?.organisation) where.push({ organisation: filter.organisation });
    return keyset.connection(await keyset.find(ctx.em, HitNotification, where));
  }

  @Mutation(() => HitNotification, {
    description: "Sends a notification again, with a fresh set of tries (same idempotency key: a receiver that already has it ignores it). For a dead letter once the owner's endpoint is fixed, or a NO_ENDPOINT one once it is registered; refused with CONFLICT while it is PENDING. Hub administrators.",
  })
  @RequireRole(Role.HUB_ADMIN)
  async redeliverHitNotification(@Ctx() ctx: Context, @Arg('id', () => ID, { description: 'Identifier of the notification.' }) id: string): Promise<HitNotification> {
    // One guarded update decides: a PENDING one (or one a deliverer just made PENDING) is left alone,
    // so a delivered notification is never sent again by a redelivery that raced it.
    const changed = await ctx.em.nativeUpdate(HitNotification, { id, state: { $ne: NotificationState.PENDING } }, { state: NotificationState.PENDING, attempts: 0, nextAttemptAt: new Date() });
    const notification = found(await ctx.em.findOne(HitNotification, { id }), 'HitNotification', `id ${id}`);
    if (changed === 0) throw fail.conflict(`notification ${id} is PENDING: its next try is due at ${notification.nextAttemptAt.toISOString()}`);
    return notification;
  }

  @FieldResolver(() => ID, { description: 'The hit notified.' })
  hitId(@Root() notification: HitNotification): string {
    return notification.hit.id;
  }
}
