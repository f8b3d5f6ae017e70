import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { buildSchema } from 'graphql';
import { loadConfig } from '../hub/config';
import { repoRoot } from '../platform/config';
import { limitsFromConfig } from './limits';
import { loadTrustedDocuments, TrustedDocumentsError } from './trusted-documents';

// The committed API schema is what the gateway derives from the supergraph (schema:check keeps them equal).
const schema = buildSchema(readFileSync(path.join(repoRoot, 'schema', 'api-contract.graphql'), 'utf8'));
/** The default limits, with a token limit small enough to exceed in a test. */
const limits = { ...limitsFromConfig(loadConfig({})), maxTokens: 100 };

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const operations = `query Operations { operations(first: 2) { edges { node { code } } } }`;
const entry = (body: string, overrides: Record<string, unknown> = {}) => ({ id: sha(body), name: 'Operations', type: 'query', body, ...overrides });
const manifest = (entries: unknown[]) => JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: entries });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'frontera-trusted-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
const post = (body: unknown): HTTPGraphQLRequest => ({ method: 'POST', headers: new HeaderMap(), search: '', body });
const problemsOf = () => {
  try {
    loadTrustedDocuments(dir, { schema, limits });
  } catch (error) {
    expect(error).toBeInstanceOf(TrustedDocumentsError);
    return (error as TrustedDocumentsError).problems;
  }
  throw new Error('expected the manifests to be refused');
};

test('every problem of every manifest is reported at once', () => {
  write('web.json', manifest([entry(operations, { id: sha('other') }), entry('query {', {}), entry(operations, { name: '', type: 'fragment' })]));
  write('broken.json', '{');
  write('old.json', JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 2, operations: {} }));
  write('bad name!.json', manifest([]));
  write('huge.json', manifest([entry(`{ ${'a '.repeat(200)}}`)]));
  const problems = problemsOf().join('\n');
  expect(problems).toMatch(/web\.json: operations\[0\] \(Operations\): id must be the SHA-256/);
  expect(problems).toMatch(/web\.json: operations\[1\].*body is not a GraphQL document/);
  expect(problems).toMatch(/web\.json: operations\[2\].*name must be/);
  expect(problems).toMatch(/web\.json: operations\[2\].*type must be query, mutation or subscription/);
  expect(problems).toMatch(/broken\.json: not valid JSON/);
  expect(problems).toMatch(/old\.json: version must be 1/);
  expect(problems).toMatch(/old\.json: operations must be an array/);
  expect(problems).toMatch(/bad name!\.json: the file name must be the client's name/);
  expect(problems).toMatch(/huge\.json: .*within MAX_TOKENS \(100\)/);
});

test('an operation that could never run stops start-up, named with its file, name and id and the first reason', () => {
  const cases: [name: string, body: string, reason: RegExp][] = [
    ['UnknownField', `query UnknownField { operationz(first: 2) { edges { node { code } } } }`, /does not validate against the API schema: Cannot query field "operationz" on type "Query"/],
    ['WrongArgument', `query WrongArgument($c: Int) { operation(code: $c) { code } }`, /does not validate against the API schema: Variable "\$c" of type "Int" used in position expecting type "String"/],
    ['TooDeep', `query TooDeep { operations(first: 1) { edges { node { checkpoints { deployments { checkpoint { deployments { checkpoint { deployments { checkpoint { deployments { checkpoint { id } } } } } } } } } } } } }`, /depth limit of 12 exceeded/],
    ['TooManyAliases', `query TooManyAliases { operations(first: 1) { edges { node { ${Array.from({ length: 31 }, (_, i) => `a${i}: code`).join(' ')} } } } }`, /Aliases limit of 30 exceeded, found 31/],
    ['HugePage', `query HugePage { operations(first: 1000) { edges { node { code } } } }`, /first must be between 1 and 100; got 1000 \(Query.operations\)/],
    ['NulLiteral', `query NulLiteral { operation(code: "a\\u0000") { code } }`, /string literal contains NUL/],
  ];
  write('web.json', manifest(cases.map(([name, body]) => entry(body, { name }))));
  const problems = (() => {
    try {
      loadTrustedDocuments(dir, { schema, limits: { ...limits, maxTokens: 3000 } });
    } catch (error) {
      expect(error).toBeInstanceOf(TrustedDocumentsError);
      return (error as TrustedDocumentsError).problems;
    }
    throw new Error('expected the manifest to be refused');
  })();
  expect(problems).toHaveLength(cases.length);
  cases.forEach(([name, body, reason], i) => {
    expect(problems[i]).toContain(`web.json: operations[${i}] (${name}), id ${sha(body)}: `);
    expect(problems[i]).toMatch(reason);
  });
});

test('the cost counts literal page sizes, and variable ones at 1: an operation that can run with small pages is accepted', () => {
  const nested = (first: string) => `query Nested${first.startsWith('$') ? `(${first}: Int!)` : ''} { operations(first: ${first}) { edges { node { trainingSessions { enrollments { participant { checkpoint { deployments { operation { checkpoints { name } } } } } } } } } } }`;
  write('web.json', manifest([entry(nested('$n'), { name: 'Nested' })]));
  expect(loadTrustedDocuments(dir, { schema, limits: { ...limits, maxTokens: 3000 } }).clients()).toEqual(['web']);
  write('web.json', manifest([entry(nested('100'), { name: 'Nested' })]));
  expect(() => loadTrustedDocuments(dir, { schema, limits: { ...limits, maxTokens: 3000 } })).toThrow(/operations\[0\] \(Nested\), id [0-9a-f]{64}: cost limit of 500000 exceeded, found \d+/);
});

test('a missing or empty folder stops start-up', () => {
  expect(problemsOf()).toEqual([expect.stringMatching(/holds no <client name>\.json manifest/)]);
  rmSync(dir, { recursive: true });
  expect(problemsOf()).toEqual([expect.stringMatching(/is not a folder/)]);
});

describe('admission', () => {
  const admit = (client: string | undefined, request: HTTPGraphQLRequest) => {
    write('web.json', manifest([entry(operations)]));
    return loadTrustedDocuments(dir, { schema, limits }).admit(client, request);
  };

  test('by id, by exact text, by text laid out differently, by GET', () => {
    expect(admit('web', post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(operations) } } })).body).toBe(operations);
    expect(admit('web', post({ query: operations })).name).toBe('Operations');
    expect(admit('web', post({ query: `# listed\nquery Operations {\n  operations(first: 2) { edges { node { code } } }\n}` })).id).toBe(sha(operations));
    const search = `?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(operations) } }))}`;
    expect(admit('web', { method: 'GET', headers: new HeaderMap(), search, body: undefined }).body).toBe(operations);
  });

  test.each([
    ['no client', undefined, { query: operations }, /No apollographql-client-name header/],
    ['an unknown client', 'app', { query: operations }, /Client "app" has no registered operations/],
    ['an unknown id', 'web', { extensions: { persistedQuery: { sha256Hash: sha('x') } } }, /persisted query id is not registered/],
    ['an id with another text', 'web', { query: '{ __typename }', extensions: { persistedQuery: { sha256Hash: sha(operations) } } }, /does not match the registered operation/],
    ['another document', 'web', { query: `query Operations { operations(first: 3) { edges { node { code } } } }` }, /This document is not registered/],
    ['a document that does not parse', 'web', { query: '{' }, /This document is not registered/],
    ['nothing', 'web', {}, /No persisted query id and no query/],
  ])('%s is refused with OPERATION_NOT_TRUSTED (400)', (_name, client, body, message) => {
    let error: any;
    try {
      admit(client, post(body));
    } catch (e) {
      error = e;
    }
    expect(error?.message).toMatch(message);
    expect(error?.extensions).toEqual({ code: 'OPERATION_NOT_TRUSTED', http: { status: 400 } });
  });
});

test('a manifest the hub registers itself (the console) is admitted for its client, and may not be in the folder too', () => {
  const own = mkdtempSync(path.join(os.tmpdir(), 'frontera-console-build-'));
  try {
    writeFileSync(path.join(own, 'console.json'), manifest([entry(operations)]));
    write('web.json', manifest([entry(operations)]));
    const trusted = loadTrustedDocuments(dir, { schema, limits, manifests: { console: path.join(own, 'console.json') } });
    expect(trusted.clients().sort()).toEqual(['console', 'web']);
    expect(trusted.admit('console', post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha(operations) } } })).name).toBe('Operations');

    write('console.json', manifest([entry(operations)]));
    expect(() => loadTrustedDocuments(dir, { schema, limits, manifests: { console: path.join(own, 'console.json') } })).toThrow(/console\.json: the hub registers this client's manifest itself/);
  } finally {
    rmSync(own, { recursive: true, force: true });
  }
});
