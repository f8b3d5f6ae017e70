import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  visit,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { createEvaluator, type AccessRequirement, type CallerRights, type RequirementEvaluator } from './access-requirement';
import type { AccessRules } from './supergraph-rules';

/**
 * Response key of the `__typename` the filter adds where it needs one: as the only selection of an
 * object whose every field was removed (an empty selection set is invalid GraphQL, and keeping the
 * object lets the client receive `{ field: null }` in the shape it asked for), and next to fields
 * that were removed under a type condition (so nulls go only into objects of that type).
 * `applyDeniedNulls` takes it out of the response again.
 */
export const TYPENAME_MARKER = '_authz_typename';

const MARKER_FIELD: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: TYPENAME_MARKER },
  name: { kind: Kind.NAME, value: '__typename' },
};

/** One step of a denied path, as the response-shaping helpers need it. */
export interface DeniedSegment {
  /** Declared output type of the field at this step, e.g. `[Operation!]!`: drives null propagation. */
  readonly type: string;
  /**
   * Object types this step was selected for, when a type condition narrowed it below what the
   * parent field can return; nulls are then inserted only into objects of these types.
   */
  readonly onTypes?: readonly string[];
}

/** A selection removed from the operation because the caller does not meet its requirements. */
export interface DeniedField {
  /** Response path with response keys (aliases win) and no list indices, e.g. `['operation', 'results']`. */
  readonly path: readonly string[];
  /** Schema coordinate of the selected field, e.g. `Operation.results`. */
  readonly coordinate: string;
  /** The failing rule, e.g. `@requiresScopes(ops:read)`, `@policy(clearance_restricted)`, `@authenticated`. */
  readonly rule: string;
  /** Where the failing rule is declared: a field coordinate or a type name (the field's, an implementation's). */
  readonly source: string;
  /** One entry per element of `path`. */
  readonly segments: readonly DeniedSegment[];
}

/** Outcome of authorizing one operation for one principal; see `applyMode` for what to do with it. */
export interface AuthorizationResult {
  /**
   * The document to plan and execute in filter mode: only the selected operation, without the
   * denied selections, valid against the API schema. The very `original` object when nothing was
   * denied, so plan caches keyed on the document keep working.
   */
  readonly document: DocumentNode;
  /** The document as received (dry-run executes it). */
  readonly original: DocumentNode;
  /** Outermost denied selections, in document order; selections below a denied one are not evaluated. */
  readonly denied: readonly DeniedField[];
  /** Every executable root field was denied: answer from `denied` alone, without planning. */
  readonly nothingToExecute: boolean;
}

interface Scope {
  readonly parentType: GraphQLCompositeType;
  /** Object types the current object can be, after the type conditions passed on the way here. */
  readonly possible: ReadonlySet<string>;
  /** Object types the field that produced the object can return. */
  readonly declared: ReadonlySet<string>;
}

interface Failure {
  rule: string;
  source: string;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a === b) return a;
  return new Set([...a].filter((name) => b.has(name)));
}

function segment(definition: GraphQLField<unknown, unknown>, scope: Scope): DeniedSegment {
  const type = String(definition.type);
  return scope.possible.size < scope.declared.size ? { type, onTypes: [...scope.possible].sort() } : { type };
}

function inlineFragment(
  typeCondition: string | undefined,
  directives: readonly DirectiveNode[] | undefined,
  selections: readonly SelectionNode[],
): InlineFragmentNode {
  return {
    kind: Kind.INLINE_FRAGMENT,
    typeCondition: typeCondition ? { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: typeCondition } } : undefined,
    directives,
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
}

/** Possible object types per abstract type, computed once per schema rather than per operation. */
const possibleTypesBySchema = new WeakMap<GraphQLSchema, Map<string, ReadonlySet<string>>>();

/**
 * One walk over the selected operation, expanding fragments at each use site: a named fragment can be
 * spread under different parent types and narrowings, so its verdict depends on where it is used.
 */
class OperationFilter {
  readonly denied: DeniedField[] = [];
  private readonly path: string[] = [];
  private readonly segments: DeniedSegment[] = [];
  private readonly possibleTypesCache: Map<string, ReadonlySet<string>>;

  constructor(
    private readonly rules: AccessRules,
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly evaluator: RequirementEvaluator,
    private readonly rootType: GraphQLObjectType,
  ) {
    let cache = possibleTypesBySchema.get(schema);
    if (!cache) possibleTypesBySchema.set(schema, (cache = new Map()));
    this.possibleTypesCache = cache;
  }

  /** `@skip`/`@include` with this request's variables: a selection that will not run needs no verdict. */
  included(node: SelectionNode): boolean {
    if (!node.directives?.length) return true;
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if === false) return false;
    } catch {
      // A condition that cannot be evaluated fails at execution anyway; judge the selection as if it ran.
    }
    return true;
  }

  selections(set: SelectionSetNode, scope: Scope): SelectionNode[] {
    const kept: SelectionNode[] = [];
    for (const node of set.selections) {
      // A skipped selection stays as written: execution skips it with the same variables.
      if (!this.included(node)) {
        kept.push(node);
        continue;
      }
      const before = this.denied.length;
      const result = node.kind === Kind.FIELD ? this.field(node, scope) : this.fragment(node, scope);
      // Untouched subtrees keep their original nodes (and named spreads), which keeps the output small.
      if (this.denied.length === before) kept.push(node);
      else if (result) kept.push(result);
    }
    return kept;
  }

  /** The scope inside an inline fragment or a spread fragment, and the selections it holds. */
  private enter(node: InlineFragmentNode | FragmentSpreadNode, scope: Scope): { typeCondition?: string; selectionSet: SelectionSetNode; inner: Scope } {
    let typeCondition: string | undefined;
    let selectionSet: SelectionSetNode;
    if (node.kind === Kind.INLINE_FRAGMENT) {
      typeCondition = node.typeCondition?.name.value;
      selectionSet = node.selectionSet;
    } else {
      const definition = this.fragments.get(node.name.value);
      if (!definition) throw new Error(`Unknown fragment "${node.name.value}": validate the document before authorizing it`);
      typeCondition = definition.typeCondition.name.value;
      selectionSet = definition.selectionSet;
    }
    if (!typeCondition) return { selectionSet, inner: scope };
    const condition = this.compositeType(typeCondition);
    const possible = intersect(scope.possible, this.possibleTypes(condition));
    return { typeCondition, selectionSet, inner: { parentType: condition, possible, declared: scope.declared } };
  }

  private compositeType(name: string): GraphQLCompositeType {
    const type = this.schema.getType(name);
    if (!type || !(isObjectType(type) || isAbstractType(type))) {
      throw new Error(`Unknown type condition "${name}": validate the document before authorizing it`);
    }
    return type;
  }

  private possibleTypes(type: GraphQLCompositeType): ReadonlySet<string> {
    let possible = this.possibleTypesCache.get(type.name);
    if (!possible) {
      possible = isAbstractType(type)
        ? new Set(this.schema.getPossibleTypes(type).map((object) => object.name))
        : new Set([type.name]);
      this.possibleTypesCache.set(type.name, possible);
    }
    return possible;
  }

  private fail(requirement: AccessRequirement | undefined, source: string): Failure | null {
    const rule = requirement ? this.evaluator.failingRule(requirement) : null;
    return rule ? { rule, source } : null;
  }

  private fieldDefinition(scope: Scope, name: string): GraphQLField<unknown, unknown> {
    const parent = scope.parentType;
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!definition) {
      throw new Error(`Unknown field ${parent.name}.${name}: validate the document before authorizing it`);
    }
    return definition;
  }

  private field(node: FieldNode, scope: Scope): FieldNode | null {
    const name = node.name.value;
    if (name.startsWith('__')) return node; // introspection is never denied
    const definition = this.fieldDefinition(scope, name);
    this.path.push(node.alias?.value ?? name);
    this.segments.push(segment(definition, scope));
    try {
      const coordinate = `${scope.parentType.name}.${name}`;
      const failure = this.fieldFailure(node, definition, scope, coordinate);
      if (failure) {
        this.denied.push({ path: [...this.path], coordinate, ...failure, segments: [...this.segments] });
        return null;
      }
      if (!node.selectionSet) return node;
      const returnType = getNamedType(definition.type) as GraphQLCompositeType;
      const possible = this.possibleTypes(returnType);
      const before = this.denied.length;
      const selections = this.selections(node.selectionSet, { parentType: returnType, possible, declared: possible });
      const depth = this.path.length;
      const needsMarker = selections.length === 0
        || this.denied.slice(before).some((denied) => denied.segments[depth]?.onTypes !== undefined);
      return {
        ...node,
        selectionSet: { kind: Kind.SELECTION_SET, selections: needsMarker ? [...selections, MARKER_FIELD] : selections },
      };
    } finally {
      this.path.pop();
      this.segments.pop();
    }
  }

  /**
   * The first unmet requirement for selecting this field here: its own, its return type's, the
   * operation root type's, every possible implementation's field when selected on an interface, and
   * every possible object type's when fields are read on an abstract return type (any of them may
   * come back, so all their requirements apply, as Apollo's router documents).
   */
  private fieldFailure(node: FieldNode, definition: GraphQLField<unknown, unknown>, scope: Scope, coordinate: string): Failure | null {
    const returnType = getNamedType(definition.type);
    const failure = this.fail(this.rules.fields.get(coordinate), coordinate)
      ?? this.fail(this.rules.types.get(returnType.name), returnType.name)
      ?? (scope.parentType === this.rootType ? this.fail(this.rules.types.get(this.rootType.name), this.rootType.name) : null);
    if (failure) return failure;
    if (isInterfaceType(scope.parentType)) {
      for (const implementation of scope.possible) {
        const implementationCoordinate = `${implementation}.${definition.name}`;
        const implementationFailure = this.fail(this.rules.fields.get(implementationCoordinate), implementationCoordinate);
        if (implementationFailure) return implementationFailure;
      }
    }
    if (node.selectionSet && isAbstractType(returnType)) {
      const exposed = new Set<string>();
      this.typesReadAbstractly(node.selectionSet, returnType, this.possibleTypes(returnType), exposed);
      for (const objectType of exposed) {
        const typeFailure = this.fail(this.rules.types.get(objectType), objectType);
        if (typeFailure) return typeFailure;
      }
    }
    return null;
  }

  /**
   * Collects the object types whose data is read through fields selected on an abstract type (not
   * under an object type condition). `__typename` alone does not count: it reveals only the type.
   */
  private typesReadAbstractly(set: SelectionSetNode, parentType: GraphQLCompositeType, possible: ReadonlySet<string>, out: Set<string>): void {
    for (const node of set.selections) {
      if (!this.included(node)) continue;
      if (node.kind === Kind.FIELD) {
        if (!node.name.value.startsWith('__') && isAbstractType(parentType)) for (const name of possible) out.add(name);
        continue;
      }
      const { selectionSet, inner } = this.enter(node, { parentType, possible, declared: possible });
      this.typesReadAbstractly(selectionSet, inner.parentType, inner.possible, out);
    }
  }

  /**
   * An inline fragment, or a named one expanded in place (its verdict depends on where it is spread);
   * `null` when nothing of it is left. A type condition the caller may not see denies the whole fragment.
   */
  private fragment(node: InlineFragmentNode | FragmentSpreadNode, scope: Scope): InlineFragmentNode | null {
    const { typeCondition, selectionSet, inner } = this.enter(node, scope);
    const failure = typeCondition ? this.fail(this.rules.types.get(typeCondition), typeCondition) : null;
    const selections = failure ? this.denyAll(selectionSet, inner, failure) : this.selections(selectionSet, inner);
    return selections.length > 0 ? inlineFragment(typeCondition, node.directives, selections) : null;
  }

  /**
   * Denies every field of a fragment whose type condition the caller may not see, one path per field
   * (each is answered as null for objects of that type). Returns the introspection fields, which stay.
   */
  private denyAll(set: SelectionSetNode, scope: Scope, failure: Failure): SelectionNode[] {
    const kept: SelectionNode[] = [];
    for (const node of set.selections) {
      if (!this.included(node)) continue;
      if (node.kind === Kind.FIELD) {
        const name = node.name.value;
        if (name.startsWith('__')) {
          kept.push(node);
          continue;
        }
        this.denied.push({
          path: [...this.path, node.alias?.value ?? name],
          coordinate: `${scope.parentType.name}.${name}`,
          ...failure,
          segments: [...this.segments, segment(this.fieldDefinition(scope, name), scope)],
        });
        continue;
      }
      const { selectionSet, inner } = this.enter(node, scope);
      kept.push(...this.denyAll(selectionSet, inner, failure));
    }
    return kept;
  }
}

function selectOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode {
  const operations = document.definitions.filter((def): def is OperationDefinitionNode => def.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName
    ? operations.find((op) => op.name?.value === operationName)
    : operations.length === 1 ? operations[0] : undefined;
  if (!operation) {
    throw new Error(operationName
      ? `No operation named "${operationName}" in the document`
      : 'The document must contain exactly one operation when no operation name is given');
  }
  return operation;
}

/** Fragment definitions the filtered operation still spreads (directly or through other fragments), in document order. */
function retainedFragments(operation: OperationDefinitionNode, document: DocumentNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const needed = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const definition = fragments.get(name);
        if (definition && !needed.has(name)) {
          needed.add(name);
          pending.push(definition.selectionSet);
        }
      },
    });
  }
  return document.definitions.filter((def): def is FragmentDefinitionNode =>
    def.kind === Kind.FRAGMENT_DEFINITION && needed.has(def.name.value));
}

/** Drops variable definitions no longer used, which GraphQL validation (NoUnusedVariables) would refuse. */
function withoutUnusedVariables(operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[]): OperationDefinitionNode {
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  visit(operation.selectionSet, collect);
  for (const directive of operation.directives ?? []) visit(directive, collect);
  for (const fragment of fragments) visit(fragment, collect);
  const variableDefinitions = operation.variableDefinitions?.filter((def) => used.has(def.variable.name.value));
  return { ...operation, variableDefinitions };
}

/**
 * Decides, before query planning, which selections of an operation `principal` may see, and returns
 * the operation without the others. Pure and synchronous: the rules come from `extractAccessRules`
 * (once per supergraph), policy decisions from `principal.policies`.
 *
 * Semantics follow Apollo's router: inner lists AND, outer lists OR; type requirements apply to every
 * field returning the type; interface fields need every possible implementation's field requirements;
 * `@skip`/`@include` are evaluated with `variables` (a skipped selection is neither judged nor
 * reported); introspection fields are never denied; named and inline fragments are judged at each use.
 *
 * When removals leave a selection set empty, the parent is kept with an aliased `__typename`
 * (`TYPENAME_MARKER`) rather than removed, so the client still receives the parent object with the
 * denied fields as null. The filtered document holds only the selected operation and the fragments it
 * still uses (spreads whose content lost a field are inlined) and unused variables are dropped, so it
 * validates against the API schema.
 *
 * Preconditions: `document` has been validated against `schema` (the gateway's API schema), and the
 * filtered document is executed with the same `variables` (skipped selections are left in place
 * unjudged). A subscription whose only root field is denied yields a document that is not executable;
 * `nothingToExecute` tells the caller to answer without it.
 *
 * @throws when the operation cannot be found, or the document refers to unknown fields or fragments.
 */
export function authorizeOperation(
  rules: AccessRules,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  principal: CallerRights,
): AuthorizationResult {
  const operation = selectOperation(document, operationName);
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new Error(`The schema has no ${operation.operation} root type`);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const filter = new OperationFilter(rules, schema, fragments, coerced.coerced ?? variables ?? {}, createEvaluator(principal), rootType);
  const root = new Set([rootType.name]);
  const selections = filter.selections(operation.selectionSet, { parentType: rootType, possible: root, declared: root });
  if (filter.denied.length === 0) return { document, original: document, denied: [], nothingToExecute: false };

  const nothingToExecute = !selections.some((node) => filter.included(node));
  const filtered: OperationDefinitionNode = {
    ...operation,
    selectionSet: { kind: Kind.SELECTION_SET, selections: selections.length > 0 ? selections : [MARKER_FIELD] },
  };
  const kept = retainedFragments(filtered, document, fragments);
  return {
    document: { kind: Kind.DOCUMENT, definitions: [withoutUnusedVariables(filtered, kept), ...kept] },
    original: document,
    denied: filter.denied,
    nothingToExecute,
  };
}

