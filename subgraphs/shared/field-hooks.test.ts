import { buildSchema, graphql } from 'graphql';
import { addFieldHooks } from './field-hooks';

// The subgraph's own check of MAX_PAGE_SIZE: the gateway refuses a bad `first` before planning,
// so only a direct (gateway-signed) call reaches this one, and only this test shows it holds.
const schema = addFieldHooks(
  buildSchema(`
    type Thing { id: ID! name: String }
    type ThingConnection { count: Int }
    type Query {
      pair: [Thing]
      things(first: Int = 20, after: String): ThingConnection
      thing(id: ID!): Thing
      firstThing(first: Int): Thing
    }
  `),
  50,
);
const shared = { id: '9a1c2b3d-0c4d-4e57-9a8b-1d2e3f4a5b6c', name: 'shared' };
const rootValue = {
  pair: () => [shared, { id: '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c', name: 'other' }, shared],
  things: () => ({ count: 1 }),
  thing: ({ id }: { id: string }) => ({ id, name: 'a thing' }),
  firstThing: () => ({ id: '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c', name: 'first' }),
};
const run = (source: string) => graphql({ schema, source, rootValue, contextValue: { records: new Map() } });

test.each([
  ['a page over the limit', '{ things(first: 51) { count } }', 'first must be between 1 and 50; got 51'],
  ['a page of zero', '{ things(first: 0) { count } }', 'first must be between 1 and 50; got 0'],
])('%s is refused with BAD_USER_INPUT on `first`', async (_name, source, message) => {
  const { errors, data } = await run(source);
  expect(data).toEqual({ things: null });
  expect(errors?.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([{ message, extensions: { code: 'BAD_USER_INPUT', field: 'first' } }]);
});

test('the limit itself and the default page pass', async () => {
  expect(await run('{ a: things(first: 50) { count } b: things { count } }')).toEqual({ data: { a: { count: 1 }, b: { count: 1 } } });
});

test('an argument named `first` on a field that is not a connection is not a page size', async () => {
  expect((await run('{ firstThing(first: 500) { name } }')).errors).toBeUndefined();
});

test('ids are checked, and records noted for types with an id', async () => {
  const records = new Map();
  const result = await graphql({ schema, source: '{ thing(id: "3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c") { name } }', rootValue, contextValue: { records } });
  expect(result.errors).toBeUndefined();
  expect([...records.values()]).toEqual([{ type: 'Thing', id: '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c', owner: null }]);
  const bad = await run('{ thing(id: "1 OR 1=1") { name } }');
  expect(bad.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
});

test('each record is noted once per request, whatever the number of its fields, and in every request that returns it', async () => {
  for (let request = 0; request < 2; request++) {
    const records = new Map();
    const result = await graphql({ schema, source: '{ pair { id name } }', rootValue, contextValue: { records } });
    expect(result.errors).toBeUndefined();
    expect([...records.values()]).toEqual([
      { type: 'Thing', id: '9a1c2b3d-0c4d-4e57-9a8b-1d2e3f4a5b6c', owner: null },
      { type: 'Thing', id: '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c', owner: null },
    ]);
  }
});
