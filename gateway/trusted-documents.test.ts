import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { loadTrustedDocuments, TrustedDocumentsError } from './trusted-documents';

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
    loadTrustedDocuments(dir, { maxTokens: 100 });
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

test('a missing or empty folder stops start-up', () => {
  expect(problemsOf()).toEqual([expect.stringMatching(/holds no <client name>\.json manifest/)]);
  rmSync(dir, { recursive: true });
  expect(problemsOf()).toEqual([expect.stringMatching(/is not a folder/)]);
});

describe('admission', () => {
  const admit = (client: string | undefined, request: HTTPGraphQLRequest) => {
    write('web.json', manifest([entry(operations)]));
    return loadTrustedDocuments(dir, { maxTokens: 100 }).admit(client, request);
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
