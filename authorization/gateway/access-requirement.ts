/**
 * What a schema element demands of the caller, as declared with Federation's authorization
 * directives. Scopes and policies are in disjunctive normal form, as the directives spell them:
 * the outer list is OR, each inner list is AND.
 */
export interface AccessRequirement {
  /** `@authenticated`: anonymous callers are refused. */
  readonly authenticated: boolean;
  /** `@requiresScopes`: one inner list must be held entirely; `null` when the directive is absent. */
  readonly scopes: Alternatives | null;
  /** `@policy`: one inner list must pass entirely; `null` when the directive is absent. */
  readonly policies: Alternatives | null;
}

/** OR of AND-groups. An empty outer list can never be satisfied; an empty inner list always is. */
export type Alternatives = readonly (readonly string[])[];

/** The caller as the engine sees it; policy decisions are injected so the engine stays pure. */
export interface CallerRights {
  readonly authenticated: boolean;
  readonly scopes: readonly string[];
  /** Decides one named policy. Called at most once per policy name per evaluator. */
  policies(name: string): boolean;
}

/** Merges requirements that must all hold (several subgraphs, or several applications, on one element). */
export function requireAll(a: AccessRequirement, b: AccessRequirement): AccessRequirement {
  return {
    authenticated: a.authenticated || b.authenticated,
    scopes: andAlternatives(a.scopes, b.scopes),
    policies: andAlternatives(a.policies, b.policies),
  };
}

/**
 * AND of two DNF expressions: every pairing of groups, with duplicates and subsumed groups dropped
 * (a group that is a superset of another adds nothing to an OR), the same reduction composition
 * applies when it merges the directives of several subgraphs.
 */
export function andAlternatives(a: Alternatives | null, b: Alternatives | null): Alternatives | null {
  if (a === null) return b;
  if (b === null) return a;
  const product: string[][] = [];
  for (const left of a) for (const right of b) product.push([...new Set([...left, ...right])].sort());
  return minimalGroups(product);
}

/** Sorted, deduplicated groups with every group that contains another one removed. */
export function minimalGroups(groups: readonly (readonly string[])[]): Alternatives {
  const normalized = groups.map((group) => [...new Set(group)].sort());
  normalized.sort((x, y) => x.length - y.length || x.join('\u0000').localeCompare(y.join('\u0000')));
  const kept: string[][] = [];
  for (const group of normalized) {
    const subsumed = kept.some((smaller) => smaller.every((item) => group.includes(item)));
    if (!subsumed) kept.push(group);
  }
  return kept;
}

/**
 * The rule text used in denials and audit events: `@authenticated`, `@requiresScopes(a & b | c)`,
 * `@policy(clearance_restricted)`. Canonical directive names are used even when the supergraph
 * imports them under another name, so audit queries do not depend on a schema's import aliases.
 */
export function formatRule(directive: 'requiresScopes' | 'policy', alternatives: Alternatives): string {
  return `@${directive}(${alternatives.map((group) => group.join(' & ')).join(' | ')})`;
}

/** Decides requirements for one principal, remembering each decision for the evaluator's lifetime. */
export interface RequirementEvaluator {
  /** The first rule of `requirement` the principal fails, or `null` when it is satisfied. */
  failingRule(requirement: AccessRequirement): string | null;
}

/**
 * Builds an evaluator for one operation. Policy callbacks may be costly (they can look at clearance,
 * purpose, roles), so each policy name is decided once and reused across fields.
 */
export function createEvaluator(principal: CallerRights): RequirementEvaluator {
  const scopes = new Set(principal.scopes);
  const policyDecisions = new Map<string, boolean>();
  const requirementDecisions = new Map<AccessRequirement, string | null>();
  const policyPasses = (name: string): boolean => {
    let decision = policyDecisions.get(name);
    if (decision === undefined) {
      decision = principal.policies(name) === true;
      policyDecisions.set(name, decision);
    }
    return decision;
  };
  const decide = (requirement: AccessRequirement): string | null => {
    if (requirement.authenticated && !principal.authenticated) return '@authenticated';
    if (requirement.scopes && !requirement.scopes.some((group) => group.every((scope) => scopes.has(scope)))) {
      return formatRule('requiresScopes', requirement.scopes);
    }
    if (requirement.policies && !requirement.policies.some((group) => group.every(policyPasses))) {
      return formatRule('policy', requirement.policies);
    }
    return null;
  };
  return {
    failingRule(requirement) {
      let decision = requirementDecisions.get(requirement);
      if (decision === undefined) {
        decision = decide(requirement);
        requirementDecisions.set(requirement, decision);
      }
      return decision;
    },
  };
}
