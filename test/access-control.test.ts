import { randomUUID } from 'node:crypto';
import { Classification, gatewayCallHeaders, Role, signSubgraphToken } from '../identity';
import { loadSecurity } from '../identity/trust';
import { startTestHub, callers, useTestHub, type Caller } from './harness';
import { testConfig } from './database';

// The access matrix of the README, through the gateway over HTTP, and the ways around it
// (direct subgraph calls, replayed tokens, `_entities`) refused.

const t = useTestHub();

const unauthorizedPaths = (errors: { path?: (string | number)[]; extensions?: Record<string, unknown> }[] = []) =>
  errors.filter((e) => e.extensions?.code === 'UNAUTHORIZED_FIELD_OR_TYPE').map((e) => e.path?.join('.'));

const officialOnly: Caller = { organisation: 'ncb-ita', roles: [Role.NCB_ANALYST], clearance: Classification.OFFICIAL_USE };

describe('identity at the edge', () => {
  test('anonymous callers get nothing: every root field needs an authenticated caller', async () => {
    const { status, body } = await t.query(`{ operations(first: 1) { edges { node { code } } } }`, {}, { as: null });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(unauthorizedPaths(body.errors)).toEqual(['operations']);
  });

  test.each([
    ['a malformed Authorization header', { authorization: 'Token abc' }],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }],
    ['a tampered payload', 'tamper'],
  ])('%s is refused with 401 and nothing executed', async (_name, headers) => {
    let sent = headers as Record<string, string>;
    if (headers === 'tamper') {
      const [h, p, s] = (await t.token(callers.officerTha)).split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      payload.org = 'hub';
      payload.roles = ['HUB_ADMIN'];
      sent = { authorization: `Bearer ${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}` };
    }
    const { status, body } = await t.query(`mutation { createOperation(input: { code: "NEVER-1", name: "x", startsOn: "2026-01-01", endsOn: "2026-01-02", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`, {}, { as: null, headers: sent });
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toMatch(/eyJ/); // the token is never echoed
    const check = await t.query(`{ operation(code: "NEVER-1") { id } }`);
    expect(check.body.data.operation).toBeNull();
  });
});

describe('field-level rules declared in the schema', () => {
  test('Checkpoint.location needs RESTRICTED clearance: others get null and one error per path', async () => {
    const query = `{ checkpoints(first: 2) { edges { node { name location { place } } } } }`;
    const cleared = await t.query(query, {}, { as: callers.officerTha });
    expect(cleared.body.errors).toBeUndefined();
    expect(cleared.body.data.checkpoints.edges[0].node.location.place).toEqual(expect.any(String));

    const { body } = await t.query(query, {}, { as: officialOnly });
    expect(body.data.checkpoints.edges.map((e: any) => e.node.location)).toEqual([null, null]);
    expect(body.data.checkpoints.edges[0].node.name).toEqual(expect.any(String));
    expect(unauthorizedPaths(body.errors)).toEqual(['checkpoints.edges.node.location']);
  });

  test('a verdict is reused only by requests that agree on what it depends on (caller, purpose, @include variables)', async () => {
    const query = `query Places($withPlace: Boolean!) { checkpoints(first: 2) { edges { node { name location @include(if: $withPlace) { place } } } } }`;
    const hits = `{ hits(first: 1) { edges { node { id } } } }`;
    const [denied, skipped, cleared, deniedAgain, withPurpose, withoutPurpose] = await Promise.all([
      t.query(query, { withPlace: true }, { as: officialOnly }),
      t.query(query, { withPlace: false }, { as: officialOnly }),
      t.query(query, { withPlace: true }, { as: callers.officerTha }),
      t.query(query, { withPlace: true }, { as: officialOnly }),
      t.query(hits, {}, { as: callers.officerTha }),
      t.query(hits, {}, { as: callers.officerTha, purpose: null }),
    ]);
    expect(unauthorizedPaths(denied.body.errors)).toEqual(['checkpoints.edges.node.location']);
    expect(skipped.body.errors).toBeUndefined();
    expect(cleared.body.errors).toBeUndefined();
    expect(cleared.body.data.checkpoints.edges[0].node.location.place).toEqual(expect.any(String));
    expect(unauthorizedPaths(deniedAgain.body.errors)).toEqual(['checkpoints.edges.node.location']);
    expect(withPurpose.body.errors).toBeUndefined();
    expect(unauthorizedPaths(withoutPurpose.body.errors)).toEqual(['hits.edges.node']);
  });

  test('hits need a role and a declared purpose', async () => {
    const query = `{ hits(first: 5) { edges { node { id } } } }`;
    const liaison = await t.query(query, {}, { as: callers.wcoLiaison });
    expect(unauthorizedPaths(liaison.body.errors)).toEqual(['hits.edges.node']);
    const noPurpose = await t.query(query, {}, { as: callers.officerTha, purpose: null });
    expect(unauthorizedPaths(noPurpose.body.errors)).toEqual(['hits.edges.node']);
    const badPurpose = await t.query(query, {}, { as: callers.officerTha, purpose: '<x>' });
    expect(unauthorizedPaths(badPurpose.body.errors)).toEqual(['hits.edges.node']);
    const officer = await t.query(query, {}, { as: callers.officerTha });
    expect(officer.body.errors).toBeUndefined();
  });

  test('an administrator mutation is removed for an officer: nothing is written', async () => {
    const { body } = await t.query(
      `mutation { createOperation(input: { code: "OFFICER-MADE", name: "x", startsOn: "2026-01-01", endsOn: "2026-01-02", borderTypes: [AIR], crimeAreas: [DRUGS], leadOrganisation: "hub", participatingCountries: ["FRA"], databasesEnabled: [STOLEN_LOST_TRAVEL_DOCUMENTS] }) { id } }`,
      {},
      { as: callers.officerTha },
    );
    expect(unauthorizedPaths(body.errors)).toEqual(['createOperation']);
    expect((await t.query(`{ operation(code: "OFFICER-MADE") { id } }`)).body.data.operation).toBeNull();
  });

  test('participants (personal data) are for trainers, administrators and bureaus, with a purpose', async () => {
    const query = `{ participants(first: 3) { edges { node { id } } } }`;
    expect(unauthorizedPaths((await t.query(query, {}, { as: callers.wcoLiaison })).body.errors)).toEqual(['participants.edges.node']);
    expect((await t.query(query, {}, { as: callers.trainer })).body.errors).toBeUndefined();
  });
});

describe('data owners decide in the subgraphs', () => {
  test('an officer sees only hits at checkpoints of its country; an analyst only hits on its bureau\'s records', async () => {
    const query = `{ hits(first: 100) { edges { node { checkpoint { country } alert { handling { owner } } } } } }`;
    const officer = await t.query(query, {}, { as: callers.officerTha });
    const countries = new Set(officer.body.data.hits.edges.map((e: any) => e.node.checkpoint.country));
    expect([...countries]).toEqual(['THA']);
    const analyst: Caller = { organisation: 'ncb-tha', roles: [Role.NCB_ANALYST], clearance: Classification.CONFIDENTIAL };
    const owned = await t.query(query, {}, { as: analyst });
    expect(owned.body.data.hits.edges.length).toBeGreaterThan(0);
    expect(owned.body.data.hits.edges.every((e: any) => e.node.alert.handling.owner === 'ncb-tha')).toBe(true);
    const admin = await t.query(query);
    expect(admin.body.data.hits.edges.length).toBeGreaterThan(owned.body.data.hits.edges.length);
  });

  test('participants are filtered by their agency\'s release: a bureau sees only its own officers', async () => {
    const bureau: Caller = { organisation: 'ncb-tha', roles: [Role.NCB_ANALYST], clearance: Classification.RESTRICTED };
    const { body } = await t.query(`{ participants(first: 100) { edges { node { agency } } } }`, {}, { as: bureau });
    expect(body.errors).toBeUndefined();
    expect(body.data.participants.edges.length).toBeGreaterThan(0);
    expect(body.data.participants.edges.every((e: any) => e.node.agency === 'ncb-tha')).toBe(true);
  });
});

describe('partners: each owner decides who sees its records', () => {
  test('customs suspect details need RESTRICTED clearance and a purpose; the seizures stay visible', async () => {
    const query = `{ operation(code: "ANCHOR-III") { wco { seizures { commodity suspect { nationality } } } } }`;
    const withPurpose = await t.query(query, {}, { as: callers.wcoLiaison });
    expect(withPurpose.body.errors).toBeUndefined();
    expect(withPurpose.body.data.operation.wco.seizures.some((s: any) => s.suspect?.nationality)).toBe(true);
    const withoutPurpose = await t.query(query, {}, { as: callers.wcoLiaison, purpose: null });
    const seizures = withoutPurpose.body.data.operation.wco.seizures;
    expect(seizures.length).toBe(withPurpose.body.data.operation.wco.seizures.length);
    expect(seizures.every((s: any) => s.suspect === null && typeof s.commodity === 'string')).toBe(true);
    expect(new Set(unauthorizedPaths(withoutPurpose.body.errors))).toEqual(new Set(['operation.wco.seizures.suspect']));
  });

  test('victim referrals are for CONFIDENTIAL liaisons and administrators; the k-anonymised aggregates for everyone', async () => {
    const query = `{ operation(code: "ANCHOR-III") { iom { aggregates { k total } referrals { nationality } } } }`;
    const customs = await t.query(query, {}, { as: callers.wcoLiaison });
    expect(customs.body.data.operation.iom.referrals).toBeNull();
    expect(customs.body.data.operation.iom.aggregates.k).toBe(11);
    expect(unauthorizedPaths(customs.body.errors)).toEqual(['operation.iom.referrals']);
    const owner = await t.query(query, {}, { as: callers.iomLiaison });
    expect(owner.body.errors).toBeUndefined();
    expect(owner.body.data.operation.iom.referrals.length).toBeGreaterThan(0);
  });

  test('a partner record is listed only where its releasable-to list and classification allow', async () => {
    const orm = t.hub.subgraphs.get('frontex')!.orm;
    const rows: { releasable: string[]; classification: string }[] = await orm.em
      .fork()
      .getConnection()
      .execute(`select handling_releasable_to as releasable, handling_classification as classification from risk_analysis_product`);
    const expected = rows.filter((r) => (r.releasable.includes('*') || r.releasable.includes('ncb-ita')) && r.classification === 'OFFICIAL_USE').length;
    const { body } = await t.query(`{ frontexRiskAnalyses(first: 100) { edges { node { title handling { classification } } } } }`, {}, { as: officialOnly });
    expect(body.errors).toBeUndefined();
    expect(body.data.frontexRiskAnalyses.edges.length).toBe(expected);
    expect(rows.length).toBeGreaterThan(expected); // something was withheld, so the filter was tested
    const owner = await t.query(`{ frontexRiskAnalyses(first: 100) { edges { node { title } } } }`, {}, { as: callers.frontexLiaison });
    expect(owner.body.data.frontexRiskAnalyses.edges.length).toBe(rows.length);
  });
});

describe('no way around the gateway', () => {
  const operationsUrl = () => t.hub.subgraphs.get('operations')!.url;
  const post = (url: string, query: string, headers: Record<string, string> = {}, variables?: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  /** A call as the gateway makes it to `audience` at `url`: the token, the request id and the proof for this body. */
  const signedPost = async (url: string, audience: string, token: string, query: string, variables?: unknown) => {
    const security = await loadSecurity(testConfig());
    const body = JSON.stringify({ query, variables });
    const headers = gatewayCallHeaders(security.gatewayKeys.signing(), audience, token, body, `access-${randomUUID()}`);
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  };

  test('a subgraph refuses a call without the gateway\'s token, with a client token, or with a token for another subgraph', async () => {
    const query = '{ operations(first: 1) { edges { node { code } } } }';
    expect((await post(operationsUrl(), query)).status).toBe(401);
    expect((await post(operationsUrl(), query, { authorization: `Bearer ${await t.token(callers.hubAdmin)}` })).status).toBe(401);
    const security = await loadSecurity(testConfig());
    const principal = { subject: 'x', organisation: 'hub', country: null, roles: [Role.HUB_ADMIN], scopes: [], clearance: Classification.CONFIDENTIAL, expiresAt: new Date(Date.now() + 60_000) };
    const forTraining = await signSubgraphToken(security.gatewayKeys.signing(), { audience: 'training', principal });
    expect((await post(operationsUrl(), query, { authorization: `Bearer ${forTraining}` })).status).toBe(401);
    // Even with the proof the gateway would make for it at training, the audience is wrong here.
    expect((await signedPost(operationsUrl(), 'training', forTraining, query)).status).toBe(401);
    expect((await signedPost(operationsUrl(), 'operations', forTraining, query)).status).toBe(401);
    const forOperations = await signSubgraphToken(security.gatewayKeys.signing(), { audience: 'operations', principal });
    // The right token without its per-call proof is refused too: a token alone is no longer a pass.
    expect((await post(operationsUrl(), query, { authorization: `Bearer ${forOperations}` })).status).toBe(401);
    expect((await signedPost(operationsUrl(), 'operations', forOperations, query)).status).toBe(200);
  });

  test('`_entities` resolves only records released to the caller', async () => {
    const security = await loadSecurity(testConfig());
    const orm = t.hub.subgraphs.get('training')!.orm;
    const rows = await orm.em.fork().getConnection().execute(`select id, handling_owner from participant where handling_owner in ('ncb-tha', 'ncb-fra') order by handling_owner desc limit 400`);
    const tha = rows.find((r: any) => r.handling_owner === 'ncb-tha')!;
    expect(tha).toBeDefined();
    const asBureau = async (organisation: string) => {
      const principal = { subject: 'x', organisation, country: organisation.slice(4).toUpperCase(), roles: [Role.NCB_ANALYST], scopes: [], clearance: Classification.RESTRICTED, expiresAt: new Date(Date.now() + 60_000) };
      const token = await signSubgraphToken(security.gatewayKeys.signing(), { audience: 'training', principal, purpose: 'test' });
      const response = await signedPost(
        t.hub.subgraphs.get('training')!.url,
        'training',
        token,
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Participant { id agency } } }',
        { r: [{ __typename: 'Participant', id: tha.id }] },
      );
      return ((await response.json()) as any).data._entities;
    };
    expect(await asBureau('ncb-tha')).toEqual([{ id: tha.id, agency: 'ncb-tha' }]);
    expect(await asBureau('ncb-fra')).toEqual([null]);
  });
});

describe('modes', () => {
  const query = `{ checkpoints(first: 1) { edges { node { name location { place } } } } }`;

  test('reject refuses the whole operation and lists every denied path', async () => {
    const hub = await startTestHub({ AUTHZ_MODE: 'reject' });
    try {
      const { status, body } = await hub.query(query, {}, { as: officialOnly });
      expect(status).toBe(403);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHORIZED_FIELD_OR_TYPE', paths: [['checkpoints', 'edges', 'node', 'location']] });
    } finally {
      await hub.stop();
    }
  });

  test('dry-run answers in full and only reports', async () => {
    const hub = await startTestHub({ AUTHZ_MODE: 'dry-run' });
    try {
      const { body } = await hub.query(query, {}, { as: officialOnly });
      expect(body.errors).toBeUndefined();
      expect(body.data.checkpoints.edges[0].node.location.place).toEqual(expect.any(String));
    } finally {
      await hub.stop();
    }
  });
});
