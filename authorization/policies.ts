import { clearanceAtLeast, Classification, HUB_ORGANISATION, Role, type Principal } from '../identity';

/** What a named policy may look at: the verified caller and the purpose declared for this request. */
export interface PolicyInput {
  principal: Principal | null;
  /** The `x-purpose` header when well formed, `null` when missing or malformed. */
  purpose: string | null;
}

/** The policy name that holds for a caller with `role`, e.g. `role:hub_admin`. */
export function rolePolicy(role: Role): string {
  return `role:${role.toLowerCase()}`;
}

const hasRole = (wanted: Role) => ({ principal }: PolicyInput) => principal?.roles.includes(wanted) ?? false;
const clearance = (wanted: Classification) => ({ principal }: PolicyInput) => clearanceAtLeast(principal?.clearance ?? null, wanted);

/**
 * Every policy name a subgraph may use in `@policy`. Start-up refuses a supergraph naming any
 * other, so a typo can never silently deny (or allow) a field.
 */
export const POLICIES: Readonly<Record<string, (input: PolicyInput) => boolean>> = {
  /** The request declares why it needs personal or restricted data (header `x-purpose`). */
  purpose: ({ purpose }) => purpose !== null,
  'clearance:official_use': clearance(Classification.OFFICIAL_USE),
  'clearance:restricted': clearance(Classification.RESTRICTED),
  'clearance:confidential': clearance(Classification.CONFIDENTIAL),
  ...Object.fromEntries(Object.values(Role).map((role) => [rolePolicy(role), hasRole(role)])),
  /** A member of the task force itself. */
  'org:hub': ({ principal }) => principal?.organisation === HUB_ORGANISATION,
};

/** Policy names the supergraph uses that this module does not define. */
export function unknownPolicies(names: Iterable<string>): string[] {
  return [...new Set(names)].filter((name) => !(name in POLICIES));
}

const PURPOSE = /^[A-Za-z0-9][A-Za-z0-9 ._:/#()-]{2,119}$/;

/** The declared purpose if it is 3 to 120 plain characters, else `null` (never trusted, never logged raw). */
export function parsePurpose(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && PURPOSE.test(header) ? header : null;
}

// An operation code as the operations subgraph accepts one (`SUNBIRD-V`): 3 to 40 upper-case letters, digits or dashes.
const PURPOSE_CODE = /^[A-Z][A-Z0-9-]{2,39}$/;

/**
 * The purpose's category: its first word when that is written as an operation code (`ANCHOR-III`
 * of `ANCHOR-III hit follow-up`), else `null`. A data owner reading the access log sees this and
 * not the rest, which is the caller's free text (a case number, a name) and stays for auditors.
 */
export function purposeCode(purpose: string | null): string | null {
  if (purpose === null) return null;
  const first = purpose.split(' ', 1)[0];
  return PURPOSE_CODE.test(first) ? first : null;
}

/** Decides a named policy for one request; an unknown name is denied. */
export function decidePolicy(name: string, input: PolicyInput): boolean {
  return POLICIES[name]?.(input) ?? false;
}
