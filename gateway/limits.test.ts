import { buildSchema, getOperationAST, parse, print, specifiedRules, validate } from 'graphql';
import { ConfigError, loadConfig } from '../hub/config';
import { documentLimits, inputProblem, limitsFromConfig, maxRootFieldsRule, operationCost, resolvePageSizes, type OperationLimits } from './limits';

const schema = buildSchema(`
  type Query {
    operations(first: Int! = 20, after: String): OperationConnection!
    operation(code: String): Operation
  }
  type OperationConnection { edges: [OperationEdge!]! }
  type OperationEdge { node: Operation }
  type Operation { code: String! checkpoints: [Checkpoint!]! }
  type Checkpoint { name: String! }
`);

const limits: OperationLimits = { maxTokens: 100, maxDepth: 5, maxAliases: 2, maxDirectives: 2, maxRootFields: 2, maxCost: 1_000, listSize: 5, maxPageSize: 100 };

function resolve(query: string, variables: Record<string, unknown> = {}, listSize = 1) {
  const document = parse(query);
  const result = resolvePageSizes(schema, document, getOperationAST(document)!, variables, limits.maxPageSize, listSize);
  return { text: print(result.document).replace(/\s+/g, ' '), violations: result.violations };
}

const cost = (query: string, variables: Record<string, unknown> = {}, listSize = limits.listSize) => {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables, { maxPageSize: limits.maxPageSize, listSize }).cost;
};

describe('page sizes', () => {
  test.each([
    ['a literal', `{ operations(first: 7) { edges { node { code } } } }`, {}, 'operations(first: 7)'],
    ['a variable', `query($n: Int!) { operations(first: $n) { edges { node { code } } } }`, { n: 9 }, 'operations(first: 9)'],
    ['a variable default', `query($n: Int! = 11) { operations(first: $n) { edges { node { code } } } }`, {}, 'operations(first: 11)'],
    ['the field default', `{ operations { edges { node { code } } } }`, {}, 'operations(first: 20)'],
    ['an alias in a fragment', `{ ...Q } fragment Q on Query { x: operations(after: "c") { edges { node { code } } } }`, {}, 'x: operations(after: "c", first: 20)'],
  ])('%s is written out as an integer', (_name, query, variables, expected) => {
    const { text, violations } = resolve(query, variables);
    expect(violations).toEqual([]);
    expect(text).toContain(expected);
  });

  test.each([
    ['zero', 0],
    ['above the maximum', 101],
    ['1e9', 1e9],
    ['a fraction', 1.5],
    ['a string', '10'],
    ['null', null],
  ])('%s is a violation', (_name, value) => {
    const { violations } = resolve(`query($n: Int!) { operations(first: $n) { edges { node { code } } } }`, { n: value });
    expect(violations).toEqual([{ coordinate: 'Query.operations', value }]);
  });

  test('only the operation that runs is judged', () => {
    const document = parse(`query A { operations(first: 5000) { edges { node { code } } } } query B { operations(first: 3) { edges { node { code } } } }`);
    const result = resolvePageSizes(schema, document, getOperationAST(document, 'B')!, {}, limits.maxPageSize, 1);
    expect(result.violations).toEqual([]);
    expect(print(result.document)).not.toContain('query A');
  });
});

describe('cost', () => {
  test('a page size counts the same as a literal, a variable or a default', () => {
    const literal = cost(`{ operations(first: 20) { edges { node { code } } } }`);
    expect(cost(`query($n: Int!) { operations(first: $n) { edges { node { code } } } }`, { n: 20 })).toBe(literal);
    expect(cost(`{ operations { edges { node { code } } } }`)).toBe(literal);
  });

  test('it grows with the page size, and the edges of a connection are not counted twice', () => {
    expect(cost(`{ operations(first: 10) { edges { node { code } } } }`)).toBe(10 * cost(`{ operations(first: 1) { edges { node { code } } } }`));
  });

  test('an unpaged list counts as COST_LIST_SIZE items', () => {
    const query = `{ operation(code: "A") { checkpoints { name } } }`;
    // operation: 2 + 1.5 × checkpoints; checkpoints: (2 + 1.5 × 1) × list size.
    expect(cost(query, {}, 1)).toBe(2 + 1.5 * 3.5);
    expect(cost(query, {}, 5)).toBe(2 + 1.5 * 3.5 * 5);
  });
});

describe('document limits', () => {
  const rules = documentLimits(limits, { blockFieldSuggestions: false }).validationRules;
  const errorsOf = (query: string) => validate(schema, parse(query), [...specifiedRules, ...rules]).map((e) => ({ limit: e.extensions.limit, message: e.message }));

  test('depth: fields on the longest path, fragments flattened', () => {
    const query = `{ operations { edges { node { ...C } } } } fragment C on Operation { checkpoints { name } }`;
    expect(errorsOf(query)).toEqual([]);
    const shallower = validate(schema, parse(query), documentLimits({ ...limits, maxDepth: 4 }, { blockFieldSuggestions: false }).validationRules);
    expect(shallower.map((e) => ({ limit: e.extensions.limit, message: e.message }))).toEqual([{ limit: 'depth', message: expect.stringMatching(/depth limit of 4 exceeded, found 5/) }]);
  });

  test.each([
    ['aliases', `{ operations { edges { a: node { code } b: node { code } c: node { code } } } }`, /Aliases limit of 2 exceeded, found 3/],
    ['directives', `{ operations { edges { node { code @include(if: true) @skip(if: false) @include(if: true) } } } }`, /Directives limit of 2 exceeded, found 3/],
    ['rootFields', `{ a: operation(code: "A") { code } ...R } fragment R on Query { operations { edges { node { code } } } b: operation(code: "B") { code } }`, /root fields limit of 2 exceeded, found 3/],
  ])('%s', (limit, query, message) => {
    expect(errorsOf(query)).toContainEqual({ limit, message: expect.stringMatching(message) });
  });

  test('root fields: __typename is free, and a fragment spread twice or in a cycle is counted once', () => {
    const rule = [maxRootFieldsRule(1)];
    expect(validate(schema, parse(`{ __typename operation(code: "A") { code } }`), rule)).toEqual([]);
    expect(validate(schema, parse(`{ ...R ...R } fragment R on Query { operation(code: "A") { code } }`), rule)).toEqual([]);
    expect(validate(schema, parse(`{ ...R } fragment R on Query { operation(code: "A") { code } ...R }`), rule)).toEqual([]);
  });

  test('the token limit is a parse option', () => {
    expect(documentLimits(limits, { blockFieldSuggestions: false }).parseOptions).toEqual({ maxTokens: 100 });
    expect(() => parse(`{ ${'a '.repeat(100)}}`, { maxTokens: 100 })).toThrow(/100 tokens/);
  });
});

describe('input no subgraph can take', () => {
  const document = parse(`{ __typename }`);
  test.each([
    ['NUL in a nested variable', { filter: { agency: ['ok', 'x\u0000y'] } }, /\$filter\.agency\[1\] contains NUL/],
    ['a lone high surrogate', { code: 'a\ud800' }, /\$code contains NUL \(U\+0000\) or an unpaired/],
    ['a lone low surrogate', { code: '\udc00b' }, /\$code contains/],
    ['nesting deeper than any input type', { f: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }, /\$f.* nests deeper than 32 levels/],
  ])('%s', (_name, variables, message) => {
    expect(inputProblem(document, variables)).toMatch(message);
  });

  test('paired surrogates (emoji), combining marks and SQL-looking text are fine', () => {
    expect(inputProblem(document, { a: '🇹🇭 e\u0301', b: "' OR 1=1 --", c: [[{ d: '%00' }]] })).toBeNull();
  });

  test('a string literal with an escaped NUL', () => {
    expect(inputProblem(parse(`{ operation(code: "a\\u0000") { code } }`), {})).toMatch(/string literal contains NUL/);
  });
});

describe('configuration', () => {
  test('the defaults', () => {
    expect(limitsFromConfig(loadConfig({}))).toEqual({ maxTokens: 3000, maxDepth: 12, maxAliases: 30, maxDirectives: 20, maxRootFields: 25, maxCost: 500_000, listSize: 5, maxPageSize: 100 });
    expect(loadConfig({})).toMatchObject({ MAX_BODY_BYTES: 1_000_000, TRUSTED_DOCUMENTS: 'off', INTROSPECTION_ROLES: [] });
  });

  test('every bad value is named with what it accepts', () => {
    let error: unknown;
    try {
      loadConfig({ MAX_DEPTH: '0', MAX_COST: 'lots', TRUSTED_DOCUMENTS: 'on', INTROSPECTION_ROLES: 'HUB_ADMIN, ROOT' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MAX_DEPTH/);
    expect(problems).toMatch(/MAX_COST/);
    expect(problems).toMatch(/TRUSTED_DOCUMENTS/);
    expect(problems).toMatch(/INTROSPECTION_ROLES: "ROOT" is not a role/);
  });
});
