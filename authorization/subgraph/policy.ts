import { Authorized, Directive } from 'type-graphql';
import type { Role } from '../../identity';
import { rolePolicy } from '../policies';

/**
 * Declares Federation's `@policy`: the caller passes when every policy of ANY one group holds.
 * Policy names are defined (and unit-tested) in authorization/policies.ts; start-up refuses others.
 */
export function Policy(...groups: string[][]): MethodDecorator & PropertyDecorator & ClassDecorator {
  return Directive(`@policy(policies: ${JSON.stringify(groups)})`);
}

/** Fields with personal or restricted data need a declared purpose besides the holder's rights. */
export const withPurpose = (...policies: string[]) => [...policies, 'purpose'];

/**
 * Open to a caller holding ANY of `roles`: declared once, enforced twice. The gateway enforces the
 * `@policy` it emits (one group per role); the subgraph checks the same roles itself (type-graphql
 * `@Authorized`), so a request that bypassed the gateway's rule is still refused.
 */
export function RequireRole(...roles: Role[]): MethodDecorator & PropertyDecorator {
  return requireRoles(roles, (policy) => [policy]);
}

/** {@link RequireRole} for data that also needs the request's declared purpose (`x-purpose`). */
export function RequireRoleWithPurpose(...roles: Role[]): MethodDecorator & PropertyDecorator {
  return requireRoles(roles, (policy) => withPurpose(policy));
}

function requireRoles(roles: Role[], group: (policy: string) => string[]): MethodDecorator & PropertyDecorator {
  const policy = Policy(...roles.map((role) => group(rolePolicy(role))));
  const authorized = Authorized(...roles);
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    policy(target, key, descriptor as never);
    authorized(target, key, descriptor as never);
  };
}
