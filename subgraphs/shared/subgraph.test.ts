import 'reflect-metadata';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { buildFederatedSchema } from './subgraph';
import operations from '../operations/subgraph';

// Plain property reads lose type-graphql's per-call resolver (graphql-js reads the property
// itself); everything with behaviour keeps its own: field resolvers, `@Authorized` checks,
// reference resolvers and the field hooks.
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildFederatedSchema(operations, { maxPageSize: 100 });
});

const field = (coordinate: string) => {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return type.getFields()[fieldName];
};

test('plain properties of types without an id are read by graphql-js directly', () => {
  for (const coordinate of ['Period.start', 'Location.place', 'OperationResults.checks', 'OperationEdge.node', 'PageInfo.endCursor', 'Handling.owner']) {
    expect([coordinate, field(coordinate).resolve]).toEqual([coordinate, undefined]);
  }
});

test('field resolvers, role checks and the hooks of types with an id keep their resolvers', () => {
  for (const coordinate of ['Operation.results', 'Operation.code', 'Hit.timeToDecisionMs', 'Mutation.screenDocument', 'Query.operations', 'Query._entities']) {
    expect([coordinate, typeof field(coordinate).resolve]).toEqual([coordinate, 'function']);
  }
});
