import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../../authorization/subgraph/handling';
import { insertRows, int, mulberry32, pick, seedId, weighted, type Rng, type Weighted } from '../../../shared/seeding';
import { ConcealmentMethod as C, SeizureCommodity, SeizureUnit, SuspectAgeBand, SuspectGender } from '../wco-seizure.entity';

// Synthetic demo data in published orders of magnitude ("seizures in the tens" per operation); no
// seizure, case number or suspect is real. Operation and checkpoint ids are derived exactly as the
// operations subgraph's seed derives them, at checkpoints where it deploys the operation, within
// the deployment's days (a test checks it).

const HOUR = 3_600_000;

/** The operations seed's fixed "now": the ACTIVE operation has seizures up to here, none later. */
const AS_OF = Date.parse('2026-11-27T18:00:00Z');

/**
 * A kind of seizure: the commodity, its unit, a quantity range, how it is hidden and the routes it
 * moves on, each `origin>transit…>destination`; it is intercepted at a checkpoint in one of them.
 */
interface Pattern {
  commodity: SeizureCommodity;
  unit: SeizureUnit;
  quantity: [min: number, max: number, decimals: number];
  concealment: Weighted<C>;
  routes: string[][];
}

/** A checkpoint where the operation is deployed, with the deployment's first and last instants (UTC). */
type Post = [country: string, name: string, from: string, until: string];

interface OperationSeizures {
  code: string;
  count: number;
  posts: Post[];
  patterns: Weighted<Pattern>;
  /** Nationalities of suspects besides the countries of the checkpoint and the route. */
  nationalities: string[];
}

const pattern = (commodity: SeizureCommodity, unit: SeizureUnit, quantity: Pattern['quantity'], concealment: Weighted<C>, routes: string): Pattern => ({
  commodity, unit, quantity, concealment, routes: routes.split(' ').map((r) => r.split('>')),
});

const S = SeizureCommodity;
const U = SeizureUnit;
const OPERATIONS: OperationSeizures[] = [
  {
    code: 'TRIGGER-SALVO-II', count: 36,
    posts: [
      ['SRB', 'Batrovci Border Crossing', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['JOR', 'Jaber Border Crossing', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['BIH', 'Bijača Border Crossing', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['JOR', 'King Hussein Bridge', '2026-04-14T06:00:00Z', '2026-04-24T20:00:00Z'],
      ['LBN', 'Masnaa Border Crossing', '2026-04-13T06:00:00Z', '2026-04-24T20:00:00Z'],
      ['TUR', 'Cilvegözü Border Gate', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['TUN', 'Ras Jedir Border Crossing', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['MKD', 'Tabanovce Border Crossing', '2026-04-13T06:00:00Z', '2026-04-23T20:00:00Z'],
      ['MNE', 'Debeli Brijeg Border Crossing', '2026-04-13T06:00:00Z', '2026-04-24T20:00:00Z'],
      ['ALB', 'Kakavijë Border Crossing', '2026-04-13T06:00:00Z', '2026-04-24T20:00:00Z'],
    ],
    patterns: [
      [pattern(S.FIREARMS, U.PIECE, [1, 14, 0], [[C.VEHICLE_COMPARTMENT, 6], [C.FUEL_TANK, 2], [C.LUGGAGE, 1]], 'SRB>HRV>DEU BIH>HRV>AUT MKD>SRB>AUT ALB>GRC>ITA MNE>HRV>SWE SYR>JOR LBY>TUN'), 22],
      [pattern(S.AMMUNITION, U.PIECE, [50, 2400, 0], [[C.VEHICLE_COMPARTMENT, 5], [C.MIXED_WITH_LEGITIMATE_CARGO, 2]], 'SRB>HRV>DEU BIH>HRV TUR>SYR SYR>LBN LBY>TUN'), 14],
      [pattern(S.CIGARETTES, U.PIECE, [2_000, 480_000, 0], [[C.MIXED_WITH_LEGITIMATE_CARGO, 4], [C.VEHICLE_COMPARTMENT, 3], [C.UNCONCEALED, 1]], 'MNE>HRV>ITA BIH>HRV SRB>HRV>DEU LBN>SYR TUR>SYR ALB>GRC MKD>SRB JOR>PSE'), 16],
      [pattern(S.AMPHETAMINE, U.PIECE, [4_000, 900_000, 0], [[C.VEHICLE_COMPARTMENT, 3], [C.MIXED_WITH_LEGITIMATE_CARGO, 3], [C.FUEL_TANK, 1]], 'SYR>JOR>SAU SYR>LBN SYR>TUR'), 12],
      [pattern(S.HEROIN, U.KG, [0.4, 28, 3], [[C.VEHICLE_COMPARTMENT, 4], [C.ON_BODY, 1]], 'TUR>MKD>SRB>HUN TUR>SRB>HRV>DEU'), 6],
      [pattern(S.CANNABIS, U.KG, [1.5, 160, 3], [[C.VEHICLE_COMPARTMENT, 4], [C.LUGGAGE, 1]], 'ALB>GRC ALB>MNE>HRV MKD>SRB LBN>SYR'), 9],
      [pattern(S.CURRENCY, U.EUR, [12_000, 460_000, 0], [[C.ON_BODY, 2], [C.VEHICLE_COMPARTMENT, 3], [C.LUGGAGE, 2]], 'DEU>HRV>SRB AUT>HRV>BIH CHE>GRC>ALB LBY>TUN PSE>JOR SYR>LBN'), 9],
      [pattern(S.FUEL, U.LITRE, [180, 3_200, 0], [[C.FUEL_TANK, 5], [C.UNCONCEALED, 1]], 'LBY>TUN SYR>TUR'), 5],
      [pattern(S.COUNTERFEIT_GOODS, U.PIECE, [40, 5_000, 0], [[C.MIXED_WITH_LEGITIMATE_CARGO, 4], [C.UNCONCEALED, 1]], 'TUR>MKD>SRB CHN>GRC>ALB JOR>PSE'), 7],
    ],
    nationalities: 'SRB BIH ALB MKD MNE TUR JOR LBN SYR TUN DEU AUT'.split(' '),
  },
  {
    code: 'ANCHOR-III', count: 28,
    posts: [
      ['TGO', 'Port of Lomé', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['GHA', 'Takoradi Port', '2026-11-17T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['GHA', 'Port of Tema', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['CIV', 'Port of Abidjan', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['NGA', 'Apapa Port', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['CMR', 'Port of Douala', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['SEN', 'Port of Dakar', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
    ],
    patterns: [
      [pattern(S.COCAINE, U.KG, [4, 640, 3], [[C.CARGO_CONTAINER, 6], [C.VESSEL_STRUCTURE, 3], [C.MIXED_WITH_LEGITIMATE_CARGO, 2]], 'BRA>GHA>ESP COL>TGO>NLD ECU>CIV>BEL BRA>SEN>PRT VEN>NGA>ESP BRA>CMR>FRA'), 14],
      [pattern(S.PHARMACEUTICALS, U.PIECE, [20_000, 2_400_000, 0], [[C.CARGO_CONTAINER, 5], [C.MIXED_WITH_LEGITIMATE_CARGO, 4]], 'IND>NGA IND>GHA IND>TGO>BEN IND>CIV IND>SEN CHN>CMR'), 12],
      [pattern(S.COUNTERFEIT_GOODS, U.PIECE, [300, 60_000, 0], [[C.CARGO_CONTAINER, 3], [C.MIXED_WITH_LEGITIMATE_CARGO, 5]], 'CHN>NGA CHN>GHA TUR>SEN ARE>CIV CHN>CMR CHN>TGO'), 9],
      [pattern(S.WILDLIFE, U.KG, [18, 3_100, 1], [[C.CARGO_CONTAINER, 4], [C.MIXED_WITH_LEGITIMATE_CARGO, 3]], 'CMR>VNM NGA>VNM COD>CMR>CHN CIV>MYS GHA>CHN'), 7],
      [pattern(S.FUEL, U.LITRE, [4_000, 120_000, 0], [[C.VESSEL_STRUCTURE, 3], [C.UNCONCEALED, 2]], 'NGA>BEN NGA>TGO NGA>CMR NGA>GHA'), 7],
      [pattern(S.CURRENCY, U.USD, [25_000, 900_000, 0], [[C.LUGGAGE, 2], [C.VESSEL_STRUCTURE, 1], [C.ON_BODY, 1]], 'NGA>GHA GHA>CIV SEN>MRT CMR>NGA'), 4],
      [pattern(S.FIREARMS, U.PIECE, [1, 40, 0], [[C.CARGO_CONTAINER, 2], [C.VESSEL_STRUCTURE, 1]], 'TUR>NGA USA>GHA USA>SEN TUR>CMR'), 3],
      [pattern(S.CIGARETTES, U.PIECE, [100_000, 6_000_000, 0], [[C.CARGO_CONTAINER, 3], [C.MIXED_WITH_LEGITIMATE_CARGO, 2]], 'ARE>TGO>BFA ARE>GHA ARE>NGA ARE>CIV>MLI'), 4],
    ],
    nationalities: 'NGA GHA TGO BEN CIV CMR SEN BRA COL ESP NLD CHN LBN'.split(' '),
  },
];

const AGE_BANDS: Weighted<SuspectAgeBand> = [
  [SuspectAgeBand.UNDER_18, 2], [SuspectAgeBand.AGE_18_24, 16], [SuspectAgeBand.AGE_25_34, 34], [SuspectAgeBand.AGE_35_44, 28], [SuspectAgeBand.AGE_45_54, 14], [SuspectAgeBand.AGE_55_PLUS, 6],
];
const GENDERS: Weighted<SuspectGender> = [[SuspectGender.MALE, 86], [SuspectGender.FEMALE, 13], [SuspectGender.UNKNOWN, 1]];

function quantity(rng: Rng, [min, max, decimals]: Pattern['quantity']): number {
  // Log-uniform: many small seizures, a few large ones.
  const value = Math.exp(Math.log(min) + rng() * (Math.log(max) - Math.log(min)));
  const factor = 10 ** decimals;
  return Math.max(min, Math.round(value * factor) / factor);
}

function seizureRows(op: OperationSeizures, rng: Rng): object[] {
  return Array.from({ length: op.count }, (_, n) => {
    const [country, name, from, until] = pick(rng, op.posts);
    const start = Date.parse(from);
    const end = Math.min(Date.parse(until), AS_OF);
    const seizedAt = new Date(start + Math.floor(rng() * (end - start) / HOUR) * HOUR + int(rng, 0, 59) * 60_000);
    // Only goods whose route crosses the checkpoint's country are intercepted there.
    const kinds = op.patterns.filter(([p]) => p.routes.some((route) => route.includes(country)));
    const kind = weighted(rng, kinds);
    const route = pick(rng, kind.routes.filter((r) => r.includes(country)));
    const [origin, destination] = [route[0], route[route.length - 1]];
    const concealment = weighted(rng, kind.concealment);
    // Abandoned or unclaimed goods (mostly in containers) have no suspect.
    const claimed = rng() < (concealment === C.CARGO_CONTAINER ? 0.45 : 0.9);
    const tier = rng();
    return {
      id: seedId('wco-seizure', `${op.code}:${n}`),
      operation_id: seedId('operation', op.code),
      checkpoint_id: seedId('checkpoint', `${country}:${name}`),
      // Increasing within an operation, and operations use different countries: never a duplicate.
      case_reference: `${country}-C-${seizedAt.getUTCFullYear()}-${String(4_000 + 31 * n + int(rng, 0, 30)).padStart(5, '0')}`,
      commodity: kind.commodity,
      quantity: quantity(rng, kind.quantity),
      unit: kind.unit,
      concealment,
      route_origin: origin,
      route_destination: destination,
      seized_at: seizedAt,
      suspect_nationality: claimed ? (rng() < 0.6 ? pick(rng, [country, origin, destination]) : pick(rng, op.nationalities)) : null,
      suspect_age_band: claimed ? weighted(rng, AGE_BANDS) : null,
      suspect_gender: claimed ? weighted(rng, GENDERS) : null,
      handling_owner: 'wco',
      // Most cases go to the operation's closed user group; a few are public, a few (controlled deliveries) confidential.
      handling_classification: tier < 0.2 ? Classification.OFFICIAL_USE : tier < 0.94 ? Classification.RESTRICTED : Classification.CONFIDENTIAL,
      handling_releasable_to: tier < 0.2 ? ['*'] : tier < 0.94 ? ['hub', `ncb-${country.toLowerCase()}`, ...(rng() < 0.3 ? ['frontex'] : [])] : ['hub'],
    };
  });
}

/**
 * 64 seizures at the checkpoints of the two operations the customs organisation takes part in
 * (TRIGGER-SALVO-II: firearms, captagon, cigarettes at land crossings; ANCHOR-III: cocaine,
 * tramadol, wildlife, fuel at West African ports). Ids are fixed and existing ids are skipped, so
 * running it again changes nothing.
 */
export async function seedWco(em: EntityManager): Promise<void> {
  const rng = mulberry32(0x00c0_57e5);
  const rows = OPERATIONS.flatMap((op) => seizureRows(op, rng));
  await insertRows(em, 'seizure', {
    id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', case_reference: 'text', commodity: 'text', quantity: 'numeric', unit: 'text', concealment: 'text',
    route_origin: 'text', route_destination: 'text', seized_at: 'timestamptz', suspect_nationality: 'text', suspect_age_band: 'text', suspect_gender: 'text',
    handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]',
  }, rows);
}
