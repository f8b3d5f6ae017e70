import { randomUUID } from 'node:crypto';
import { Check, DecimalType, Embeddable, Embedded, Entity, Enum, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Handling, HandlingColumn } from '../../../authorization/subgraph/handling';
import { Policy, withPurpose } from '../../../authorization/subgraph/policy';
import { CountryCode } from '../../shared/scalars';

export enum SeizureCommodity {
  FIREARMS = 'FIREARMS',
  AMMUNITION = 'AMMUNITION',
  COCAINE = 'COCAINE',
  HEROIN = 'HEROIN',
  CANNABIS = 'CANNABIS',
  METHAMPHETAMINE = 'METHAMPHETAMINE',
  AMPHETAMINE = 'AMPHETAMINE',
  PHARMACEUTICALS = 'PHARMACEUTICALS',
  CIGARETTES = 'CIGARETTES',
  CURRENCY = 'CURRENCY',
  WILDLIFE = 'WILDLIFE',
  COUNTERFEIT_GOODS = 'COUNTERFEIT_GOODS',
  FUEL = 'FUEL',
}
registerEnumType(SeizureCommodity, {
  name: 'SeizureCommodity',
  description: 'What customs seized.',
  valuesConfig: {
    FIREARMS: { description: 'Firearms, including converted alarm pistols and essential parts.' },
    AMMUNITION: { description: 'Cartridges and shells.' },
    COCAINE: { description: 'Cocaine hydrochloride or base.' },
    HEROIN: { description: 'Heroin.' },
    CANNABIS: { description: 'Cannabis herb or resin.' },
    METHAMPHETAMINE: { description: 'Methamphetamine, crystalline or tablets.' },
    AMPHETAMINE: { description: 'Amphetamine-type stimulants, including captagon tablets.' },
    PHARMACEUTICALS: { description: 'Falsified or diverted medicines, such as tramadol.' },
    CIGARETTES: { description: 'Cigarettes smuggled to evade excise (counted in sticks).' },
    CURRENCY: { description: 'Undeclared or suspected criminal cash.' },
    WILDLIFE: { description: 'Protected species and their parts (ivory, pangolin scales, rosewood).' },
    COUNTERFEIT_GOODS: { description: 'Goods infringing trademarks or designs.' },
    FUEL: { description: 'Smuggled petrol or diesel.' },
  },
});

export enum SeizureUnit {
  KG = 'KG',
  LITRE = 'LITRE',
  PIECE = 'PIECE',
  EUR = 'EUR',
  USD = 'USD',
}
registerEnumType(SeizureUnit, {
  name: 'SeizureUnit',
  description: 'Unit of a seized quantity: a mass, a volume, a count, or an amount of a currency.',
  valuesConfig: {
    KG: { description: 'Kilograms (net mass).' },
    LITRE: { description: 'Litres.' },
    PIECE: { description: 'Items counted one by one (weapons, cartridges, cigarette sticks, tablets, articles).' },
    EUR: { description: 'Euros (cash).' },
    USD: { description: 'United States dollars (cash).' },
  },
});

export enum ConcealmentMethod {
  VEHICLE_COMPARTMENT = 'VEHICLE_COMPARTMENT',
  FUEL_TANK = 'FUEL_TANK',
  CARGO_CONTAINER = 'CARGO_CONTAINER',
  MIXED_WITH_LEGITIMATE_CARGO = 'MIXED_WITH_LEGITIMATE_CARGO',
  VESSEL_STRUCTURE = 'VESSEL_STRUCTURE',
  LUGGAGE = 'LUGGAGE',
  ON_BODY = 'ON_BODY',
  POSTAL_PARCEL = 'POSTAL_PARCEL',
  UNCONCEALED = 'UNCONCEALED',
}
registerEnumType(ConcealmentMethod, {
  name: 'ConcealmentMethod',
  description: 'How the goods were hidden.',
  valuesConfig: {
    VEHICLE_COMPARTMENT: { description: 'Natural voids or built-in false compartments of a car, coach or lorry.' },
    FUEL_TANK: { description: 'Inside a modified or additional fuel tank.' },
    CARGO_CONTAINER: { description: 'Inside a shipping container (rip-on/rip-off loads, false walls).' },
    MIXED_WITH_LEGITIMATE_CARGO: { description: 'Among declared goods, misdeclared.' },
    VESSEL_STRUCTURE: { description: 'In the hull, sea chest or machinery spaces of a vessel.' },
    LUGGAGE: { description: 'In checked or hand luggage.' },
    ON_BODY: { description: 'Strapped to or worn on the body.' },
    POSTAL_PARCEL: { description: 'In postal or express-courier parcels.' },
    UNCONCEALED: { description: 'Not hidden, only undeclared.' },
  },
});

export enum SuspectAgeBand {
  UNDER_18 = 'UNDER_18',
  AGE_18_24 = 'AGE_18_24',
  AGE_25_34 = 'AGE_25_34',
  AGE_35_44 = 'AGE_35_44',
  AGE_45_54 = 'AGE_45_54',
  AGE_55_PLUS = 'AGE_55_PLUS',
}
registerEnumType(SuspectAgeBand, {
  name: 'SuspectAgeBand',
  description: 'Age of a suspect in years, in bands (never a date of birth).',
  valuesConfig: {
    UNDER_18: { description: 'Under 18.' },
    AGE_18_24: { description: '18 to 24.' },
    AGE_25_34: { description: '25 to 34.' },
    AGE_35_44: { description: '35 to 44.' },
    AGE_45_54: { description: '45 to 54.' },
    AGE_55_PLUS: { description: '55 or older.' },
  },
});

export enum SuspectGender {
  FEMALE = 'FEMALE',
  MALE = 'MALE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(SuspectGender, {
  name: 'SuspectGender',
  description: 'Gender of a suspect as recorded by the customs officer.',
  valuesConfig: { FEMALE: { description: 'Female.' }, MALE: { description: 'Male.' }, UNKNOWN: { description: 'Not recorded.' } },
});

/** Where the goods came from and were bound for, as customs established it. */
@Embeddable()
@ObjectType('SeizureRoute', { description: 'Where seized goods came from and were bound for.' })
export class SeizureRoute {
  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country the goods were shipped or driven from.' })
  origin!: string;

  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Country the goods were bound for.' })
  destination!: string;
}

/**
 * Personal data about the person the goods were seized from, kept apart from the seizure so the
 * access layer can withhold it as one unit.
 */
@Embeddable()
@Policy(withPurpose('clearance:restricted'))
@ObjectType('SeizureSuspect', {
  description: 'Restricted personal details of the person the goods were seized from; the access layer releases or withholds them as one unit.',
})
export class SeizureSuspect {
  @Property({ length: 3 })
  @Field(() => CountryCode, { description: 'Nationality of the suspect (from the travel document presented).' })
  nationality!: string;

  @Enum({ items: () => SuspectAgeBand })
  @Field(() => SuspectAgeBand, { description: 'Age band of the suspect.' })
  ageBand!: SuspectAgeBand;

  @Enum({ items: () => SuspectGender })
  @Field(() => SuspectGender, { description: 'Gender of the suspect.' })
  gender!: SuspectGender;
}

@Entity({ tableName: 'seizure' })
@Index({ properties: ['seizedAt', 'id'] })
@Check({ name: 'seizure_quantity_check', expression: 'quantity > 0' })
@ObjectType('Seizure', { description: 'Goods the customs organisation seized at a checkpoint during a joint operation.' })
export class Seizure {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string & Opt = randomUUID();

  /** Owned by the operations subgraph, so only its id is kept here (no foreign key). */
  @Property({ type: 'uuid', index: true })
  operationId!: string;

  @Property({ type: 'uuid', index: true })
  checkpointId!: string;

  @Property({ length: 40, unique: true })
  @Field({ description: 'Customs case number, such as `GHA-C-2026-04817`.' })
  caseReference!: string;

  @Enum({ items: () => SeizureCommodity })
  @Field(() => SeizureCommodity, { description: 'What was seized.' })
  commodity!: SeizureCommodity;

  @Property({ type: new DecimalType('number'), precision: 14, scale: 3 })
  @Field(() => Float, { description: 'How much was seized, in `unit`.' })
  quantity!: number;

  @Enum({ items: () => SeizureUnit })
  @Field(() => SeizureUnit, { description: 'Unit of `quantity`.' })
  unit!: SeizureUnit;

  @Enum({ items: () => ConcealmentMethod })
  @Field(() => ConcealmentMethod, { description: 'How the goods were hidden.' })
  concealment!: ConcealmentMethod;

  @Embedded(() => SeizureRoute, { prefix: 'route_' })
  @Field(() => SeizureRoute, { description: 'Where the goods came from and were bound for.' })
  route!: SeizureRoute;

  @Property({ type: 'timestamptz' })
  @Field(() => Date, { description: 'When the goods were seized.' })
  seizedAt!: Date;

  @Embedded(() => SeizureSuspect, { prefix: 'suspect_', nullable: true })
  @Field(() => SeizureSuspect, { nullable: true, description: 'The person the goods were seized from (restricted personal data); null when nobody claimed them.' })
  suspect?: SeizureSuspect | null;

  @HandlingColumn('Owner, classification and releasability of the seizure record.')
  handling!: Handling;
}
