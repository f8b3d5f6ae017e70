import type { GraphQLFormattedError } from 'graphql';
import { createLogger } from '../platform/logger';
import { formatGatewayError, scrubMessage } from './masking';

const log = createLogger('silent');
const production = formatGatewayError({ production: true, log });
const development = formatGatewayError({ production: false, log });
const error = (message: string, extensions: Record<string, unknown> = {}): GraphQLFormattedError => ({ message, path: ['operations'], locations: [{ line: 1, column: 3 }], extensions });

describe('in production', () => {
  test('an internal error keeps its code and loses its message, stack and every other extension', () => {
    const masked = production(error('select * from operation where code = $1: relation "operation" does not exist', { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x (/srv/app.js:1:1)'], exception: { host: 'db' } }), new Error());
    expect(masked).toEqual({ message: 'Internal server error', path: ['operations'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  test('a subgraph failure names no service', () => {
    expect(production(error('request to http://operations.internal:4001/graphql failed', { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'operations' }), null)).toEqual(
      expect.objectContaining({ message: 'A service behind the gateway failed; retry later', extensions: { code: 'DOWNSTREAM_SERVICE_ERROR' } }),
    );
  });

  test('a subgraph timeout keeps its code and names no service', () => {
    expect(production(error('The frontex service did not answer within 10000 ms; retry later', { code: 'SUBGRAPH_TIMEOUT' }), null)).toEqual(
      expect.objectContaining({ message: 'A service behind the gateway did not answer in time; retry later', extensions: { code: 'SUBGRAPH_TIMEOUT' } }),
    );
  });

  test('an unknown code becomes INTERNAL_SERVER_ERROR; no code at all too', () => {
    expect(production(error('ECONNREFUSED 10.0.0.7:5432', { code: 'ECONNREFUSED' }), null).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(production(error('boom'), null)).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  test('a client error keeps its message and the extensions meant for clients', () => {
    const formatted = production(error('first must be between 1 and 100; got 0', { code: 'BAD_USER_INPUT', field: 'first', serviceName: 'operations' }), null);
    expect(formatted).toMatchObject({ message: 'first must be between 1 and 100; got 0', extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
    expect(formatted.extensions).not.toHaveProperty('serviceName');
  });

  test('a client error loses any address or SQL it carries', () => {
    expect(production(error('Unknown partner: see http://registry.internal:8080/partners', { code: 'NOT_FOUND' }), null).message).toBe('Unknown partner: see [internal]');
    expect(production(error('could not reach operations.hub.internal:4001 or 10.1.2.3', { code: 'CONFLICT' }), null).message).toBe('could not reach [internal] or [internal]');
    expect(production(error('duplicate key value violates unique constraint "operation_code_unique"', { code: 'CONFLICT' }), null).message).toBe('The request could not be processed');
  });
});

test('every limit refusal is OPERATION_TOO_COMPLEX, in every environment', () => {
  for (const format of [production, development]) {
    expect(format(error('Operation refused: depth limit of 12 exceeded, found 13.', { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' }), null).extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'depth' });
  }
});

test('the token limit, a parse error, is a limit refusal too', () => {
  const parse = error('Syntax Error: Document contains more that 3000 tokens. Parsing aborted.', { code: 'GRAPHQL_PARSE_FAILED' });
  expect(development(parse, null).extensions).toEqual({ code: 'OPERATION_TOO_COMPLEX', limit: 'tokens' });
  expect(production(parse, null)).toMatchObject({ message: parse.message, extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'tokens' } });
  expect(development(error('Syntax Error: Expected Name, found <EOF>.', { code: 'GRAPHQL_PARSE_FAILED' }), null).extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
});

test('outside production errors pass unchanged', () => {
  const original = error('request to http://localhost:4001/graphql failed', { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] });
  expect(development(original, null)).toBe(original);
});

test('scrubbing leaves dates, times and codes alone', () => {
  for (const text of ['startsOn must be on or after 2026-05-04T10:00:00Z', 'first must be between 1 and 100; got 101 (Query.operations, a whole number)', 'CountryCode must be ISO 3166-1 alpha-3: THA']) {
    expect(scrubMessage(text, 'x')).toBe(text);
  }
});

test('SQL is recognised by its shape, not by a word', () => {
  for (const sql of ['select id from operation where code = $1', 'insert into "access_event" values', 'update operation set status = 1', 'delete from participant', 'syntax error at or near "drop"', 'null value in column "code" violates not-null constraint']) {
    expect(scrubMessage(sql, 'masked')).toBe('masked');
  }
  expect(scrubMessage('Cannot delete a certified enrolment; update its assessment instead', 'masked')).toBe('Cannot delete a certified enrolment; update its assessment instead');
});
