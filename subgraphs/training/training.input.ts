import { Field, ID, InputType, Int } from 'type-graphql';
import { CountryCode, LocalDate } from '../shared/scalars';
import { CourseLevel, TrainingSessionStatus } from './enums';
import { CrimeArea } from '../shared/crime-area';

@InputType({ description: 'Which courses to list; all given conditions must hold.' })
export class CourseFilter {
  @Field(() => CrimeArea, { nullable: true, description: 'Only courses of this crime area.' })
  domain?: CrimeArea;

  @Field(() => CourseLevel, { nullable: true, description: 'Only courses of this level.' })
  level?: CourseLevel;
}

@InputType({ description: 'Which training sessions to list; all given conditions must hold.' })
export class TrainingSessionFilter {
  @Field(() => TrainingSessionStatus, { nullable: true, description: 'Only sessions in this status today (UTC).' })
  status?: TrainingSessionStatus;

  @Field(() => ID, { nullable: true, description: 'Only sessions of this course.' })
  courseId?: string;

  @Field(() => ID, { nullable: true, description: 'Only sessions practised in this operation.' })
  operationId?: string;

  @Field(() => CountryCode, { nullable: true, description: 'Only sessions held in this country.' })
  hostCountry?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Only sessions still running on or after this day (last day ≥ from).' })
  from?: string;

  @Field(() => LocalDate, { nullable: true, description: 'Only sessions that start on or before this day (first day ≤ to).' })
  to?: string;
}

@InputType({ description: 'Which participants to list; all given conditions must hold.' })
export class ParticipantFilter {
  @Field(() => CountryCode, { nullable: true, description: 'Only officers serving this country.' })
  country?: string;

  @Field({ nullable: true, description: 'Only officers of this agency (organisation code, e.g. `ncb-tha`).' })
  agency?: string;

  @Field(() => ID, { nullable: true, description: 'Only officers enrolled in this session.' })
  sessionId?: string;

  @Field(() => ID, { nullable: true, description: 'Only officers who staff this checkpoint.' })
  checkpointId?: string;
}

@InputType({ description: 'A new training session of a catalogue course.' })
export class ScheduleSessionInput {
  @Field(() => ID, { description: 'Course taught.' })
  courseId!: string;

  @Field(() => LocalDate, { description: 'First training day.' })
  startsOn!: string;

  @Field(() => LocalDate, { description: 'Last training day: on or after `startsOn`, today or later, at most 60 days after the first.' })
  endsOn!: string;

  @Field(() => CountryCode, { description: 'Country where the session is held.' })
  hostCountry!: string;

  @Field({ description: 'Venue and city (1 to 200 characters).' })
  place!: string;

  @Field({ description: 'Code of the organisation that delivers the training (e.g. `hub`, `iom`).' })
  trainerOrganisation!: string;

  @Field(() => Int, { description: 'Most participants the session takes, 1 to 500.' })
  capacity!: number;

  @Field(() => ID, {
    nullable: true,
    description: 'Operation in which the training is practised. The operations subgraph owns operations: an id it does not know resolves to a null `operation`.',
  })
  operationId?: string | null;
}

@InputType({ description: 'An officer not yet known to the training subgraph.' })
export class NewParticipantInput {
  @Field({ description: 'Full name (1 to 200 characters).' })
  fullName!: string;

  @Field({ description: 'Rank or grade (1 to 80 characters).' })
  rank!: string;

  @Field(() => CountryCode, { description: 'Country the officer serves.' })
  country!: string;

  @Field({ description: 'Code of the officer\'s organisation in the hub, e.g. `ncb-tha`; it becomes the owner of the record.' })
  agency!: string;

  @Field({ description: 'Service number, unique within the agency (1 to 40 characters). An officer already recorded under it is enrolled as recorded.' })
  serviceNumber!: string;

  @Field(() => ID, { nullable: true, description: 'Checkpoint the officer staffs during the operation, if any.' })
  checkpointId?: string | null;
}

@InputType({ description: 'Enrols an officer in a session: give exactly one of `participantId` and `participant`.' })
export class EnrolInput {
  @Field(() => ID, { description: 'Session to enrol in: not cancelled, not ended, with a free place.' })
  sessionId!: string;

  @Field(() => ID, { nullable: true, description: 'An officer already recorded.' })
  participantId?: string | null;

  @Field(() => NewParticipantInput, { nullable: true, description: 'An officer to record (or to find by agency and service number).' })
  participant?: NewParticipantInput | null;
}
