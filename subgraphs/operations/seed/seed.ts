import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../authorization/subgraph/handling';
import { insertRows, int, mulberry32, pick, sample, seedId, weighted, type Rng, type Weighted } from '../../shared/seeding';
import type { SubgraphTools } from '../../shared/context';
import { BorderType, DocumentType, HitAction, HitStatus, LossType, OperationStatus, ScreeningDatabase } from '../enums';
import { CrimeArea } from '../../shared/crime-area';

// Synthetic demo data inspired by published orders of magnitude; no record describes a real person,
// document or operation result. Hits are about 1 in 1,000 checks, denser than the 1 in 10,000+ of
// real operations, so that a small demo still shows some.

/** The data set's fixed "now": the ACTIVE operation has checks and hits up to here, none later. */
const AS_OF = new Date('2026-11-27T18:00:00Z');
const ALERT_COUNT = 3000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Place = readonly [name: string, country: string, place: string, latitude: number, longitude: number];

const AIRPORTS: Place[] = [
  ['Suvarnabhumi Airport', 'THA', 'Bang Phli, Samut Prakan', 13.69, 100.75],
  ['Don Mueang International Airport', 'THA', 'Don Mueang, Bangkok', 13.913, 100.607],
  ['Tan Son Nhat International Airport', 'VNM', 'Ho Chi Minh City', 10.819, 106.652],
  ['Noi Bai International Airport', 'VNM', 'Soc Son, Hanoi', 21.221, 105.807],
  ['Phnom Penh International Airport', 'KHM', 'Phnom Penh', 11.547, 104.844],
  ['Wattay International Airport', 'LAO', 'Vientiane', 17.988, 102.563],
  ['Yangon International Airport', 'MMR', 'Mingaladon, Yangon', 16.907, 96.133],
  ['Kuala Lumpur International Airport', 'MYS', 'Sepang, Selangor', 2.746, 101.71],
  ['Soekarno-Hatta International Airport', 'IDN', 'Tangerang, Banten', -6.126, 106.656],
  ['Ngurah Rai International Airport', 'IDN', 'Denpasar, Bali', -8.748, 115.167],
  ['Ninoy Aquino International Airport', 'PHL', 'Pasay, Metro Manila', 14.509, 121.019],
  ['Singapore Changi Airport', 'SGP', 'Changi', 1.364, 103.992],
  ['Brunei International Airport', 'BRN', 'Bandar Seri Begawan', 4.944, 114.928],
  ['Kotoka International Airport', 'GHA', 'Accra', 5.605, -0.167],
  ['Blaise Diagne International Airport', 'SEN', 'Diass, Thiès', 14.67, -17.073],
  ['Murtala Muhammed International Airport', 'NGA', 'Ikeja, Lagos', 6.577, 3.321],
];
const LAND_CROSSINGS: Place[] = [
  ['Kapıkule Border Gate', 'TUR', 'Edirne', 41.716, 26.359],
  ['Cilvegözü Border Gate', 'TUR', 'Reyhanlı, Hatay', 36.228, 36.665],
  ['Masnaa Border Crossing', 'LBN', 'Majdal Anjar, Bekaa', 33.704, 35.956],
  ['Jaber Border Crossing', 'JOR', 'Mafraq', 32.545, 36.208],
  ['King Hussein Bridge', 'JOR', 'Jordan Valley', 31.873, 35.54],
  ['Ras Jedir Border Crossing', 'TUN', 'Ben Gardane, Medenine', 33.166, 11.56],
  ['Horgoš Border Crossing', 'SRB', 'Horgoš', 46.157, 19.972],
  ['Batrovci Border Crossing', 'SRB', 'Batrovci', 45.041, 19.1],
  ['Tabanovce Border Crossing', 'MKD', 'Kumanovo', 42.211, 21.7],
  ['Bogorodica Border Crossing', 'MKD', 'Gevgelija', 41.138, 22.567],
  ['Kakavijë Border Crossing', 'ALB', 'Gjirokastër', 39.925, 20.33],
  ['Debeli Brijeg Border Crossing', 'MNE', 'Herceg Novi', 42.47, 18.49],
  ['Bijača Border Crossing', 'BIH', 'Ljubuški', 43.12, 17.56],
  ['Seme Border Post', 'NGA', 'Seme, Badagry', 6.371, 2.717],
  ['Aflao Border Post', 'GHA', 'Aflao, Volta', 6.116, 1.193],
  ['Noé Border Post', 'CIV', 'Noé, Sud-Comoé', 5.117, -2.79],
  ['Rosso Border Post', 'SEN', 'Rosso, Saint-Louis', 16.498, -15.808],
];
const SEA_PORTS: Place[] = [
  ['Port of Tema', 'GHA', 'Tema, Greater Accra', 5.638, 0.011],
  ['Takoradi Port', 'GHA', 'Sekondi-Takoradi', 4.887, -1.747],
  ['Port of Lomé', 'TGO', 'Lomé', 6.137, 1.283],
  ['Port of Cotonou', 'BEN', 'Cotonou', 6.349, 2.432],
  ['Apapa Port', 'NGA', 'Apapa, Lagos', 6.443, 3.367],
  ['Port of Abidjan', 'CIV', 'Abidjan', 5.29, -4.011],
  ['Port of Dakar', 'SEN', 'Dakar', 14.68, -17.425],
  ['Port of Douala', 'CMR', 'Douala', 4.046, 9.69],
];

interface OperationSeed {
  code: string; name: string; status: OperationStatus; startsOn: string; endsOn: string; borderTypes: BorderType[]; crimeAreas: CrimeArea[];
  leadOrganisation: string; participatingCountries: string[]; partnerOrganisations: string[]; databasesEnabled: ScreeningDatabase[];
  /** How many matching checkpoints get a deployment, and how many checks and hits are generated. */
  deployments: number; checks: number; hits: number;
}

const D = ScreeningDatabase;
const C = CrimeArea;
const OPERATIONS: OperationSeed[] = [
  { code: 'SUNBIRD-IV', name: 'Sunbird IV (demo): South-East Asian airports', status: OperationStatus.CLOSED, startsOn: '2025-09-08', endsOn: '2025-09-19',
    borderTypes: [BorderType.AIR], crimeAreas: [C.TRAVEL_DOCUMENT_FRAUD, C.TRAFFICKING_IN_HUMAN_BEINGS, C.MIGRANT_SMUGGLING, C.TERRORISM],
    leadOrganisation: 'hub', participatingCountries: 'BRN IDN KHM LAO MMR MYS PHL SGP THA VNM'.split(' '), partnerOrganisations: ['iom'],
    databasesEnabled: [D.STOLEN_LOST_TRAVEL_DOCUMENTS, D.WANTED_PERSONS, D.TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES], deployments: 10, checks: 38_000, hits: 46 },
  { code: 'TRIGGER-SALVO-II', name: 'Trigger-Salvo II (demo): firearms and stolen vehicles at land crossings', status: OperationStatus.CLOSED,
    startsOn: '2026-04-13', endsOn: '2026-04-24', borderTypes: [BorderType.LAND], crimeAreas: [C.FIREARMS, C.STOLEN_VEHICLES, C.TERRORISM, C.TRAVEL_DOCUMENT_FRAUD],
    leadOrganisation: 'hub', participatingCountries: 'ALB BIH IRQ JOR LBN MKD MNE SRB TUN TUR'.split(' '), partnerOrganisations: ['frontex', 'wco'],
    databasesEnabled: [D.STOLEN_LOST_TRAVEL_DOCUMENTS, D.WANTED_PERSONS, D.STOLEN_MOTOR_VEHICLES, D.ILLICIT_FIREARMS], deployments: 10, checks: 31_000, hits: 29 },
  { code: 'ANCHOR-III', name: 'Anchor III (demo): Gulf of Guinea and West African ports', status: OperationStatus.ACTIVE, startsOn: '2026-11-16', endsOn: '2026-12-04',
    borderTypes: [BorderType.SEA], crimeAreas: [C.DRUGS, C.MIGRANT_SMUGGLING, C.TRAVEL_DOCUMENT_FRAUD],
    leadOrganisation: 'ncb-gha', participatingCountries: 'BEN CIV CMR GHA NGA SEN TGO'.split(' '), partnerOrganisations: ['wco'],
    databasesEnabled: [D.STOLEN_LOST_TRAVEL_DOCUMENTS, D.WANTED_PERSONS, D.STOLEN_VESSELS, D.TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES], deployments: 7, checks: 33_000, hits: 24 },
  { code: 'ADWENPA-V', name: 'Adwenpa V (demo): trafficking routes through West Africa', status: OperationStatus.PLANNED, startsOn: '2026-12-14', endsOn: '2026-12-23',
    borderTypes: [BorderType.AIR, BorderType.LAND], crimeAreas: [C.TRAFFICKING_IN_HUMAN_BEINGS, C.MIGRANT_SMUGGLING, C.TRAVEL_DOCUMENT_FRAUD],
    leadOrganisation: 'hub', participatingCountries: 'BEN BFA CIV GHA MLI MRT NGA SEN TGO'.split(' '), partnerOrganisations: ['iom', 'frontex'],
    databasesEnabled: [D.STOLEN_LOST_TRAVEL_DOCUMENTS, D.WANTED_PERSONS, D.FINGERPRINTS], deployments: 7, checks: 0, hits: 0 },
];

/** Documents screened at each kind of border; seafarers' documents only show up at ports. */
const SCREENED_DOCUMENTS: Record<BorderType, Weighted<DocumentType>> = {
  AIR: [[DocumentType.PASSPORT, 88], [DocumentType.VISA, 7], [DocumentType.IDENTITY_CARD, 3], [DocumentType.REFUGEE_TRAVEL_DOCUMENT, 2]],
  LAND: [[DocumentType.PASSPORT, 50], [DocumentType.IDENTITY_CARD, 42], [DocumentType.VISA, 4], [DocumentType.REFUGEE_TRAVEL_DOCUMENT, 4]],
  SEA: [[DocumentType.PASSPORT, 55], [DocumentType.SEAFARER_IDENTITY_DOCUMENT, 35], [DocumentType.IDENTITY_CARD, 6], [DocumentType.VISA, 4]],
};
const ALERT_DOCUMENTS: Weighted<DocumentType> = [
  [DocumentType.PASSPORT, 60], [DocumentType.IDENTITY_CARD, 25], [DocumentType.VISA, 6], [DocumentType.SEAFARER_IDENTITY_DOCUMENT, 5], [DocumentType.REFUGEE_TRAVEL_DOCUMENT, 4],
];
const LOSS_TYPES: Weighted<LossType> = [[LossType.LOST, 45], [LossType.STOLEN_FROM_BEARER, 30], [LossType.REVOKED, 15], [LossType.STOLEN_BLANK, 10]];
const CLASSIFICATIONS: Weighted<Classification> = [[Classification.RESTRICTED, 80], [Classification.OFFICIAL_USE, 16], [Classification.CONFIDENTIAL, 4]];
const CONFIRMED_ACTIONS: Weighted<HitAction> = [[HitAction.REFUSED_ENTRY, 40], [HitAction.SEIZED, 25], [HitAction.QUESTIONED, 20], [HitAction.ARRESTED, 15]];

type Column = 'uuid' | 'text' | 'text[]' | 'date' | 'timestamptz' | 'integer' | 'double precision' | 'boolean';
type Row = Record<string, unknown>;
const COLUMNS = {
  operation: { id: 'uuid', code: 'text', name: 'text', status: 'text', starts_on: 'date', ends_on: 'date', border_types: 'text[]', crime_areas: 'text[]',
    lead_organisation: 'text', participating_countries: 'text[]', partner_organisations: 'text[]', databases_enabled: 'text[]', created_at: 'timestamptz', updated_at: 'timestamptz' },
  checkpoint: { id: 'uuid', name: 'text', country: 'text', border_type: 'text', place: 'text', latitude: 'double precision', longitude: 'double precision' },
  deployment: { id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', starts_at: 'timestamptz', ends_at: 'timestamptz', officers_assigned: 'integer' },
  document_alert: { id: 'uuid', document_number: 'text', issuing_country: 'text', document_type: 'text', loss_type: 'text', reported_on: 'date', lookup_key: 'text',
    handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]' },
  '"check"': { id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', database: 'text', checked_at: 'timestamptz', subject_ref: 'text', document_type: 'text',
    issuing_country: 'text', matched: 'boolean' },
  hit: { id: 'uuid', check_id: 'uuid', alert_id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', database: 'text', status: 'text', action_taken: 'text',
    decision_note: 'text', detected_at: 'timestamptz', decided_at: 'timestamptz' },
  hit_notification: { id: 'uuid', hit_id: 'uuid', organisation: 'text', event: 'text', state: 'text', attempts: 'integer', created_at: 'timestamptz',
    next_attempt_at: 'timestamptz', last_attempt_at: 'timestamptz', delivered_at: 'timestamptz' },
} satisfies Record<string, Record<string, Column>>;

// Rows use the tables' column names so they serialise straight into jsonb_to_recordset.
interface CheckpointRow { id: string; name: string; country: string; border_type: BorderType; place: string; latitude: number; longitude: number }
interface DeploymentRow { id: string; operation_id: string; checkpoint_id: string; starts_at: Date; ends_at: Date; officers_assigned: number }
interface AlertRow { id: string; issuing_country: string; document_type: DocumentType; reported_on: string; lookup_key: string; [column: string]: unknown }

/**
 * Loads the synthetic demo data set of the operations subgraph: four operations (AIR, LAND and SEA,
 * closed, active and planned), their checkpoints and deployments, stolen/lost document alerts, about
 * 100,000 checks and a hundred hits. Ids and values are fixed, every insert skips existing ids, so
 * running it again changes nothing.
 */
export async function seedOperations(em: EntityManager, tools: SubgraphTools): Promise<void> {
  const rng = mulberry32(0x5eed_f00d);
  const checkpoints = [...places(AIRPORTS, BorderType.AIR), ...places(LAND_CROSSINGS, BorderType.LAND), ...places(SEA_PORTS, BorderType.SEA)];
  const deployments = new Map(OPERATIONS.map((op) => [op.code, deploymentRows(op, checkpoints, rng)]));
  const alerts = alertRows(tools, rng);
  const usedAlerts = new Set<string>();
  const screened = OPERATIONS.filter((op) => op.checks > 0);
  const hits = screened.flatMap((op) => hitRows(op, deployments.get(op.code)!, alerts, usedAlerts, rng));
  await em.transactional(async (tx) => {
    await insert(tx, 'operation', OPERATIONS.map(operationRow));
    await insert(tx, 'checkpoint', checkpoints);
    await insert(tx, 'deployment', [...deployments.values()].flat());
    await insert(tx, 'document_alert', alerts);
    for (const op of screened) await insertChecks(tx, op, deployments.get(op.code)!);
    await insert(tx, '"check"', hits.map((h) => h.check));
    await insert(tx, 'hit', hits.map((h) => h.hit));
    // Every hit has its notification to the owner (checked when this transaction commits): the
    // demo's were delivered two seconds after the match, so a hub started on them sends nothing.
    await insert(tx, 'hit_notification', hits.map((h) => h.notification));
  });
}

function insert(em: EntityManager, table: keyof typeof COLUMNS, rows: object[]): Promise<void> {
  return insertRows(em, table, COLUMNS[table], rows);
}

/** Non-matching checks, generated in SQL: ids and values are derived from md5 of the check's ordinal. */
async function insertChecks(em: EntityManager, op: OperationSeed, deployments: DeploymentRow[]): Promise<void> {
  const total = deployments.reduce((sum, d) => sum + d.officers_assigned, 0);
  let covered = 0;
  const bounds = deployments.map((d) => (covered += d.officers_assigned) / total).slice(0, -1);
  const shares = deployments.map((d, k) => ({ k, checkpoint_id: d.checkpoint_id, starts_at: d.starts_at, ends_at: clip(d.ends_at) }));
  const documents = cumulative(SCREENED_DOCUMENTS[op.borderTypes[0]]);
  // `offset 0` keeps the planner from inlining the subqueries, so each hash is computed once per row.
  const u = (from: number) => `('x' || substr(h, ${from}, 8))::bit(32)::bigint::float8 / 4294967296`;
  await em.execute(
    `insert into "check" (${Object.keys(COLUMNS['"check"']).join(', ')})
     select h::uuid, ?::uuid, d.checkpoint_id, ?, d.starts_at + (d.ends_at - d.starts_at) * x.t, md5(h || ':a') || md5(h || ':b'),
            case ${documents.map(() => 'when x.doc < ? then ?').join(' ')} end, (array[?]::text[])[1 + floor(x.country * ?)::int], false
     from (select h, ${u(1)} as slot, ${u(9)} as t, ${u(17)} as doc, ${u(25)} as country
           from (select md5('check:' || ? || ':' || i) as h from generate_series(1, ?) as i offset 0) g offset 0) x
     join jsonb_to_recordset(?::jsonb) as d(k int, checkpoint_id uuid, starts_at timestamptz, ends_at timestamptz)
       on d.k = width_bucket(x.slot, array[?]::float8[])
     on conflict (id) do nothing`,
    [seedId('operation', op.code), D.STOLEN_LOST_TRAVEL_DOCUMENTS, ...documents.flat(), op.participatingCountries, op.participatingCountries.length,
      op.code, op.checks, JSON.stringify(shares), bounds],
  );
}

function operationRow(op: OperationSeed): Row {
  const createdAt = new Date(Date.parse(`${op.startsOn}T09:00:00Z`) - 60 * DAY);
  const updatedAt = op.status === OperationStatus.CLOSED ? new Date(Date.parse(`${op.endsOn}T09:00:00Z`) + DAY)
    : op.status === OperationStatus.ACTIVE ? new Date(`${op.startsOn}T05:00:00Z`) : createdAt;
  return { id: seedId('operation', op.code), code: op.code, name: op.name, status: op.status, starts_on: op.startsOn, ends_on: op.endsOn,
    border_types: op.borderTypes, crime_areas: op.crimeAreas, lead_organisation: op.leadOrganisation, participating_countries: op.participatingCountries,
    partner_organisations: op.partnerOrganisations, databases_enabled: op.databasesEnabled, created_at: createdAt, updated_at: updatedAt };
}

function places(list: Place[], borderType: BorderType): CheckpointRow[] {
  return list.map(([name, country, place, latitude, longitude]) => ({ id: seedId('checkpoint', `${country}:${name}`), name, country, border_type: borderType, place, latitude, longitude }));
}

function deploymentRows(op: OperationSeed, checkpoints: CheckpointRow[], rng: Rng): DeploymentRow[] {
  const eligible = checkpoints.filter((c) => op.borderTypes.includes(c.border_type) && op.participatingCountries.includes(c.country));
  return sample(rng, eligible, op.deployments).map((c) => ({
    id: seedId('deployment', `${op.code}:${c.id}`), operation_id: seedId('operation', op.code), checkpoint_id: c.id,
    starts_at: new Date(Date.parse(`${op.startsOn}T06:00:00Z`) + int(rng, 0, 1) * DAY),
    ends_at: new Date(Date.parse(`${op.endsOn}T20:00:00Z`) - int(rng, 0, 1) * DAY),
    officers_assigned: int(rng, 4, 40),
  }));
}

function alertRows(tools: SubgraphTools, rng: Rng): AlertRow[] {
  const countries = [...new Set(OPERATIONS.flatMap((op) => op.participatingCountries))].sort();
  const [from, to] = [Date.parse('2015-01-01T00:00:00Z'), AS_OF.getTime()];
  const rows = new Map<string, AlertRow>();
  while (rows.size < ALERT_COUNT) {
    const country = pick(rng, countries);
    const number = letters(rng, int(rng, 1, 2)) + String(int(rng, 0, 9_999_999)).padStart(7, '0');
    const key = `${country}:${number}`;
    if (rows.has(key)) continue;
    const restricted = rng() < 0.05;
    rows.set(key, {
      id: seedId('document-alert', key), document_number: number, issuing_country: country,
      document_type: weighted(rng, ALERT_DOCUMENTS), loss_type: weighted(rng, LOSS_TYPES),
      reported_on: new Date(from + rng() * (to - from)).toISOString().slice(0, 10), lookup_key: tools.subjectRef(key),
      handling_owner: `ncb-${country.toLowerCase()}`, handling_classification: weighted(rng, CLASSIFICATIONS),
      handling_releasable_to: restricted ? pick(rng, [['hub'], ['hub', 'frontex'], ['hub', `ncb-${pick(rng, countries).toLowerCase()}`]]) : ['*'],
    });
  }
  return [...rows.values()];
}

/** Each hit comes with its own matching check; the owner's decision follows a few hours later. */
function hitRows(op: OperationSeed, deployments: DeploymentRow[], alerts: AlertRow[], used: Set<string>, rng: Rng): { check: Row; hit: Row; notification: Row }[] {
  const pool = sample(rng, alerts.filter((a) => a.reported_on < op.startsOn && !used.has(a.id)), op.hits);
  const operationId = seedId('operation', op.code);
  return pool.map((alert, n) => {
    used.add(alert.id);
    const deployment = weighted(rng, deployments.map((d): [DeploymentRow, number] => [d, d.officers_assigned]));
    const start = deployment.starts_at.getTime();
    const detectedAt = new Date(start + rng() * (clip(deployment.ends_at).getTime() - start));
    const pending = op.status === OperationStatus.ACTIVE && AS_OF.getTime() - detectedAt.getTime() < 3 * DAY;
    const status = pending ? HitStatus.PENDING : rng() < 0.85 ? HitStatus.CONFIRMED : HitStatus.REJECTED;
    const action = status === HitStatus.CONFIRMED ? weighted(rng, CONFIRMED_ACTIONS) : status === HitStatus.REJECTED ? HitAction.RELEASED : null;
    const checkId = seedId('check', `${op.code}:hit:${n}`);
    const common = { operation_id: operationId, checkpoint_id: deployment.checkpoint_id, database: D.STOLEN_LOST_TRAVEL_DOCUMENTS };
    return {
      check: { id: checkId, ...common, checked_at: detectedAt, subject_ref: alert.lookup_key, document_type: alert.document_type, issuing_country: alert.issuing_country, matched: true },
      hit: { id: seedId('hit', `${op.code}:${n}`), check_id: checkId, alert_id: alert.id, ...common, status, action_taken: action,
        decision_note: pending ? null : status === HitStatus.CONFIRMED ? 'Owner bureau confirmed the record is current.' : 'Owner bureau reported the record as outdated; holder released.',
        detected_at: detectedAt, decided_at: pending ? null : new Date(detectedAt.getTime() + (1 + rng() * 7) * HOUR) },
      // No draw from rng: the rest of the demo data stays exactly as it was before notifications existed.
      notification: { id: seedId('hit-notification', `${op.code}:${n}`), hit_id: seedId('hit', `${op.code}:${n}`), organisation: alert.handling_owner, event: 'hit.created',
        state: 'DELIVERED', attempts: 1, created_at: detectedAt, next_attempt_at: detectedAt, last_attempt_at: detectedAt, delivered_at: new Date(detectedAt.getTime() + 2_000) },
    };
  });
}

function clip(at: Date): Date {
  return at < AS_OF ? at : AS_OF;
}


/** Upper bounds in [0, 1] of each value's share, for drawing in SQL. */
function cumulative<T>(table: Weighted<T>): [number, T][] {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let covered = 0;
  return table.map(([value, weight], i) => [i === table.length - 1 ? 1.1 : (covered += weight) / total, value]);
}

function letters(rng: Rng, count: number): string {
  return Array.from({ length: count }, () => String.fromCharCode(65 + Math.floor(rng() * 26))).join('');
}
