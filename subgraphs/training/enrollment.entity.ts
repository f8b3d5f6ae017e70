import { randomUUID } from 'node:crypto';
import { Check, Entity, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LocalDate } from '../shared/scalars';
import type { Participant } from './participant.entity';
import { TrainingSession } from './training-session.entity';
import { PASS_MARK } from './training.rules';

@ObjectType({ description: 'The certificate issued to a participant who passed the assessment of a session.' })
export class Certification {
  @Field({ description: 'Unique certificate number, `COURSE-YEAR-XXXXXXXX`, as printed on the certificate.' })
  certificateNumber!: string;

  @Field(() => LocalDate, { description: 'Day the certificate was issued.' })
  issuedOn!: string;
}

@Entity({ tableName: 'enrollment' })
@Unique({ properties: ['session', 'participant'] })
@Check({ name: 'enrollment_score_check', expression: 'score >= 0 and score <= 100' })
@Check({ name: 'enrollment_certification_check', expression: '(certified_on is null) = (certificate_number is null)' })
@ObjectType({ description: 'A participant enrolled in a training session, with the assessment score and the certification once issued.' })
export class Enrollment {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  @ManyToOne(() => TrainingSession, { ref: true })
  session!: Ref<TrainingSession>;

  @ManyToOne('Participant', { ref: true, index: true })
  participant!: Ref<Participant>;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the participant was enrolled.' })
  enrolledAt: Date & Opt = new Date();

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'Assessment score from 0 to 100; null until assessed.' })
  score?: number | null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true, description: 'When the score was last recorded; null until assessed.' })
  assessedAt?: Date | null;

  @Property({ type: 'date', nullable: true })
  certifiedOn?: string | null;

  @Property({ length: 40, nullable: true, unique: true })
  certificateNumber?: string | null;

  @Field(() => Boolean, { nullable: true, description: `True when the score reaches the pass mark (${PASS_MARK}); null until assessed.` })
  get passed(): Opt<boolean> | null {
    return this.score === null || this.score === undefined ? null : this.score >= PASS_MARK;
  }

  @Field(() => Certification, { nullable: true, description: 'The certificate, once issued; null before.' })
  get certification(): Opt<Certification> | null {
    return this.certificateNumber && this.certifiedOn ? { certificateNumber: this.certificateNumber, issuedOn: this.certifiedOn } : null;
  }
}
