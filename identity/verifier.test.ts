import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { forgeHs256, forgeToken, nowSeconds, tamperPayload, temporaryDir } from './identity.fixture';
import { HUB_AUDIENCE, loadOrCreateLocalIssuer, localIssuerTrust, mintToken, type LocalIssuer } from './local-issuer';
import { Role } from './principal';
import { Refusal } from './refusal';
import { createVerifier, IssuerConfigError, parseBearer, type TokenVerifier, type TrustedIssuer, type VerifyResult } from './verifier';

const FRONTEX = 'https://idp.frontex.example';

interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function testKey(alg: string, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

/** A token as the Frontex identity provider would issue it, with `claims` overriding the defaults. */
function frontexToken(key: TestKey, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = nowSeconds();
  return new SignJWT({
    iss: FRONTEX,
    aud: HUB_AUDIENCE,
    sub: 'officer-17',
    org: 'frontex',
    roles: ['BORDER_OFFICER'],
    scope: 'operations:read',
    clearance: 'RESTRICTED',
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: 'frontex-token-1',
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

function refusal(result: VerifyResult): string {
  if (result.ok) throw new Error(`accepted as ${result.principal.subject}`);
  expect(result.code).toBe('UNAUTHENTICATED');
  return result.reason;
}

let frontexKey: TestKey;
let attackerKey: TestKey;
let localIssuer: LocalIssuer;
let verifier: TokenVerifier;
let removeDir: () => void;

beforeAll(async () => {
  [frontexKey, attackerKey] = await Promise.all([testKey('ES256', 'frontex-2025'), testKey('ES256', 'frontex-2025')]);
  const temporary = temporaryDir();
  removeDir = temporary.remove;
  localIssuer = await loadOrCreateLocalIssuer(temporary.dir);
  verifier = createVerifier([
    { organisation: 'frontex', issuer: FRONTEX, audience: HUB_AUDIENCE, publicKeys: [frontexKey.publicJwk] },
    localIssuerTrust(localIssuer, ['hub', 'ncb-fra']),
  ]);
});

afterAll(() => removeDir());

describe('parseBearer', () => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
  it.each([
    [undefined, null],
    [`Bearer ${jwt}`, jwt],
    [`bearer   ${jwt}  `, jwt],
    ['', 'malformed'],
    ['Bearer', 'malformed'],
    [`Basic ${jwt}`, 'malformed'],
    [`Bearer ${jwt} extra`, 'malformed'],
    ['Bearer not-a-jwt', 'malformed'],
    ['Bearer malformed', 'malformed'],
  ])('%p → %p', (header, expected) => {
    expect(parseBearer(header)).toBe(expected);
  });
});

describe('createVerifier', () => {
  it('accepts a valid partner token and maps its claims', async () => {
    const result = await verifier.verify(await frontexToken(frontexKey));
    expect(result).toEqual({
      ok: true,
      principal: expect.objectContaining({
        subject: 'officer-17',
        organisation: 'frontex',
        roles: [Role.BORDER_OFFICER],
        scopes: ['operations:read'],
        tokenId: 'frontex-token-1',
      }),
    });
  });

  it('accepts a token of the local issuer for an organisation it vouches for', async () => {
    const token = await mintToken(localIssuer, { subject: 'ana', organisation: 'ncb-fra', roles: [Role.NCB_ANALYST], scopes: [], ttlSeconds: 60 });
    const result = await verifier.verify(token);
    expect(result.ok && result.principal).toMatchObject({ organisation: 'ncb-fra', country: 'FRA', roles: [Role.NCB_ANALYST] });
  });

  it('refuses a local-issuer token for an organisation it is not trusted for here', async () => {
    const token = await mintToken(localIssuer, { subject: 'x', organisation: 'frontex', roles: [], scopes: [], ttlSeconds: 60 });
    expect(refusal(await verifier.verify(token))).toBe(Refusal.organisationMismatch);
  });

  it('accepts a clock difference within the tolerance', async () => {
    const now = nowSeconds();
    const result = await verifier.verify(await frontexToken(frontexKey, { exp: now - 10, nbf: now + 10 }));
    expect(result.ok).toBe(true);
  });

  describe('refuses', () => {
    const header = { kid: 'frontex-2025', typ: 'JWT' };
    const claims = (): JWTPayload => ({ iss: FRONTEX, aud: HUB_AUDIENCE, sub: 'x', org: 'frontex', roles: ['HUB_ADMIN'], exp: nowSeconds() + 600 });

    it.each<[string, () => Promise<string> | string, string]>([
      ['garbage', () => 'not a token', Refusal.malformed],
      ['two parts', () => 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0', Refusal.malformed],
      ['a header that is not JSON', () => `${Buffer.from('{alg').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.c2ln`, Refusal.malformed],
      ['an empty header', () => forgeToken('', claims(), 'c2ln'), Refusal.malformed],
      ['a payload that is not an object', () => forgeToken({ alg: 'ES256', kid: 'frontex-2025' }, [1, 2], 'c2ln'), Refusal.malformed],
      ['a header without alg', () => forgeToken({ kid: 'frontex-2025' }, claims(), 'c2ln'), Refusal.algorithm],
      ['alg none', () => forgeToken({ ...header, alg: 'none' }, claims()), Refusal.algorithm],
      ['alg NONE', () => forgeToken({ ...header, alg: 'NONE' }, claims()), Refusal.algorithm],
      ['alg none with a signature', () => forgeToken({ ...header, alg: 'none' }, claims(), 'c2ln'), Refusal.algorithm],
      ['HS256 keyed with the public key PEM', async () => forgeHs256(header, claims(), await exportSPKI(await publicKeyOf(frontexKey))), Refusal.algorithm],
      ['HS256 keyed with the public JWK', () => forgeHs256(header, claims(), JSON.stringify(frontexKey.publicJwk)), Refusal.algorithm],
      ['an algorithm outside the allowed list', () => forgeToken({ ...header, alg: 'ES384' }, claims(), 'c2ln'), Refusal.algorithm],
      ['an expired token', () => frontexToken(frontexKey, { exp: nowSeconds() - 120 }), Refusal.expired],
      ['a token not yet valid', () => frontexToken(frontexKey, { nbf: nowSeconds() + 120 }), Refusal.notYetValid],
      ['an unknown issuer', () => frontexToken(frontexKey, { iss: 'https://idp.attacker.example' }), Refusal.unknownIssuer],
      ['a token without issuer', () => frontexToken(frontexKey, { iss: undefined }), Refusal.unknownIssuer],
      ['a wrong audience', () => frontexToken(frontexKey, { aud: 'another-hub' }), Refusal.audience],
      ['a token without audience', () => frontexToken(frontexKey, { aud: undefined }), Refusal.audience],
      ['an unknown kid', () => frontexToken(frontexKey, {}, { kid: 'frontex-2019' }), Refusal.unknownKey],
      ['a token without kid', () => frontexToken(frontexKey, {}, { kid: undefined }), Refusal.noKeyId],
      ['a tampered payload', async () => tamperPayload(await frontexToken(frontexKey), (c) => ({ ...c, org: 'frontex', roles: ['PARTNER_LIAISON', 'AUDITOR'] })), Refusal.badSignature],
      ['a signature from another key with the same kid', () => frontexToken(attackerKey), Refusal.badSignature],
      ['a signature from another key', async () => { const [h, p] = (await frontexToken(frontexKey)).split('.'); const [, , s] = (await frontexToken(attackerKey)).split('.'); return `${h}.${p}.${s}`; }, Refusal.badSignature],
      ["the local issuer's key used under a partner's iss", () => mintWithIss(FRONTEX), Refusal.unknownKey],
      ['a token without subject', () => frontexToken(frontexKey, { sub: undefined }), Refusal.noSubject],
      ['a token without expiry', () => frontexToken(frontexKey, { exp: undefined }), Refusal.noExpiry],
      ['an org other than the issuer vouches for', () => frontexToken(frontexKey, { org: 'wco' }), Refusal.organisationMismatch],
      ['an oversized token', () => frontexToken(frontexKey, { padding: 'x'.repeat(9000) }), Refusal.tooLarge],
    ])('%s', async (_name, build, reason) => {
      const token = await build();
      const result = await verifier.verify(token);
      expect(refusal(result)).toBe(reason);
      // The reason is for the caller and the log: nothing of the token may appear in it.
      for (const part of token.split('.').filter((p) => p.length > 3)) expect(JSON.stringify(result)).not.toContain(part);
    });
  });

  it('refuses HS256 even when HS256 tokens would verify with the public key as secret', async () => {
    // The forged token is a real HMAC: a library that accepted HS256 with this key would let it in.
    const pem = await exportSPKI(await publicKeyOf(frontexKey));
    const token = forgeHs256({ kid: frontexKey.kid }, { iss: FRONTEX, aud: HUB_AUDIENCE, sub: 'x', exp: nowSeconds() + 60 }, pem);
    const [h, p, s] = token.split('.');
    expect(createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url')).toBe(s);
    expect(refusal(await verifier.verify(token))).toBe(Refusal.algorithm);
  });

  it('accepts EdDSA and RS256 by default, and other algorithms only when configured', async () => {
    const [ed, rs, es384] = await Promise.all([testKey('EdDSA', 'ed-1'), testKey('RS256', 'rs-1'), testKey('ES384', 'es384-1')]);
    const issuers: TrustedIssuer[] = [
      { organisation: 'frontex', issuer: FRONTEX, audience: HUB_AUDIENCE, publicKeys: [ed.publicJwk, rs.publicJwk, es384.publicJwk] },
    ];
    const byDefault = createVerifier(issuers);
    expect((await byDefault.verify(await frontexToken(ed))).ok).toBe(true);
    expect((await byDefault.verify(await frontexToken(rs))).ok).toBe(true);
    expect(refusal(await byDefault.verify(await frontexToken(es384)))).toBe(Refusal.algorithm);

    const withEs384 = createVerifier(issuers, { algorithms: ['ES384'] });
    expect((await withEs384.verify(await frontexToken(es384))).ok).toBe(true);
    expect(refusal(await withEs384.verify(await frontexToken(ed)))).toBe(Refusal.algorithm);
  });

  it('honours a configured clock tolerance', async () => {
    const strict = createVerifier([{ organisation: 'frontex', issuer: FRONTEX, audience: HUB_AUDIENCE, publicKeys: [frontexKey.publicJwk] }], {
      clockToleranceSeconds: 0,
    });
    expect(refusal(await strict.verify(await frontexToken(frontexKey, { exp: nowSeconds() - 10 })))).toBe(Refusal.expired);
  });

  it('lists every problem of the configuration at once', () => {
    const privateJwk = { ...frontexKey.publicJwk, d: 'secret' };
    const attempt = () =>
      createVerifier(
        [
          { organisation: 'Frontex!', issuer: FRONTEX, audience: '', publicKeys: [privateJwk, { kty: 'oct', k: 'abc' }] },
          { organisation: 'wco', issuer: FRONTEX, audience: HUB_AUDIENCE, jwksUrl: 'https://idp.wco.example/jwks' },
          { organisation: 'iom', issuer: 'https://idp.iom.example', audience: HUB_AUDIENCE, jwksUrl: 'http://idp.iom.example/jwks' },
          { organisations: [], issuer: 'urn:local', audience: HUB_AUDIENCE, publicKeys: [frontexKey.publicJwk], jwksUrl: 'https://x.example' },
        ],
        { clockToleranceSeconds: 3600, algorithms: ['HS256' as 'ES256', 'none' as 'ES256'] },
      );
    expect(attempt).toThrow(IssuerConfigError);
    let problems: readonly string[] = [];
    try {
      attempt();
    } catch (error) {
      problems = (error as IssuerConfigError).problems;
    }
    expect(problems).toEqual([
      'clockToleranceSeconds: 3600 is not a whole number of seconds from 0 to 300',
      'algorithms: "HS256" is not accepted; use asymmetric ones only (ES256, ES384, ES512, EdDSA, RS256, RS384, RS512, PS256, PS384, PS512)',
      'algorithms: "none" is not accepted; use asymmetric ones only (ES256, ES384, ES512, EdDSA, RS256, RS384, RS512, PS256, PS384, PS512)',
      `issuers[0] (${FRONTEX}): audience must be a non-empty string`,
      `issuers[0] (${FRONTEX}): organisation must be an organisation code (lower-case letters, digits, dashes, e.g. wco or ncb-fra)`,
      `issuers[0] (${FRONTEX}): publicKeys[0] is not a public key (remove it and rotate it)`,
      `issuers[0] (${FRONTEX}): publicKeys[1] has no kid`,
      `issuers[0] (${FRONTEX}): publicKeys[1]: kty must be EC, OKP or RSA`,
      `issuers[0] (${FRONTEX}): publicKeys[1] is not a public key (remove it and rotate it)`,
      `issuers[1] (${FRONTEX}): issuer is configured twice`,
      'issuers[2] (https://idp.iom.example): jwksUrl must be https (http only on localhost)',
      'issuers[3] (urn:local): organisations must list at least one organisation code',
      'issuers[3] (urn:local): give exactly one of jwksUrl and publicKeys',
    ]);
    // The private key material must not leak into the message.
    expect(problems.join('\n')).not.toContain('secret');
  });

  it('refuses an empty list of issuers', () => {
    expect(() => createVerifier([])).toThrow('no trusted issuer is configured');
  });
});

describe('createVerifier with a JWKS URL', () => {
  let server: Server;
  let jwksUrl: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [frontexKey.publicJwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches the key set once and verifies against it', async () => {
    const remote = createVerifier([{ organisation: 'frontex', issuer: FRONTEX, audience: HUB_AUDIENCE, jwksUrl }]);
    expect(requests).toBe(0);
    for (let i = 0; i < 3; i += 1) expect((await remote.verify(await frontexToken(frontexKey))).ok).toBe(true);
    expect(requests).toBe(1);
    expect(refusal(await remote.verify(await frontexToken(attackerKey)))).toBe(Refusal.badSignature);
    expect(refusal(await remote.verify(await frontexToken(frontexKey, {}, { kid: 'unknown' })))).toBe(Refusal.unknownKey);
  });

  it('refuses tokens while the key set cannot be fetched', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const remote = createVerifier([{ organisation: 'frontex', issuer: FRONTEX, audience: HUB_AUDIENCE, jwksUrl: `http://127.0.0.1:${port}/jwks` }]);
    expect(refusal(await remote.verify(await frontexToken(frontexKey)))).toBe(Refusal.keysUnavailable);
  });
});

async function publicKeyOf(key: TestKey): Promise<KeyLike> {
  return (await importJWK(key.publicJwk, key.alg)) as KeyLike;
}

function mintWithIss(iss: string): Promise<string> {
  return new SignJWT({ org: 'frontex', sub: 'x', aud: HUB_AUDIENCE, iss, exp: nowSeconds() + 60 })
    .setProtectedHeader({ alg: 'ES256', kid: localIssuer.publicJwk.kid })
    .sign(localIssuer.privateKey);
}
