import { prefersLegacyJson } from './request-errors';

describe('prefersLegacyJson: the client named application/json over application/graphql-response+json', () => {
  test.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['text/html, application/json;q=0.5', true],
    ['application/json, application/graphql-response+json', true],
    ['application/graphql-response+json;q=0.5, application/json', true],
    ['application/graphql-response+json, application/json;q=0.9', false],
    ['application/graphql-response+json', false],
    ['application/json;q=0', false],
    ['*/*', false],
    ['application/*', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (accept, expected) => {
    expect(prefersLegacyJson(accept)).toBe(expected);
  });
});
