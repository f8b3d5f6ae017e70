import { bodyDigest } from '../platform/http';
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import { LRUCache } from 'lru-cache';
import { rememberAccepted } from './accepted-tokens';
import { SIGNING_ALGORITHM } from '../platform/key-store';
import type { GatewayKeyRing, HubInternalKey } from './gateway-keys';
import { identityClaims, principalFromClaims, type Principal } from './principal';
import { Refusal, refuse, refusalFromJoseError, type Unauthenticated } from './refusal';

export {
  HUB_INTERNAL_KEY_FILE,
  HUB_INTERNAL_PREVIOUS_KEY_FILE,
  loadGatewayKeyRing,
  loadOrCreateHubInternalKey,
  rotateHubInternalKey,
  staticKeyRing,
  type GatewayKeyRing,
  type HubInternalKey,
} from './gateway-keys';

/** `iss` of the tokens the gateway signs for subgraph calls. */
export const GATEWAY_ISSUER = 'urn:frontera:gateway';

/** Default lifetime of a subgraph token: one call, with room for a slow subgraph. */
export const SUBGRAPH_TOKEN_TTL_SECONDS = 60;

// A dedicated `typ`, so that a subgraph token can never pass for a client's bearer token or back.
const TOKEN_TYPE = 'frontera-subgraph+jwt';
// The gateway and the subgraphs usually share a clock; a few seconds cover separate hosts.
const CLOCK_TOLERANCE_SECONDS = 5;
// Refuses a token the gateway could not have signed with its default, even if the signer were misused.
const MAX_TOKEN_AGE_SECONDS = 300;

/**
 * One subgraph call's identity: who asks, to whom and for what purpose. The request id and body
 * are not part of it, so one token serves every call of that caller, with that purpose, to that
 * subgraph while it lives; what ties the token to one call is the call proof sent beside it
 * ({@link proveSubgraphCall}), which a subgraph requires.
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
  /** The caller; `expiresAt` is the subgraph token's expiry (never later than the client token's). */
  readonly principal: Principal;
  readonly purpose: string | null;
  /** The gateway key that signed the token (for logs: which key is still in use during a rotation). */
  readonly kid: string;
}

/** Outcome of verifying a subgraph token. */
export type SubgraphTokenResult = ({ readonly ok: true } & SubgraphCaller) | Unauthenticated;

/**
 * Signs the token the gateway sends with subgraph calls (ES256): audience = that subgraph, the
 * principal's claims and the purpose. It never outlives the client's own token: its expiry is
 * the earlier of `ttlSeconds` from now and the principal's `expiresAt`. The key is imported once,
 * at load, so a call costs one signature.
 */
export async function signSubgraphToken(key: Pick<HubInternalKey, 'kid' | 'privateKey'>, request: SubgraphTokenRequest): Promise<string> {
  const ttl = request.ttlSeconds ?? SUBGRAPH_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_AGE_SECONDS) {
    throw new RangeError(`ttlSeconds must be a whole number from 1 to ${MAX_TOKEN_AGE_SECONDS}`);
  }
  const { principal } = request;
  const now = Math.floor(Date.now() / 1000);
  const callerExpiry = Math.floor(principal.expiresAt.getTime() / 1000);
  if (callerExpiry <= now) throw new RangeError("the caller's token has expired: no subgraph token can be signed for it");
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
    .setExpirationTime(Math.min(now + ttl, callerExpiry))
    .sign(key.privateKey);
}

/** The public key itself, or a ring whose keys are looked up by the token's kid. */
type VerificationKeys = KeyLike | GatewayKeyRing;

function isRing(keys: VerificationKeys): keys is GatewayKeyRing {
  return typeof (keys as GatewayKeyRing).accepted === 'function';
}

/** The accepted key for `kid`, re-reading the ring once when the kid is not known yet (a rotation). */
async function acceptedKey(ring: GatewayKeyRing, kid: string | undefined): Promise<HubInternalKey | undefined> {
  if (!kid) return undefined;
  const known = ring.accepted(kid);
  if (known) return known;
  await ring.refresh();
  return ring.accepted(kid);
}

/**
 * Verifies a token sent by the gateway to the subgraph `expectedAudience`. A token for another
 * subgraph, an expired one, one not signed by an accepted gateway key, or a client's own bearer
 * token is refused; claims are mapped with the same rules as at the gateway.
 */
export async function verifySubgraphToken(keys: VerificationKeys, token: string, expectedAudience: string): Promise<SubgraphTokenResult> {
  let payload: JWTPayload;
  let kid: string | undefined;
  try {
    ({ payload, protectedHeader: { kid } } = await jwtVerify(
      token,
      async (header) => {
        if (!isRing(keys)) return keys;
        // Checked before the key look-up (jose checks typ only after the signature): a client's
        // token, whose kid the ring never knows, must not make the subgraph re-read its keys.
        if (header.typ !== TOKEN_TYPE) throw new errors.JWTClaimValidationFailed('unexpected "typ" JWT header value', {}, 'typ', 'check_failed');
        const key = await acceptedKey(keys, header.kid);
        // Mapped to Refusal.unknownKey: a retired key past its overlap, or one the gateway never had.
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        issuer: GATEWAY_ISSUER,
        audience: expectedAudience,
        algorithms: [SIGNING_ALGORITHM],
        typ: TOKEN_TYPE,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      },
    ));
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
  return { ok: true, principal: mapped.principal, purpose: purpose ?? null, kid: kid ?? '' };
}

/**
 * A subgraph's check of the gateway's tokens, with accepted tokens remembered until they expire.
 * With a ring, a remembered token whose key has since been retired is refused.
 */
export function subgraphTokenVerifier(keys: VerificationKeys, audience: string): (token: string) => Promise<SubgraphTokenResult> {
  const remembered = rememberAccepted((token) => verifySubgraphToken(keys, token, audience));
  if (!isRing(keys)) return remembered;
  return async (token) => {
    const verdict = await remembered(token);
    return verdict.ok && !keys.accepted(verdict.kid) ? refuse(Refusal.unknownKey) : verdict;
  };
}

/** A token is reused while at least this much of its life is left, so it never expires in flight. */
const REUSE_MARGIN_SECONDS = 15;

/**
 * The gateway's source of subgraph tokens: one signature per (client token, subgraph, purpose,
 * signing key), reused by that client's later calls until {@link REUSE_MARGIN_SECONDS} before it
 * expires, so a steady client costs no token signing per request (each call still gets its own
 * proof, {@link proveSubgraphCall}). The client token is part of the key, so a token is only ever
 * reused for the caller it was signed for, who has just been verified again; the kid is too, so
 * after a rotation new tokens are signed with the new key at once.
 */
export function subgraphTokenMinter(keys: GatewayKeyRing | Pick<HubInternalKey, 'kid' | 'privateKey'>, options: { max?: number } = {}) {
  const signingKey = 'signing' in keys ? () => keys.signing() : () => keys;
  const ttlSeconds = SUBGRAPH_TOKEN_TTL_SECONDS;
  const minted = new LRUCache<string, { token: Promise<string>; renewAt: number }>({ max: options.max ?? 10_000 });
  return (callerToken: string, request: SubgraphTokenRequest): Promise<string> => {
    const key = signingKey();
    const cacheKey = `${request.audience}\u0000${request.purpose ?? ''}\u0000${key.kid}\u0000${callerToken}`;
    const known = minted.get(cacheKey);
    if (known && known.renewAt > Date.now()) return known.token;
    const token = signSubgraphToken(key, { ...request, ttlSeconds });
    // A failed signature is not remembered: the next call tries again.
    token.catch(() => minted.get(cacheKey)?.token === token && minted.delete(cacheKey));
    // Capped at the caller's expiry, the token may live less than the default: reuse it only while it has the margin left.
    const expiresAt = Math.min(Date.now() + ttlSeconds * 1000, request.principal.expiresAt.getTime());
    minted.set(cacheKey, { token, renewAt: expiresAt - REUSE_MARGIN_SECONDS * 1000 });
    return token;
  };
}

/** Header carrying the per-call proof: `v1.<kid>.<issued at, ms>.<nonce>.<HMAC-SHA256, base64url>`. */
export const CALL_PROOF_HEADER = 'x-frontera-call';
/** How long a proof is accepted after it was made (plus the clock tolerance): one call, not a session. */
export const CALL_PROOF_LIFETIME_MS = 30_000;
const PROOF_VERSION = 'v1';

/** What a per-call proof covers, besides the subgraph (whose proof key differs from every other's). */
export interface SubgraphCall {
  /** The subgraph token sent with the call (as in `Authorization: Bearer <token>`). */
  readonly token: string;
  /** `x-request-id` of the call. */
  readonly requestId: string;
  /** SHA-256 of the exact request body bytes. */
  readonly bodyDigest: Buffer;
}

const proofKeys = new WeakMap<HubInternalKey, Map<string, Buffer>>();

/**
 * The HMAC key for proofs of calls to `audience` under `key`: derived (HKDF-SHA256) from the
 * private scalar of the gateway's key, so it rotates with that key and needs no secret of its
 * own, and differs per subgraph, so a proof made for one subgraph says nothing at another. A
 * subgraph needs only its own derived key. HMAC rather than a signature per call: 7 µs against
 * 42 µs to sign and 93 µs to verify ES256 (see README, "Between the gateway and subgraphs").
 */
export function callProofKey(key: HubInternalKey, audience: string): Buffer {
  let byAudience = proofKeys.get(key);
  if (!byAudience) proofKeys.set(key, (byAudience = new Map()));
  let derived = byAudience.get(audience);
  if (!derived) {
    const d = (key.privateKey as KeyObject).export({ format: 'jwk' }).d;
    if (!d) throw new Error(`gateway key ${key.kid} has no private part: it cannot derive call-proof keys`);
    derived = Buffer.from(hkdfSync('sha256', Buffer.from(d, 'base64url'), 'frontera', `subgraph call proof ${PROOF_VERSION}\u0000${audience}`, 32));
    byAudience.set(audience, derived);
  }
  return derived;
}

// The body digest both sides compute lives with the HTTP serving that takes it of received bodies.
export { bodyDigest };

// A subgraph token serves every call of its caller for a minute: its digest is taken once (on
// both sides; a subgraph asks only for tokens it has verified).
const tokenDigests = new LRUCache<string, string>({ max: 10_000 });

function tokenDigestOf(token: string): string {
  let digest = tokenDigests.get(token);
  if (digest === undefined) {
    digest = createHash('sha256').update(token).digest('base64url');
    tokenDigests.set(token, digest);
  }
  return digest;
}

function proofMac(proofKey: Buffer, audience: string, call: SubgraphCall, issuedAt: string, nonce: string): Buffer {
  const tokenDigest = tokenDigestOf(call.token);
  return createHmac('sha256', proofKey)
    .update(`${PROOF_VERSION}\n${audience}\n${tokenDigest}\n${call.requestId}\n${call.bodyDigest.toString('base64url')}\n${issuedAt}\n${nonce}`)
    .digest();
}

/**
 * The proof the gateway sends with one call to `audience` (header {@link CALL_PROOF_HEADER}): it
 * binds the reusable subgraph token to this call's request id and body, with a fresh nonce, so a
 * sniffed call cannot be replayed with another body or request id, and not at all at the same
 * subgraph process (see {@link subgraphCallVerifier}).
 */
export function proveSubgraphCall(key: HubInternalKey, audience: string, call: SubgraphCall): string {
  const issuedAt = String(Date.now());
  const nonce = randomBytes(12).toString('base64url');
  return `${PROOF_VERSION}.${key.kid}.${issuedAt}.${nonce}.${proofMac(callProofKey(key, audience), audience, call, issuedAt, nonce).toString('base64url')}`;
}

/** A call as the subgraph received it. */
export interface ReceivedCall {
  /** The bearer token, already taken from `Authorization`. */
  readonly token: string;
  /** The {@link CALL_PROOF_HEADER} header, if any. */
  readonly proof: string | undefined;
  /** The `x-request-id` header, if any. */
  readonly requestId: string | undefined;
  /** SHA-256 of the raw body received. */
  readonly bodyDigest: Buffer;
}

const PROOF_SHAPE = /^v1\.([A-Za-z0-9_-]{1,100})\.([0-9]{1,15})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

/**
 * A subgraph's check of one call: the gateway's token (as {@link subgraphTokenVerifier}) and its
 * per-call proof, which must match the request id and the SHA-256 of the body this subgraph
 * received, be younger than {@link CALL_PROOF_LIFETIME_MS}, and not have been seen before by this
 * verifier (nonces are remembered for the proof's lifetime, up to `maxNonces` of them).
 */
export function subgraphCallVerifier(
  ring: GatewayKeyRing,
  audience: string,
  options: { maxNonces?: number } = {},
): (call: ReceivedCall) => Promise<SubgraphTokenResult> {
  const verifyToken = subgraphTokenVerifier(ring, audience);
  const window = CALL_PROOF_LIFETIME_MS + CLOCK_TOLERANCE_SECONDS * 1000;
  const seen = new LRUCache<string, true>({ max: options.maxNonces ?? 200_000, ttl: window, ttlAutopurge: false });
  return async (call) => {
    const verdict = await verifyToken(call.token);
    if (!verdict.ok) return verdict;
    if (!call.proof || !call.requestId) return refuse(Refusal.noCallProof);
    const parts = PROOF_SHAPE.exec(call.proof);
    if (!parts) return refuse(Refusal.callProofMalformed);
    const [, kid, issuedAt, nonce, mac] = parts;
    const key = await acceptedKey(ring, kid);
    if (!key) return refuse(Refusal.unknownKey);
    const expected = proofMac(callProofKey(key, audience), audience, call as SubgraphCall, issuedAt, nonce);
    if (!timingSafeEqual(expected, Buffer.from(mac, 'base64url'))) return refuse(Refusal.callProofMismatch);
    const age = Date.now() - Number(issuedAt);
    if (age > window || age < -CLOCK_TOLERANCE_SECONDS * 1000) return refuse(Refusal.callProofStale);
    if (seen.has(nonce)) return refuse(Refusal.callReplayed);
    seen.set(nonce, true);
    return verdict;
  };
}

/**
 * The headers of one call as the gateway sends it: the token, the request id and the proof for
 * this exact `body`. For callers other than the gateway's fetcher that must look like it (tests,
 * the benchmark's direct calls).
 */
export function gatewayCallHeaders(key: HubInternalKey, audience: string, token: string, body: string | Buffer, requestId: string): Record<string, string> {
  return {
    authorization: `Bearer ${token}`,
    'x-request-id': requestId,
    [CALL_PROOF_HEADER]: proveSubgraphCall(key, audience, { token, requestId, bodyDigest: bodyDigest(body) }),
  };
}
