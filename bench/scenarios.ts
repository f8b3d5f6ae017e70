import { DEMO_ORGANISATIONS } from '../identity';
import { BENCH_PURPOSE } from './identities';

/** Scenario (1): one subgraph, a small page. */
export const ONE_SUBGRAPH_QUERY = 'query OneSubgraph { operations(first: 5) { edges { node { code status } } } }';

/** Scenario (2): `first` operations joined with the training subgraph and a partner (WCO): three subgraphs. */
export function joinQuery(first: number): string {
  return `query Join${first} { operations(first: ${first}) { edges { node { code results { checks } trainingSessions { id } wco { seizureCount } } } } }`;
}

/** Scenario (3): an audited write. */
export const SCREEN_MUTATION = 'mutation Screen($input: ScreenDocumentInput!) { screenDocument(input: $input) { checkId matched } }';

/**
 * Issuing country of every benchmark screening: Antarctica, which no seeded check or alert has, so
 * the checks the benchmark adds can be found and removed, even after a run that crashed.
 */
export const BENCH_ISSUING_COUNTRY = 'ATA';

/** The list size of the join scenario. */
export const JOIN_SIZE = 100;

/** Where the screening scenario screens, and as which national central bureau's officer. */
export interface ScreeningSite {
  operationId: string;
  operationCode: string;
  checkpointId: string;
  country: string;
  /** `ncb-<iso3>`: a demo organisation of the local issuer. */
  organisation: string;
}

interface GraphQLBody<Data> {
  data?: Data | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A GraphQL client for set-up and sanity checks (not for measuring). */
export type Client = <Data>(url: string, query: string, variables?: Record<string, unknown>, headers?: Headers) => Promise<GraphQLBody<Data>>;

/** Request headers, or a function of the body for those that sign it (a direct subgraph call). */
export type Headers = Record<string, string> | ((body: string) => Record<string, string>);

/** POSTs one GraphQL request; throws on HTTP failure with the body, so set-up fails loudly. */
export const graphql: Client = async (url, query, variables, headers) => {
  const body = JSON.stringify({ query, variables });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(typeof headers === 'function' ? headers(body) : headers) },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as GraphQLBody<never>;
};

/** Runs `query` and returns its data, throwing with the errors when there are any. */
export async function dataOf<Data>(url: string, query: string, variables: Record<string, unknown> | undefined, headers: Headers): Promise<Data> {
  const body = await graphql<Data>(url, query, variables, headers);
  if (body.errors?.length || !body.data) throw new Error(`${query.slice(0, 60)}… failed: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** Headers of a hub request: a real bearer token and a declared purpose. */
export function hubHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'x-purpose': BENCH_PURPOSE };
}

/**
 * Makes sure the join has `size` operations to list: creates PLANNED `BENCH-nnn` operations (as a
 * hub administrator, through the gateway) until there are. Returns how many it created.
 */
export async function ensureOperations(gatewayUrl: string, adminHeaders: Record<string, string>, size: number): Promise<number> {
  const list = await dataOf<{ operations: { edges: { node: { code: string } }[] } }>(gatewayUrl, `{ operations(first: ${size}) { edges { node { code } } } }`, undefined, adminHeaders);
  const codes = new Set(list.operations.edges.map((e) => e.node.code));
  let created = 0;
  for (let n = 1; codes.size < size; n += 1) {
    const code = `BENCH-${String(n).padStart(3, '0')}`;
    if (codes.has(code)) continue;
    await dataOf(
      gatewayUrl,
      'mutation Create($input: CreateOperationInput!) { createOperation(input: $input) { id } }',
      {
        input: {
          code,
          name: `Benchmark operation ${n}`,
          borderTypes: ['SEA'],
          crimeAreas: ['DRUGS'],
          databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'],
          startsOn: '2027-01-04',
          endsOn: '2027-01-15',
          leadOrganisation: 'hub',
          participatingCountries: ['NGA'],
          partnerOrganisations: ['wco'],
        },
      },
      adminHeaders,
    );
    codes.add(code);
    created += 1;
  }
  return created;
}

type DeployedOperation = {
  id: string;
  code: string;
  status: string;
  period: { start: string; end: string };
  deployments: { checkpoint: { id: string; country: string } }[];
};

/**
 * An ACTIVE seeded operation (ANCHOR-III by preference) and one of its deployed checkpoints in a
 * country whose national central bureau the local issuer vouches for. When none is deployed, one
 * is: a checkpoint in such a country (created if missing) gets a deployment in the operation.
 */
export async function findScreeningSite(gatewayUrl: string, adminHeaders: Record<string, string>): Promise<ScreeningSite> {
  const ncbCountries = new Set(DEMO_ORGANISATIONS.map((o) => /^ncb-([a-z]{3})$/.exec(o.code)?.[1]?.toUpperCase()).filter((c): c is string => !!c));
  const fields = 'id code status databasesEnabled participatingCountries borderTypes period { start end } deployments { checkpoint { id country } }';
  const { operations } = await dataOf<{ operations: { edges: { node: DeployedOperation & { databasesEnabled: string[]; participatingCountries: string[]; borderTypes: string[] } }[] } }>(
    gatewayUrl,
    `{ operations(first: 100, filter: { status: ACTIVE }) { edges { node { ${fields} } } } }`,
    undefined,
    adminHeaders,
  );
  const candidates = operations.edges
    .map((e) => e.node)
    .filter((op) => op.databasesEnabled.includes('STOLEN_LOST_TRAVEL_DOCUMENTS'))
    .sort((a, b) => Number(b.code === 'ANCHOR-III') - Number(a.code === 'ANCHOR-III'));
  if (!candidates.length) throw new Error('no ACTIVE operation opens the stolen and lost travel documents database: the screening scenario has nowhere to screen');
  for (const op of candidates) {
    const deployed = op.deployments.find((d) => ncbCountries.has(d.checkpoint.country));
    if (deployed) return site(op, deployed.checkpoint.id, deployed.checkpoint.country);
  }
  // Nothing deployed where a demo bureau's officer may screen: deploy one checkpoint.
  const op = candidates[0];
  const country = op.participatingCountries.find((c) => ncbCountries.has(c)) ?? [...ncbCountries][0];
  const checkpoints = await dataOf<{ checkpoints: { edges: { node: { id: string; country: string } }[] } }>(
    gatewayUrl,
    `{ checkpoints(first: 100, filter: { country: "${country}" }) { edges { node { id country } } } }`,
    undefined,
    adminHeaders,
  );
  let checkpointId = checkpoints.checkpoints.edges.find((e) => e.node.country === country)?.node.id;
  if (!checkpointId) {
    const created = await dataOf<{ createCheckpoint: { id: string } }>(
      gatewayUrl,
      'mutation Cp($input: CreateCheckpointInput!) { createCheckpoint(input: $input) { id } }',
      { input: { name: 'Benchmark checkpoint', country, borderType: op.borderTypes[0] ?? 'SEA', place: 'Benchmark', latitude: 0, longitude: 0 } },
      adminHeaders,
    );
    checkpointId = created.createCheckpoint.id;
  }
  await dataOf(
    gatewayUrl,
    'mutation Dep($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }',
    { input: { operationId: op.id, checkpointId, startsAt: `${op.period.start}T06:00:00Z`, endsAt: `${op.period.end}T20:00:00Z`, officersAssigned: 4 } },
    adminHeaders,
  );
  return site(op, checkpointId, country);
}

function site(op: { id: string; code: string }, checkpointId: string, country: string): ScreeningSite {
  return { operationId: op.id, operationCode: op.code, checkpointId, country, organisation: `ncb-${country.toLowerCase()}` };
}

/** A screening request body; `n` varies the document number so every write screens another document. */
export function screenBody(site: ScreeningSite, n: number): string {
  return JSON.stringify({
    query: SCREEN_MUTATION,
    variables: {
      input: {
        operationId: site.operationId,
        checkpointId: site.checkpointId,
        documentNumber: `BN${String(n).padStart(9, '0')}`,
        documentType: 'PASSPORT',
        issuingCountry: BENCH_ISSUING_COUNTRY,
      },
    },
  });
}
