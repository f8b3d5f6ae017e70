import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { Client } from 'pg';
import { Classification, Role } from '../identity';
import { repoRoot } from '../platform/config';
import { databaseUrl, type DatabaseServer } from '../platform/database';
import { NOTIFICATION_JWKS_PATH, NOTIFICATION_TYPE } from '../subgraphs/operations/notifications/signature';
import { inSnapshot } from '../access-log/log';
import { loadAuditSigningKey } from '../access-log/signing';
import { verifyAuditLog } from '../access-log/verify';
import { scratchDatabase, testConfig } from './database';
import { callers, startTestHub, type Caller, type TestHub } from './harness';
import { eventually, NotificationReceiver } from './notification-receiver';

const execFileAsync = promisify(execFile);

// Short timings, so retries and dead letters happen within a test: tries ~0.05–0.1 s apart at
// first, at most 0.8 s; five tries.
const TIMINGS = {
  NOTIFICATION_BACKOFF_BASE_MS: '100',
  NOTIFICATION_BACKOFF_MAX_MS: '800',
  NOTIFICATION_MAX_ATTEMPTS: '5',
  NOTIFICATION_POLL_MS: '100',
  NOTIFICATION_TIMEOUT_MS: '2000',
};

// Its own database: the outbox is shared by every hub on a database, and the hubs of other suites
// (with no endpoints registered) would take this suite's notifications as theirs to mark NO_ENDPOINT.
let database: DatabaseServer;
let db: Client;
let t: TestHub;
let overrides: Record<string, string>;
const jwksUrl = () => `${new URL(t.gatewayUrl).origin}${NOTIFICATION_JWKS_PATH}`;
const receiver = new NotificationReceiver(jwksUrl);
const failing = new NotificationReceiver(jwksUrl);
const late = new NotificationReceiver(jwksUrl);
const afterRestart = new NotificationReceiver(jwksUrl);
let ports: { ok: number; failing: number; late: number; afterRestart: number };

interface Alert { id: string; documentNumber: string; issuingCountry: string; owner: string }
/** One alert per owner: A and B answer, C is down until it comes back, D always fails, E comes back after a restart, F refuses its notification in SQL. */
let alerts: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', Alert>;
let operationId: string;
let checkpointId: string;

const liaison = (organisation: string): Caller => ({ organisation, roles: [Role.PARTNER_LIAISON], clearance: Classification.RESTRICTED });
const analyst = (organisation: string): Caller => ({ organisation, roles: [Role.NCB_ANALYST], clearance: Classification.RESTRICTED });

async function screen(alert: Alert): Promise<{ id: string; detectedAt: string }> {
  const data = await t.ok(
    `mutation($input: ScreenDocumentInput!) { screenDocument(input: $input) { hit { id detectedAt } } }`,
    { input: { operationId, checkpointId, documentNumber: alert.documentNumber, issuingCountry: alert.issuingCountry, documentType: 'PASSPORT' } },
    { as: callers.officerTha },
  );
  return data.screenDocument.hit;
}

async function notificationOf(hitId: string): Promise<{ id: string; state: string; attempts: number; last_error: string | null; organisation: string }> {
  const { rows } = await db.query(`select id, state, attempts, last_error, organisation from operations.hit_notification where hit_id = $1`, [hitId]);
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function notifierEvents(hitId: string, as: Caller = callers.auditor) {
  const data = await t.ok(
    `query($id: String!) { accessEvents(first: 50, filter: { receivedBy: "notifier", entity: { type: "Hit", id: $id } }) { edges { node { requestId time principal { subject organisation roles } purposeCode operationType outcome refusalCode records { type id owner } } } } }`,
    { id: hitId },
    { as },
  );
  return (data.accessEvents.edges as { node: any }[]).map((e) => e.node).reverse();
}

function startHub(): Promise<TestHub> {
  return startTestHub(overrides, database);
}

beforeAll(async () => {
  database = await scratchDatabase('notifications', { seed: true });
  db = new Client({ connectionString: databaseUrl(database) });
  await db.connect();
  const { rows } = await db.query(`select distinct on (handling_owner) id, document_number, issuing_country, handling_owner from operations.document_alert order by handling_owner, id`);
  expect(rows.length).toBeGreaterThanOrEqual(6);
  // Owners the demo issuer mints tokens for first: A, B and D act in the tests (decide, read the log).
  const trusted = ['ncb-fra', 'ncb-ita', 'ncb-deu', 'ncb-esp', 'ncb-mar', 'ncb-tur', 'ncb-nga', 'ncb-tha'];
  const rank = (owner: string) => (trusted.includes(owner) ? trusted.indexOf(owner) : trusted.length);
  const [a, b, d, c, e, f] = rows
    .sort((x, y) => rank(x.handling_owner) - rank(y.handling_owner))
    .map((r) => ({ id: r.id, documentNumber: r.document_number, issuingCountry: r.issuing_country, owner: r.handling_owner }));
  expect(trusted).toEqual(expect.arrayContaining([a.owner, b.owner, d.owner]));
  alerts = { a, b, c, d, e, f };

  ports = { ok: await receiver.listen(), failing: await failing.listen(), late: await late.listen(), afterRestart: await afterRestart.listen() };
  failing.mode = 'fail';
  late.mode = 'down';
  afterRestart.mode = 'down';
  const registry = path.join(mkdtempSync(path.join(os.tmpdir(), 'frontera-notifications-')), 'notification-endpoints.json');
  writeFileSync(registry, JSON.stringify({
    endpoints: [
      { organisation: a.owner, url: receiver.url(ports.ok, a.owner), events: ['hit.created'] },
      { organisation: b.owner, url: receiver.url(ports.ok, b.owner), events: ['hit.created'] },
      { organisation: c.owner, url: late.url(ports.late, c.owner), events: ['hit.created'] },
      { organisation: d.owner, url: failing.url(ports.failing, d.owner), events: ['hit.created'] },
      { organisation: e.owner, url: afterRestart.url(ports.afterRestart, e.owner), events: ['hit.created'] },
      { organisation: f.owner, url: receiver.url(ports.ok, f.owner), events: ['hit.created'] },
    ],
  }));
  overrides = { NOTIFICATION_ENDPOINTS_FILE: registry, ...TIMINGS };
  t = await startHub();

  const stamp = `${process.pid}-${Date.now() % 100_000}`;
  const operation = await t.ok(`mutation($input: CreateOperationInput!) { createOperation(input: $input) { id } }`, {
    input: { code: `NOTIFY-${stamp}`, name: 'Notification test', startsOn: '2026-03-01', endsOn: '2026-03-14', borderTypes: ['LAND'], crimeAreas: ['TRAVEL_DOCUMENT_FRAUD'], leadOrganisation: 'hub', participatingCountries: ['THA'], partnerOrganisations: [], databasesEnabled: ['STOLEN_LOST_TRAVEL_DOCUMENTS'] },
  });
  operationId = operation.createOperation.id;
  const checkpoint = await t.ok(`mutation($input: CreateCheckpointInput!) { createCheckpoint(input: $input) { id } }`, {
    input: { name: `Notification crossing ${stamp}`, country: 'THA', borderType: 'LAND', place: 'Aranyaprathet', latitude: 13.66, longitude: 102.5 },
  });
  checkpointId = checkpoint.createCheckpoint.id;
  await t.ok(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }`, {
    input: { operationId, checkpointId, startsAt: '2026-03-02T06:00:00Z', endsAt: '2026-03-10T18:00:00Z', officersAssigned: 4 },
  });
  await t.ok(`mutation($id: ID!) { setOperationStatus(id: $id, status: ACTIVE) { status } }`, { id: operationId });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  await Promise.all([receiver.close(), failing.close(), late.close(), afterRestart.close()]);
  await db?.end();
});

describe('hit notifications', () => {
  test('one hit → one signed delivery to its owner, and none to anyone else; the owner decides and the officer sees it', async () => {
    const hit = await screen(alerts.a);
    const [delivery] = await eventually('the delivery to A', async () => {
      const deliveries = receiver.accepted(alerts.a.owner).filter((r) => r.claims!.hit.id === hit.id);
      return deliveries.length > 0 && deliveries;
    });
    const notification = await eventually('DELIVERED in the outbox', async () => (await notificationOf(hit.id)).state === 'DELIVERED' && notificationOf(hit.id));
    expect(notification).toMatchObject({ organisation: alerts.a.owner, attempts: 1, last_error: null });

    // The payload: identifiers and a time, signed, addressed to A, under the notification's key.
    expect(delivery.contentType).toBe('application/jose');
    expect(delivery.idempotencyKey).toBe(notification.id);
    expect(delivery.attempt).toBe('1');
    expect(decodeProtectedHeader(delivery.body)).toMatchObject({ alg: 'ES256', typ: NOTIFICATION_TYPE, kid: expect.any(String) });
    expect(delivery.claims).toMatchObject({
      iss: 'frontera', aud: alerts.a.owner, jti: notification.id, event: 'hit.created',
      hit: { id: hit.id, alertId: alerts.a.id, checkpointId, detectedAt: new Date(hit.detectedAt).toISOString() },
    });
    expect(Object.keys(delivery.claims!).sort()).toEqual(['aud', 'event', 'hit', 'iat', 'iss', 'jti']);
    expect(Buffer.from(delivery.body.split('.')[1], 'base64url').toString()).not.toContain(alerts.a.documentNumber);

    // A second hit for B goes to B only; nothing of A's ever reached B's path, nor B's A's.
    const hitB = await screen(alerts.b);
    await eventually('the delivery to B', async () => receiver.accepted(alerts.b.owner).some((r) => r.claims!.hit.id === hitB.id));
    expect(receiver.received.filter((r) => r.organisation === alerts.b.owner && r.body.includes('.') && r.claims?.hit.id === hit.id)).toEqual([]);
    for (const r of receiver.received) if (r.claims) expect(r.claims.aud).toBe(r.organisation);
    expect(receiver.received.filter((r) => [hit.id, hitB.id].includes(r.claims?.hit.id ?? ''))).toHaveLength(2);
    expect(failing.received.concat(late.received, afterRestart.received)).toEqual([]);

    // The owner confirms; the officer sees the decision, the time it took, and that the owner was notified.
    await t.ok(`mutation($id: ID!) { confirmHit(input: { hitId: $id, action: REFUSED_ENTRY }) { status } }`, { id: hit.id }, { as: analyst(alerts.a.owner) });
    const seen = await t.ok(`query($id: ID!) { hit(id: $id) { status actionTaken decidedAt timeToDecisionMs notification { state deliveredAt attempts } } }`, { id: hit.id }, { as: callers.officerTha });
    expect(seen.hit).toMatchObject({ status: 'CONFIRMED', actionTaken: 'REFUSED_ENTRY', notification: { state: 'DELIVERED', attempts: 1, deliveredAt: expect.any(String) } });
    expect(seen.hit.timeToDecisionMs).toBeGreaterThan(0);
    expect(seen.hit.timeToDecisionMs).toBe(Date.parse(seen.hit.decidedAt) - Date.parse(hit.detectedAt));
  });

  test('each try is in the access log: the auditor sees it whole, the owner in its view (with the result), another organisation not at all', async () => {
    const hit = await screen(alerts.a);
    await eventually('DELIVERED', async () => (await notificationOf(hit.id)).state === 'DELIVERED');
    const events = await eventually('two notifier events', async () => {
      const found = await notifierEvents(hit.id);
      return found.length === 2 && found;
    });
    const { id } = await notificationOf(hit.id);
    expect(events.map((e: any) => [e.requestId, e.outcome, e.refusalCode])).toEqual([[`hit-notification:${id}:1`, 'ATTEMPTED', null], [`hit-notification:${id}:1`, 'OK', null]]);
    for (const event of events) {
      expect(event.principal).toEqual({ subject: 'frontera-notifier', organisation: 'hub', roles: [] });
      expect(event.purposeCode).toMatch(/^NOTIFY-/);
      expect(event.records).toEqual(expect.arrayContaining([{ type: 'Hit', id: hit.id, owner: alerts.a.owner }, { type: 'DocumentAlert', id: alerts.a.id, owner: alerts.a.owner }]));
    }
    const asOwner = await notifierEvents(hit.id, liaison(alerts.a.owner));
    // Both events carry the try's start time, so an owner's page (by time) may list them either way.
    expect(asOwner.map((e: any) => [e.requestId, e.outcome, e.refusalCode, e.principal.subject, e.principal.organisation]).sort()).toEqual([[null, 'ATTEMPTED', null, null, 'hub'], [null, 'OK', null, null, 'hub']]);
    expect(await notifierEvents(hit.id, liaison(alerts.b.owner))).toEqual([]);

    // The decision too: its event names the hit with its owner, so the owner finds it.
    await t.ok(`mutation($id: ID!) { rejectHit(input: { hitId: $id, note: "different bearer" }) { status } }`, { id: hit.id }, { as: analyst(alerts.a.owner) });
    const decisions = await t.ok(`query($id: String!) { accessEvents(first: 5, filter: { receivedBy: "gateway", entity: { type: "Hit", id: $id } }) { edges { node { operationType principal { organisation roles } records { type id owner } } } } }`, { id: hit.id }, { as: liaison(alerts.a.owner) });
    expect(decisions.accessEvents.edges.map((e: any) => e.node)).toContainEqual({ operationType: 'MUTATION', principal: { organisation: alerts.a.owner, roles: ['NCB_ANALYST'] }, records: [{ type: 'Hit', id: hit.id, owner: alerts.a.owner }] });
  });

  test('receiver down → retries with backoff → delivered when it returns, once by its idempotency key', async () => {
    const hit = await screen(alerts.c);
    await eventually('two failed tries', async () => (await notificationOf(hit.id)).attempts >= 2);
    const failed = await notificationOf(hit.id);
    expect(failed).toMatchObject({ state: 'PENDING', last_error: 'UNREACHABLE' });
    late.mode = 'ok';
    await eventually('DELIVERED', async () => (await notificationOf(hit.id)).state === 'DELIVERED', 20_000);
    const deliveries = late.received.filter((r) => r.claims?.hit.id === hit.id);
    expect(new Set(deliveries.map((r) => r.claims!.jti)).size).toBe(1);
    expect(late.accepted(alerts.c.owner)).toHaveLength(1);
    const events = await notifierEvents(hit.id);
    expect(events.filter((e: any) => e.outcome === 'ERROR').every((e: any) => e.refusalCode === 'UNREACHABLE')).toBe(true);
    expect(events.filter((e: any) => e.outcome === 'ERROR').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toMatchObject({ outcome: 'OK' });
  });

  test('a receiver that always fails → dead letter after NOTIFICATION_MAX_ATTEMPTS tries, visible to operators, redelivered on demand', async () => {
    const hit = await screen(alerts.d);
    const dead = await eventually('DEAD', async () => (await notificationOf(hit.id)).state === 'DEAD' && notificationOf(hit.id), 20_000);
    expect(dead).toMatchObject({ attempts: 5, last_error: 'HTTP_503' });
    expect(failing.received.filter((r) => r.idempotencyKey === dead.id).map((r) => r.attempt)).toEqual(['1', '2', '3', '4', '5']);
    const events = await notifierEvents(hit.id);
    expect(events.filter((e: any) => e.outcome !== 'ATTEMPTED').map((e: any) => e.refusalCode)).toEqual(['HTTP_503', 'HTTP_503', 'HTTP_503', 'HTTP_503', 'DEAD_LETTER:HTTP_503']);

    const listed = await t.ok(`{ hitNotifications(first: 20, filter: { state: DEAD }) { edges { node { id hitId organisation attempts lastError } } } }`);
    expect(listed.hitNotifications.edges.map((e: any) => e.node)).toContainEqual({ id: dead.id, hitId: hit.id, organisation: alerts.d.owner, attempts: 5, lastError: 'HTTP_503' });
    // Operators only: the outbox is not for officers or owners.
    expect((await t.refused(`{ hitNotifications(first: 1) { edges { node { id } } } }`, {}, { as: analyst(alerts.d.owner) })).code).toBe('UNAUTHORIZED_FIELD_OR_TYPE');

    failing.mode = 'ok';
    const redelivered = await t.ok(`mutation($id: ID!) { redeliverHitNotification(id: $id) { state attempts } }`, { id: dead.id });
    expect(redelivered.redeliverHitNotification).toEqual({ state: 'PENDING', attempts: 0 });
    await eventually('DELIVERED after redelivery', async () => (await notificationOf(hit.id)).state === 'DELIVERED');
    expect(failing.accepted(alerts.d.owner).map((r) => r.claims!.jti)).toEqual([dead.id]);
    // While a try is pending, a redelivery is refused (it would only reset the count of tries).
    await db.query(`update operations.hit_notification set state = 'PENDING', next_attempt_at = now() + interval '1 hour' where id = $1`, [dead.id]);
    const again = await t.refused(`mutation($id: ID!) { redeliverHitNotification(id: $id) { state } }`, { id: dead.id });
    expect(again).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/is PENDING: its next try is due at/) });
    await db.query(`update operations.hit_notification set state = 'DELIVERED', next_attempt_at = now() where id = $1`, [dead.id]);
    // A delivered one may be sent again on demand (same key: the receiver knows it already).
    await t.ok(`mutation($id: ID!) { redeliverHitNotification(id: $id) { state } }`, { id: dead.id });
    await eventually('delivered again', async () => (await notificationOf(hit.id)).state === 'DELIVERED' && failing.received.filter((r) => r.idempotencyKey === dead.id).length === 7);
    expect(failing.received.filter((r) => r.idempotencyKey === dead.id).at(-1)!.duplicate).toBe(true);
  });

  test('npm run notifications:redeliver sends the dead letters of one organisation again', async () => {
    failing.mode = 'fail';
    const hit = await screen(alerts.d);
    const dead = await eventually('DEAD', async () => (await notificationOf(hit.id)).state === 'DEAD' && notificationOf(hit.id), 20_000);
    failing.mode = 'ok';
    const cli = (...args: string[]) => execFileAsync(process.execPath, ['--import', 'tsx', 'hub/cli/notifications.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: databaseUrl(database), LOG_LEVEL: 'silent' } });
    const { stdout, stderr } = await cli('--state', 'DEAD', '--organisation', alerts.d.owner);
    expect(stdout.trim().split('\n')).toEqual([`${dead.id} ${alerts.d.owner} DEAD 5 HTTP_503`]);
    expect(stderr).toMatch(/1 notification due again/);
    await eventually('DELIVERED after the CLI', async () => (await notificationOf(hit.id)).state === 'DELIVERED');
    expect(failing.accepted(alerts.d.owner).map((r) => r.claims!.hit.id)).toContain(hit.id);
    await expect(cli('--state', 'DEAD', '--organisation', alerts.d.owner)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/no notification matched/) });
  });

  test('several hub processes share the outbox without sending anything twice', async () => {
    const second = await startHub();
    try {
      const before = t.hub.notifier!.stats().delivered + second.hub.notifier!.stats().delivered;
      const hits = await Promise.all(Array.from({ length: 16 }, (_, i) => screen(i % 2 ? alerts.a : alerts.b)));
      await eventually('all 16 delivered', async () => {
        const { rows } = await db.query(`select count(*)::int as n from operations.hit_notification where hit_id = any($1::uuid[]) and state = 'DELIVERED'`, [hits.map((h) => h.id)]);
        return rows[0].n === 16;
      });
      const ids = new Set(hits.map((h) => h.id));
      const got = receiver.received.filter((r) => ids.has(r.claims?.hit.id ?? ''));
      // Not merely deduplicated by the receiver: each notification was sent once.
      expect(got).toHaveLength(16);
      expect(got.every((r) => !r.duplicate && r.attempt === '1')).toBe(true);
      expect(t.hub.notifier!.stats().delivered + second.hub.notifier!.stats().delivered - before).toBe(16);
      expect(Object.keys(t.hub.notifier!.stats().byOrganisation)).toEqual(expect.arrayContaining([alerts.a.owner]));
    } finally {
      await second.stop();
    }
  });

  test('a try in flight when the hub drains finishes before it stops', async () => {
    receiver.delayMs = 800;
    try {
      const hit = await screen(alerts.a);
      await eventually('the try in flight', async () => receiver.inFlight > 0);
      await t.stop();
      expect(await notificationOf(hit.id)).toMatchObject({ state: 'DELIVERED', attempts: 1 });
    } finally {
      receiver.delayMs = 0;
      t = await startHub();
    }
  });

  test('the hub restarted mid-retry still delivers, once', async () => {
    const hit = await screen(alerts.e);
    await eventually('a failed try', async () => (await notificationOf(hit.id)).attempts >= 1);
    await t.stop();
    const stopped = await notificationOf(hit.id);
    expect(stopped.state).toBe('PENDING');
    afterRestart.mode = 'ok';
    t = await startHub();
    await eventually('DELIVERED after the restart', async () => (await notificationOf(hit.id)).state === 'DELIVERED', 20_000);
    expect(afterRestart.accepted(alerts.e.owner).map((r) => r.claims!.hit.id)).toEqual([hit.id]);
  });

  test('a forged, altered, misaddressed, stale or replayed notification is told apart with the published key', async () => {
    const [genuine] = receiver.accepted(alerts.a.owner);
    const fresh = new NotificationReceiver(jwksUrl);
    const jwks = (await (await fetch(jwksUrl())).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: decodeProtectedHeader(genuine.body).kid })]);
    expect(jwks.keys[0].d).toBeUndefined();

    expect(await fresh.verify(genuine.body, alerts.a.owner, { now: new Date(genuine.receivedAt) })).toMatchObject({ error: null, duplicate: false });
    // Replayed: it verifies (the hub signed it), and its key was seen.
    expect(await fresh.verify(genuine.body, alerts.a.owner, { now: new Date(genuine.receivedAt) })).toMatchObject({ error: null, duplicate: true });
    // Stale: older than the receiver's window (5 min).
    expect((await fresh.verify(genuine.body, alerts.a.owner, { now: new Date(genuine.receivedAt + 6 * 60_000) })).error).toMatch(/"iat" claim/);
    // Addressed to A, presented to B.
    expect((await fresh.verify(genuine.body, alerts.b.owner)).error).toMatch(/"aud" claim/);
    // Altered: another hit id under the genuine signature.
    const [header, payload, signature] = genuine.body.split('.');
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    altered.hit.id = '00000000-0000-4000-8000-000000000000';
    expect((await fresh.verify(`${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`, alerts.a.owner)).error).toMatch(/signature verification failed/);
    // Forged: signed with another key under the hub's kid.
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ event: 'hit.created', hit: altered.hit })
      .setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(genuine.body).kid!, typ: NOTIFICATION_TYPE })
      .setIssuer('frontera').setAudience(alerts.a.owner).setJti('forged').setIssuedAt().sign(privateKey);
    expect((await fresh.verify(forged, alerts.a.owner)).error).toMatch(/signature verification failed/);
  });

  test('the access log with every notifier event still verifies', async () => {
    const { rows } = await db.query(`select count(*)::int as n from audit.access_event where event->>'receivedBy' = 'notifier'`);
    expect(rows[0].n).toBeGreaterThan(20);
    const signer = await loadAuditSigningKey(testConfig().SECRETS_DIR);
    const report = await inSnapshot(db, () => verifyAuditLog(db, new Map([[signer.kid, signer.publicKey]])));
    expect(report.problems).toEqual([]);
    expect(report.events).toBeGreaterThan(rows[0].n);
  });

  test('a hit and its notification are written together or not at all, and the database refuses a hit without one', async () => {
    const before = await db.query(`select count(*)::int as n from operations.hit where alert_id = $1`, [alerts.f.id]);
    // The outbox refuses F's notification: the screening fails, and leaves neither hit nor check.
    await db.query(`alter table operations.hit_notification add constraint test_refuses_f check (organisation <> '${alerts.f.owner}') not valid`);
    try {
      const { body } = await t.query(
        `mutation($input: ScreenDocumentInput!) { screenDocument(input: $input) { checkId } }`,
        { input: { operationId, checkpointId, documentNumber: alerts.f.documentNumber, issuingCountry: alerts.f.issuingCountry, documentType: 'PASSPORT' } },
        { as: callers.officerTha },
      );
      expect(body.errors?.length).toBeGreaterThan(0);
      expect(body.data?.screenDocument ?? null).toBeNull();
    } finally {
      await db.query(`alter table operations.hit_notification drop constraint test_refuses_f`);
    }
    const after = await db.query(`select count(*)::int as n from operations.hit where alert_id = $1`, [alerts.f.id]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    // Nor can SQL write a hit without its notification: the check is made when the transaction commits.
    await db.query('begin');
    try {
      const check = await db.query(`insert into operations."check" (id, operation_id, checkpoint_id, database, checked_at, subject_ref, document_type, issuing_country, matched)
        values (gen_random_uuid(), $1, $2, 'STOLEN_LOST_TRAVEL_DOCUMENTS', now(), repeat('0', 64), 'PASSPORT', $3, true) returning id`, [operationId, checkpointId, alerts.f.issuingCountry]);
      await db.query(`insert into operations.hit (id, check_id, alert_id, operation_id, checkpoint_id, database, status, detected_at)
        values (gen_random_uuid(), $1, $2, $3, $4, 'STOLEN_LOST_TRAVEL_DOCUMENTS', 'PENDING', now())`, [check.rows[0].id, alerts.f.id, operationId, checkpointId]);
      await expect(db.query('commit')).rejects.toThrow(/has no notification/);
    } finally {
      await db.query('rollback').catch(() => undefined);
    }
    // And every hit screened since notifications exist has exactly one.
    const orphans = await db.query(`select count(*)::int as n from operations.hit h join operations."check" c on c.id = h.check_id where c.operation_id = $1 and not exists (select 1 from operations.hit_notification n where n.hit_id = h.id)`, [operationId]);
    expect(orphans.rows[0].n).toBe(0);
    expect(receiver.received.filter((r) => r.organisation === alerts.f.owner)).toEqual([]);
  });
});
