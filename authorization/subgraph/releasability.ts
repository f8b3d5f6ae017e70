import type { EntityName } from '@mikro-orm/core';
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

/** SQL text with `?` placeholders, and their values in order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * `select id from <entity's table> where <released to the caller>`: the rows of a handled entity
 * that `em`'s caller may see, for raw-SQL aggregates to count through (`... and x.participant_id
 * in (<this>)`). The ORM builds it from the very filter every row query reads through, so a count
 * can never include a row that the lists hide; without a caller it matches nothing. No query runs.
 */
export async function releasedIds(em: EntityManager, entity: EntityName<object>): Promise<SqlFragment> {
  const qb = em.createQueryBuilder(entity, 'released').select('id');
  await qb.applyFilters();
  const { sql, bindings } = qb.getKnexQuery().toSQL();
  return { sql, params: [...bindings] };
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
