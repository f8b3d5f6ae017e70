import { readdirSync } from 'node:fs';
import { SignJWT } from 'jose';
import { forgeToken, nowSeconds, payloadOf, temporaryDir } from './identity.fixture';
import { loadOrCreateLocalIssuer, mintToken } from './local-issuer';
import { Classification, Role, type Principal } from './principal';
import { Refusal } from './refusal';
import {
  bodyDigest,
  CALL_PROOF_LIFETIME_MS,
  proveSubgraphCall,
  staticKeyRing,
  subgraphCallVerifier,
  GATEWAY_ISSUER,
  HUB_INTERNAL_KEY_FILE,
  loadOrCreateHubInternalKey,
  signSubgraphToken,
  subgraphTokenMinter,
  subgraphTokenVerifier,
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
  clearance: Classification.RESTRICTED,
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

/** A token signed with the gateway's own key but written by hand, as a misuse of that key would be. */
function signedByGateway(payload: Record<string, unknown>, typ: string): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ }).setIssuer(GATEWAY_ISSUER).setAudience('operations').setSubject('x').setIssuedAt().setExpirationTime('1m').sign(key.privateKey);
}

describe('subgraph tokens', () => {
  it('carry the principal and purpose to the subgraph they are meant for', async () => {
    const token = await signSubgraphToken(key, { audience: 'operations', principal, purpose: 'OP-SEA-7' });
    const result = await verifySubgraphToken(key.publicKey, token, 'operations');
    if (!result.ok) throw new Error(result.reason);
    expect(result.purpose).toBe('OP-SEA-7');
    expect(result.principal).toEqual({ ...principal, expiresAt: expect.any(Date) });
    const claims = payloadOf(token);
    expect(claims).toMatchObject({ iss: GATEWAY_ISSUER, aud: 'operations' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    expect(result.principal.expiresAt.getTime()).toBe((claims.exp as number) * 1000);
  });

  it('report a missing purpose as null', async () => {
    const token = await signSubgraphToken(key, { audience: 'training', principal });
    expect(await verifySubgraphToken(key.publicKey, token, 'training')).toMatchObject({ ok: true, purpose: null });
  });

  it('are refused when replayed at another subgraph', async () => {
    const token = await signSubgraphToken(key, { audience: 'training', principal, purpose: 'COURSE-1' });
    expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.audience);
  });

  it('are refused once expired', async () => {
    const token = await signSubgraphToken(key, { audience: 'operations', principal, ttlSeconds: 10 });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    jest.setSystemTime(Date.now() + 16_000);
    expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.expired);
  });

  it('are refused, saying so, when signed by a gateway whose clock is more than 5 s ahead', async () => {
    const token = await signSubgraphToken(key, { audience: 'operations', principal });
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    jest.setSystemTime(Date.now() - 4_000);
    expect(await verifySubgraphToken(key.publicKey, token, 'operations')).toMatchObject({ ok: true });
    jest.setSystemTime(Date.now() - 3_000);
    expect(refusal(await verifySubgraphToken(key.publicKey, token, 'operations'))).toBe(Refusal.issuedInFuture);
  });

  it('are refused when signed by another key', async () => {
    const other = temporaryDir();
    try {
      const otherKey = await loadOrCreateHubInternalKey(other.dir);
      const token = await signSubgraphToken(otherKey, { audience: 'operations', principal });
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
    const otherType = await signedByGateway({ org: 'hub', rid: 'r' }, 'JWT');
    expect(refusal(await verifySubgraphToken(key.publicKey, otherType, 'operations'))).toBe(Refusal.tokenType);
  });

  it('refuse unsigned and incomplete tokens', async () => {
    const claims = { iss: GATEWAY_ISSUER, aud: 'operations', sub: 'x', org: 'hub', iat: nowSeconds(), exp: nowSeconds() + 60 };
    const unsigned = forgeToken({ alg: 'none', typ: 'frontera-subgraph+jwt' }, claims);
    expect(refusal(await verifySubgraphToken(key.publicKey, unsigned, 'operations'))).toBe(Refusal.algorithm);

    const withNumericPurpose = await signedByGateway({ org: 'hub', purpose: 42 }, 'frontera-subgraph+jwt');
    expect(refusal(await verifySubgraphToken(key.publicKey, withNumericPurpose, 'operations'))).toBe(Refusal.invalidClaims);
  });

  it('refuse a lifetime beyond five minutes at signing', async () => {
    await expect(signSubgraphToken(key, { audience: 'operations', principal, ttlSeconds: 3600 })).rejects.toThrow(RangeError);
  });
});

describe('subgraphTokenMinter', () => {
  it('signs once per client token, subgraph and purpose, and reuses that token', async () => {
    const mint = subgraphTokenMinter(key);
    const first = await mint('client-a', { audience: 'operations', principal, purpose: 'OP-1' });
    expect(await mint('client-a', { audience: 'operations', principal, purpose: 'OP-1' })).toBe(first);
    const others = await Promise.all([
      mint('client-b', { audience: 'operations', principal, purpose: 'OP-1' }),
      mint('client-a', { audience: 'training', principal, purpose: 'OP-1' }),
      mint('client-a', { audience: 'operations', principal, purpose: 'OP-2' }),
      mint('client-a', { audience: 'operations', principal, purpose: null }),
    ]);
    expect(new Set([first, ...others]).size).toBe(5);
    const training = await verifySubgraphToken(key.publicKey, others[1], 'training');
    expect(training.ok && training.purpose).toBe('OP-1');
  });

  it('signs a new token once the cached one is within 15 s of expiring', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const mint = subgraphTokenMinter(key);
    const first = await mint('client-a', { audience: 'operations', principal });
    jest.advanceTimersByTime(44_000);
    expect(await mint('client-a', { audience: 'operations', principal })).toBe(first);
    jest.advanceTimersByTime(2_000);
    const renewed = await mint('client-a', { audience: 'operations', principal });
    expect(renewed).not.toBe(first);
    expect(payloadOf(renewed).exp).toBeGreaterThan(payloadOf(first).exp as number);
  });
});

describe('subgraphTokenVerifier', () => {
  it('accepts a remembered token only until it expires, and still refuses other audiences', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const verify = subgraphTokenVerifier(key.publicKey, 'operations');
    const token = await signSubgraphToken(key, { audience: 'operations', principal, ttlSeconds: 10 });
    expect((await verify(token)).ok).toBe(true);
    expect((await verify(token)).ok).toBe(true);
    expect(refusal(await subgraphTokenVerifier(key.publicKey, 'training')(token))).toBe(Refusal.audience);
    jest.advanceTimersByTime(16_000);
    expect(refusal(await verify(token))).toBe(Refusal.expired);
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

describe('expiry', () => {
  it("is capped at the client token's", async () => {
    const soon = { ...principal, expiresAt: new Date((nowSeconds() + 20) * 1000) };
    const claims = payloadOf(await signSubgraphToken(key, { audience: 'operations', principal: soon }));
    expect(claims.exp).toBe(Math.floor(soon.expiresAt.getTime() / 1000));
    await expect(signSubgraphToken(key, { audience: 'operations', principal: { ...principal, expiresAt: new Date(Date.now() - 1000) } })).rejects.toThrow(/expired/);
  });

  it('makes the minter renew a capped token before it expires, not 45 s after signing', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const soon = { ...principal, expiresAt: new Date(Date.now() + 30_000) };
    const mint = subgraphTokenMinter(key);
    const first = await mint('client-soon', { audience: 'operations', principal: soon });
    jest.advanceTimersByTime(14_000);
    expect(await mint('client-soon', { audience: 'operations', principal: soon })).toBe(first);
    jest.advanceTimersByTime(2_000);
    expect(await mint('client-soon', { audience: 'operations', principal: soon })).not.toBe(first);
  });
});

describe('call proofs', () => {
  const body = '{"query":"{ operations(first: 1) { edges { node { code } } } }"}';
  const signed = async (audience = 'operations') => {
    const token = await signSubgraphToken(key, { audience, principal });
    return { token, requestId: 'req-1', proof: proveSubgraphCall(key, audience, { token, requestId: 'req-1', bodyDigest: bodyDigest(body) }) };
  };

  it('accept the call they were made for, once', async () => {
    const verify = subgraphCallVerifier(staticKeyRing(key), 'operations');
    const call = await signed();
    const result = await verify({ ...call, bodyDigest: bodyDigest(body) });
    expect(result).toMatchObject({ ok: true, kid: key.kid });
    expect(refusal(await verify({ ...call, bodyDigest: bodyDigest(body) }))).toBe(Refusal.callReplayed);
  });

  it('refuse another body, request id, token, subgraph, or none at all', async () => {
    const verify = subgraphCallVerifier(staticKeyRing(key), 'operations');
    const call = await signed();
    expect(refusal(await verify({ ...call, bodyDigest: bodyDigest(body.replace('1', '5')) }))).toBe(Refusal.callProofMismatch);
    expect(refusal(await verify({ ...call, requestId: 'req-2', bodyDigest: bodyDigest(body) }))).toBe(Refusal.callProofMismatch);
    const other = await signed();
    expect(refusal(await verify({ ...call, token: other.token, bodyDigest: bodyDigest(body) }))).toBe(Refusal.callProofMismatch);
    expect(refusal(await verify({ ...call, proof: undefined, bodyDigest: bodyDigest(body) }))).toBe(Refusal.noCallProof);
    expect(refusal(await verify({ ...call, proof: `${call.proof}x`, bodyDigest: bodyDigest(body) }))).toBe(Refusal.callProofMalformed);
    // A proof made for training, sent with a token for operations, is not a proof at operations.
    const forTraining = proveSubgraphCall(key, 'training', { token: call.token, requestId: 'req-1', bodyDigest: bodyDigest(body) });
    expect(refusal(await verify({ ...call, proof: forTraining, bodyDigest: bodyDigest(body) }))).toBe(Refusal.callProofMismatch);
    // None of the refusals used the nonce up: the real call still passes.
    expect((await verify({ ...call, bodyDigest: bodyDigest(body) })).ok).toBe(true);
  });

  it('refuse a proof older than its lifetime', async () => {
    const verify = subgraphCallVerifier(staticKeyRing(key), 'operations');
    const call = await signed();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime(Date.now() + CALL_PROOF_LIFETIME_MS + 6_000);
    expect(refusal(await verify({ ...call, bodyDigest: bodyDigest(body) }))).toBe(Refusal.callProofStale);
  });
});
