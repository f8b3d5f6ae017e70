import { Classification, nationalCountryOf, Role, type MintRequest, type Principal } from '../identity';

/** `x-purpose` of every benchmark request (and the purpose in the bare gateway's subgraph tokens). */
export const BENCH_PURPOSE = 'performance benchmark';

const FAR_FUTURE = new Date(8.64e15);

/** The hub administrator the read scenarios run as. */
export const HUB_ADMIN: Omit<MintRequest, 'ttlSeconds'> = {
  subject: 'bench.hub.admin',
  organisation: 'hub',
  roles: [Role.HUB_ADMIN],
  scopes: [],
  clearance: Classification.CONFIDENTIAL,
};

/** A border officer of the national central bureau `organisation` (`ncb-<iso3>`): screens documents. */
export function borderOfficer(organisation: string): Omit<MintRequest, 'ttlSeconds'> {
  return { subject: `bench.${organisation}.officer`, organisation, roles: [Role.BORDER_OFFICER], scopes: [], clearance: Classification.RESTRICTED };
}

/** The principal the gateway would derive from a token minted for `caller` (for tokens signed without a client token). */
export function principalOf(caller: Omit<MintRequest, 'ttlSeconds'>): Principal {
  return {
    subject: caller.subject,
    organisation: caller.organisation,
    country: caller.country === undefined ? nationalCountryOf(caller.organisation) : caller.country,
    roles: [...caller.roles],
    scopes: [...caller.scopes],
    clearance: caller.clearance ?? null,
    expiresAt: FAR_FUTURE,
  };
}
