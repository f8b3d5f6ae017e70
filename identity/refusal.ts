import { errors } from 'jose';
import { ErrorCode } from '../platform/errors';

/**
 * Why a token was refused: short, stable English that is safe to return to the caller and to log.
 * None of them ever contains the token or a claim value, only what was wrong with it.
 */
export const Refusal = {
  malformed: 'token is not a well-formed JWT',
  tooLarge: 'token is too large',
  algorithm: 'token algorithm is not accepted (asymmetric signatures only)',
  noKeyId: 'token header has no key id (kid)',
  unknownIssuer: 'token issuer is not trusted',
  unknownKey: 'token key id is not known for its issuer',
  badSignature: 'token signature is invalid',
  expired: 'token has expired',
  notYetValid: 'token is not yet valid',
  issuedInFuture: 'token was issued in the future',
  audience: 'token audience is not accepted',
  tokenType: 'token type is not accepted',
  noSubject: 'token has no subject',
  noExpiry: 'token has no expiry',
  invalidClaims: 'token claims are invalid',
  noOrganisation: 'token does not name its organisation',
  organisationMismatch: 'token organisation is not one its issuer is trusted for',
  countryMismatch: "token country is not its national central bureau's country",
  keysUnavailable: "issuer's keys could not be retrieved",
  noCallProof: 'call carries no proof binding it to its request (x-frontera-call and x-request-id)',
  callProofMalformed: 'call proof (x-frontera-call) is malformed',
  callProofMismatch: "call proof does not match this request: its request id, body or token differ from what the gateway signed",
  callProofStale: "call proof is older than its 30 s lifetime, or from the future",
  callReplayed: 'call proof was already used: a call is accepted once',
} as const;

/** One of the {@link Refusal} messages. */
export type RefusalReason = (typeof Refusal)[keyof typeof Refusal];

/** The answer to an unauthenticated request, in the shape the gateway and subgraphs return. */
export interface Unauthenticated {
  readonly ok: false;
  readonly code: typeof ErrorCode.UNAUTHENTICATED;
  readonly reason: RefusalReason;
}

/** Builds the refusal for `reason`. */
export function refuse(reason: RefusalReason): Unauthenticated {
  return { ok: false, code: ErrorCode.UNAUTHENTICATED, reason };
}

/**
 * Maps an error thrown by jose's verification to its refusal, or `undefined` when the error is not a
 * verdict on the token (a bug, a failing JWKS endpoint) and the caller must decide.
 *
 * Matched by `code` rather than `instanceof` so that a second copy of jose in the tree cannot turn a
 * refusal into an unexpected error.
 */
export function refusalFromJoseError(error: unknown): RefusalReason | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case errors.JWTExpired.code:
      return Refusal.expired;
    case errors.JWTClaimValidationFailed.code:
      return claimRefusal(error as errors.JWTClaimValidationFailed);
    case errors.JOSEAlgNotAllowed.code:
    case errors.JOSENotSupported.code:
      return Refusal.algorithm;
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return Refusal.unknownKey;
    case errors.JWSSignatureVerificationFailed.code:
      return Refusal.badSignature;
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
      return Refusal.malformed;
    default:
      return undefined;
  }
}

function claimRefusal(error: errors.JWTClaimValidationFailed): RefusalReason {
  // `error.payload` holds the claims: it is deliberately never read here, so nothing of it can leak.
  const missing = error.reason === 'missing';
  switch (error.claim) {
    case 'nbf':
      return error.reason === 'check_failed' ? Refusal.notYetValid : Refusal.invalidClaims;
    case 'iat':
      // jose's "it should be in the past": only checked where a maximum token age is set (subgraph tokens).
      return error.reason === 'check_failed' ? Refusal.issuedInFuture : Refusal.invalidClaims;
    case 'aud':
      return Refusal.audience;
    case 'iss':
      return Refusal.unknownIssuer;
    case 'sub':
      return missing ? Refusal.noSubject : Refusal.invalidClaims;
    case 'exp':
      return missing ? Refusal.noExpiry : Refusal.invalidClaims;
    case 'typ':
      return Refusal.tokenType;
    default:
      return Refusal.invalidClaims;
  }
}
