import type { EntityManager } from '@mikro-orm/postgresql';
import { Classification } from '../../../../authorization/subgraph/handling';
import { insertRows, seedId } from '../../../shared/seeding';

// Synthetic demo data: no product or deployment describes a real assessment or a real mission.
// Operation and checkpoint ids are derived exactly as the operations subgraph's seed derives them;
// the checkpoints are ones where that seed deploys the operation (a test checks it).

const operation = (code: string) => seedId('operation', code);
const checkpoint = (country: string, name: string) => seedId('checkpoint', `${country}:${name}`);
const OWNER = 'frontex';
const PUBLIC = { handling_classification: Classification.OFFICIAL_USE, handling_releasable_to: ['*'] };
const restricted = (...to: string[]) => ({ handling_classification: Classification.RESTRICTED, handling_releasable_to: ['hub', ...to] });

const PRODUCTS = [
  {
    title: 'Annual risk analysis 2026 (demo)', region: 'External borders', period_start: '2025-01-01', period_end: '2025-12-31', published_at: '2026-02-20T09:00:00Z',
    operations: [], ...PUBLIC,
    summary: 'Irregular crossings fell on the Central Mediterranean and rose on the West African Atlantic route; document fraud shifted from forged to fraudulently obtained genuine documents.',
  },
  {
    title: 'Western Balkans quarterly risk analysis, Q1 2026', region: 'Western Balkans', period_start: '2026-01-01', period_end: '2026-03-31', published_at: '2026-04-06T09:00:00Z',
    operations: ['TRIGGER-SALVO-II'], ...PUBLIC,
    summary: 'Detections of clandestine entry in lorries rose at the Serbian and North Macedonian crossings; smuggling networks increasingly use ride-hailing cars for the last leg.',
  },
  {
    title: 'Firearms trafficking on Western Balkan land routes: tactical focus', region: 'Western Balkans', period_start: '2026-02-01', period_end: '2026-04-10', published_at: '2026-04-09T14:00:00Z',
    operations: ['TRIGGER-SALVO-II'], ...restricted('wco'),
    summary: 'Converted alarm pistols and parts of automatic rifles travel in small lots in modified fuel tanks and door panels of private cars and coaches bound for the EU.',
  },
  {
    title: 'Document fraud at Middle East and North Africa land borders', region: 'Eastern Mediterranean', period_start: '2025-10-01', period_end: '2026-03-31', published_at: '2026-04-02T09:00:00Z',
    operations: ['TRIGGER-SALVO-II'], ...restricted(),
    summary: 'Look-alike use of genuine passports dominates; counterfeit residence permits of two EU states circulate with high-quality security-thread imitations.',
  },
  {
    title: 'Gulf of Guinea maritime risk picture, second half of 2026', region: 'Gulf of Guinea', period_start: '2026-07-01', period_end: '2026-12-31', published_at: '2026-11-09T09:00:00Z',
    operations: ['ANCHOR-III', 'ADWENPA-V'], ...PUBLIC,
    summary: 'Fishing and supply vessels remain the main carriers of irregular migrants towards the Canary Islands; departures shift south as patrols intensify off Senegal and Mauritania.',
  },
  {
    title: 'Cocaine via West African ports: container and vessel profiles', region: 'Gulf of Guinea', period_start: '2026-04-01', period_end: '2026-10-31', published_at: '2026-11-12T09:00:00Z',
    operations: ['ANCHOR-III'], ...restricted('wco', 'ncb-gha'),
    summary: 'Rip-on/rip-off loads in reefer containers from South America and transshipment to fishing vessels at anchorage are the main modi operandi; crews are recruited locally.',
  },
  {
    title: 'Trafficking in human beings on West African air and land routes: indicators', region: 'West Africa', period_start: '2026-06-01', period_end: '2026-11-30', published_at: '2026-12-01T09:00:00Z',
    operations: ['ADWENPA-V'], ...restricted('iom'),
    summary: 'Young women travelling on sponsored visas with escorts who hold their documents; minors crossing land borders in groups with adults who are not relatives.',
  },
];

type Asset = [country: string, checkpoint: string | null, description: string, officers: number, vessels: number, aircraft: number, vehicles: number, from: string, until: string];

const ASSETS: Record<string, Asset[]> = {
  'TRIGGER-SALVO-II': [
    ['SRB', 'Batrovci Border Crossing', 'Standing corps team with a thermo-vision van', 8, 0, 0, 2, '2026-04-13', '2026-04-23'],
    ['BIH', 'Bijača Border Crossing', 'Standing corps team and document experts', 6, 0, 0, 1, '2026-04-13', '2026-04-23'],
    ['MKD', 'Tabanovce Border Crossing', 'Standing corps team with patrol cars and a thermo-vision van', 12, 0, 0, 3, '2026-04-13', '2026-04-23'],
    ['MNE', 'Debeli Brijeg Border Crossing', 'Document experts and a mobile examination van', 4, 0, 0, 1, '2026-04-13', '2026-04-24'],
    ['ALB', 'Kakavijë Border Crossing', 'Standing corps team with patrol cars', 9, 0, 0, 2, '2026-04-13', '2026-04-24'],
    ['MKD', null, 'Surveillance aircraft over the southern Western Balkan land borders', 5, 0, 1, 0, '2026-04-14', '2026-04-22'],
  ],
  'ADWENPA-V': [
    ['GHA', 'Kotoka International Airport', 'Advanced-level document officers', 4, 0, 0, 0, '2026-12-14', '2026-12-23'],
    ['NGA', 'Murtala Muhammed International Airport', 'Advanced-level document officers', 5, 0, 0, 0, '2026-12-15', '2026-12-23'],
    ['SEN', 'Blaise Diagne International Airport', 'Advanced-level document officers', 3, 0, 0, 0, '2026-12-14', '2026-12-23'],
    ['SEN', 'Rosso Border Post', 'Patrol team with a four-wheel-drive vehicle and a document-examination van', 6, 0, 0, 2, '2026-12-14', '2026-12-23'],
    ['GHA', null, 'Liaison officers at the operational coordination centre, Accra', 3, 0, 0, 0, '2026-12-14', '2026-12-23'],
  ],
};

/**
 * Seven risk-analysis products (Western Balkans, Eastern Mediterranean, Gulf of Guinea, West Africa)
 * and eleven asset deployments for the two operations the agency takes part in (TRIGGER-SALVO-II,
 * ADWENPA-V). Ids are fixed and existing ids are skipped, so running it again changes nothing.
 */
export async function seedFrontex(em: EntityManager): Promise<void> {
  const products = PRODUCTS.map(({ operations, ...product }) => ({
    id: seedId('frontex-risk-analysis', product.title),
    ...product,
    operation_ids: operations.map(operation),
    handling_owner: OWNER,
  }));
  const assets = Object.entries(ASSETS).flatMap(([code, rows]) =>
    rows.map(([country, name, description, officers, vessels, aircraft, vehicles, from, until], n) => ({
      id: seedId('frontex-asset', `${code}:${n}`),
      operation_id: operation(code),
      checkpoint_id: name ? checkpoint(country, name) : null,
      description, host_country: country, deployed_from: from, deployed_until: until, officers, vessels, aircraft, vehicles,
      handling_owner: OWNER,
      ...(aircraft > 0 ? restricted() : PUBLIC),
    })),
  );
  const handling = { handling_owner: 'text', handling_classification: 'text', handling_releasable_to: 'text[]' };
  await em.transactional(async (tx) => {
    await insertRows(tx, 'risk_analysis_product', {
      id: 'uuid', title: 'text', region: 'text', period_start: 'date', period_end: 'date', summary: 'text', published_at: 'timestamptz', operation_ids: 'uuid[]', ...handling,
    }, products);
    await insertRows(tx, 'asset_deployment', {
      id: 'uuid', operation_id: 'uuid', checkpoint_id: 'uuid', description: 'text', host_country: 'text', deployed_from: 'date', deployed_until: 'date',
      officers: 'integer', vessels: 'integer', aircraft: 'integer', vehicles: 'integer', ...handling,
    }, assets);
  });
}
