import path from 'node:path';
import { jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { LRUCache } from 'lru-cache';
import { rememberAccepted } from './accepted-tokens';
import { loadOrCreateSigningKey, SIGNING_ALGORITHM, type SigningKeyPair } from '../platform/key-store';
import { identityClaims, principalFromClaims, type Principal } from './principal';
import { Refusal, refuse, refusalFromJoseError, type Unauthenticated } from './refusal';

/** `iss` of the tokens the gateway signs for subgraph calls. */
export const GATEWAY_ISSUER = 'urn:frontera:gateway';

/** File of the hub-internal key pair inside the secrets folder. */
export const HUB_INTERNAL_KEY_FILE = 'hub-internal.json';

/** Default lifetime of a subgraph token: one call, with room for a slow subgraph. */
export const SUBGRAPH_TOKEN_TTL_SECONDS = 60;

// A dedicated `typ`, so that a subgraph token can never pass for a client's bearer token or back.
const TOKEN_TYPE = 'frontera-subgraph+jwt';
// The gateway and the subgraphs usually share a clock; a few seconds cover separate hosts.
const CLOCK_TOLERANCE_SECONDS = 5;
// Refuses a token the gateway could not have signed with its default, even if the signer were misused.
const MAX_TOKEN_AGE_SECONDS = 300;

/** The gateway's key pair for signing subgraph calls; the subgraphs need only its `publicKey`. */
export type HubInternalKey = SigningKeyPair;

/**
 * One subgraph call's identity: who asks, to whom and for what purpose. The request id is not part
 * of it (it travels in `x-request-id`), so one token serves every call of that caller, with that
 * purpose, to that subgraph while it lives.
 */
export interface SubgraphTokenRequest {
  /** Name of the subgraph called; the token is valid there and nowhere else. */
  readonly audience: string;
  readonly principal: Principal;
  /** The declared purpose (`x-purpose`), when the request has one. */
  readonly purpose?: string | null;
  /** Lifetime in seconds (default {@link SUBGRAPH_TOKEN_TTL_SECONDS}). */
  readonly ttlSeconds?: number;
}

/** What a subgraph learns from a valid token. */
export interface SubgraphCaller {
  /** The caller; `expiresAt` is the subgraph token's expiry, not the client token's. */
  readonly principal: Principal;
  readonly purpose: string | null;
}

/** Outcome of verifying a subgraph token. */
export type SubgraphTokenResult = ({ readonly ok: true } & SubgraphCaller) | Unauthenticated;

/** Loads the gateway's hub-internal key pair from `dir`, generating it on first use (file mode 600). */
export function loadOrCreateHubInternalKey(dir: string): Promise<HubInternalKey> {
  return loadOrCreateSigningKey(path.join(dir, HUB_INTERNAL_KEY_FILE));
}

/**
 * Signs the token the gateway sends with subgraph calls (ES256): audience = that subgraph, the
 * principal's claims and the purpose. The key is imported once, at load, so a call
 * costs one signature.
 */
export async function signSubgraphToken(key: Pick<HubInternalKey, 'kid' | 'privateKey'>, request: SubgraphTokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? SUBGRAPH_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_AGE_SECONDS) {
    throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_TOKEN_AGE_SECONDS}`);
  }
  const { principal } = request;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    ...identityClaims(principal),
    ...(principal.tokenId ? { tid: principal.tokenId } : {}),
    ...(request.purpose ? { purpose: request.purpose } : {}),
  })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: TOKEN_TYPE })
    .setIssuer(GATEWAY_ISSUER)
    .setAudience(request.audience)
    .setSubject(principal.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(key.privateKey);
}

/**
 * Verifies a token sent by the gateway to the subgraph `expectedAudience`. A token for another
 * subgraph, an expired one, one not signed by the gateway's key, or a client's own bearer token is
 * refused; claims are mapped with the same rules as at the gateway.
 */
export async function verifySubgraphToken(publicKey: KeyLike, token: string, expectedAudience: string): Promise<SubgraphTokenResult> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      issuer: GATEWAY_ISSUER,
      audience: expectedAudience,
      algorithms: [SIGNING_ALGORITHM],
      typ: TOKEN_TYPE,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (error) {
    const reason = refusalFromJoseError(error);
    if (reason) return refuse(reason);
    throw error;
  }
  const { purpose, tid, org } = payload;
  if ((purpose !== undefined && typeof purpose !== 'string') || (tid !== undefined && typeof tid !== 'string')) {
    return refuse(Refusal.invalidClaims);
  }
  // The gateway already checked the organisation against its issuer; its signature vouches for it here.
  const mapped = principalFromClaims({ ...payload, jti: tid }, typeof org === 'string' ? org : []);
  if (!mapped.ok) return refuse(mapped.reason);
  return { ok: true, principal: mapped.principal, purpose: purpose ?? null };
}

/** A subgraph's check of the gateway's tokens, with accepted tokens remembered until they expire. */
export function subgraphTokenVerifier(publicKey: KeyLike, audience: string): (token: string) => Promise<SubgraphTokenResult> {
  return rememberAccepted((token) => verifySubgraphToken(publicKey, token, audience));
}

/** A token is reused while at least this much of its life is left, so it never expires in flight. */
const REUSE_MARGIN_SECONDS = 15;

/**
 * The gateway's source of subgraph tokens: one signature per (client token, subgraph, purpose),
 * reused by that client's later calls until {@link REUSE_MARGIN_SECONDS} before it expires, so a
 * steady client costs no signing per request. The client token is part of the key, so a token is
 * only ever reused for the caller it was signed for, who has just been verified again.
 */
export function subgraphTokenMinter(key: Pick<HubInternalKey, 'kid' | 'privateKey'>, options: { max?: number } = {}) {
  const ttlSeconds = SUBGRAPH_TOKEN_TTL_SECONDS;
  const minted = new LRUCache<string, { token: Promise<string>; renewAt: number }>({ max: options.max ?? 10_000 });
  return (callerToken: string, request: SubgraphTokenRequest): Promise<string> => {
    const cacheKey = `${request.audience}\u0000${request.purpose ?? ''}\u0000${callerToken}`;
    const known = minted.get(cacheKey);
    if (known && known.renewAt > Date.now()) return known.token;
    const token = signSubgraphToken(key, { ...request, ttlSeconds });
    // A failed signature is not remembered: the next call tries again.
    token.catch(() => minted.get(cacheKey)?.token === token && minted.delete(cacheKey));
    minted.set(cacheKey, { token, renewAt: Date.now() + (ttlSeconds - REUSE_MARGIN_SECONDS) * 1000 });
    return token;
  };
}
