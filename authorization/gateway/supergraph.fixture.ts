import { composeServices } from '@apollo/composition';
import { parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { extractAccessRules, type AccessRules } from './supergraph-rules';
import type { CallerRights } from './access-requirement';

/** The federation link every test subgraph starts with (v2.6: the first with `@policy`). */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy", "@shareable"])';

/** Operations subgraph: scopes, policies, a type-level policy, a protected enum and an interface. */
export const OPERATIONS_SDL = `${FEDERATION_LINK}
type Query {
  operation(code: String!): Operation
  operations: [Operation!]! @requiresScopes(scopes: [["ops:read"]])
  publicNotice: String
  me: Officer @authenticated
  records: [Record!]!
  record(id: ID!): Record
}

type Operation @key(fields: "code") {
  code: String!
  name: String
  summary: String @shareable @requiresScopes(scopes: [["ops:read"]])
  results: OperationResults @requiresScopes(scopes: [["ops:read", "ops:results"], ["ops:admin"]])
  checkpoints: [Checkpoint!]!
  classification: Classification
}

type OperationResults {
  hits: Int
  seizures: Int
}

type Checkpoint {
  id: ID!
  name: String!
  hits: [[Hit!]]
  lead: Hit!
}

type Hit @policy(policies: [["clearance_restricted"]]) {
  id: ID!
  subject: String
}

enum Classification @requiresScopes(scopes: [["classified:read"]]) {
  OFFICIAL_USE
  RESTRICTED
}

type Officer {
  id: ID!
  name: String!
  badge: String @policy(policies: [["role_officer"], ["role_admin"]])
  caseNotes: String @policy(policies: [["clearance_restricted", "purpose_declared"]])
}

interface Record {
  id: ID!
  summary: String
  owner: String
}

type Seizure implements Record {
  id: ID!
  summary: String
  owner: String @requiresScopes(scopes: [["owner:read"]])
}

type Travel implements Record @authenticated {
  id: ID!
  summary: String
  owner: String
}

type Note implements Record {
  id: ID!
  summary: String
  owner: String
}
`;

/** Analysis subgraph: adds its own requirements to the shared `Operation.summary`. */
export const ANALYSIS_SDL = `${FEDERATION_LINK}
type Operation @key(fields: "code") {
  code: String!
  summary: String @shareable @requiresScopes(scopes: [["analysis:read"]]) @policy(policies: [["clearance_restricted"]])
  riskScore: Float @policy(policies: [["clearance_restricted"]])
}
`;

export interface TestGraph {
  supergraphSdl: string;
  schema: GraphQLSchema;
  rules: AccessRules;
}

/** Composes subgraph SDLs offline, as `schema:compose` does, and derives the API schema and rules. */
export function composeTestGraph(subgraphs: Record<string, string> = { operations: OPERATIONS_SDL, analysis: ANALYSIS_SDL }): TestGraph {
  const result = composeServices(Object.entries(subgraphs).map(([name, sdl]) => ({
    name,
    url: `http://${name}.test/graphql`,
    typeDefs: parse(sdl),
  })));
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return {
    supergraphSdl: result.supergraphSdl,
    schema: result.schema.toAPISchema().toGraphQLJSSchema(),
    rules: extractAccessRules(result.supergraphSdl),
  };
}

/** A principal for tests; `policies` lists the policy names that pass. */
export function principal(claims: { authenticated?: boolean; scopes?: string[]; policies?: string[] } = {}): CallerRights {
  const passing = new Set(claims.policies ?? []);
  return {
    authenticated: claims.authenticated ?? true,
    scopes: claims.scopes ?? [],
    policies: (name) => passing.has(name),
  };
}

export const ANONYMOUS = principal({ authenticated: false });

/** Validation messages of `document` against `schema`; empty when valid. */
export function validationErrors(schema: GraphQLSchema, document: DocumentNode): string[] {
  return validate(schema, document).map((error) => error.message);
}
