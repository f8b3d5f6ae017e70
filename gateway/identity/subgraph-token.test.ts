import { readdirSync } from 'node:fs';
import { SignJWT } from 'jose';
import { forgeToken, nowSeconds, payloadOf, temporaryDir } from './identity.fixture';
import { loadOrCreateLocalIssuer, mintToken } from './local-issuer';
import { Clearance, Role, type Principal } from './principal';
import { Refusal } from './refusal';
import {
  GATEWAY_ISSUER,
  HUB_INTERNAL_KEY_FILE,
  loadOrCreateHubInternalKey,
  signSubgraphToken,
  verifySubgraphToken,
  type HubInternalKey,
  type SubgraphTokenResult,
} from './subgraph-token';

const principal: Principal = Object.freeze({
  subject: 'analyst-1',
  organisation: 'ncb-fra',
  country: 'FRA',
  roles: [Role.NCB_ANALYST],
  scopes: ['alerts:read'],
  clearance: Clearance.RESTRICTED,
  tokenId: 'client-token-1',
  expiresAt: new Date((nowSeconds() + 3600) * 1000),
});

let dir: string;
let remove: () => void;
let key: HubInternalKey;

beforeAll(async () => {
  ({ dir, remove } = temporaryDir());
  key = await loadOrCreateHubInternalKey(dir);
});

afterAll(() => remove());
afterEach(() => jest.useRealTimers());

function refusal(result: SubgraphTokenResult): string {
  if (result.ok) throw new Error('accepted');
  expect(result.code).toBe('UNAUTHENTICATED');
  return result.reason;
}

describe('subgraph tokens', () => {
  it('carry the principal, request id and purpose to the subgraph they are meant for', async () => {
    const token = await signSubgraphToken(key, { audience: 'operations', principal, requestId: 'req-1', purpose: 'OP-SEA-7' });
    const result = await verifySubgraphToken(key.publicKey, token, 'operations');
    if (!result.ok) throw new Error(result.reason);
    expect(result.requestId).toBe('req-1');
    expect(result.purpose).toBe('OP-SEA-7');
    expect(result.principal).toEqual({ ...principal, expiresAt: expect.any(Date) });
    const claims = payloadOf(token);
    expect(claims).toMatchObject({ iss: GATEWAY_ISSUER, aud: 'operations' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    expect(result.principal.expiresAt.getTime()).toBe((claims.exp as number) * 1000);
  });

  it('report a missing purpose as null', async () => {
    const token = await signSubgraphToken(key, { audience: 'training', principal, requestId: 'req-2' });
    expect(await verifySubgraphToken(key.publicKey, token, 'training')).toMatchObject({ ok: true, purpose: null });
  });

  it('are refused when replayed at another subgraph', async () => {
    const token = await signSubgraphToken(key, { audience: 'training', principal, requestId: 'req-3', purpose: 'COURSE-1' });
    expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.audience);
  });

  it('are refused once expired', async () => {
    const token = await signSubgraphToken(key, { audience: 'operations', principal, requestId: 'req-4', ttlSeconds: 10 });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    jest.setSystemTime(Date.now() + 16_000);
    expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.expired);
  });

  it('are refused when signed by another key', async () => {
    const other = temporaryDir();
    try {
      const otherKey = await loadOrCreateHubInternalKey(other.dir);
      const token = await signSubgraphToken(otherKey, { audience: 'operations', principal, requestId: 'req-5' });
      expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.badSignature);
    } finally {
      other.remove();
    }
  });

  it("refuse a client's own bearer token, even one signed with the hub-internal key", async () => {
    const clientToken = await mintToken(await loadOrCreateLocalIssuer(dir), {
      subject: 'x',
      organisation: 'hub',
      roles: [Role.HUB_ADMIN],
      scopes: [],
      ttlSeconds: 60,
    });
    expect(refusal(await verifySubgraphToken(key.publicKey, clientToken, 'operations'))).toBe(Refusal.badSignature);

    // Same key, but not the subgraph token type: a gateway-signed token of any other kind does not pass.
    const otherType = await new SignJWT({ org: 'hub', rid: 'r' })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience('operations')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
    expect(refusal(await verifySubgraphToken(key.publicKey, otherType, 'operations'))).toBe(Refusal.tokenType);
  });

  it('refuse unsigned and incomplete tokens', async () => {
    const claims = { iss: GATEWAY_ISSUER, aud: 'operations', sub: 'x', org: 'hub', rid: 'r', iat: nowSeconds(), exp: nowSeconds() + 60 };
    const unsigned = forgeToken({ alg: 'none', typ: 'frontera-subgraph+jwt' }, claims);
    expect(refusal(await verifySubgraphToken(key.publicKey, unsigned, 'operations'))).toBe(Refusal.algorithm);

    const withoutRequestId = await new SignJWT({ org: 'hub' })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'frontera-subgraph+jwt' })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience('operations')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
    expect(refusal(await verifySubgraphToken(key.publicKey, withoutRequestId, 'operations'))).toBe(Refusal.invalidClaims);
  });

  it('refuse a lifetime beyond five minutes at signing', async () => {
    await expect(signSubgraphToken(key, { audience: 'operations', principal, requestId: 'r', ttlSeconds: 3600 })).rejects.toThrow(RangeError);
  });
});

describe('loadOrCreateHubInternalKey', () => {
  it('keeps its own key, apart from the local issuer, and reuses it', async () => {
    const again = await loadOrCreateHubInternalKey(dir);
    expect(again.kid).toBe(key.kid);
    const localIssuer = await loadOrCreateLocalIssuer(dir);
    expect(localIssuer.publicJwk.kid).not.toBe(key.kid);
    expect(readdirSync(dir).sort()).toEqual([HUB_INTERNAL_KEY_FILE, 'local-issuer.json']);
  });
});
