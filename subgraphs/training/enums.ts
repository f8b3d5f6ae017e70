import { registerEnumType } from 'type-graphql';

export enum CourseLevel {
  BASIC = 'BASIC',
  ADVANCED = 'ADVANCED',
  TRAIN_THE_TRAINER = 'TRAIN_THE_TRAINER',
}

/** Derived from the session's days and the current date; only the cancellation is stored. */
export enum TrainingSessionStatus {
  SCHEDULED = 'SCHEDULED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

registerEnumType(CourseLevel, {
  name: 'CourseLevel',
  description: 'Who a course is for.',
  valuesConfig: {
    BASIC: { description: 'First-line officers new to the subject.' },
    ADVANCED: { description: 'Second-line specialists and experienced officers.' },
    TRAIN_THE_TRAINER: { description: 'Officers who will teach the subject in their own agency.' },
  },
});
registerEnumType(TrainingSessionStatus, {
  name: 'TrainingSessionStatus',
  description: 'Where a session stands, from its days (UTC) and the current date: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED.',
  valuesConfig: {
    SCHEDULED: { description: 'Its first day is still to come; officers can enrol.' },
    IN_PROGRESS: { description: 'Between its first and last day; officers can still enrol and be assessed.' },
    COMPLETED: { description: 'Its last day has passed; no more enrolments.' },
    CANCELLED: { description: 'Called off before it ended; final.' },
  },
});
