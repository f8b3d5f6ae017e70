import { parse } from 'graphql';
import { authorizeOperation } from './authorize';
import { decisionCacheKey, documentClaims } from './decision-cache-key';
import { ANONYMOUS, composeTestGraph, principal } from './supergraph.fixture';

const graph = composeTestGraph();

describe('documentClaims', () => {
  it('lists the claims every selection, fragment and implementation can need', () => {
    const document = parse(`
      query Q($full: Boolean!) { operation(code: "A") { results { hits } ...F @include(if: $full) } records { owner } }
      fragment F on Operation { checkpoints { lead { id } } }`);
    expect(documentClaims(graph.rules, graph.schema, document)).toEqual({
      authenticated: true, // Record, copied from Travel by composition
      scopes: ['ops:admin', 'ops:read', 'ops:results', 'owner:read'],
      policies: ['clearance_restricted'],
      conditionVariables: ['full'],
    });
  });

  it('is empty for a document without requirements', () => {
    expect(documentClaims(graph.rules, graph.schema, parse('{ publicNotice operation(code: "A") { name } }')))
      .toEqual({ authenticated: false, scopes: [], policies: [], conditionVariables: [] });
  });
});

describe('decisionCacheKey', () => {
  const document = parse('query Q($withMe: Boolean!) { operation(code: "A") { results { hits } } me @include(if: $withMe) { name } }');
  const claims = documentClaims(graph.rules, graph.schema, document);
  const key = (who: Parameters<typeof decisionCacheKey>[1], variables: Record<string, unknown> = { withMe: true }) =>
    decisionCacheKey(claims, who, variables);

  it('ignores claims the document cannot use', () => {
    expect(key(principal({ scopes: ['ops:admin', 'training:read'], policies: ['role_admin'] })))
      .toBe(key(principal({ scopes: ['ops:admin'] })));
  });

  it('changes with every claim or condition that can change the verdict', () => {
    const base = key(principal({ scopes: ['ops:read'] }));
    expect(key(principal({ scopes: ['ops:read', 'ops:results'] }))).not.toBe(base);
    expect(key(principal({ authenticated: false, scopes: ['ops:read'] }))).not.toBe(base);
    expect(key(principal({ scopes: ['ops:read'] }), { withMe: false })).not.toBe(base);
    expect(key(principal({ scopes: ['ops:read'] }), {})).not.toBe(key(principal({ scopes: ['ops:read'] }), { withMe: null }));
  });

  it('equal keys give equal verdicts', () => {
    const verdict = (who: Parameters<typeof decisionCacheKey>[1]) =>
      authorizeOperation(graph.rules, graph.schema, document, 'Q', { withMe: true }, who).denied.map((d) => d.path.join('.'));
    const a = principal({ scopes: ['ops:admin', 'training:read'], policies: ['role_admin'] });
    const b = principal({ scopes: ['ops:admin'] });
    expect(key(a)).toBe(key(b));
    expect(verdict(a)).toEqual(verdict(b));
    expect(verdict(ANONYMOUS)).not.toEqual(verdict(a));
  });
});
