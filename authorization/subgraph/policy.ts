import { Directive } from 'type-graphql';

/**
 * Declares Federation's `@policy`: the caller passes when every policy of ANY one group holds.
 * Policy names are defined (and unit-tested) in authorization/policies.ts; start-up refuses others.
 */
export function Policy(...groups: string[][]): MethodDecorator & PropertyDecorator & ClassDecorator {
  return Directive(`@policy(policies: ${JSON.stringify(groups)})`);
}

/** Fields with personal or restricted data need a declared purpose besides the holder's rights. */
export const withPurpose = (...policies: string[]) => [...policies, 'purpose'];
