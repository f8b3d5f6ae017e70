import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import { ORGANISATION_CODE, principalFromClaims, type Principal } from './principal';
import { Refusal, refuse, refusalFromJoseError, type Unauthenticated } from './refusal';

/** Signature algorithms a verifier may accept: asymmetric only, so no public key can ever act as a secret. */
export const ASYMMETRIC_ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const;

/** One of {@link ASYMMETRIC_ALGORITHMS}. */
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

interface TrustedIssuerBase {
  /** Exact `iss` value of its tokens. */
  readonly issuer: string;
  /** `aud` value its tokens must carry for this hub. */
  readonly audience: string;
  /** Where its JWKS is published (https, or http on a loopback host); exactly one of `jwksUrl` and `publicKeys`. */
  readonly jwksUrl?: string;
  /** Its public keys, each with a `kid`; exactly one of `jwksUrl` and `publicKeys`. */
  readonly publicKeys?: readonly JWK[];
}

/** A partner's own identity provider: it vouches for exactly one organisation. */
export interface SingleOrganisationIssuer extends TrustedIssuerBase {
  /** Code of the organisation; a token's `org` claim may be absent and must otherwise equal it. */
  readonly organisation: string;
  readonly organisations?: undefined;
}

/**
 * The embedded default's local issuer, which stands in for several demo organisations at once.
 * Its tokens must name their organisation in `org`, and it must be one of these.
 */
export interface MultiOrganisationIssuer extends TrustedIssuerBase {
  readonly organisations: readonly string[];
  readonly organisation?: undefined;
}

/** An issuer whose tokens the hub accepts, and for which organisations. */
export type TrustedIssuer = SingleOrganisationIssuer | MultiOrganisationIssuer;

/** Tuning of a verifier; the defaults suit the hub. */
export interface VerifierOptions {
  /** Accepted clock difference for `exp`, `nbf` and `iat`, in seconds (0–300, default 30). */
  readonly clockToleranceSeconds?: number;
  /** Accepted signature algorithms, asymmetric only (default ES256, EdDSA, RS256). */
  readonly algorithms?: readonly AsymmetricAlgorithm[];
  /** Longest a fetched JWKS is used before fetching it again, in ms (default 60 000; jose's own is 10 minutes). */
  readonly jwksCacheMaxAgeMs?: number;
}

/**
 * Least time between two fetches of one JWKS triggered by an unknown key id. jose's default (30 s)
 * would refuse a newly rotated key for up to that long after any fetch; one second keeps a new
 * key usable at once while a flood of made-up key ids still costs the issuer one fetch a second.
 */
const JWKS_COOLDOWN_MS = 1_000;

/** Outcome of verifying a bearer token. */
export type VerifyResult = { readonly ok: true; readonly principal: Principal } | Unauthenticated;

/** Verifies bearer tokens against the trusted issuers it was built with. */
export interface TokenVerifier {
  /** Never throws for a bad token; throws only when something other than the token failed. */
  verify(token: string): Promise<VerifyResult>;
}

/** Thrown by {@link createVerifier} with every problem of the issuer configuration at once. */
export class IssuerConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid trusted issuers:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'IssuerConfigError';
  }
}

/** Longer tokens are refused before any decoding, so a huge header cannot cost parsing time. */
export const MAX_TOKEN_LENGTH = 8192;

const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];
const REQUIRED_CLAIMS = ['sub', 'exp'];
// Fields that only a private or symmetric JWK has.
const SECRET_JWK_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;
const PUBLIC_KEY_TYPES: ReadonlySet<string> = new Set(['EC', 'OKP', 'RSA']);
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);
// `Authorization: Bearer <compact JWT>`; the signature part may be empty so that an unsigned token
// reaches the verifier and is refused with a precise reason.
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/i;

interface IssuerEntry {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: JWTVerifyGetKey;
  readonly remote: boolean;
  readonly vouchesFor: string | readonly string[];
}

/**
 * Reads a bearer token from an `Authorization` header: the token, `null` when there is no header
 * (an anonymous request, for the caller to handle), or `'malformed'` for anything else.
 */
export function parseBearer(header: string | undefined): string | null | 'malformed' {
  if (header === undefined) return null;
  const match = BEARER.exec(header.trim());
  return match ? match[1] : 'malformed';
}

/** Who sent a request, from its `Authorization` header: a verified caller, nobody, or why the token was refused. */
export type CallerIdentity =
  | { readonly ok: true; readonly principal: Principal | null; readonly bearer: string | null }
  | { readonly ok: false; readonly principal: null; readonly bearer: null; readonly reason: string };

/**
 * The caller of a request. No header is an anonymous caller (the access layer decides what it may
 * see); a header that is not "Bearer <token>", or a token `verifier` refuses, is a refusal with
 * its reason. `bearer` is the verified token, so signatures derived from it can be reused.
 */
export async function identifyCaller(authorization: string | undefined, verifier: TokenVerifier): Promise<CallerIdentity> {
  const bearer = parseBearer(authorization);
  if (bearer === null) return { ok: true, principal: null, bearer: null };
  if (bearer === 'malformed') return { ok: false, principal: null, bearer: null, reason: 'the Authorization header is not "Bearer <token>"' };
  const verified = await verifier.verify(bearer);
  return verified.ok ? { ok: true, principal: verified.principal, bearer } : { ok: false, principal: null, bearer: null, reason: verified.reason };
}

/**
 * Builds a verifier for tokens from `issuers`. The configuration is checked and every key set is
 * built here, once; verifying a token then only decodes it, picks its issuer by `iss` and checks the
 * signature and claims. Remote JWKS are fetched on first use and cached by jose for
 * `jwksCacheMaxAgeMs`, and fetched again at once (at most once a second) for an unknown key id.
 *
 * @throws IssuerConfigError listing every problem with `issuers` or `options`.
 */
export function createVerifier(issuers: readonly TrustedIssuer[], options: VerifierOptions = {}): TokenVerifier {
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const problems = checkOptions(clockTolerance, algorithms);
  const entries = new Map<string, IssuerEntry>();
  const seen = new Set<string>();
  issuers.forEach((trusted, index) => {
    const label = `issuers[${index}]${typeof trusted.issuer === 'string' && trusted.issuer ? ` (${trusted.issuer})` : ''}`;
    const issuerProblems = checkIssuer(trusted);
    // Issuers are told apart by `iss` alone, so two entries for one would make the choice arbitrary.
    if (seen.has(trusted.issuer)) issuerProblems.push('issuer is configured twice');
    seen.add(trusted.issuer);
    problems.push(...issuerProblems.map((p) => `${label}: ${p}`));
    if (issuerProblems.length === 0) entries.set(trusted.issuer, buildEntry(trusted, options.jwksCacheMaxAgeMs ?? 60_000));
  });
  if (issuers.length === 0) problems.push('no trusted issuer is configured');
  if (problems.length > 0) throw new IssuerConfigError(problems);

  const allowed: ReadonlySet<string> = new Set(algorithms);
  const verifyOptions = { algorithms, clockTolerance, requiredClaims: REQUIRED_CLAIMS };

  return {
    async verify(token: string): Promise<VerifyResult> {
      if (token.length > MAX_TOKEN_LENGTH) return refuse(Refusal.tooLarge);
      let header: ProtectedHeaderParameters;
      let claims: JWTPayload;
      try {
        header = decodeProtectedHeader(token);
        claims = decodeJwt(token);
      } catch {
        return refuse(Refusal.malformed);
      }
      // jose refuses these too; checking first gives the precise reason and skips the key lookup.
      if (typeof header.alg !== 'string' || !allowed.has(header.alg)) return refuse(Refusal.algorithm);
      if (typeof header.kid !== 'string' || header.kid === '') return refuse(Refusal.noKeyId);
      const entry = typeof claims.iss === 'string' ? entries.get(claims.iss) : undefined;
      if (!entry) return refuse(Refusal.unknownIssuer);

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, entry.keys, { ...verifyOptions, issuer: entry.issuer, audience: entry.audience }));
      } catch (error) {
        const reason = refusalFromJoseError(error);
        if (reason) return refuse(reason);
        // A remote key set that cannot be fetched is no verdict on the token, but it cannot be accepted.
        if (entry.remote) return refuse(Refusal.keysUnavailable);
        throw error;
      }
      const mapped = principalFromClaims(payload, entry.vouchesFor);
      return mapped.ok ? mapped : refuse(mapped.reason);
    },
  };
}

function checkOptions(clockTolerance: number, algorithms: readonly string[]): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    problems.push(`clockToleranceSeconds: ${clockTolerance} is not a whole number of seconds from 0 to 300`);
  }
  if (algorithms.length === 0) problems.push('algorithms: at least one is needed');
  for (const alg of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      problems.push(`algorithms: "${alg}" is not accepted; use asymmetric ones only (${ASYMMETRIC_ALGORITHMS.join(', ')})`);
    }
  }
  return problems;
}

function checkIssuer(trusted: TrustedIssuer): string[] {
  const problems: string[] = [];
  if (typeof trusted.issuer !== 'string' || trusted.issuer === '') problems.push('issuer must be a non-empty string');
  if (typeof trusted.audience !== 'string' || trusted.audience === '') problems.push('audience must be a non-empty string');

  if (trusted.organisations === undefined) {
    if (!ORGANISATION_CODE.test(trusted.organisation ?? '')) {
      problems.push('organisation must be an organisation code (lower-case letters, digits, dashes, e.g. wco or ncb-fra)');
    }
  } else if (trusted.organisation !== undefined) {
    problems.push('give either organisation (a partner issuer) or organisations (the local issuer), not both');
  } else if (trusted.organisations.length === 0) {
    problems.push('organisations must list at least one organisation code');
  } else {
    const bad = trusted.organisations.filter((code) => !ORGANISATION_CODE.test(code));
    if (bad.length > 0) problems.push(`organisations: ${bad.map((b) => JSON.stringify(b)).join(', ')} are not organisation codes`);
    if (new Set(trusted.organisations).size !== trusted.organisations.length) problems.push('organisations lists a code twice');
  }

  if ((trusted.jwksUrl === undefined) === (trusted.publicKeys === undefined)) {
    problems.push('give exactly one of jwksUrl and publicKeys');
  } else if (trusted.jwksUrl !== undefined) {
    problems.push(...checkJwksUrl(trusted.jwksUrl));
  } else if (trusted.publicKeys !== undefined) {
    problems.push(...checkPublicKeys(trusted.publicKeys));
  }
  return problems;
}

function checkJwksUrl(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return ['jwksUrl is not a URL'];
  }
  // Keys fetched in clear could be swapped on the way; plain http is only for a JWKS on this machine.
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return [];
  return ['jwksUrl must be https (http only on localhost)'];
}

function checkPublicKeys(keys: readonly JWK[]): string[] {
  if (keys.length === 0) return ['publicKeys must hold at least one key'];
  const problems: string[] = [];
  const kids = new Set<string>();
  keys.forEach((key, index) => {
    const where = `publicKeys[${index}]`;
    if (typeof key.kid !== 'string' || key.kid === '') problems.push(`${where} has no kid`);
    else if (kids.has(key.kid)) problems.push(`${where}: kid is used twice`);
    else kids.add(key.kid);
    if (!PUBLIC_KEY_TYPES.has(key.kty ?? '')) problems.push(`${where}: kty must be EC, OKP or RSA`);
    // A private key here would mean a secret was pasted into configuration: refuse it before it spreads.
    if (SECRET_JWK_FIELDS.some((field) => key[field] !== undefined)) problems.push(`${where} is not a public key (remove it and rotate it)`);
  });
  return problems;
}

function buildEntry(trusted: TrustedIssuer, cacheMaxAge: number): IssuerEntry {
  const remote = trusted.jwksUrl !== undefined;
  const keys = remote
    ? createRemoteJWKSet(new URL(trusted.jwksUrl as string), { cacheMaxAge, cooldownDuration: Math.min(JWKS_COOLDOWN_MS, cacheMaxAge) })
    : createLocalJWKSet({ keys: (trusted.publicKeys ?? []).map((key) => ({ ...key })) });
  return {
    issuer: trusted.issuer,
    audience: trusted.audience,
    keys,
    remote,
    vouchesFor: trusted.organisations ?? (trusted.organisation as string),
  };
}
