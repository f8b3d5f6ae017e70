import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../shared/context';
import { OperationRef } from './operation.reference';
import { TrainingSession } from './training-session.entity';
import type { TrainingLoaders } from './training.loaders';

type Context = SubgraphContext<TrainingLoaders>;

/** The fields this subgraph contributes to the operations subgraph's `Operation`. */
@Resolver(() => OperationRef)
export class OperationTrainingResolver {
  @FieldResolver(() => [TrainingSession], { description: 'Training sessions practised in this operation (cancelled ones included), by first day.' })
  async trainingSessions(@Root() operation: OperationRef, @Ctx() ctx: Context): Promise<TrainingSession[]> {
    return ctx.loaders.sessionsByOperation.load(operation.id);
  }

  @FieldResolver(() => Int, {
    description: 'Officers trained for this operation: distinct participants certified in any of its training sessions (an officer certified twice counts once), of those you may see.',
  })
  async officersTrained(@Root() operation: OperationRef, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.officersTrainedByOperation.load(operation.id);
  }
}
