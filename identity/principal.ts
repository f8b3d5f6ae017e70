import type { JWTPayload } from 'jose';
import { Refusal, type RefusalReason } from './refusal';

/** What a person does in the hub; access rules are written against these. */
export enum Role {
  BORDER_OFFICER = 'BORDER_OFFICER',
  NCB_ANALYST = 'NCB_ANALYST',
  PARTNER_LIAISON = 'PARTNER_LIAISON',
  TRAINER = 'TRAINER',
  AUDITOR = 'AUDITOR',
  HUB_ADMIN = 'HUB_ADMIN',
}

/**
 * How sensitive a record is, lowest first: OFFICIAL_USE < RESTRICTED < CONFIDENTIAL. One scale
 * for both sides: a record's handling carries a classification, and a person's clearance is the
 * highest classification they may see.
 */
export enum Classification {
  OFFICIAL_USE = 'OFFICIAL_USE',
  RESTRICTED = 'RESTRICTED',
  CONFIDENTIAL = 'CONFIDENTIAL',
}

/** Code of the task force's own organisation, the only one whose issuer may grant HUB_ADMIN. */
export const HUB_ORGANISATION = 'hub';

/** Organisation codes: lower-case letters, digits and dashes (e.g. `wco`, `ncb-fra`). */
export const ORGANISATION_CODE = /^[a-z][a-z0-9-]{1,39}$/;

/** The caller of a request, as established from a verified token. Frozen: nothing downstream may widen it. */
export interface Principal {
  /** Who the token was issued to (`sub`), unique within its organisation. */
  readonly subject: string;
  /** Code of the organisation the caller acts for, vouched for by a trusted issuer. */
  readonly organisation: string;
  /** ISO 3166-1 alpha-3 country of the caller, upper case, or `null` when not national. */
  readonly country: string | null;
  /** Known roles only; unknown values in the token are dropped. */
  readonly roles: readonly Role[];
  /** OAuth scopes, deduplicated. */
  readonly scopes: readonly string[];
  /** Highest classification the caller may see; `null` sees nothing classified. */
  readonly clearance: Classification | null;
  /** The token's `jti`, for the audit trail. */
  readonly tokenId?: string;
  /** When the token stops being valid. */
  readonly expiresAt: Date;
}

const CLEARANCE_RANK: ReadonlyMap<string, number> = new Map([
  [Classification.OFFICIAL_USE, 0],
  [Classification.RESTRICTED, 1],
  [Classification.CONFIDENTIAL, 2],
]);
const ROLES: ReadonlySet<string> = new Set(Object.values(Role));
const NATIONAL_CENTRAL_BUREAU = /^ncb-([a-z]{3})$/;
const COUNTRY = /^[A-Za-z]{3}$/;
// RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;

/** True when `have` is at least `need`; no clearance (`null`) or an unknown value meets nothing. */
export function clearanceAtLeast(have: Classification | null, need: Classification): boolean {
  const haveRank = have === null ? undefined : CLEARANCE_RANK.get(have);
  const needRank = CLEARANCE_RANK.get(need);
  return haveRank !== undefined && needRank !== undefined && haveRank >= needRank;
}

/** Narrows an untrusted value to a {@link Role}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLES.has(value);
}

/** Narrows an untrusted value to a {@link Classification}. */
export function isClassification(value: unknown): value is Classification {
  return typeof value === 'string' && CLEARANCE_RANK.has(value);
}

/** The country of a national central bureau's code (`ncb-fra` → `FRA`), `null` for other organisations. */
export function nationalCountryOf(organisation: string): string | null {
  const match = NATIONAL_CENTRAL_BUREAU.exec(organisation);
  return match ? match[1].toUpperCase() : null;
}

/** Whether `value` is an ISO alpha-3 shaped country code (any case). */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && COUNTRY.test(value);
}

/** Whether `value` is a valid OAuth scope token. */
export function isScope(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** What a token says about its holder, as {@link identityClaims} writes it. */
export interface IdentityClaimsSource {
  readonly organisation: string;
  readonly country?: string | null;
  readonly roles: readonly Role[];
  readonly scopes: readonly string[];
  readonly clearance?: Classification | null;
}

/**
 * The JWT claims that carry a holder's identity (`org`, `country`, `roles`, `scope`,
 * `clearance`), written the one way {@link principalFromClaims} reads them back, whoever signs:
 * the local issuer for a client, or the gateway for a subgraph.
 */
export function identityClaims(holder: IdentityClaimsSource): JWTPayload {
  return {
    org: holder.organisation,
    ...(holder.country ? { country: holder.country } : {}),
    roles: [...holder.roles],
    scope: holder.scopes.join(' '),
    ...(holder.clearance ? { clearance: holder.clearance } : {}),
  };
}

/** Outcome of mapping verified claims: a principal, or the reason they cannot make one. */
export type ClaimsResult = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: RefusalReason };

/**
 * Maps the claims of an already verified token to a {@link Principal}.
 *
 * `issuerOrganisation` is what the issuer is trusted for: one code (a partner's own issuer; the `org`
 * claim may be absent and must otherwise agree) or a list (the embedded local issuer; `org` must name
 * one of them). The organisation is never taken from the token alone.
 *
 * Values that could grant something are never trusted blindly: unknown roles and clearances are
 * dropped, HUB_ADMIN is dropped unless the organisation is {@link HUB_ORGANISATION}, and a national
 * central bureau's token may not claim another country.
 */
export function principalFromClaims(payload: JWTPayload, issuerOrganisation: string | readonly string[]): ClaimsResult {
  const { sub, exp, jti } = payload;
  if (typeof sub !== 'string' || sub.trim() === '') return { ok: false, reason: Refusal.noSubject };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: Refusal.noExpiry };

  const organisation = vouchedOrganisation(payload.org, issuerOrganisation);
  if (typeof organisation !== 'string') return { ok: false, reason: organisation.reason };

  const national = nationalCountryOf(organisation);
  const claimedCountry = isCountryCode(payload.country) ? payload.country.toUpperCase() : null;
  if (national && claimedCountry && claimedCountry !== national) return { ok: false, reason: Refusal.countryMismatch };

  const roles = distinct(asArray(payload.roles).filter(isRole)).filter(
    (role) => role !== Role.HUB_ADMIN || organisation === HUB_ORGANISATION,
  );
  const scopeString = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  const scopes = distinct([...scopeString, ...asArray(payload.scopes)].filter(isScope));

  const principal: Principal = {
    subject: sub,
    organisation,
    country: national ?? claimedCountry,
    roles: Object.freeze(roles),
    scopes: Object.freeze(scopes),
    clearance: isClassification(payload.clearance) ? payload.clearance : null,
    ...(typeof jti === 'string' && jti !== '' ? { tokenId: jti } : {}),
    expiresAt: new Date(exp * 1000),
  };
  return { ok: true, principal: Object.freeze(principal) };
}

function vouchedOrganisation(claim: unknown, trusted: string | readonly string[]): string | { reason: RefusalReason } {
  if (typeof trusted === 'string') {
    if (claim === undefined || claim === trusted) return trusted;
    return { reason: Refusal.organisationMismatch };
  }
  if (claim === undefined) return { reason: Refusal.noOrganisation };
  if (typeof claim === 'string' && trusted.includes(claim)) return claim;
  return { reason: Refusal.organisationMismatch };
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
