import { defineSubgraph } from '../shared/subgraph';
import { Course } from './course.entity';
import { CourseResolver } from './course.resolver';
import { Enrollment } from './enrollment.entity';
import { EnrollmentResolver } from './enrollment.resolver';
import { migrations } from './migrations';
import { owned } from './operation.reference';
import { OperationTrainingResolver } from './operation.resolver';
import { Participant } from './participant.entity';
import { ParticipantResolver } from './participant.resolver';
import { seedTraining } from './seed/seed';
import { TrainingSession } from './training-session.entity';
import { TrainingSessionResolver } from './training-session.resolver';
import { createTrainingLoaders } from './training.loaders';

export default defineSubgraph({
  name: 'training',
  dbSchema: 'training',
  description: 'Courses, training sessions practised in operations, participants, assessments and certification.',
  entities: [Course, TrainingSession, Participant, Enrollment],
  resolvers: [CourseResolver, TrainingSessionResolver, ParticipantResolver, EnrollmentResolver, OperationTrainingResolver],
  orphanedTypes: owned.orphanedTypes,
  references: {
    TrainingSession: (reference, ctx) => ctx.loaders.sessionById.load(String(reference.id)),
    // Through the same loader as lookups, so `_entities` never returns a participant not released to the caller.
    Participant: (reference, ctx) => ctx.loaders.participantById.load(String(reference.id)),
    ...owned.references,
  },
  createLoaders: createTrainingLoaders,
  migrations,
  seed: seedTraining,
});
