import { Role, type Principal } from '../../identity/principal';
import { fail } from '../../subgraphs/shared/errors';
import type { SubgraphContext } from '../../subgraphs/shared/context';
import type { AuditLoaders } from './audit.loaders';

/** The audit subgraph's context: the shared one, whose principal the gateway vouched for. */
export type AuditContext = SubgraphContext<AuditLoaders> & { tools: Required<SubgraphContext['tools']> };

/** What part of the audit log a caller may read. */
export type AuditScope = { kind: 'all' } | { kind: 'organisation'; code: string } | { kind: 'none' };

/**
 * AUDITOR reads every event; PARTNER_LIAISON reads only events that returned records its
 * organisation owns (and, in them, only those records); anyone else, or no principal, nothing.
 */
export function auditScope(ctx: { principal?: Principal | null }): AuditScope {
  const principal = ctx.principal;
  if (!principal) return { kind: 'none' };
  if (principal.roles.includes(Role.AUDITOR)) return { kind: 'all' };
  if (principal.roles.includes(Role.PARTNER_LIAISON)) return { kind: 'organisation', code: principal.organisation };
  return { kind: 'none' };
}

/** The scope, or FORBIDDEN for a caller who may read no audit data. */
export function requireAuditScope(ctx: { principal?: Principal | null }): Exclude<AuditScope, { kind: 'none' }> {
  const scope = auditScope(ctx);
  if (scope.kind === 'none') throw fail.forbidden('Reading the audit log needs the AUDITOR role, or PARTNER_LIAISON for events that returned your organisation\'s records');
  return scope;
}
