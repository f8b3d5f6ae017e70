import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../../shared/connection';
import { partnerShares, type EntityReference } from '../../shared/federation';
import { CountryCode } from '../../shared/scalars';
import type { SubgraphContext } from '../../shared/context';
import { Referral, ReferralAgeBand, ReferralGender } from './iom-referral.entity';
import { K_ANONYMITY, type Aggregates, type Group, type IomLoaders } from './iom.loaders';

type Context = SubgraphContext<IomLoaders>;

const COUNT = `Referrals in the group; null when suppressed.`;
const SUPPRESSED = `True when the count is withheld: the group has fewer than k referrals, or it is the smallest other group of a breakdown with exactly one such group (else that one could be computed from the total).`;

@ObjectType('IomNationalityCount', { description: 'Referrals of one nationality, k-anonymised.' })
export class IomNationalityCount {
  @Field(() => CountryCode, { description: 'The nationality.' })
  nationality!: string;

  @Field(() => Int, { nullable: true, description: COUNT })
  count!: number | null;

  @Field({ description: SUPPRESSED })
  suppressed!: boolean;
}

@ObjectType('IomAgeBandCount', { description: 'Referrals in one age band, k-anonymised.' })
export class IomAgeBandCount {
  @Field(() => ReferralAgeBand, { description: 'The age band.' })
  ageBand!: ReferralAgeBand;

  @Field(() => Int, { nullable: true, description: COUNT })
  count!: number | null;

  @Field({ description: SUPPRESSED })
  suppressed!: boolean;
}

@ObjectType('IomGenderCount', { description: 'Referrals of one gender, k-anonymised.' })
export class IomGenderCount {
  @Field(() => ReferralGender, { description: 'The gender.' })
  gender!: ReferralGender;

  @Field(() => Int, { nullable: true, description: COUNT })
  count!: number | null;

  @Field({ description: SUPPRESSED })
  suppressed!: boolean;
}

@ObjectType('IomAggregates', {
  description: `k-anonymised counts of an operation's referrals, which the migration organisation lets others see: no figure below k = ${K_ANONYMITY} is published. Breakdowns list only groups with at least one referral, by value.`,
})
export class IomAggregates {
  @Field(() => Int, { description: 'The anonymity threshold: the smallest count published.' })
  k!: number;

  @Field(() => Int, { nullable: true, description: 'Referrals in the operation; null when fewer than k (including none).' })
  total!: number | null;

  @Field(() => [IomNationalityCount], { description: 'Referrals by nationality, by country code.' })
  byNationality!: IomNationalityCount[];

  @Field(() => [IomAgeBandCount], { description: 'Referrals by age band, youngest first.' })
  byAgeBand!: IomAgeBandCount[];

  @Field(() => [IomGenderCount], { description: 'Referrals by gender.' })
  byGender!: IomGenderCount[];
}

function toGraphQL(aggregates: Aggregates): IomAggregates {
  const rename = <Value, Key extends string>(groups: Group<Value>[], key: Key) =>
    groups.map(({ value, count, suppressed }) => ({ [key]: value, count, suppressed }) as { [K in Key]: Value } & { count: number | null; suppressed: boolean });
  return {
    k: aggregates.k,
    total: aggregates.total,
    byNationality: rename(aggregates.byNationality, 'nationality'),
    byAgeBand: rename(aggregates.byAgeBand, 'ageBand'),
    byGender: rename(aggregates.byGender, 'gender'),
  };
}

// A share only carries the key it was reached from; each field loads what it needs (in batches),
// so asking for `aggregates` alone never reads a referral row into the subgraph.

@ObjectType('IomShare', { description: 'What the migration organisation shares about one operation.' })
export class IomShare {
  operationId!: string;
}

// No `Checkpoint.iom`: per-checkpoint counts would be too small to publish; a referral still
// points at the checkpoint where the person was identified.
export const shares = partnerShares<IomLoaders>('iom', {
  Operation: {
    type: IomShare,
    description: 'The migration organisation\'s contribution to this operation: referrals (confidential) and their k-anonymised aggregates.',
    share: (operationId): IomShare => ({ operationId }),
  },
});
const { Operation: OperationReference, Checkpoint: CheckpointReference } = shares;

const ReferralConnection = Connection(Referral, 'A page of referrals, newest first.');

@Resolver(() => IomShare)
export class IomShareResolver {
  @FieldResolver(() => [Referral], { nullable: true, description: 'Referrals of presumed victims identified during the operation, oldest first (confidential: null without the rights, with an error).' })
  async referrals(@Root() share: IomShare, @Ctx() ctx: Context): Promise<Referral[]> {
    return ctx.loaders.referralsByOperation.load(share.operationId);
  }

  @FieldResolver(() => IomAggregates, { description: 'k-anonymised counts of the operation\'s referrals, which others may see.' })
  async aggregates(@Root() share: IomShare, @Ctx() ctx: Context): Promise<IomAggregates> {
    return toGraphQL(await ctx.loaders.aggregatesByOperation.load(share.operationId));
  }
}

@Resolver(() => Referral)
export class ReferralResolver {
  @Query(() => ReferralConnection, { name: 'iomReferrals', description: 'The migration organisation\'s referrals, newest first, optionally for one operation (confidential).' })
  async referrals(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('operationId', () => ID, { nullable: true, description: 'Only referrals made during this operation.' }) operationId?: string,
  ) {
    const keyset = keysetPage<Referral>(page, 'desc', { referredAt: 'time', id: 'uuid' });
    const where = [operationId ? { operationId } : {}];
    const rows = await keyset.find(ctx.em, Referral, where);
    return keyset.connection(rows);
  }

  @FieldResolver(() => OperationReference, { description: 'The operation during which the person was identified.' })
  operation(@Root() referral: Referral): EntityReference {
    return { id: referral.operationId };
  }

  @FieldResolver(() => CheckpointReference, { nullable: true, description: 'The checkpoint where the person was identified; null when identified elsewhere.' })
  checkpoint(@Root() referral: Referral): EntityReference | null {
    return referral.checkpointId ? { id: referral.checkpointId } : null;
  }
}
