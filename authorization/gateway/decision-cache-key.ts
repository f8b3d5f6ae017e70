import {
  Kind,
  TypeInfo,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { AccessRequirement, CallerRights } from './access-requirement';
import type { AccessRules } from './supergraph-rules';

/** Everything about a caller and a request that can change the verdict on one document. */
export interface DocumentClaims {
  /** Some selection requires `@authenticated`. */
  readonly authenticated: boolean;
  /** Scopes named by any requirement the document can meet, sorted. */
  readonly scopes: readonly string[];
  /** Policies named by any requirement the document can meet, sorted. */
  readonly policies: readonly string[];
  /** Variables used by `@skip`/`@include`, sorted: their values decide which selections are judged. */
  readonly conditionVariables: readonly string[];
}

/**
 * Lists, once per document, the claims that can affect `authorizeOperation` on it (a superset: every
 * operation and fragment, skipped or not, every possible implementation). Cache it by document hash.
 */
export function documentClaims(rules: AccessRules, schema: GraphQLSchema, document: DocumentNode): DocumentClaims {
  const requirements = new Set<AccessRequirement>();
  const conditionVariables = new Set<string>();
  const add = (requirement: AccessRequirement | undefined) => {
    if (requirement) requirements.add(requirement);
  };
  const addPossibleTypes = (type: GraphQLNamedType) => {
    if (isAbstractType(type)) for (const object of schema.getPossibleTypes(type)) add(rules.types.get(object.name));
  };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) add(rules.types.get(root.name));
  }
  const typeInfo = new TypeInfo(schema);
  visit(document, visitWithTypeInfo(typeInfo, {
    Field() {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      if (!parent || !field) return;
      add(rules.fields.get(`${parent.name}.${field.name}`));
      const returnType = getNamedType(field.type);
      add(rules.types.get(returnType.name));
      addPossibleTypes(returnType);
      if (isInterfaceType(parent)) {
        for (const object of schema.getPossibleTypes(parent)) add(rules.fields.get(`${object.name}.${field.name}`));
      }
    },
    NamedType(node) {
      // Type conditions of inline fragments and fragment definitions.
      add(rules.types.get(node.name.value));
    },
    Directive(node) {
      if (node.name.value !== 'skip' && node.name.value !== 'include') return;
      for (const argument of node.arguments ?? []) {
        if (argument.value.kind === Kind.VARIABLE) conditionVariables.add(argument.value.name.value);
      }
    },
  }));
  const scopes = new Set<string>();
  const policies = new Set<string>();
  let authenticated = false;
  for (const requirement of requirements) {
    authenticated ||= requirement.authenticated;
    for (const group of requirement.scopes ?? []) for (const scope of group) scopes.add(scope);
    for (const group of requirement.policies ?? []) for (const policy of group) policies.add(policy);
  }
  return {
    authenticated,
    scopes: [...scopes].sort(),
    policies: [...policies].sort(),
    conditionVariables: [...conditionVariables].sort(),
  };
}

/**
 * A key under which an `authorizeOperation` result for this document can be cached and reused: two
 * requests with the same document, operation name and key get the same verdict. Calls
 * `principal.policies` for the document's policies only.
 */
export function decisionCacheKey(claims: DocumentClaims, principal: CallerRights, variables: Record<string, unknown> | null | undefined): string {
  const held = new Set(principal.scopes);
  return JSON.stringify([
    claims.authenticated ? principal.authenticated : null,
    claims.scopes.filter((scope) => held.has(scope)),
    claims.policies.filter((policy) => principal.policies(policy) === true),
    // Absent differs from null: an absent variable takes its declared default.
    claims.conditionVariables.map((name) => (variables && Object.hasOwn(variables, name) ? variables[name] : '(default)')),
  ]);
}
