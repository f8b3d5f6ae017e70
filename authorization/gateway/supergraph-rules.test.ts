import { ApolloGateway } from '@apollo/gateway';
import { extractAccessRules, stripSecurityLinks } from './supergraph-rules';
import { composeTestGraph, FEDERATION_LINK } from './supergraph.fixture';

/** A minimal hand-written supergraph: lets a test use shapes composition never emits. */
function handWrittenSupergraph(links: string, body: string): string {
  return `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  ${links}
{ query: Query }
${body}`;
}

describe('extractAccessRules', () => {
  const graph = composeTestGraph();

  it('reads field requirements as OR-of-AND lists', () => {
    expect(graph.rules.fields.get('Operation.results')).toEqual({
      authenticated: false,
      scopes: [['ops:admin'], ['ops:read', 'ops:results']],
      policies: null,
    });
    expect(graph.rules.fields.get('Query.me')).toEqual({ authenticated: true, scopes: null, policies: null });
    expect(graph.rules.fields.get('Officer.badge')?.policies).toEqual([['role_admin'], ['role_officer']]);
    expect(graph.rules.fields.get('Officer.caseNotes')?.policies).toEqual([['clearance_restricted', 'purpose_declared']]);
    expect(graph.rules.fields.has('Operation.name')).toBe(false);
  });

  it('reads type requirements on objects and enums', () => {
    expect(graph.rules.types.get('Hit')).toEqual({ authenticated: false, scopes: null, policies: [['clearance_restricted']] });
    expect(graph.rules.types.get('Classification')?.scopes).toEqual([['classified:read']]);
    expect(graph.rules.types.get('Travel')?.authenticated).toBe(true);
    expect(graph.rules.types.has('Operation')).toBe(false);
  });

  it('ANDs the requirements two subgraphs put on one shared field', () => {
    expect(graph.rules.fields.get('Operation.summary')).toEqual({
      authenticated: false,
      scopes: [['analysis:read', 'ops:read']],
      policies: [['clearance_restricted']],
    });
  });

  it('ANDs several applications on one element, distributing OR groups and dropping subsumed ones', () => {
    const rules = extractAccessRules(handWrittenSupergraph(
      `@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
       @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)`,
      `type Query {
        a: Int @requiresScopes(scopes: [["x"], ["y"]]) @requiresScopes(scopes: [["z"]])
        b: Int @requiresScopes(scopes: [["admin"], ["read", "write"]]) @requiresScopes(scopes: [["admin"]])
        c: Int @requiresScopes(scopes: "solo")
      }
      type Secret @authenticated @requiresScopes(scopes: [["s"]]) { v: Int }
      extend type Secret @requiresScopes(scopes: [["t"]])`,
    ));
    expect(rules.fields.get('Query.a')?.scopes).toEqual([['x', 'z'], ['y', 'z']]);
    expect(rules.fields.get('Query.b')?.scopes).toEqual([['admin']]);
    expect(rules.fields.get('Query.c')?.scopes).toEqual([['solo']]);
    expect(rules.types.get('Secret')).toEqual({ authenticated: true, scopes: [['s', 't']], policies: null });
  });

  it('follows import aliases and link namespaces, and ignores same-named directives of other features', () => {
    const rules = extractAccessRules(handWrittenSupergraph(
      `@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY, import: [{name: "@policy", as: "@clearance"}])
       @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)`,
      `directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION
       type Query {
        a: Int @clearance(policies: [["p"]])
        b: Int @signedIn
        c: Int @policy(policies: [["not-the-linked-one"]])
        d: Int @authenticated
      }`,
    ));
    expect(rules.fields.get('Query.a')?.policies).toEqual([['p']]);
    expect(rules.fields.get('Query.b')?.authenticated).toBe(true);
    expect(rules.fields.has('Query.c')).toBe(false);
    expect(rules.fields.has('Query.d')).toBe(false);
  });

  it('reads aliased imports from a composed supergraph', () => {
    const aliased = composeTestGraph({
      a: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6",
            import: ["@key", {name: "@policy", as: "@pol"}, {name: "@authenticated", as: "@auth"}])
          type Query { x: Int @pol(policies: [["p"]]) @auth }`,
    });
    expect(aliased.supergraphSdl).toContain('as: "@pol"');
    expect(aliased.rules.fields.get('Query.x')).toEqual({ authenticated: true, scopes: null, policies: [['p']] });
  });

  it('refuses a version of a security feature whose semantics it does not know', () => {
    expect(() => extractAccessRules(handWrittenSupergraph(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.2", for: SECURITY)',
      'type Query { a: Int @requiresScopes(scopes: [["x"]]) }',
    ))).toThrow('requiresScopes/v0.2');
  });

  it('refuses a malformed argument', () => {
    expect(() => extractAccessRules(handWrittenSupergraph(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
      'type Query { a: Int @requiresScopes(scopes: [[1]]) }',
    ))).toThrow('Query.a');
  });
});

describe('stripSecurityLinks', () => {
  const graph = composeTestGraph();

  async function load(supergraphSdl: string) {
    const gateway = new ApolloGateway({ supergraphSdl, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    try {
      return await gateway.load();
    } finally {
      await gateway.stop().catch(() => undefined);
    }
  }

  it('the composed supergraph is refused by @apollo/gateway as is', async () => {
    await expect(load(graph.supergraphSdl)).rejects.toThrow(/is for: SECURITY but is unsupported/);
  });

  it('makes it loadable, keeping directives so the same rules can be read back', async () => {
    const stripped = stripSecurityLinks(graph.supergraphSdl);
    expect(stripped).not.toMatch(/authenticated\/v0\.1", for: SECURITY/);
    expect(stripped).toContain('@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)');
    expect(stripped).toContain('@requiresScopes(scopes: [["ops:read"]])');
    const { schema } = await load(stripped);
    expect(schema.getType('Operation')).toBeDefined();
    expect(extractAccessRules(stripped)).toEqual(graph.rules);
  });

  it('leaves security features it does not enforce, so the gateway still refuses them', () => {
    const sdl = graph.supergraphSdl.replace(
      '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)',
      '@link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY)\n  @link(url: "https://example.org/geofence/v1.0", for: SECURITY)',
    );
    const stripped = stripSecurityLinks(sdl);
    expect(stripped).toContain('@link(url: "https://example.org/geofence/v1.0", for: SECURITY)');
    expect(stripped).not.toContain('policy/v0.1", for: SECURITY');
  });

  it('returns a supergraph without security links unchanged', () => {
    const plain = composeTestGraph({ a: `${FEDERATION_LINK}\ntype Query { x: Int }` }).supergraphSdl;
    expect(stripSecurityLinks(plain)).toBe(plain);
  });
});
