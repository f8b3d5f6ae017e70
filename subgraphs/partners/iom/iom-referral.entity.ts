import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../../authorization/subgraph/handling';
import { Policy, withPurpose } from '../../../authorization/subgraph/policy';
import { CountryCode } from '../../shared/scalars';
import { rolePolicy } from '../../../authorization/policies';
import { Role } from '../../../identity/principal';

/** Declared youngest first: aggregates list the bands in this order. */
export enum ReferralAgeBand {
  UNDER_12 = 'UNDER_12',
  AGE_12_17 = 'AGE_12_17',
  AGE_18_24 = 'AGE_18_24',
  AGE_25_34 = 'AGE_25_34',
  AGE_35_PLUS = 'AGE_35_PLUS',
}
registerEnumType(ReferralAgeBand, {
  name: 'ReferralAgeBand',
  description: 'Age of a presumed victim in years, in bands (never a date of birth); the first two are children.',
  valuesConfig: {
    UNDER_12: { description: 'Under 12.' },
    AGE_12_17: { description: '12 to 17.' },
    AGE_18_24: { description: '18 to 24.' },
    AGE_25_34: { description: '25 to 34.' },
    AGE_35_PLUS: { description: '35 or older.' },
  },
});

export enum ReferralGender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  UNDISCLOSED = 'UNDISCLOSED',
}
registerEnumType(ReferralGender, {
  name: 'ReferralGender',
  description: 'Gender of a presumed victim, as the person stated it.',
  valuesConfig: { FEMALE: { description: 'Female.' }, MALE: { description: 'Male.' }, UNDISCLOSED: { description: 'The person did not say.' } },
});

export enum ReferralNeed {
  SAFE_ACCOMMODATION = 'SAFE_ACCOMMODATION',
  MEDICAL_CARE = 'MEDICAL_CARE',
  PSYCHOSOCIAL_SUPPORT = 'PSYCHOSOCIAL_SUPPORT',
  LEGAL_ASSISTANCE = 'LEGAL_ASSISTANCE',
  INTERPRETATION = 'INTERPRETATION',
  FAMILY_TRACING = 'FAMILY_TRACING',
  CHILD_PROTECTION = 'CHILD_PROTECTION',
  RETURN_AND_REINTEGRATION = 'RETURN_AND_REINTEGRATION',
}
registerEnumType(ReferralNeed, {
  name: 'ReferralNeed',
  description: 'An assistance need identified at screening.',
  valuesConfig: {
    SAFE_ACCOMMODATION: { description: 'A safe place to stay.' },
    MEDICAL_CARE: { description: 'Medical examination or treatment.' },
    PSYCHOSOCIAL_SUPPORT: { description: 'Counselling and psychosocial support.' },
    LEGAL_ASSISTANCE: { description: 'Legal advice, e.g. on residence or on testifying.' },
    INTERPRETATION: { description: 'An interpreter.' },
    FAMILY_TRACING: { description: 'Finding and contacting family.' },
    CHILD_PROTECTION: { description: 'Protection measures for a child (guardian, best-interests assessment).' },
    RETURN_AND_REINTEGRATION: { description: 'Help to return home safely and to reintegrate.' },
  },
});

export enum ReferralService {
  NATIONAL_ANTI_TRAFFICKING_AGENCY = 'NATIONAL_ANTI_TRAFFICKING_AGENCY',
  GOVERNMENT_SHELTER = 'GOVERNMENT_SHELTER',
  NGO_SHELTER = 'NGO_SHELTER',
  HEALTH_FACILITY = 'HEALTH_FACILITY',
  CHILD_PROTECTION_SERVICE = 'CHILD_PROTECTION_SERVICE',
  LEGAL_AID_PROVIDER = 'LEGAL_AID_PROVIDER',
  ASSISTED_VOLUNTARY_RETURN = 'ASSISTED_VOLUNTARY_RETURN',
}
registerEnumType(ReferralService, {
  name: 'ReferralService',
  description: 'The service a presumed victim was referred to.',
  valuesConfig: {
    NATIONAL_ANTI_TRAFFICKING_AGENCY: { description: 'The national agency that formally identifies victims of trafficking.' },
    GOVERNMENT_SHELTER: { description: 'A shelter run by the social-welfare ministry.' },
    NGO_SHELTER: { description: 'A shelter run by a non-governmental organisation.' },
    HEALTH_FACILITY: { description: 'A hospital or clinic.' },
    CHILD_PROTECTION_SERVICE: { description: 'The child-protection authority (always for unaccompanied children).' },
    LEGAL_AID_PROVIDER: { description: 'A lawyer or legal clinic.' },
    ASSISTED_VOLUNTARY_RETURN: { description: 'The migration organisation\'s assisted voluntary return and reintegration programme.' },
  },
});

@Entity({ tableName: 'referral' })
@Index({ properties: ['referredAt', 'id'] })
@Policy(...[Role.PARTNER_LIAISON, Role.HUB_ADMIN].map((role) => withPurpose(rolePolicy(role), 'clearance:confidential')))
@ObjectType('Referral', {
  description: 'A presumed victim of trafficking in human beings identified during a joint operation and referred to a service. Highly sensitive: confidential, released only to named organisations.',
})
export class Referral {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  /** Owned by the operations subgraph, so only its id is kept here (no foreign key). */
  @Property({ type: 'uuid', index: true })
  operationId!: string;

  /** Null when the person was identified away from a checkpoint (e.g. by an outreach team). */
  @Property({ type: 'uuid', nullable: true, index: true })
  checkpointId?: string | null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the person was referred.' })
  referredAt!: Date;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Nationality, as stated or documented.' })
  nationality!: string;

  @Enum({ items: () => ReferralAgeBand })
  @Field(() => ReferralAgeBand, { description: 'Age band.' })
  ageBand!: ReferralAgeBand;

  @Enum({ items: () => ReferralGender })
  @Field(() => ReferralGender, { description: 'Gender.' })
  gender!: ReferralGender;

  @Enum({ items: () => ReferralNeed, array: true })
  @Field(() => [ReferralNeed], { description: 'Assistance needs identified at screening.' })
  needs!: ReferralNeed[];

  @Enum({ items: () => ReferralService })
  @Field(() => ReferralService, { description: 'The service the person was referred to.' })
  referredTo!: ReferralService;

  @HandlingColumn('Owner, classification (CONFIDENTIAL) and the named organisations the referral is released to.')
  handling!: Handling;
}
