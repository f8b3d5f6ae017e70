import { RECEIVED_BY_NOTIFIER } from '../event';
import type { AccessEventNode, AccessPrincipal } from './access-event.type';
import type { AccessEventFilter } from './audit.input';

/**
 * What a data owner (a PARTNER_LIAISON, for its organisation) sees of an access event that returned
 * one of its records: which organisation read it, in which roles, when, for which purpose code,
 * whether it was read or changed, and which of *its* records came back. Everything else is another
 * organisation's business (who exactly, what else they asked for or searched, what they were
 * denied) and stays with the auditors. An allow-list: a field not named here is withheld.
 */
export const OWNER_VIEW: ReadonlySet<keyof AccessEventNode> = new Set<keyof AccessEventNode>(['time', 'receivedBy', 'principal', 'purposeCode', 'operationType', 'records']);

/** Of the caller: its organisation and roles, not the person (`subject`). */
export const OWNER_PRINCIPAL_VIEW: ReadonlySet<keyof AccessPrincipal> = new Set<keyof AccessPrincipal>(['organisation', 'roles']);

/**
 * The filter conditions a data owner may use: only on what it sees, so that no filter answers a
 * question about something withheld (a filter on `subject`, `purpose` or `fieldCoordinate` would
 * confirm a guessed value through the events it keeps or drops). `entity` matches its own records only.
 */
export const OWNER_FILTERS: ReadonlySet<keyof AccessEventFilter> = new Set<keyof AccessEventFilter>(['organisation', 'role', 'from', 'to', 'entity', 'purposeCode', 'receivedBy']);

/** `value` with every field outside `shown` withheld: `null`, or an empty list for a list. */
function withhold<T extends object>(value: T, shown: ReadonlySet<keyof T>): T {
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shown.has(key as keyof T) ? field : Array.isArray(field) ? [] : null])) as T;
}

/**
 * What a data owner also sees of the hub's own notifications to it (`receivedBy: notifier`):
 * whether each try reached its endpoint and why not. They concern only its records and its
 * endpoint, and no other organisation's work.
 */
export const OWNER_NOTIFIER_VIEW: ReadonlySet<keyof AccessEventNode> = new Set<keyof AccessEventNode>([...OWNER_VIEW, 'outcome', 'refusalCode']);

/** The data owner `owner`'s view of an event (see {@link OWNER_VIEW}). */
export function ownerView(node: AccessEventNode, owner: string): AccessEventNode {
  return {
    ...withhold(node, node.receivedBy === RECEIVED_BY_NOTIFIER ? OWNER_NOTIFIER_VIEW : OWNER_VIEW),
    principal: node.principal && withhold(node.principal, OWNER_PRINCIPAL_VIEW),
    records: node.records.filter((record) => record.owner === owner),
  };
}

/** The conditions of `filter` a data owner may not use (empty when it may use them all). */
export function refusedOwnerFilters(filter: AccessEventFilter | undefined): string[] {
  if (!filter) return [];
  return Object.entries(filter)
    .filter(([key, value]) => value !== undefined && value !== null && !OWNER_FILTERS.has(key as keyof AccessEventFilter))
    .map(([key]) => key);
}
