import { Reference, type EntityManager } from '@mikro-orm/postgresql';
import { scopeToCaller } from '../authorization/subgraph/releasability';
import type { Principal } from '../identity';
import { findRows, loaderById, loaderByParent, plainRows } from '../subgraphs/shared/loaders';
import { Checkpoint } from '../subgraphs/operations/checkpoint.entity';
import { Deployment } from '../subgraphs/operations/deployment.entity';
import { DocumentAlert } from '../subgraphs/operations/document-alert.entity';
import { Hit } from '../subgraphs/operations/hit.entity';
import { HitNotification } from '../subgraphs/operations/notifications/hit-notification.entity';
import { Operation } from '../subgraphs/operations/operation.entity';
import { Seizure } from '../subgraphs/partners/wco/wco-seizure.entity';
import { Course } from '../subgraphs/training/course.entity';
import { Enrollment } from '../subgraphs/training/enrollment.entity';
import { Participant } from '../subgraphs/training/participant.entity';
import { TrainingSession } from '../subgraphs/training/training-session.entity';
import { callers, useTestHub } from './harness';

// The read paths that skip the unit of work (subgraphs/shared/loaders.ts, `plainRows`) must give
// resolvers exactly what `em.find` gave them: every column, the same values and types, references
// with the same ids, instances of the entity's class. Entities with handling never take them, so
// releasability stays with `em.find`.

const t = useTestHub();
const admin = { ...callers.hubAdmin, subject: 'test.plain-rows', scopes: [], country: null } as unknown as Principal;

function fork(subgraph: string): EntityManager {
  const em = t.hub.subgraphs.get(subgraph)!.orm.em.fork() as EntityManager;
  scopeToCaller(em, admin);
  return em;
}

/** Every persisted property of `plain` equals `hydrated`'s: values deeply, references by id and kind. */
function expectSameRow(em: EntityManager, entity: Function, plain: any, hydrated: any): void {
  expect(plain).toBeInstanceOf(entity);
  for (const prop of em.getMetadata().get(entity.name).props) {
    if (prop.persist === false) continue;
    const [a, b] = [plain[prop.name], hydrated[prop.name]];
    if (b !== null && b !== undefined && typeof b === 'object' && 'id' in b && prop.kind !== 'scalar') {
      expect([prop.name, Reference.isReference(a), a.id]).toEqual([prop.name, Reference.isReference(b), b.id]);
    } else {
      expect([prop.name, a]).toEqual([prop.name, b]);
    }
  }
}

const READ_PLAIN: [string, Function, Record<string, 'asc' | 'desc'>][] = [
  ['operations', Operation, { code: 'asc' }],
  ['operations', Checkpoint, { country: 'asc', name: 'asc' }],
  ['operations', Deployment, { startsAt: 'asc', id: 'asc' }],
  ['operations', Hit, { detectedAt: 'desc', id: 'asc' }],
  ['operations', HitNotification, { createdAt: 'asc', id: 'asc' }],
  ['training', Course, { code: 'asc' }],
  ['training', TrainingSession, { startsOn: 'asc', id: 'asc' }],
  ['training', Enrollment, { enrolledAt: 'asc', id: 'asc' }],
];

test.each(READ_PLAIN)('%s: %p rows read plain equal the hydrated ones, through lists, ids and parents', async (subgraph, entity, orderBy) => {
  const em = fork(subgraph);
  expect(plainRows(em, entity as never)).not.toBeNull();
  const hydrated: any[] = await fork(subgraph).find(entity.name, {}, { orderBy, limit: 200 } as never);
  expect(hydrated.length).toBeGreaterThan(0);
  const listed: any[] = await findRows(em, entity as never, {}, { orderBy, limit: 200 });
  expect(listed.map((row) => row.id)).toEqual(hydrated.map((row) => row.id));
  listed.forEach((row, i) => expectSameRow(em, entity, row, hydrated[i]));

  const byId = await loaderById(fork(subgraph), entity as never).loadMany([...hydrated.slice(0, 20).map((row) => row.id), '00000000-0000-4000-8000-000000000000']);
  expect(byId.at(-1)).toBeNull();
  byId.slice(0, -1).forEach((row, i) => expectSameRow(em, entity, row, hydrated[i]));
});

test('children by parent come grouped and ordered as before (ties in the order in any order, as before)', async () => {
  const em = fork('operations');
  const operations = await em.find(Operation, {}, { orderBy: { code: 'asc' } });
  const ids = operations.map((o) => o.id);
  const plain = await loaderByParent(fork('operations'), Deployment, 'operation', (d) => d.operation.id, { startsAt: 'asc' }).loadMany(ids);
  for (const [i, id] of ids.entries()) {
    const hydrated = await fork('operations').find(Deployment, { operation: id }, { orderBy: { startsAt: 'asc' } });
    const children = plain[i] as Deployment[];
    const starts = children.map((d) => d.startsAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(children.map((d) => d.id).sort()).toEqual(hydrated.map((d) => d.id).sort());
    for (const d of children) expectSameRow(em, Deployment, d, hydrated.find((h) => h.id === d.id));
  }
  expect((plain as Deployment[][]).flat().length).toBeGreaterThan(10);
});

test('a list whose condition looks into a related entity gives what em.find gives (which reads it hydrated)', async () => {
  const where = { $or: [{ checkpoint: { country: 'THA' } }, { alert: { handling: { owner: 'ncb-tha' } } }] };
  const orderBy = { detectedAt: 'desc', id: 'asc' } as const;
  const plain = await findRows(fork('operations'), Hit, where, { orderBy, limit: 500 });
  const hydrated = await fork('operations').find(Hit, where, { orderBy, limit: 500 });
  expect(plain.map((h) => h.id)).toEqual(hydrated.map((h) => h.id));
  const byKey = await findRows(fork('operations'), Hit, { operation: { $in: [hydrated[0].operation.id] } }, { orderBy });
  expect(byKey.map((h) => h.id)).toEqual((await fork('operations').find(Hit, { operation: hydrated[0].operation.id }, { orderBy })).map((h) => h.id));
});

test('getters of the entity class work on plain rows', async () => {
  const [operation] = await findRows(fork('operations'), Operation, {}, { orderBy: { code: 'asc' }, limit: 1 });
  const [hydrated] = await fork('operations').find(Operation, {}, { orderBy: { code: 'asc' }, limit: 1 });
  expect(operation.period).toEqual(hydrated.period);
  const [checkpoint] = await findRows(fork('operations'), Checkpoint, {}, { orderBy: { name: 'asc' }, limit: 1 });
  const [hydratedCheckpoint] = await fork('operations').find(Checkpoint, {}, { orderBy: { name: 'asc' }, limit: 1 });
  expect(checkpoint.location).toEqual(hydratedCheckpoint.location);
});

test('an entity any ORM filter applies to is never read plain', () => {
  const em = fork('operations');
  em.addFilter('test-only', { code: { $ne: null } }, Operation.name);
  // The verdict is kept per entity for the process, so ask on a copy of the metadata.
  const meta = em.getMetadata().get(Operation.name);
  const copy = Object.assign(Object.create(Object.getPrototypeOf(meta)), meta);
  jest.spyOn(em.getMetadata(), 'get').mockReturnValueOnce(copy);
  expect(plainRows(em, Operation)).toBeNull();
});

test('entities with handling (releasability) are never read plain: em.find applies the filter', () => {
  expect(plainRows(fork('operations'), DocumentAlert)).toBeNull();
  expect(plainRows(fork('training'), Participant)).toBeNull();
  expect(plainRows(fork('wco'), Seizure)).toBeNull();
});
