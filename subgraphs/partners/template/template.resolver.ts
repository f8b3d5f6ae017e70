import { Arg, Args, Ctx, Field, FieldResolver, ID, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Connection, keysetPage, PageArgs } from '../../shared/connection';
import { partnerShares, type EntityReference } from '../../shared/federation';
import type { SubgraphContext } from '../../shared/context';
import { TemplateRecord } from './template-record.entity';
import type { TemplateLoaders } from './template.loaders';

type Context = SubgraphContext<TemplateLoaders>;

@ObjectType('TemplateShare', { description: 'What Template Partner shares about one operation or checkpoint.' })
export class TemplateShare {
  @Field(() => [TemplateRecord], { description: 'Records Template Partner shares, oldest first.' })
  records!: TemplateRecord[];
}

export const shares = partnerShares<TemplateLoaders>('template', {
  Operation: {
    type: TemplateShare,
    description: 'Template Partner\'s contribution to this operation.',
    share: async (operationId, ctx): Promise<TemplateShare> => ({ records: await ctx.loaders.recordsByOperation.load(operationId) }),
  },
  Checkpoint: {
    type: TemplateShare,
    description: 'Template Partner\'s contribution at this checkpoint.',
    share: async (checkpointId, ctx): Promise<TemplateShare> => ({ records: await ctx.loaders.recordsByCheckpoint.load(checkpointId) }),
  },
});
const { Operation: OperationReference, Checkpoint: CheckpointReference } = shares;

const TemplateRecordConnection = Connection(TemplateRecord, 'A page of Template Partner records, newest first.');

@Resolver(() => TemplateRecord)
export class TemplateRecordResolver {
  @Query(() => TemplateRecordConnection, { name: 'templateRecords', description: 'Template Partner records, newest first, optionally for one operation.' })
  async records(
    @Ctx() ctx: Context,
    @Args() page: PageArgs,
    @Arg('operationId', () => ID, { nullable: true, description: 'Only records about this operation.' }) operationId?: string,
  ) {
    const keyset = keysetPage<TemplateRecord>(page, 'desc', { reportedAt: 'time', id: 'uuid' });
    const where = [operationId ? { operationId } : {}];
    const rows = await keyset.find(ctx.em, TemplateRecord, where);
    return keyset.connection(rows);
  }

  @FieldResolver(() => OperationReference, { description: 'The operation the record is about.' })
  operation(@Root() record: TemplateRecord): EntityReference {
    return { id: record.operationId };
  }

  @FieldResolver(() => CheckpointReference, { nullable: true, description: 'The checkpoint the record is about, if any.' })
  checkpoint(@Root() record: TemplateRecord): EntityReference | null {
    return record.checkpointId ? { id: record.checkpointId } : null;
  }
}
