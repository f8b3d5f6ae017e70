import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { AuthChecker } from 'type-graphql';
import { Classification, clearanceAtLeast, type Principal } from '../../identity/principal';

/** Name of the ORM filter that hides records not released to the caller. */
export const RELEASED = 'released';

/** Classifications a principal is cleared for (none without a clearance claim). */
export function clearedFor(principal: Pick<Principal, 'clearance'>): Classification[] {
  return Object.values(Classification).filter((level) => clearanceAtLeast(principal.clearance, level));
}

/**
 * Installs the releasability rule as an ORM filter on every entity that carries `handling`, so
 * list queries, lookups, counts and `_entities` all read through it in SQL. Without the caller's
 * parameters the filter matches nothing: an EntityManager that was never told who asks sees no
 * handled record (deny by default).
 */
export function installReleasability(orm: MikroORM): void {
  const handled = Object.values(orm.getMetadata().getAll())
    .filter((meta) => !meta.embeddable && meta.properties.handling)
    .map((meta) => meta.className);
  if (!handled.length) return;
  orm.em.addFilter(
    RELEASED,
    (args?: { organisation?: string; classifications?: Classification[] }) => {
      if (!args?.organisation) return { handling: { owner: { $in: [] } } };
      return {
        $or: [
          { handling: { owner: args.organisation } },
          { handling: { releasableTo: { $overlap: ['*', args.organisation] }, classification: { $in: args.classifications ?? [] } } },
        ],
      };
    },
    handled,
    { default: true, args: false },
  );
}

/** Scopes a request's EntityManager to its caller (see `installReleasability`). */
export function scopeToCaller(em: EntityManager, principal: Principal): void {
  em.setFilterParams(RELEASED, { organisation: principal.organisation, classifications: clearedFor(principal) });
}

/**
 * type-graphql's `@Authorized(...roles)`: deny by default. Without roles it needs an identified
 * caller; with roles, one of them.
 */
export const roleChecker: AuthChecker<{ principal: Principal | null }> = ({ context }, roles) => {
  const { principal } = context;
  if (!principal) return false;
  return roles.length === 0 || roles.some((role) => (principal.roles as readonly string[]).includes(role));
};
