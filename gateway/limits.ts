import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  getNullableType,
  isListType,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  validate,
  visit,
  visitWithTypeInfo,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GatewayConfig } from './settings';
import { codedError, ErrorCode } from '../platform/errors';
import { perDocument, perDocumentAnd } from './document-cache';

/** Bounds on one operation; every one comes from config (defaults in gateway/settings.ts, and MAX_PAGE_SIZE in platform/config.ts). */
export interface OperationLimits {
  maxTokens: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxRootFields: number;
  maxCost: number;
  /** How many items an unpaged list (no `first`) counts as in the cost. */
  listSize: number;
  maxPageSize: number;
}

/** The limits named in config. */
export function limitsFromConfig(config: GatewayConfig): OperationLimits {
  return {
    maxTokens: config.MAX_TOKENS,
    maxDepth: config.MAX_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxDirectives: config.MAX_DIRECTIVES,
    maxRootFields: config.MAX_ROOT_FIELDS,
    maxCost: config.MAX_COST,
    listSize: config.COST_LIST_SIZE,
    maxPageSize: config.MAX_PAGE_SIZE,
  };
}

/** Which limit refused an operation, as `extensions.limit` (`tokens` is set by the gateway's formatError). */
export type LimitName = 'depth' | 'aliases' | 'directives' | 'rootFields' | 'cost';

const ADVICE: Record<LimitName, string> = {
  depth: 'select less deeply nested fields or split the operation',
  aliases: 'use fewer aliases or split the operation',
  directives: 'use fewer directives',
  rootFields: 'ask for fewer top-level fields per operation or split it',
  cost: 'ask for smaller pages (`first`) or fewer nested lists, or split the operation',
};

/**
 * A refusal for a limit. Validation errors all leave Apollo Server as `GRAPHQL_VALIDATION_FAILED`;
 * `extensions.limit` lets the gateway's formatError give every limit refusal the one code
 * `OPERATION_TOO_COMPLEX`, wherever it was detected (a page size out of range is `BAD_USER_INPUT`).
 */
export function limitExceeded(limit: LimitName, detail: string): GraphQLError {
  return codedError(ErrorCode.OPERATION_TOO_COMPLEX, `Operation refused: ${detail} (${ADVICE[limit]}).`, { limit });
}

/** graphql-armor reports "Syntax Error: Query depth limit of 10 exceeded, found 11."; keep only what was exceeded. */
function reporter(limit: LimitName) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(limitExceeded(limit, error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')));
    },
  ];
}

type ArmorConfig = NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>;

function armor(config: ArmorConfig) {
  return new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    // graphql-js enforces the token limit while parsing (see `parseOptions`): armor's plugin throws
    // from `parsingDidStart`, which Apollo Server answers with a 500 that skips every plugin.
    maxTokens: { enabled: false },
    maxDepth: { enabled: false },
    maxAliases: { enabled: false },
    maxDirectives: { enabled: false },
    costLimit: { enabled: false },
    ...config,
  }).protect();
}

/**
 * Root fields per operation, aliases counted, fragments at the root expanded (`__typename` is free).
 * graphql-armor has no such rule.
 */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const seen = new Set<string>();
      const count = (selectionSet: SelectionSetNode): number => {
        let n = 0;
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) n += selection.name.value === '__typename' ? 0 : 1;
          else if (selection.kind === Kind.INLINE_FRAGMENT) n += count(selection.selectionSet);
          else if (!seen.has(selection.name.value)) {
            // A spread seen before (or a cycle, refused by NoFragmentCyclesRule) is not counted twice.
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) n += count(fragment.selectionSet);
          }
        }
        return n;
      };
      const found = count(operation.selectionSet);
      if (found > max) context.reportError(limitExceeded('rootFields', `root fields limit of ${max} exceeded, found ${found}`));
    },
  });
}

/**
 * The protections that run while Apollo Server parses and validates a document, before the
 * access layer, the cost check and query planning: the token limit (graphql-js parse option),
 * graphql-armor's depth, alias and directive limits, the root-field limit and, when asked,
 * armor's field-suggestion masking ("Did you mean …" reveals the schema).
 */
export function documentLimits(limits: OperationLimits, options: { blockFieldSuggestions: boolean }) {
  const { plugins, validationRules } = armor({
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, propagateOnRejection: false, onReject: reporter('depth') },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: reporter('aliases') },
    maxDirectives: { n: limits.maxDirectives, propagateOnRejection: false, onReject: reporter('directives') },
  });
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [...validationRules, maxRootFieldsRule(limits.maxRootFields)],
    plugins: plugins as ApolloServerPlugin<BaseContext>[],
  };
}

/** A `first` argument outside 1…max, where it was found and what it was. */
export interface PageSizeViolation {
  /** Schema coordinate of the paged field, e.g. `Query.operations`. */
  coordinate: string;
  value: unknown;
}

function variableDefaults(operation: OperationDefinitionNode): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  return defaults;
}

/**
 * The document with every `first` argument of a paged field written out as the integer it will
 * take (from a variable, the variable's default or the field's default), every unpaged list given
 * `first: listSize` (for the cost only: the result is never executed), and the values that are
 * not an integer from 1 to `maxPageSize`. Only the operation that runs and its fragments matter.
 */
export function resolvePageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  maxPageSize: number,
  listSize: number,
): { document: DocumentNode; violations: PageSizeViolation[] } {
  const defaults = variableDefaults(operation);
  const violations: PageSizeViolation[] = [];
  const typeInfo = new TypeInfo(schema);
  const kept = document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION) as (OperationDefinitionNode | FragmentDefinitionNode)[];
  const visitor: ASTVisitor = {
    Field(node: FieldNode) {
      const parent = typeInfo.getParentType();
      const field = typeInfo.getFieldDef();
      const definition = field?.args.find((a) => a.name === 'first');
      const literal = (value: number) => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(value) } }) as const;
      if (field && parent && !definition && listSize > 1 && isListType(getNullableType(field.type)) && !(node.name.value === 'edges' && parent.name.endsWith('Connection'))) {
        // An unpaged list (`Operation.checkpoints`): sized by estimate, as if it had `first`.
        return { ...node, arguments: [...(node.arguments ?? []), literal(listSize)] };
      }
      if (!definition || !parent) return undefined;
      const argument = node.arguments?.find((a) => a.name.value === 'first');
      let value: unknown = definition.defaultValue;
      if (argument?.value.kind === Kind.VARIABLE) {
        const name = argument.value.name.value;
        value = variables && Object.hasOwn(variables, name) ? variables[name] : defaults.has(name) ? defaults.get(name) : definition.defaultValue;
      } else if (argument) {
        value = valueFromASTUntyped(argument.value);
      }
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > maxPageSize) {
        violations.push({ coordinate: `${parent.name}.${node.name.value}`, value });
        return undefined;
      }
      return { ...node, arguments: [...(node.arguments ?? []).filter((a) => a.name.value !== 'first'), literal(value)] };
    },
  };
  const resolved = visit({ ...document, definitions: kept }, visitWithTypeInfo(typeInfo, visitor));
  return { document: resolved, violations };
}

// NUL cannot be stored in PostgreSQL text, and an unpaired surrogate is not Unicode: no valid
// value contains either, and passed on they make a subgraph's query fail instead of answering.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper than any input type of the API nests; serialising deeper values for a subgraph could exhaust the stack. */
const MAX_VARIABLE_DEPTH = 32;

/**
 * What is wrong with the strings and nesting of the variables or the document's string literals,
 * or `null`: a string holding NUL or an unpaired surrogate, or variables nested deeper than any
 * input type. Iterative, so that no nesting can exhaust the stack.
 */
export function inputProblem(document: DocumentNode, variables: Record<string, unknown> | undefined): string | null {
  const stack: [path: string, value: unknown, depth: number][] = Object.entries(variables ?? {}).map(([k, v]) => [`$${k}`, v, 1]);
  while (stack.length) {
    const [path, value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return `${path} contains NUL (U+0000) or an unpaired UTF-16 surrogate: send text as valid Unicode without NUL`;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_VARIABLE_DEPTH) return `${path.slice(0, 100)} nests deeper than ${MAX_VARIABLE_DEPTH} levels, more than any input type of this API`;
      for (const [key, item] of Object.entries(value)) stack.push([Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, item, depth + 1]);
    }
  }
  return literalProblem(document);
}

/** The document's part of {@link inputProblem}, judged once per document. */
const literalProblem = perDocument((document: DocumentNode): string | null => {
  let found: string | null = null;
  visit(document, {
    StringValue(node) {
      if (found === null && UNSTORABLE.test(node.value)) found = 'A string literal contains NUL (U+0000) or an unpaired UTF-16 surrogate: send text as valid Unicode without NUL';
    },
  });
  return found;
});

/** Armor's cost rule, run only to compute the cost (graphql-armor reports it through `onAccept`). */
function costRule(report: (cost: number) => void): ValidationRule {
  const [rule] = armor({
    costLimit: { maxCost: Number.MAX_VALUE, ignoreIntrospection: true, propagateOnRejection: false, onAccept: [(_context: unknown, details: { n: number }) => report(details.n)] },
  }).validationRules;
  return rule;
}

/**
 * The cost of `operation` as the gateway counts it: graphql-armor's estimate (1 per scalar, 2 per
 * object, ×1.5 per level of nesting, each selection multiplied by its list size) on the document
 * with every `first` resolved and every unpaged list counted as `limits.listSize` items.
 * `violations` lists the `first` values outside 1…maxPageSize (the cost is then not computed).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: Pick<OperationLimits, 'maxPageSize' | 'listSize'>,
): { cost: number; violations: PageSizeViolation[] } {
  const resolved = resolvePageSizes(schema, document, operation, variables, limits.maxPageSize, limits.listSize);
  if (resolved.violations.length) return { cost: Number.NaN, violations: resolved.violations };
  let cost = 0;
  validate(schema, resolved.document, [costRule((n) => (cost = n))]);
  return { cost, violations: [] };
}

/** Names of the variables a `first` argument reads, once per document: the only variables the cost depends on. */
const pageSizeVariables = perDocument((document: DocumentNode): string[] => {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names];
});

/**
 * What a document's cost depends on besides the document: the operation and its page-size
 * variables. An absent variable (its default applies) and an explicit `null` (refused) differ.
 */
function costKey(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined): string {
  const given = (name: string) => (variables && Object.hasOwn(variables, name) ? [variables[name]] : []);
  return JSON.stringify([operation.name?.value ?? null, ...pageSizeVariables(document).map(given)]);
}

const cachedCost = perDocumentAnd(
  (document: DocumentNode, _key: string, schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, limits: OperationLimits) =>
    operationCost(schema, document, operation, variables, limits),
);

/**
 * Refuses, before the access layer plans anything and before query planning, an operation with
 * input no subgraph can take ({@link inputProblem}; `BAD_USER_INPUT`), with a `first` outside
 * 1…MAX_PAGE_SIZE (`BAD_USER_INPUT`, as the subgraphs would, but before any of them is called),
 * or costing more than MAX_COST ({@link operationCost}; `OPERATION_TOO_COMPLEX`). A page size
 * passed as a variable or left to its default counts exactly as a literal one.
 */
export function operationLimitsPlugin<Context extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problem = inputProblem(document, request.variables);
          if (problem) throw codedError(ErrorCode.BAD_USER_INPUT, problem);
          const { cost, violations } = cachedCost(document, costKey(document, operation, request.variables), schema, operation, request.variables, limits);
          if (violations.length) {
            const [first] = violations;
            throw codedError(ErrorCode.BAD_USER_INPUT, `first must be between 1 and ${limits.maxPageSize}; got ${JSON.stringify(first.value) ?? 'nothing'} (${first.coordinate}, a whole number)`, { field: 'first' });
          }
          if (cost > limits.maxCost) throw limitExceeded('cost', `cost limit of ${limits.maxCost} exceeded, found ${Math.ceil(cost)}`);
        },
      };
    },
  };
}
