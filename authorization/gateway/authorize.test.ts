import { parse, print } from 'graphql';
import type { CallerRights } from './access-requirement';
import { authorizeOperation, TYPENAME_MARKER, type AuthorizationResult } from './authorize';
import type { AccessRules } from './supergraph-rules';
import { ANONYMOUS, composeTestGraph, principal, validationErrors } from './supergraph.fixture';

const graph = composeTestGraph();

/**
 * Composition copies implementation requirements onto interfaces (Record gets @authenticated from
 * Travel, Record.owner gets Seizure's scopes). These rules drop the copies, as in a supergraph
 * composed by an older composition, to show the engine enforces implementations by itself.
 */
const withoutInterfaceCopies: AccessRules = {
  types: new Map([...graph.rules.types].filter(([name]) => name !== 'Record')),
  fields: new Map([...graph.rules.fields].filter(([coordinate]) => coordinate !== 'Record.owner')),
};

/** Authorizes and checks, every time, that the filtered document is valid against the API schema. */
function authorize(
  query: string,
  who: CallerRights,
  options: { variables?: Record<string, unknown>; operationName?: string; rules?: AccessRules } = {},
): AuthorizationResult {
  const result = authorizeOperation(options.rules ?? graph.rules, graph.schema, parse(query), options.operationName, options.variables, who);
  expect(validationErrors(graph.schema, result.document)).toEqual([]);
  return result;
}

const paths = (result: AuthorizationResult) => result.denied.map((denied) => denied.path.join('.'));

describe('authorizeOperation: scopes and policies', () => {
  const query = '{ operation(code: "A") { code results { hits } } }';

  it.each([
    [['ops:read'], ['operation.results']],
    [['ops:results'], ['operation.results']],
    [['ops:read', 'ops:results'], []],
    [['ops:admin'], []],
  ])('scopes %j: inner list AND, outer list OR → denied %j', (scopes, expected) => {
    expect(paths(authorize(query, principal({ scopes })))).toEqual(expected);
  });

  it('names the failing rule and where it is declared', () => {
    expect(authorize(query, principal({ scopes: ['ops:read'] })).denied).toEqual([{
      path: ['operation', 'results'],
      coordinate: 'Operation.results',
      rule: '@requiresScopes(ops:admin | ops:read & ops:results)',
      source: 'Operation.results',
      segments: [{ type: 'Operation' }, { type: 'OperationResults' }],
    }]);
  });

  it.each([
    [[], ['me.badge', 'me.caseNotes']],
    [['role_admin'], ['me.caseNotes']],
    [['role_officer', 'clearance_restricted'], ['me.caseNotes']],
    [['role_officer', 'clearance_restricted', 'purpose_declared'], []],
  ])('policies %j: OR of badge roles, AND of case-note policies → denied %j', (policies, expected) => {
    expect(paths(authorize('{ me { name badge caseNotes } }', principal({ policies })))).toEqual(expected);
  });

  it('asks each policy once per operation, however many fields need it', () => {
    const asked: string[] = [];
    const who: CallerRights = { authenticated: true, scopes: ['ops:read'], policies: (name) => (asked.push(name), false) };
    const result = authorize('{ operations { riskScore checkpoints { lead { id } } } a: operation(code: "A") { riskScore } }', who);
    expect(paths(result)).toEqual(['operations.riskScore', 'operations.checkpoints.lead', 'a.riskScore']);
    expect(asked).toEqual(['clearance_restricted']);
  });

  it('@authenticated fails for anonymous callers only', () => {
    expect(authorize('{ me { name } publicNotice }', ANONYMOUS).denied[0]).toMatchObject({ path: ['me'], rule: '@authenticated' });
    expect(paths(authorize('{ me { name } publicNotice }', principal()))).toEqual([]);
  });

  it('ANDs requirements merged from two subgraphs on one field', () => {
    const query = '{ operation(code: "A") { summary } }';
    expect(authorize(query, principal({ scopes: ['ops:read'], policies: ['clearance_restricted'] })).denied[0].rule)
      .toBe('@requiresScopes(analysis:read & ops:read)');
    expect(authorize(query, principal({ scopes: ['ops:read', 'analysis:read'] })).denied[0].rule).toBe('@policy(clearance_restricted)');
    expect(paths(authorize(query, principal({ scopes: ['ops:read', 'analysis:read'], policies: ['clearance_restricted'] })))).toEqual([]);
  });
});

describe('authorizeOperation: types, lists and interfaces', () => {
  it('applies type requirements to every field returning the type, through lists and non-null', () => {
    const result = authorize(
      '{ operation(code: "A") { name classification checkpoints { name lead { id } hits { subject } } } }',
      principal(),
    );
    expect(result.denied.map(({ path, source }) => [path.join('.'), source])).toEqual([
      ['operation.classification', 'Classification'],
      ['operation.checkpoints.lead', 'Hit'],
      ['operation.checkpoints.hits', 'Hit'],
    ]);
    expect(result.denied[2].segments.map((segment) => segment.type)).toEqual(['Operation', '[Checkpoint!]!', '[[Hit!]]']);
    expect(print(result.document)).not.toMatch(/lead|hits|classification/);
    expect(paths(authorize('{ operation(code: "A") { checkpoints { hits { subject } } } }', principal({ policies: ['clearance_restricted'] }))))
      .toEqual([]);
  });

  it('an interface field needs the field requirements of every implementation', () => {
    const who = principal();
    const viaInterface = authorize('{ records { id owner } }', who, { rules: withoutInterfaceCopies });
    expect(viaInterface.denied).toEqual([expect.objectContaining({
      path: ['records', 'owner'], coordinate: 'Record.owner', source: 'Seizure.owner', rule: '@requiresScopes(owner:read)',
    })]);
    expect(paths(authorize('{ records { id owner } }', principal({ scopes: ['owner:read'] }), { rules: withoutInterfaceCopies }))).toEqual([]);
    // Narrowed to an implementation without requirements, the same interface field is allowed.
    expect(paths(authorize('{ records { ... on Note { ... on Record { owner } } } }', who, { rules: withoutInterfaceCopies }))).toEqual([]);
  });

  it('composition already copies implementation requirements onto the interface, with the same outcome', () => {
    expect(authorize('{ records { id owner } }', principal()).denied[0]).toMatchObject({ path: ['records', 'owner'], source: 'Record.owner' });
    expect(authorize('{ records { id } }', ANONYMOUS).denied[0]).toMatchObject({ path: ['records'], source: 'Record' });
  });

  it('reading interface fields needs every implementation type\'s requirements; type conditions select', () => {
    const rules = withoutInterfaceCopies;
    expect(authorize('{ records { id } }', ANONYMOUS, { rules }).denied)
      .toEqual([expect.objectContaining({ path: ['records'], coordinate: 'Query.records', rule: '@authenticated', source: 'Travel' })]);
    expect(paths(authorize('{ records { __typename ... on Note { summary } } }', ANONYMOUS, { rules }))).toEqual([]);

    const result = authorize('{ records { ... on Travel { summary } ... on Note { summary } } }', ANONYMOUS, { rules });
    expect(result.denied).toEqual([{
      path: ['records', 'summary'],
      coordinate: 'Travel.summary',
      rule: '@authenticated',
      source: 'Travel',
      segments: [{ type: '[Record!]!' }, { type: 'String', onTypes: ['Travel'] }],
    }]);
    const printed = print(result.document);
    expect(printed).not.toContain('Travel');
    expect(printed).toContain(`${TYPENAME_MARKER}: __typename`);
  });

  it('inline fragments on implementations are judged by their own field requirements', () => {
    const result = authorize('{ records { id ... on Seizure { owner } ... on Note { owner } } }', principal(), { rules: withoutInterfaceCopies });
    expect(result.denied).toEqual([expect.objectContaining({
      path: ['records', 'owner'], coordinate: 'Seizure.owner', segments: [{ type: '[Record!]!' }, { type: 'String', onTypes: ['Seizure'] }],
    })]);
    expect(print(result.document)).toMatch(/\.\.\. on Note \{\s+owner\s+\}/);
  });
});

describe('authorizeOperation: fragments, conditions, aliases', () => {
  it('judges a named fragment at each use, under different parent types', () => {
    const query = `
      query { records { ...R } record(id: "1") { ... on Note { ...R } } }
      fragment R on Record { owner }`;
    const result = authorize(query, principal(), { rules: withoutInterfaceCopies });
    expect(paths(result)).toEqual(['records.owner']);
    // The use that lost a field is expanded; the untouched use still spreads the fragment.
    const printed = print(result.document);
    expect(printed).toContain('...R');
    expect(printed).toContain('fragment R on Record');
    expect(printed).toMatch(new RegExp(`records \\{\\s+${TYPENAME_MARKER}: __typename\\s+\\}`));
  });

  it('reports a denied field of a fragment at every path it is spread into', () => {
    const query = `
      { a: operation(code: "A") { ...Ops } b: operation(code: "B") { code ...Ops } }
      fragment Ops on Operation { results { hits } }`;
    const result = authorize(query, ANONYMOUS);
    expect(paths(result)).toEqual(['a.results', 'b.results']);
    expect(print(result.document)).not.toContain('fragment Ops'); // unused now: validation would refuse it
  });

  it('evaluates @skip and @include with the variables, defaults included', () => {
    const query = 'query Q($withMe: Boolean!, $hide: Boolean = true) { publicNotice me @include(if: $withMe) { name } again: me @skip(if: $hide) { id } }';
    const skipped = authorize(query, ANONYMOUS, { variables: { withMe: false } });
    expect(skipped.denied).toEqual([]);
    expect(skipped.document).toBe(skipped.original);

    const included = authorize(query, ANONYMOUS, { variables: { withMe: true, hide: false } });
    expect(paths(included)).toEqual(['me', 'again']);
    // Both variables lost their only use: the definitions go too (NoUnusedVariables).
    expect(print(included.document)).toBe('query Q {\n  publicNotice\n}');
  });

  it('does not judge a skipped fragment, and keeps it as written', () => {
    const query = `
      query Q($full: Boolean!) { operation(code: "A") { results { hits } ...Secret @include(if: $full) } }
      fragment Secret on Operation { riskScore }`;
    const result = authorize(query, ANONYMOUS, { variables: { full: false } });
    expect(paths(result)).toEqual(['operation.results']);
    const printed = print(result.document);
    expect(printed).toContain('...Secret @include(if: $full)');
    expect(printed).toContain('fragment Secret on Operation');
  });

  it('reports paths by response key, aliases included', () => {
    const result = authorize('{ op: operation(code: "A") { secret: results { hits } code } }', ANONYMOUS);
    expect(result.denied[0]).toMatchObject({ path: ['op', 'secret'], coordinate: 'Operation.results' });
  });

  it('omits list indices in paths through nested lists', () => {
    const result = authorize('{ operations { checkpoints { hits { id } name } } }', principal({ scopes: ['ops:read'] }));
    expect(paths(result)).toEqual(['operations.checkpoints.hits']);
  });

  it('never denies introspection, and keeps the fragments it uses', () => {
    const query = `
      { __typename __schema { queryType { name } } __type(name: "Hit") { ...T } me { name } }
      fragment T on __Type { name fields { name } }`;
    const result = authorize(query, ANONYMOUS);
    expect(paths(result)).toEqual(['me']);
    expect(result.nothingToExecute).toBe(false);
    expect(print(result.document)).toContain('fragment T on __Type');
  });
});

describe('authorizeOperation: shape of the filtered document', () => {
  it('returns the very same document when nothing is denied', () => {
    const document = parse('{ operation(code: "A") { name } }');
    const result = authorizeOperation(graph.rules, graph.schema, document, undefined, {}, ANONYMOUS);
    expect(result.document).toBe(document);
    expect(result.nothingToExecute).toBe(false);
  });

  it('keeps a parent whose every field was denied, with the typename marker', () => {
    const result = authorize('{ operation(code: "A") { results { hits } } publicNotice }', ANONYMOUS);
    expect(print(result.document)).toBe(`{\n  operation(code: "A") {\n    ${TYPENAME_MARKER}: __typename\n  }\n  publicNotice\n}`);
  });

  it('flags nothingToExecute when every root field is denied, and the document stays valid', () => {
    const result = authorize('query Q($code: String!) { me { name } operations { code } operation(code: $code) @skip(if: true) { code } }', ANONYMOUS, {
      variables: { code: 'A' },
    });
    expect(paths(result)).toEqual(['me', 'operations']);
    expect(result.nothingToExecute).toBe(true);

    const partly = authorize('{ me { name } publicNotice }', ANONYMOUS);
    expect(partly.nothingToExecute).toBe(false);
    expect(print(partly.document)).toBe('{\n  publicNotice\n}');
  });

  it('applies a requirement on the root type to every root field', () => {
    const rules: AccessRules = {
      types: new Map([...graph.rules.types, ['Query', { authenticated: true, scopes: null, policies: null }]]),
      fields: graph.rules.fields,
    };
    const result = authorize('{ __typename publicNotice }', ANONYMOUS, { rules });
    expect(result.denied).toEqual([expect.objectContaining({ path: ['publicNotice'], source: 'Query', rule: '@authenticated' })]);
    expect(print(result.document)).toBe('{\n  __typename\n}');
    expect(paths(authorize('{ publicNotice }', principal(), { rules }))).toEqual([]);
  });

  it('keeps only the selected operation of a multi-operation document', () => {
    const query = 'query Mine { me { name } publicNotice } query Ops { operations { code } }';
    const result = authorize(query, ANONYMOUS, { operationName: 'Mine' });
    expect(paths(result)).toEqual(['me']);
    expect(print(result.document)).toBe('query Mine {\n  publicNotice\n}');
    expect(() => authorize(query, ANONYMOUS)).toThrow('exactly one operation');
  });
});
