import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { type GraphQLSchema, lexicographicSortSchema, parse } from 'graphql';
import { buildSchema, createResolversMap, getMetadataStorage, type NonEmptyArray } from 'type-graphql';
import { roleChecker } from '../../authorization/subgraph/releasability';
import { addFieldHooks } from './field-hooks';
import type { SubgraphContext, SubgraphTools } from './context';
import { scalarsMap } from './scalars';

/** Resolves `_entities` representations of one type; batch through a loader, never one query each. */
export type ReferenceResolver<Loaders> = (reference: Record<string, unknown>, context: SubgraphContext<Loaders>) => unknown;

/** Migrations in the order they run; listed explicitly so compiled and test builds load the same ones. */
export type MigrationList = MigrationObject[];

/**
 * Everything the hub needs to know about one subgraph. Every subgraph (operations, training,
 * audit, each partner) exports one of these from its `subgraph.ts` and nothing else varies.
 */
export interface SubgraphDefinition<Loaders = unknown> {
  /** Subgraph name in the supergraph and in `SUBGRAPH_URLS`. */
  name: string;
  /** PostgreSQL schema owned by this subgraph's role. */
  dbSchema: string;
  /** One line for the README and logs. */
  description: string;
  entities: Function[];
  resolvers: NonEmptyArray<Function>;
  /** Types only reachable through `_entities` (e.g. entity stubs this subgraph extends). */
  orphanedTypes?: Function[];
  references: Record<string, ReferenceResolver<Loaders>>;
  createLoaders(em: EntityManager): Loaders;
  migrations: MigrationList;
  /**
   * The access log's store and read API: its migrations create the store (the writer's role is
   * provisioned after them), and it gets the audit key's hash of search terms (`tools.auditTerm`).
   */
  ownsAccessLog?: boolean;
  /** Loads the demo data set; must be idempotent. */
  seed?(em: EntityManager, tools: Pick<SubgraphTools, 'subjectRef'>): Promise<void>;
}

/** Identity helper that gives `defineSubgraph({...})` call sites full type inference. */
export function defineSubgraph<Loaders>(definition: SubgraphDefinition<Loaders>): SubgraphDefinition<Loaders> {
  return definition;
}

/**
 * Federation 2.6: the first version whose `@link` accepts `@authenticated`, `@requiresScopes` and
 * `@policy`, so access rules can be declared in any subgraph without changing this header.
 */
export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@authenticated", "@requiresScopes", "@policy"])';

/** SDL of a subgraph as composition sees it (federation link first, types sorted for stable diffs). */
export async function subgraphSdl(definition: SubgraphDefinition<any>): Promise<string> {
  const schema = await buildTypeGraphQLSchema(definition);
  return `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(lexicographicSortSchema(schema))}`;
}

async function buildTypeGraphQLSchema(definition: SubgraphDefinition<any>): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: definition.resolvers,
    orphanedTypes: definition.orphanedTypes,
    scalarsMap,
    authChecker: roleChecker,
    skipCheck: true,
    validate: false,
  });
}

/**
 * Fields, by object type name, that read a property of the same name and nothing else: no field
 * resolver, no `@Authorized` roles, no middleware, in every class that declares a type of that
 * name. type-graphql still gives each one a resolver that allocates its middleware data on every
 * call; graphql-js's default resolver reads the same property without it.
 */
function propertyReads(): Map<string, Set<string>> {
  const storage = getMetadataStorage();
  const resolved = new Map<unknown, Set<string>>();
  for (const resolver of storage.fieldResolvers) {
    const target = resolver.getObjectType?.();
    resolved.set(target, (resolved.get(target) ?? new Set()).add(resolver.methodName));
  }
  const reads = new Map<string, Set<string>>();
  const notReads = new Set<string>();
  for (const objectType of storage.objectTypes) {
    for (const field of objectType.fields ?? []) {
      const coordinate = `${objectType.name}.${field.schemaName}`;
      const plain = field.name === field.schemaName && !field.roles?.length && !field.middlewares?.length && !resolved.get(field.target)?.has(field.name);
      if (!plain) notReads.add(coordinate);
      else if (!notReads.has(coordinate)) reads.set(objectType.name, (reads.get(objectType.name) ?? new Set()).add(field.schemaName));
    }
  }
  for (const coordinate of notReads) {
    const [typeName, fieldName] = coordinate.split('.');
    reads.get(typeName)?.delete(fieldName);
  }
  return reads;
}

/** Builds the executable federated schema: type-graphql types, batched reference resolvers and the field hooks. */
export async function buildFederatedSchema(definition: SubgraphDefinition<any>, limits: { maxPageSize: number }): Promise<GraphQLSchema> {
  const schema = await buildTypeGraphQLSchema(definition);
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, fieldNames] of propertyReads()) {
    const typeResolvers = resolvers[typeName] as Record<string, unknown> | undefined;
    for (const fieldName of fieldNames) if (typeResolvers) delete typeResolvers[fieldName];
  }
  for (const [typeName, resolveReference] of Object.entries(definition.references)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), __resolveReference: resolveReference } as never;
  }
  return addFieldHooks(buildSubgraphSchema({ typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`), resolvers }), limits.maxPageSize);
}
