import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { SignJWT, type JWK, type KeyLike } from 'jose';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM } from '../platform/key-store';
import { identityClaims, nationalCountryOf, type Classification, type Role } from './principal';
import type { MultiOrganisationIssuer } from './verifier';

/** `iss` of the embedded default's local issuer. */
export const LOCAL_ISSUER = 'urn:frontera:local-issuer';

/** `aud` that tokens for this hub carry. */
export const HUB_AUDIENCE = 'frontera-hub';

/** File of the local issuer's key pair inside the secrets folder. */
export const LOCAL_ISSUER_FILE = 'local-issuer.json';

/** An organisation of the embedded default's demo. */
export interface DemoOrganisation {
  /** Organisation code, as tokens and records' handling carry it. */
  readonly code: string;
  /** Display name. */
  readonly name: string;
}

/**
 * The organisations the embedded default's local issuer vouches for: the task force itself, the
 * reference partners and national central bureaus (`ncb-<ISO alpha-3>`).
 */
export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = Object.freeze([
  { code: 'hub', name: 'Frontera task force (hub operator)' },
  { code: 'frontex', name: 'Frontex, European Border and Coast Guard Agency' },
  { code: 'wco', name: 'World Customs Organization' },
  { code: 'iom', name: 'International Organization for Migration' },
  { code: 'ncb-fra', name: 'National Central Bureau, France' },
  { code: 'ncb-tha', name: 'National Central Bureau, Thailand' },
  { code: 'ncb-deu', name: 'National Central Bureau, Germany' },
  { code: 'ncb-ita', name: 'National Central Bureau, Italy' },
  { code: 'ncb-esp', name: 'National Central Bureau, Spain' },
  { code: 'ncb-mar', name: 'National Central Bureau, Morocco' },
  { code: 'ncb-tur', name: 'National Central Bureau, Türkiye' },
  { code: 'ncb-nga', name: 'National Central Bureau, Nigeria' },
]);

/** The embedded default's token issuer: its identity and its signing key. */
export interface LocalIssuer {
  readonly issuer: typeof LOCAL_ISSUER;
  readonly audience: typeof HUB_AUDIENCE;
  /** Public key with `kid` (its JWK thumbprint), for the verifier's trusted-issuer entry. */
  readonly publicJwk: Readonly<JWK>;
  readonly privateKey: KeyLike;
}

/** What a minted token says about its holder. */
export interface MintRequest {
  readonly subject: string;
  /** Organisation code; the verifier accepts it only if the local issuer is trusted for it. */
  readonly organisation: string;
  /** ISO alpha-3; omitted, a national central bureau gets its own country and others none. */
  readonly country?: string | null;
  readonly roles: readonly Role[];
  readonly scopes: readonly string[];
  readonly clearance?: Classification | null;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

/**
 * Loads the local issuer's ES256 key pair from `dir`, generating it on first use (file mode 600).
 * Every later start reuses it, so tokens minted earlier stay valid.
 */
export async function loadOrCreateLocalIssuer(dir: string): Promise<LocalIssuer> {
  const { publicJwk, privateKey } = await loadOrCreateSigningKey(path.join(dir, LOCAL_ISSUER_FILE));
  return { issuer: LOCAL_ISSUER, audience: HUB_AUDIENCE, publicJwk, privateKey };
}

/**
 * The verifier's entry for the local issuer: trusted for `organisations` (by default every demo
 * organisation) and nothing else.
 */
export function localIssuerTrust(
  localIssuer: Pick<LocalIssuer, 'issuer' | 'audience' | 'publicJwk'>,
  organisations: readonly string[] = DEMO_ORGANISATIONS.map((o) => o.code),
): MultiOrganisationIssuer {
  return { issuer: localIssuer.issuer, audience: localIssuer.audience, publicKeys: [localIssuer.publicJwk], organisations };
}

/** Signs a token for trying the hub out (ES256, `kid` header, `iat`/`nbf`/`exp`, random `jti`). */
export async function mintToken(localIssuer: LocalIssuer, request: MintRequest): Promise<string> {
  if (!Number.isInteger(request.ttlSeconds) || request.ttlSeconds <= 0) {
    throw new RangeError('ttlSeconds must be a positive whole number');
  }
  const now = Math.floor(Date.now() / 1000);
  const country = request.country === undefined ? nationalCountryOf(request.organisation) : request.country;
  return new SignJWT(identityClaims({ ...request, country }))
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: localIssuer.publicJwk.kid, typ: 'JWT' })
    .setIssuer(localIssuer.issuer)
    .setAudience(localIssuer.audience)
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(localIssuer.privateKey);
}
