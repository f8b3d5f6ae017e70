import { useTestHub } from '../../../test/harness';

// Template Partner's contribution answers through the gateway, on the shared entities.

const t = useTestHub();

test('Operation.template returns the seeded records through the gateway', async () => {
  const { body } = await t.query(`{ operation(code: "ANCHOR-III") { code template { records { title handling { owner } } } } }`);
  expect(body.errors).toBeUndefined();
  expect(body.data.operation.template.records).toEqual([
    { title: 'Situation report, week 1', handling: { owner: 'template' } },
    { title: 'Situation report, week 2', handling: { owner: 'template' } },
  ]);
});

test('templateRecords pages newest first and resolves the operation through its owner', async () => {
  const { body } = await t.query(`{ templateRecords(first: 1) { edges { node { title operation { code } } } pageInfo { hasNextPage endCursor } } }`);
  expect(body.errors).toBeUndefined();
  expect(body.data.templateRecords.edges[0].node).toEqual({ title: 'Situation report, week 2', operation: { code: 'ANCHOR-III' } });
  const next = await t.query(`query($after: String) { templateRecords(first: 1, after: $after) { edges { node { title } } } }`, { after: body.data.templateRecords.pageInfo.endCursor });
  expect(next.body.data.templateRecords.edges[0].node.title).toBe('Situation report, week 1');
});
