import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { payloadOf, temporaryDir } from './identity.fixture';
import {
  DEMO_ORGANISATIONS,
  HUB_AUDIENCE,
  LOCAL_ISSUER,
  LOCAL_ISSUER_FILE,
  loadOrCreateLocalIssuer,
  localIssuerTrust,
  mintToken,
} from './local-issuer';
import { Classification, ORGANISATION_CODE, Role } from './principal';
import { createVerifier } from './verifier';

let dir: string;
let remove: () => void;

beforeEach(() => {
  ({ dir, remove } = temporaryDir());
});

afterEach(() => remove());

describe('loadOrCreateLocalIssuer', () => {
  it('creates the key pair on first use, readable by its owner only, and reuses it afterwards', async () => {
    const first = await loadOrCreateLocalIssuer(path.join(dir, 'secrets'));
    const file = path.join(dir, 'secrets', LOCAL_ISSUER_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(first).toMatchObject({ issuer: LOCAL_ISSUER, audience: HUB_AUDIENCE });
    expect(first.publicJwk.kid).toBe(await calculateJwkThumbprint(first.publicJwk));
    expect(first.publicJwk).not.toHaveProperty('d');

    const second = await loadOrCreateLocalIssuer(path.join(dir, 'secrets'));
    expect(second.publicJwk).toEqual(first.publicJwk);
    expect(readFileSync(file, 'utf8')).toContain(first.publicJwk.kid);
  });

  it('keeps tokens minted before a restart valid after it', async () => {
    const before = await loadOrCreateLocalIssuer(dir);
    const token = await mintToken(before, { subject: 'a', organisation: 'hub', roles: [Role.HUB_ADMIN], scopes: [], ttlSeconds: 60 });
    const after = await loadOrCreateLocalIssuer(dir);
    expect((await createVerifier([localIssuerTrust(after)]).verify(token)).ok).toBe(true);
  });

  it('gives concurrent first starts one and the same key', async () => {
    const issuers = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateLocalIssuer(dir)));
    expect(new Set(issuers.map((issuer) => issuer.publicJwk.kid)).size).toBe(1);
  });

  it('refuses a damaged key file without quoting it', async () => {
    writeFileSync(path.join(dir, LOCAL_ISSUER_FILE), JSON.stringify({ alg: 'ES256', privateJwk: { kty: 'EC', d: 'very-secret-value' } }));
    const error = await loadOrCreateLocalIssuer(dir).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/local-issuer\.json is not a valid ES256 key file \(problems at: privateJwk\.crv, privateJwk\.x, privateJwk\.y, privateJwk\.kid\)/);
    expect(error?.message).not.toContain('very-secret-value');
  });
});

describe('mintToken', () => {
  it('signs an ES256 token with kid, iat/nbf/exp and jti, which the verifier maps back', async () => {
    const issuer = await loadOrCreateLocalIssuer(dir);
    const token = await mintToken(issuer, {
      subject: 'analyst-1',
      organisation: 'ncb-tha',
      roles: [Role.NCB_ANALYST, Role.TRAINER],
      scopes: ['alerts:read', 'training:read'],
      clearance: Classification.CONFIDENTIAL,
      ttlSeconds: 900,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: issuer.publicJwk.kid, typ: 'JWT' });
    const claims = payloadOf(token);
    expect(claims).toMatchObject({ iss: LOCAL_ISSUER, aud: HUB_AUDIENCE, org: 'ncb-tha', country: 'THA', scope: 'alerts:read training:read' });
    expect(claims.exp).toBe((claims.iat as number) + 900);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);

    const result = await createVerifier([localIssuerTrust(issuer)]).verify(token);
    expect(result).toEqual({
      ok: true,
      principal: {
        subject: 'analyst-1',
        organisation: 'ncb-tha',
        country: 'THA',
        roles: [Role.NCB_ANALYST, Role.TRAINER],
        scopes: ['alerts:read', 'training:read'],
        clearance: Classification.CONFIDENTIAL,
        tokenId: claims.jti,
        expiresAt: new Date((claims.exp as number) * 1000),
      },
    });
  });

  it('gives each token its own jti and refuses a non-positive lifetime', async () => {
    const issuer = await loadOrCreateLocalIssuer(dir);
    const request = { subject: 'a', organisation: 'wco', roles: [Role.PARTNER_LIAISON], scopes: [], ttlSeconds: 60 };
    expect(payloadOf(await mintToken(issuer, request)).jti).not.toBe(payloadOf(await mintToken(issuer, request)).jti);
    expect(payloadOf(await mintToken(issuer, request))).not.toHaveProperty('country');
    await expect(mintToken(issuer, { ...request, ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });
});

describe('DEMO_ORGANISATIONS', () => {
  it('lists the task force, the reference partners and the national central bureaus', () => {
    expect(DEMO_ORGANISATIONS.map((o) => o.code)).toEqual([
      'hub',
      'frontex',
      'wco',
      'iom',
      'ncb-fra',
      'ncb-tha',
      'ncb-deu',
      'ncb-ita',
      'ncb-esp',
      'ncb-mar',
      'ncb-tur',
      'ncb-nga',
    ]);
    for (const organisation of DEMO_ORGANISATIONS) {
      expect(organisation.code).toMatch(ORGANISATION_CODE);
      expect(organisation.name).not.toBe('');
    }
  });

  it('is what the local issuer is trusted for by default, and nothing more', async () => {
    const issuer = await loadOrCreateLocalIssuer(dir);
    expect(localIssuerTrust(issuer).organisations).toEqual(DEMO_ORGANISATIONS.map((o) => o.code));
    const verifier = createVerifier([localIssuerTrust(issuer)]);
    const token = await mintToken(issuer, { subject: 'a', organisation: 'ncb-usa', roles: [], scopes: [], ttlSeconds: 60 });
    expect(await verifier.verify(token)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
  });
});
