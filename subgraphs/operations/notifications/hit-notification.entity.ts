import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Policy } from '../../../authorization/subgraph/policy';
import { rolePolicy } from '../../../authorization/policies';
import { Role } from '../../../identity/principal';
import { Hit } from '../hit.entity';
import { NotificationState } from './notification-state';

export { NotificationState };
registerEnumType(NotificationState, {
  name: 'NotificationState',
  description: 'Where a notification to a record owner stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its next try (the first one is immediate).' },
    DELIVERED: { description: "The owner's endpoint acknowledged it (HTTP 2xx)." },
    DEAD: { description: 'Dead letter: every try failed (NOTIFICATION_MAX_ATTEMPTS); only a redelivery sends it again.' },
    NO_ENDPOINT: { description: 'The owner has no enabled endpoint for this event in the registry: nothing was sent; a redelivery sends it once one is registered.' },
  },
});

/**
 * The outbox: one row per hit and owner, written in the same transaction as the hit (a hit never
 * exists without it, and the foreign key keeps it from existing without its hit). Deliverers in
 * every hub process claim due rows with `FOR UPDATE SKIP LOCKED` (notifications/deliverer.ts).
 */
@Entity({ tableName: 'hit_notification' })
@Unique({ properties: ['hit', 'organisation', 'event'] })
@Index({ name: 'hit_notification_due_index', expression: `create index "hit_notification_due_index" on "hit_notification" ("next_attempt_at") where "state" = 'PENDING'` })
@ObjectType({ description: 'A notification of a hit to the owner of the matched record, and how its delivery went. Seen with its hit; `lastError` and the list of all notifications (`hitNotifications`) by hub administrators only.' })
export class HitNotification {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier; also the idempotency key of every try (`Idempotency-Key`, JWT `jti`).' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => Hit, { ref: true })
  hit!: Ref<Hit>;

  @Property({ length: 40 })
  @Field({ description: 'Organisation notified: the owner of the matched record.' })
  organisation!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'What happened: `hit.created`.' })
  event: string & Opt = 'hit.created';

  @Enum({ items: () => NotificationState })
  @Field(() => NotificationState, { description: 'Delivery state.' })
  state: NotificationState & Opt = NotificationState.PENDING;

  @Property()
  @Field(() => Int, { description: 'Tries made since it was created or last redelivered.' })
  attempts: number & Opt = 0;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When it was written (with the hit).' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the next try is due (PENDING only).' })
  nextAttemptAt: Date & Opt = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the last try started.' })
  lastAttemptAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: "When the owner's endpoint acknowledged it; null until then." })
  deliveredAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why the last try failed (`HTTP_503`, `TIMEOUT`, `UNREACHABLE`, …); null after a success. Hub administrators.' })
  @Policy([rolePolicy(Role.HUB_ADMIN)])
  lastError?: string | null;
}
