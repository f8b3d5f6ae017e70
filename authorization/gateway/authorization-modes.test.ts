import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, print } from 'graphql';
import { ErrorCode } from '../../platform/errors';
import { applyDeniedNulls, applyMode, unauthorizedErrors } from './authorization-modes';
import { authorizeOperation, TYPENAME_MARKER, type DeniedField } from './authorize';
import { stripSecurityLinks } from './supergraph-rules';
import { ANALYSIS_SDL, ANONYMOUS, composeTestGraph, OPERATIONS_SDL, principal } from './supergraph.fixture';

const graph = composeTestGraph();

const denied = (path: string[], types: string[], onTypes?: (string[] | undefined)[]): DeniedField => ({
  path,
  coordinate: `X.${path[path.length - 1]}`,
  rule: '@authenticated',
  source: 'X',
  segments: types.map((type, i) => (onTypes?.[i] ? { type, onTypes: onTypes[i] } : { type })),
});

describe('applyMode', () => {
  const query = '{ publicNotice me { name } operation(code: "A") { results { hits } } }';
  const result = authorizeOperation(graph.rules, graph.schema, parse(query), undefined, {}, ANONYMOUS);
  const expectedErrors = [
    { message: 'Unauthorized field or type', path: ['me'], extensions: { code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } },
    { message: 'Unauthorized field or type', path: ['operation', 'results'], extensions: { code: ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE } },
  ];

  it('filter: executes the filtered document, nulls denied paths, one error each', () => {
    const decision = applyMode('filter', result);
    expect(decision).toMatchObject({ rejected: false, nothingToExecute: false, nullDenied: true, errors: expectedErrors });
    expect(decision.document).toBe(result.document);
    expect(print(decision.document!)).not.toMatch(/\bme\b/);
  });

  it('reject: refuses the operation, listing every denied path', () => {
    expect(applyMode('reject', result)).toMatchObject({ rejected: true, document: null, nullDenied: false, errors: expectedErrors });
  });

  it('dry-run: executes the original document and only reports', () => {
    const decision = applyMode('dry-run', result);
    expect(decision).toMatchObject({ rejected: false, errors: [], nullDenied: false, nothingToExecute: false });
    expect(decision.document).toBe(result.original);
    expect(decision.denied.map((d) => d.path.join('.'))).toEqual(['me', 'operation.results']);
  });

  it('every mode executes the original untouched when nothing is denied', () => {
    const allowed = authorizeOperation(graph.rules, graph.schema, parse('{ publicNotice }'), undefined, {}, ANONYMOUS);
    for (const mode of ['filter', 'reject', 'dry-run'] as const) {
      expect(applyMode(mode, allowed)).toMatchObject({ rejected: false, document: allowed.original, errors: [] });
    }
  });

  it('filter passes nothingToExecute on; reject does not need it', () => {
    const none = authorizeOperation(graph.rules, graph.schema, parse('{ me { name } }'), undefined, {}, ANONYMOUS);
    expect(applyMode('filter', none).nothingToExecute).toBe(true);
    expect(applyMode('reject', none).rejected).toBe(true);
    expect(applyDeniedNulls({}, none.denied)).toEqual({ me: null });
  });
});

describe('unauthorizedErrors', () => {
  it('gives one error per distinct path', () => {
    const errors = unauthorizedErrors([
      denied(['records', 'summary'], ['[Record!]!', 'String'], [undefined, ['Travel']]),
      denied(['records', 'summary'], ['[Record!]!', 'String'], [undefined, ['Seizure']]),
      denied(['me'], ['Officer']),
    ]);
    expect(errors.map((error) => error.path)).toEqual([['records', 'summary'], ['me']]);
  });
});

describe('applyDeniedNulls', () => {
  it('inserts null at a denied path, into every element of (nested) lists', () => {
    const data = { operations: [{ checkpoints: [{ name: 'a' }, { name: 'b' }] }, { checkpoints: [] }, null] };
    applyDeniedNulls(data, [denied(['operations', 'checkpoints', 'hits'], ['[Operation!]', '[Checkpoint!]!', '[[Hit!]]'])]);
    expect(data).toEqual({ operations: [{ checkpoints: [{ name: 'a', hits: null }, { name: 'b', hits: null }] }, { checkpoints: [] }, null] });
  });

  it('walks lists of lists', () => {
    const data = { grid: [[{ a: 1 }], [{ a: 2 }, null]] };
    applyDeniedNulls(data, [denied(['grid', 'secret'], ['[[Cell]]', 'Int'])]);
    expect(data).toEqual({ grid: [[{ a: 1, secret: null }], [{ a: 2, secret: null }, null]] });
  });

  it('propagates a null in a non-null position to the nearest nullable parent', () => {
    const data = { operation: { code: 'A', checkpoints: [{ name: 'a' }] }, publicNotice: 'hi' };
    // Checkpoint.lead is Hit!, items are Checkpoint!, the list is non-null: the operation becomes null.
    applyDeniedNulls(data, [denied(['operation', 'checkpoints', 'lead'], ['Operation', '[Checkpoint!]!', 'Hit!'])]);
    expect(data).toEqual({ operation: null, publicNotice: 'hi' });

    const nullableItems = { operation: { checkpoints: [{ name: 'a' }] } };
    applyDeniedNulls(nullableItems, [denied(['operation', 'checkpoints', 'lead'], ['Operation', '[Checkpoint]!', 'Hit!'])]);
    expect(nullableItems).toEqual({ operation: { checkpoints: [null] } });
  });

  it('returns null when propagation reaches the root', () => {
    expect(applyDeniedNulls({}, [denied(['operations'], ['[Operation!]!'])])).toBeNull();
  });

  it('under a type condition, nulls only objects of that type and removes the markers', () => {
    const data = {
      records: [
        { id: '1', [TYPENAME_MARKER]: 'Seizure' },
        { id: '2', owner: 'kept', [TYPENAME_MARKER]: 'Note' },
        { id: '3', [TYPENAME_MARKER]: 'Travel' },
      ],
    };
    applyDeniedNulls(data, [
      denied(['records', 'owner'], ['[Record!]!', 'String'], [undefined, ['Seizure']]),
      denied(['records', 'summary'], ['[Record!]!', 'String'], [undefined, ['Travel']]),
    ]);
    expect(data).toEqual({ records: [{ id: '1', owner: null }, { id: '2', owner: 'kept' }, { id: '3', summary: null }] });
  });

  it('never overwrites a value an authorized selection fetched', () => {
    const data = { me: { name: 'x' } };
    applyDeniedNulls(data, [denied(['me', 'name'], ['Officer', 'String!'])]);
    expect(data).toEqual({ me: { name: 'x' } });
  });
});

describe('through @apollo/gateway', () => {
  const calls = { operations: 0, analysis: 0 };
  const operationsSchema = buildSubgraphSchema({
    typeDefs: parse(OPERATIONS_SDL),
    resolvers: {
      Query: {
        operation: (_: unknown, { code }: { code: string }) => (calls.operations++, {
          code, name: `Operation ${code}`, summary: 'S', checkpoints: [{ id: 'c1', name: 'North', hits: [[{ id: 'h1', subject: 'x' }]], lead: { id: 'h1' } }],
        }),
        records: () => [
          { __typename: 'Seizure', id: '1', summary: 'seized', owner: 'fra' },
          { __typename: 'Note', id: '2', summary: 'note', owner: 'hub' },
          { __typename: 'Travel', id: '3', summary: 'trip', owner: 'wco' },
        ],
      },
      Record: { __resolveType: (record: { __typename: string }) => record.__typename },
    },
  });
  const analysisSchema = buildSubgraphSchema({
    typeDefs: parse(ANALYSIS_SDL),
    resolvers: {
      Operation: { __resolveReference: ({ code }: { code: string }) => (calls.analysis++, { code, summary: 'S', riskScore: 0.7 }) },
    },
  });
  const gateway = new ApolloGateway({
    supergraphSdl: stripSecurityLinks(graph.supergraphSdl),
    buildService: ({ name }) => new LocalGraphQLDataSource(name === 'analysis' ? analysisSchema : operationsSchema),
  });
  const server = new ApolloServer({ gateway });

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('plans the filtered document, skips a subgraph left with nothing to fetch, and answers nulls with errors', async () => {
    const query = `query Q {
      operation(code: "A") { code name risk: riskScore checkpoints { name hits { id } } }
      records { id ... on Seizure { owner } }
    }`;
    const result = authorizeOperation(graph.rules, graph.schema, parse(query), 'Q', {}, principal({ scopes: ['ops:read'] }));
    const decision = applyMode('filter', result);
    const response = await server.executeOperation({ query: print(decision.document!), operationName: 'Q' });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors).toBeUndefined();
    const data = applyDeniedNulls(response.body.singleResult.data as Record<string, unknown>, decision.denied);

    expect(data).toEqual({
      operation: { code: 'A', name: 'Operation A', risk: null, checkpoints: [{ name: 'North', hits: null }] },
      records: [{ id: '1', owner: null }, { id: '2' }, { id: '3' }],
    });
    expect(decision.errors.map((error) => error.path)).toEqual([['operation', 'risk'], ['operation', 'checkpoints', 'hits'], ['records', 'owner']]);
    expect(calls).toEqual({ operations: 1, analysis: 0 });
  });

  it('the original document, authorized, does reach the second subgraph', async () => {
    const query = '{ operation(code: "B") { riskScore } }';
    const result = authorizeOperation(graph.rules, graph.schema, parse(query), undefined, {}, principal({ policies: ['clearance_restricted'] }));
    expect(result.denied).toEqual([]);
    const response = await server.executeOperation({ query: print(result.document) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.data).toEqual({ operation: { riskScore: 0.7 } });
    expect(calls.analysis).toBe(1);
  });
});
