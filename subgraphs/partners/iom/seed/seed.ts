import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../../authorization/subgraph/handling';
import { insertRows, mulberry32, sample, seedId, weighted, type Rng, type Weighted } from '../../../shared/seeding';
import { ReferralAgeBand as A, ReferralGender, ReferralNeed as N, ReferralService as S } from '../iom-referral.entity';

// Synthetic demo data: no referral describes a real person. Operation and checkpoint ids are
// derived exactly as the operations subgraph's seed derives them, at checkpoints where it deploys
// the operation, within the deployment's days (a test checks it). Nationality quotas are fixed so
// that the aggregates show groups above, at and below k (e.g. 11 LAO and 10 VNM in SUNBIRD-IV).

const HOUR = 3_600_000;

/** The operations seed's fixed "now": the ACTIVE operation has referrals up to here, none later. */
const AS_OF = Date.parse('2026-11-27T18:00:00Z');

/** A checkpoint where the operation is deployed, with the deployment's first and last instants (UTC). */
type Post = [country: string, name: string, from: string, until: string];

interface OperationReferrals {
  code: string;
  /** Referrals per nationality. */
  nationalities: Record<string, number>;
  posts: Post[];
  /** Organisations besides the hub that see referrals made in a given country (the lead bureau). */
  releasedIn: Record<string, string>;
}

const OPERATIONS: OperationReferrals[] = [
  {
    code: 'SUNBIRD-IV',
    nationalities: { MMR: 19, KHM: 14, LAO: 11, VNM: 10, IDN: 7, PHL: 5, THA: 4, BGD: 2 },
    posts: [
      ['SGP', 'Singapore Changi Airport', '2025-09-08T06:00:00Z', '2025-09-19T20:00:00Z'],
      ['MYS', 'Kuala Lumpur International Airport', '2025-09-08T06:00:00Z', '2025-09-19T20:00:00Z'],
      ['MMR', 'Yangon International Airport', '2025-09-09T06:00:00Z', '2025-09-19T20:00:00Z'],
      ['KHM', 'Phnom Penh International Airport', '2025-09-09T06:00:00Z', '2025-09-19T20:00:00Z'],
      ['PHL', 'Ninoy Aquino International Airport', '2025-09-08T06:00:00Z', '2025-09-18T20:00:00Z'],
      ['LAO', 'Wattay International Airport', '2025-09-08T06:00:00Z', '2025-09-18T20:00:00Z'],
      ['THA', 'Suvarnabhumi Airport', '2025-09-08T06:00:00Z', '2025-09-18T20:00:00Z'],
      ['IDN', 'Ngurah Rai International Airport', '2025-09-08T06:00:00Z', '2025-09-18T20:00:00Z'],
      ['BRN', 'Brunei International Airport', '2025-09-08T06:00:00Z', '2025-09-18T20:00:00Z'],
      ['THA', 'Don Mueang International Airport', '2025-09-09T06:00:00Z', '2025-09-19T20:00:00Z'],
    ],
    releasedIn: { THA: 'ncb-tha' },
  },
  {
    code: 'ANCHOR-III',
    nationalities: { NGA: 18, GHA: 12, BEN: 8, TGO: 6, NER: 4, CIV: 3, CMR: 2, BFA: 1 },
    posts: [
      ['TGO', 'Port of Lomé', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['GHA', 'Takoradi Port', '2026-11-17T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['GHA', 'Port of Tema', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['CIV', 'Port of Abidjan', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['NGA', 'Apapa Port', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
      ['CMR', 'Port of Douala', '2026-11-16T06:00:00Z', '2026-12-04T20:00:00Z'],
      ['SEN', 'Port of Dakar', '2026-11-16T06:00:00Z', '2026-12-03T20:00:00Z'],
    ],
    releasedIn: { GHA: 'ncb-gha' },
  },
];

const AGE_BANDS: Weighted<A> = [[A.UNDER_12, 4], [A.AGE_12_17, 20], [A.AGE_18_24, 38], [A.AGE_25_34, 26], [A.AGE_35_PLUS, 12]];
const GENDERS: Weighted<ReferralGender> = [[ReferralGender.FEMALE, 66], [ReferralGender.MALE, 32], [ReferralGender.UNDISCLOSED, 2]];
const ADULT_SERVICES: Weighted<S> = [
  [S.NATIONAL_ANTI_TRAFFICKING_AGENCY, 30], [S.NGO_SHELTER, 25], [S.GOVERNMENT_SHELTER, 20], [S.ASSISTED_VOLUNTARY_RETURN, 12], [S.HEALTH_FACILITY, 8], [S.LEGAL_AID_PROVIDER, 5],
];
/** How often an adult has each need; children always need child protection. */
const ADULT_NEEDS: [N, number][] = [
  [N.SAFE_ACCOMMODATION, 0.7], [N.PSYCHOSOCIAL_SUPPORT, 0.6], [N.MEDICAL_CARE, 0.45], [N.RETURN_AND_REINTEGRATION, 0.35], [N.LEGAL_ASSISTANCE, 0.3], [N.INTERPRETATION, 0.25],
];

function referralRows(op: OperationReferrals, rng: Rng): object[] {
  const people = Object.entries(op.nationalities).flatMap(([nationality, count]) => Array<string>(count).fill(nationality));
  const starts = op.posts.map(([, , from]) => Date.parse(from));
  const [opStart, opEnd] = [Math.min(...starts), Math.min(Math.max(...op.posts.map(([, , , until]) => Date.parse(until))), AS_OF)];
  return sample(rng, people, people.length).map((nationality, n) => {
    // Most are identified at a checkpoint; some by outreach teams elsewhere during the operation.
    const post = rng() < 0.85 ? op.posts[Math.floor(rng() * op.posts.length)] : null;
    const start = post ? Date.parse(post[2]) : opStart;
    const end = post ? Math.min(Date.parse(post[3]), AS_OF) : opEnd;
    const ageBand = weighted(rng, AGE_BANDS);
    const child = ageBand === A.UNDER_12 || ageBand === A.AGE_12_17;
    const needs = child
      ? [N.CHILD_PROTECTION, N.SAFE_ACCOMMODATION, ...(rng() < 0.7 ? [N.FAMILY_TRACING] : []), ...(rng() < 0.5 ? [N.PSYCHOSOCIAL_SUPPORT] : [])]
      : ADULT_NEEDS.filter(([, p]) => rng() < p).map(([need]) => need);
    const country = post?.[0];
    return {
      id: seedId('iom-referral', `${op.code}:${n}`),
      operation_id: seedId('operation', op.code),
      checkpoint_id: post ? seedId('checkpoint', `${post[0]}:${post[1]}`) : null,
      referred_at: new Date(start + Math.floor(rng() * ((end - start) / HOUR)) * HOUR),
      nationality,
      age_band: ageBand,
      gender: weighted(rng, GENDERS),
      needs: needs.length ? needs : [N.PSYCHOSOCIAL_SUPPORT],
      referred_to: child ? S.CHILD_PROTECTION_SERVICE : weighted(rng, ADULT_SERVICES),
      handling_owner: 'iom',
      handling_classification: Classification.CONFIDENTIAL,
      handling_releasable_to: country && op.releasedIn[country] ? ['hub', op.releasedIn[country]] : ['hub'],
    };
  });
}

/**
 * 126 referrals of presumed victims of trafficking: 72 in SUNBIRD-IV (South-East Asian airports)
 * and 54 in ANCHOR-III (West African ports). None in ADWENPA-V: it has not started. Ids are fixed
 * and existing ids are skipped, so running it again changes nothing.
 */
export async function seedIom(em: EntityManager): Promise<void> {
  const rng = mulberry32(0x0001_0a11);
  const rows = OPERATIONS.flatMap((op) => referralRows(op, rng));
  await insertRows(em, 'referral', {
    id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', referred_at: 'timestamptz', nationality: 'text', age_band: 'text', gender: 'text', needs: 'text[]',
    referred_to: 'text', handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]',
  }, rows);
}
