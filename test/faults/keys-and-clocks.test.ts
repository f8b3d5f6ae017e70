import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { HUB_AUDIENCE, Role } from '../../identity';
import {
  checkAccessLog,
  defaultMix,
  figures,
  loadPlan,
  OPERATIONS_QUERY,
  readiness,
  sendRequest,
  skewClockPreload,
  startFaultDatabase,
  startFaultHub,
  startLoad,
  SUBGRAPHS,
  waitFor,
  type FaultDatabase,
  type FaultHub,
  type ResponseRecord,
} from './harness';

// Identity under faults: a partner's issuer (a JWKS served on 127.0.0.1) rotates its signing key
// under load, and two subgraphs run on clocks that disagree with the gateway's.
//   - a token under the new key is accepted on its first use;
//   - a key withdrawn from the JWKS stops letting tokens in within JWKS_CACHE_SECONDS +
//     ACCEPTED_TOKEN_CACHE_SECONDS (2 + 2 s here; 60 + 60 s by default), measured;
//   - a subgraph whose clock is 10 s behind the gateway's (the gateway's tokens look issued in the
//     future) and one 90 s ahead (they look expired) refuse the gateway's calls, saying why, and
//     /health/ready names them.

const ISSUER = 'urn:fault:frontex-idp';
const JWKS_CACHE_SECONDS = 2;
const ACCEPTED_TOKEN_CACHE_SECONDS = 2;

interface PartnerKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function partnerKey(kid: string): Promise<PartnerKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function partnerToken(key: PartnerKey, subject: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ org: 'frontex', roles: [Role.PARTNER_LIAISON], scope: '', clearance: 'RESTRICTED' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(HUB_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(key.privateKey);
}

/** The partner's identity provider: a JWKS on 127.0.0.1 whose key list the test changes. */
const jwks = { published: [] as JWK[], fetches: [] as number[] };
const jwksServer = http.createServer((_req, res) => {
  jwks.fetches.push(Date.now());
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ keys: jwks.published }));
});

let db: FaultDatabase;
let hub: FaultHub;
let dir: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-faults-'));
  const issuersFile = path.join(dir, 'issuers.json');
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
  writeFileSync(issuersFile, JSON.stringify([{ organisation: 'frontex', issuer: ISSUER, audience: HUB_AUDIENCE, jwksUrl }]));
  db = await startFaultDatabase('identity');
  hub = await startFaultHub(db, {
    processes: { gateway: ['gateway'], core: SUBGRAPHS.filter((s) => s !== 'training' && s !== 'iom'), training: ['training'], iom: ['iom'] },
    env: { TRUSTED_ISSUERS_FILE: issuersFile, JWKS_CACHE_SECONDS: String(JWKS_CACHE_SECONDS), ACCEPTED_TOKEN_CACHE_SECONDS: String(ACCEPTED_TOKEN_CACHE_SECONDS) },
    processEnv: { training: { FAULT_CLOCK_OFFSET_MS: '-10000' }, iom: { FAULT_CLOCK_OFFSET_MS: '90000' } },
    nodeArgs: { training: ['-r', skewClockPreload], iom: ['-r', skewClockPreload] },
    gatewayLiveOnly: true,
  });
}, 180_000);

afterAll(async () => {
  await hub?.stop();
  await db?.close();
  await new Promise((resolve) => jwksServer.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

const asPartner = (token: string) => ({ query: OPERATIONS_QUERY, token });

test('the issuer rotates its key under load: the new key at once, the withdrawn one refused within the stated bound', async () => {
  const plan = await loadPlan(hub.gatewayUrl);
  const load = startLoad(hub.gatewayUrl, defaultMix(plan).filter((op) => op.name !== 'join'), { workers: 2, maxRequests: 3_000, maxMs: 60_000 });
  const seen: ResponseRecord[] = [];
  const send = async (label: string, token: string) => {
    const record = await sendRequest(hub.gatewayUrl, label, 'query', asPartner(token));
    seen.push(record);
    return record;
  };
  try {
    const oldKey = await partnerKey('frontex-2026-a');
    const newKey = await partnerKey('frontex-2026-b');
    jwks.published = [oldKey.jwk];
    const oldToken = await partnerToken(oldKey, 'liaison.before');
    expect(await send('old key', oldToken)).toMatchObject({ status: 200, answered: true });

    // Rotation: the issuer publishes the new key and signs with it at once.
    jwks.published = [oldKey.jwk, newKey.jwk];
    await waitFor(() => Date.now() - jwks.fetches[jwks.fetches.length - 1] > 1_000, { timeoutMs: 5_000, what: 'the one-second JWKS cool-down' });
    const newToken = await partnerToken(newKey, 'liaison.after');
    const first = await send('new key', newToken);
    expect(first).toMatchObject({ status: 200, answered: true });

    // Withdrawal: the old key leaves the set. Tokens under it, one already accepted and one never
    // seen, are refused within JWKS_CACHE_SECONDS + ACCEPTED_TOKEN_CACHE_SECONDS.
    const unseenOldToken = await partnerToken(oldKey, 'liaison.late');
    jwks.published = [newKey.jwk];
    const withdrawnAt = Date.now();
    const bound = (JWKS_CACHE_SECONDS + ACCEPTED_TOKEN_CACHE_SECONDS) * 1000;
    const refusedAfter: Record<string, number> = {};
    await waitFor(
      async () => {
        for (const [label, token] of [['withdrawn key, accepted before', oldToken], ['withdrawn key, never seen', unseenOldToken]] as const) {
          if (refusedAfter[label] !== undefined) continue;
          const record = await send(label, token);
          if (record.status === 401) {
            refusedAfter[label] = record.endedAt - withdrawnAt;
            expect(record.codes).toEqual(['UNAUTHENTICATED']);
            expect(record.message).toMatch(/token key id is not known for its issuer/);
          }
        }
        // The new key keeps working throughout.
        expect(await send('new key', newToken)).toMatchObject({ status: 200, answered: true });
        return Object.keys(refusedAfter).length === 2;
      },
      { timeoutMs: bound + 5_000, intervalMs: 100, what: 'tokens under the withdrawn key to be refused' },
    );
    const responses = [...(await load.stop()), ...seen];
    const log = await checkAccessLog(db, responses);
    // Measured from the request's start, so a slow answer on a busy machine does not count against the bound.
    const withdrawn = seen.filter((r) => r.operation.startsWith('withdrawn key'));
    const lastAcceptedMs = Math.max(0, ...withdrawn.filter((r) => r.status === 200).map((r) => r.startedAt - withdrawnAt));
    console.log(figures('key rotation', log, { newKeyFirstUse: first.status, lastAcceptedAfterWithdrawalMs: lastAcceptedMs, refusedByMs: refusedAfter, boundMs: bound, jwksFetches: jwks.fetches.length }, responses));
    // The bound, plus the latency of the one JWKS fetch that straddles the withdrawal (jose dates a set when it arrives).
    expect(lastAcceptedMs).toBeLessThanOrEqual(bound + 500);
    expect(log.eventsLost).toEqual([]);
    expect(log.duplicated).toEqual([]);
    expect(log.mutationsWithoutEvent).toEqual([]);
    expect(log.verify.problems).toEqual([]);
    // Refusals are in the log too, as refused with the code the client saw.
    const refused = seen.filter((r) => r.status === 401);
    for (const r of refused) expect(log.events.get(r.requestId)?.[0]).toMatchObject({ outcome: 'refused', refusalCode: 'UNAUTHENTICATED' });
  } finally {
    await load.stop();
  }
}, 90_000);

test('subgraphs whose clocks are 10 s behind or 90 s ahead of the gateway refuse its calls, and say why', async () => {
  const plan = await loadPlan(hub.gatewayUrl);
  const gatewayAhead = await sendRequest(hub.gatewayUrl, 'training', 'query', { query: '{ operations(first: 1) { edges { node { code trainingSessions { id } } } } }', token: plan.admin });
  const gatewayBehind = await sendRequest(hub.gatewayUrl, 'iom', 'query', { query: '{ operations(first: 1) { edges { node { code iom { aggregates { total } } } } } }', token: plan.admin });
  // Served in part: the operation from the operations subgraph, the skewed subgraph's field refused.
  for (const record of [gatewayAhead, gatewayBehind]) {
    expect(record).toMatchObject({ status: 200, answered: true, partial: true, codes: ['UNAUTHENTICATED'] });
    expect(record.message).toMatch(/clocks more than 5 s apart/);
  }
  expect(gatewayAhead.message).toMatch(/token was issued in the future/);
  expect(gatewayBehind.message).toMatch(/token has expired/);
  const ready = await readiness(hub.gatewayBase);
  expect(ready).toMatchObject({ status: 503, body: { subgraphs: { training: 'HTTP 401', iom: 'HTTP 401' } } });

  const log = await checkAccessLog(db, [gatewayAhead, gatewayBehind]);
  expect(log.eventsLost).toEqual([]);
  expect(log.events.get(gatewayAhead.requestId)?.[0]).toMatchObject({ outcome: 'partial', refusalCode: 'UNAUTHENTICATED' });
  // Each skewed subgraph recorded the refusal itself, under the gateway's request id.
  const own = await db.query<{ request_id: string; received_by: string; outcome: string }>(
    `select request_id, event->>'receivedBy' as received_by, outcome from audit.access_event where request_id = any($1::text[]) and event->>'receivedBy' <> 'gateway'`,
    [[gatewayAhead.requestId, gatewayBehind.requestId]],
  );
  expect(own.map((r) => `${r.request_id === gatewayAhead.requestId ? 'gatewayAhead' : 'gatewayBehind'}:${r.received_by}:${r.outcome}`).sort()).toEqual(['gatewayAhead:training:refused', 'gatewayBehind:iom:refused']);
  console.log(`clocks apart: ${JSON.stringify({ trainingClock10sBehind: gatewayAhead.message, iomClock90sAhead: gatewayBehind.message, readiness: ready.body })}`);
}, 60_000);
