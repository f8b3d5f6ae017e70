import { buildSchema, parse } from 'graphql';
import { deniedPaths, fieldCoordinates } from './coordinates';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Operation implements Node { id: ID! code: String! checkpoints: [Checkpoint!]! }
  type Checkpoint implements Node { id: ID! name: String! }
  type Query { operation(code: String!): Operation node(id: ID!): Node checkpoints: [Checkpoint!]! }
`);

describe('fieldCoordinates', () => {
  test('lists the fields of the executed operation, through its fragments, once each and sorted', () => {
    const document = parse(`
      query A { operation(code: "X") { ...Op __typename } node(id: "1") { id ... on Checkpoint { name } } }
      query B { checkpoints { name } }
      fragment Op on Operation { code checkpoints { ...Cp } }
      fragment Cp on Checkpoint { id name }
      fragment Unused on Operation { id }
    `);
    expect(fieldCoordinates(schema, document, 'A')).toEqual([
      'Checkpoint.id',
      'Checkpoint.name',
      'Node.id',
      'Operation.checkpoints',
      'Operation.code',
      'Query.node',
      'Query.operation',
    ]);
    expect(fieldCoordinates(schema, document, 'B')).toEqual(['Checkpoint.name', 'Query.checkpoints']);
  });

  test('no operation to execute, no coordinates', () => {
    const document = parse('query A { checkpoints { id } } query B { checkpoints { name } }');
    expect(fieldCoordinates(schema, document, null)).toEqual([]);
    expect(fieldCoordinates(schema, document, 'C')).toEqual([]);
  });
});

test('deniedPaths joins response paths and keeps coordinate and rule', () => {
  expect(deniedPaths([{ path: ['operation', 'results'], coordinate: 'Operation.results', rule: '@policy(role:hub_admin)' }])).toEqual([
    { path: 'operation.results', coordinate: 'Operation.results', rule: '@policy(role:hub_admin)' },
  ]);
});
