import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import {
  Classification,
  gatewayCallHeaders,
  loadGatewayKeyRing,
  loadOrCreateLocalIssuer,
  mintToken,
  Role,
  rotateHubInternalKey,
  signSubgraphToken,
  type GatewayKeyRing,
  type Principal,
} from '../identity';
import { createAuditWriter, auditWriterLogin, loadAuditKey, loadAuditSigningKey, type AuditWriter } from '../access-log';
import { startHub, seedTools, type RunningHub } from '../hub/runtime';
import { databaseUrl, schemaGrant, withClient } from '../platform/database';
import type { HttpService } from '../platform/http';
import { createLogger } from '../platform/logger';
import { loadSecrets } from '../platform/secrets';
import operations from '../subgraphs/operations/subgraph';
import { openOrm } from '../subgraphs/shared/orm';
import { testConfig, testDatabase } from './database';
import { startTestSubgraph } from './harness';

// Issue #14, item 5: a subgraph token sniffed between the gateway and a subgraph must not be a pass.
// A recording proxy stands where a sniffer would, between the gateway and the operations subgraph.

interface Sniffed {
  headers: Record<string, string>;
  body: string;
}

const QUERY = 'query Ops($first: Int!) { operations(first: $first) { edges { node { code } } } }';

let hub: RunningHub;
let proxy: http.Server;
let operationsUrl = '';
const sniffed: Sniffed[] = [];
const logLines: Record<string, unknown>[] = [];
const rawLog: string[] = [];
const config = testConfig({ LOG_LEVEL: 'info' });

beforeAll(async () => {
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
      sniffed.push({ headers, body });
      const answer = await fetch(operationsUrl, { method: 'POST', headers, body });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`;
  const log = createLogger('info', 'frontera', {
    write(line: string) {
      rawLog.push(line);
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  hub = await startHub(testConfig({ LOG_LEVEL: 'info', SUBGRAPH_URLS: `operations=${proxyUrl}` }), testDatabase(), loadSecrets(config.SECRETS_DIR), log, { ephemeralPorts: true });
  operationsUrl = hub.subgraphs.get('operations')!.url;
});

afterAll(async () => {
  await hub?.stop();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
});

/** Queries the gateway as a hub administrator holding `token`, and returns the call the sniffer saw. */
async function throughGateway(token: string, first: number): Promise<{ status: number; call: Sniffed; requestId: string }> {
  const before = sniffed.length;
  const response = await fetch(hub.gatewayUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'replay suite' },
    body: JSON.stringify({ query: QUERY, variables: { first } }),
  });
  const body = (await response.json()) as { errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  expect(sniffed.length).toBe(before + 1);
  const call = sniffed[before];
  return { status: response.status, call, requestId: call.headers['x-request-id'] };
}

/** Sends a sniffed call again, straight to the subgraph, with `change` applied. */
async function replay(call: Sniffed, change: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(operationsUrl, { method: 'POST', headers: { ...call.headers, ...change.headers }, body: change.body ?? call.body });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

const hubAdmin = async (ttlSeconds = 3600) =>
  mintToken(await loadOrCreateLocalIssuer(config.SECRETS_DIR), { subject: `replay.${randomUUID()}`, organisation: 'hub', roles: [Role.HUB_ADMIN], clearance: Classification.CONFIDENTIAL, scopes: [], ttlSeconds });

describe('a sniffed subgraph call', () => {
  test('cannot be replayed with another body, another request id, or at all', async () => {
    const { status, call } = await throughGateway(await hubAdmin(), 1);
    expect(status).toBe(200);
    expect(call.headers.authorization).toMatch(/^Bearer /);

    // The same token and proof with the variables changed: the body digest no longer matches.
    const otherBody = await replay(call, { body: call.body.replace('"first":1', '"first":5') });
    expect(otherBody.status).toBe(401);
    expect(otherBody.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(otherBody.body.errors?.[0].message).toMatch(/call proof does not match this request/);
    expect(otherBody.body.data ?? null).toBeNull();

    const otherRequest = await replay(call, { headers: { 'x-request-id': `replay-${randomUUID()}` } });
    expect(otherRequest.status).toBe(401);
    expect(otherRequest.body.errors?.[0].message).toMatch(/call proof does not match this request/);

    // The token alone, without the proof: a token is no longer a pass.
    const { 'x-frontera-call': _proof, ...tokenOnly } = call.headers;
    const response = await fetch(operationsUrl, { method: 'POST', headers: tokenOnly, body: call.body });
    expect(response.status).toBe(401);

    // The very same call again: the proof's nonce was used once, by the gateway's call.
    const exact = await replay(call);
    expect(exact.status).toBe(401);
    expect(exact.body.errors?.[0].message).toMatch(/already used/);

    // Each replay refused is in the access log, recorded by the subgraph (beside the gateway's own event for the request id).
    const { rows } = await withClient(databaseUrl(testDatabase()), (c) =>
      c.query(`select event from audit.access_event where request_id = $1 and event->>'receivedBy' = 'operations'`, [call.headers['x-request-id']]));
    expect(rows.map((r) => [r.event.outcome, r.event.refusalCode])).toEqual([
      ['refused', 'UNAUTHENTICATED'],
      ['refused', 'UNAUTHENTICATED'],
      ['refused', 'UNAUTHENTICATED'],
    ]);
  });

  test('carries a token that expires no later than the client token', async () => {
    const clientToken = await hubAdmin(20);
    const clientExpiry = JSON.parse(Buffer.from(clientToken.split('.')[1], 'base64url').toString()).exp as number;
    const { call } = await throughGateway(clientToken, 2);
    const claims = JSON.parse(Buffer.from(call.headers.authorization.slice(7).split('.')[1], 'base64url').toString()) as { exp: number; iat: number };
    expect(claims.exp).toBeLessThanOrEqual(clientExpiry);
    expect(claims.exp - claims.iat).toBeLessThan(60);
  });

  test('is logged by the subgraph with request id, subject, audience and kid, never with the token', async () => {
    const { call, requestId } = await throughGateway(await hubAdmin(), 3);
    const token = call.headers.authorization.slice(7);
    const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
    const lines = logLines.filter((line) => line.msg === 'gateway call' && line.requestId === requestId);
    expect(lines).toEqual([expect.objectContaining({ level: 30, subgraph: 'operations', audience: 'operations', kid, subject: expect.stringMatching(/^replay\./), organisation: 'hub' })]);
    expect(rawLog.some((line) => line.includes(token) || line.includes(token.split('.')[2]))).toBe(false);
  });
});

describe("rotating the gateway's signing key", () => {
  let keyDir: string;
  let orm: MikroORM;
  let writer: AuditWriter;
  let subgraph: HttpService;
  let gatewayRing: GatewayKeyRing & { close(): void };
  let subgraphRing: GatewayKeyRing & { close(): void };
  const principal: Principal = { subject: 'rotation', organisation: 'hub', country: null, roles: [Role.HUB_ADMIN], scopes: [], clearance: Classification.CONFIDENTIAL, expiresAt: new Date(Date.now() + 3_600_000) };

  beforeAll(async () => {
    // Keys of their own: rotating the shared test keys would disturb the suites running beside this one.
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'frontera-rotation-'));
    // Two rings over one folder, as the gateway and a subgraph in two processes sharing the secrets volume.
    gatewayRing = await loadGatewayKeyRing(keyDir, { checkEveryMs: 200 });
    subgraphRing = await loadGatewayKeyRing(keyDir);
    const server = testDatabase();
    const secrets = loadSecrets(config.SECRETS_DIR);
    const grant = schemaGrant(server, secrets, operations.dbSchema);
    orm = await openOrm(operations, databaseUrl(server, { user: grant.role, password: grant.password }));
    const log = createLogger('silent');
    writer = await createAuditWriter({ connectionString: auditWriterLogin(server, secrets).connectionString, auditKey: loadAuditKey(config.SECRETS_DIR), signer: await loadAuditSigningKey(config.SECRETS_DIR), writer: `test-${randomUUID()}`, log });
    subgraph = await startTestSubgraph(operations, {
      orm,
      tools: seedTools(secrets),
      gatewayKeys: subgraphRing,
      audit: writer,
      log,
    });
  });

  afterAll(async () => {
    gatewayRing?.close();
    subgraphRing?.close();
    await subgraph?.close();
    await orm?.close();
    await writer?.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** One call signed as the gateway signs it, with the key `ring` signs with now (or `key`). */
  async function call(key = gatewayRing.signing(), token?: string) {
    const signed = token ?? (await signSubgraphToken(key, { audience: 'operations', principal }));
    const body = JSON.stringify({ query: '{ operations(first: 1) { edges { node { code } } } }' });
    const response = await fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...gatewayCallHeaders(key, 'operations', signed, body, `rotation-${randomUUID()}`) }, body });
    const answer = (await response.json()) as { errors?: { message: string }[] };
    return { status: response.status, message: answer.errors?.[0]?.message ?? null };
  }

  test('accepts calls signed with either key during the overlap and refuses the old key after it', async () => {
    const oldKey = gatewayRing.signing();
    const oldToken = await signSubgraphToken(oldKey, { audience: 'operations', principal });
    expect(await call(oldKey, oldToken)).toEqual({ status: 200, message: null });

    const overlapMs = 4_000;
    const rotated = await rotateHubInternalKey(keyDir, overlapMs, { allowShortOverlap: true });
    expect(rotated.previous).toBe(oldKey.kid);
    // The gateway's ring notices the new key by itself, no restart.
    const deadline = Date.now() + 3_000;
    while (gatewayRing.signing().kid === oldKey.kid && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const newKey = gatewayRing.signing();
    expect(newKey.kid).toBe(rotated.current);

    // During the overlap: the new key (which the subgraph has never seen: it re-reads its keys on
    // the unknown kid) and the old one, with a fresh token and with the token it already accepted.
    expect(await call(newKey)).toEqual({ status: 200, message: null });
    expect(await call(oldKey)).toEqual({ status: 200, message: null });
    expect(await call(oldKey, oldToken)).toEqual({ status: 200, message: null });

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, rotated.acceptedUntil.getTime() - Date.now()) + 100));
    // After it: the old key is refused, even for a token the subgraph had remembered as accepted.
    expect(await call(oldKey)).toEqual({ status: 401, message: expect.stringMatching(/Not authenticated/) });
    expect(await call(oldKey, oldToken)).toEqual({ status: 401, message: expect.stringMatching(/Not authenticated/) });
    expect(await call(newKey)).toEqual({ status: 200, message: null });
  });

  test('refuses a second rotation while the previous key is still in its overlap, and an overlap shorter than a token lives', async () => {
    await expect(rotateHubInternalKey(keyDir, 60_000)).rejects.toThrow(/overlap must be at least 120 s/);
    await rotateHubInternalKey(keyDir, 10_000, { allowShortOverlap: true });
    await expect(rotateHubInternalKey(keyDir, 10_000, { allowShortOverlap: true })).rejects.toThrow(/still accepted until/);
  });
});
