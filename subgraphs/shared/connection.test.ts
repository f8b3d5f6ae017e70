import 'reflect-metadata';
import { keysetPage } from './connection';

const ID = '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c';
const cursor = (key: string) => Buffer.from(`c:${key}`, 'utf8').toString('base64url');

describe('keysetPage', () => {
  test('first page: no filter, the order of the key, limit from first', () => {
    const page = keysetPage<{ startsOn: string; id: string }>({ first: 2 }, 'asc', { startsOn: 'day', id: 'uuid' });
    expect(page).toMatchObject({ limit: 2, after: null, where: {}, orderBy: { startsOn: 'asc', id: 'asc' } });
  });

  test('the cursor of a page decodes to the rows after its last row', () => {
    type Row = { detectedAt: Date; id: string };
    const rows: Row[] = [{ detectedAt: new Date('2026-01-02T03:04:05.678Z'), id: ID }, { detectedAt: new Date('2026-01-01T00:00:00.000Z'), id: ID }];
    const first = keysetPage<Row>({ first: 1 }, 'desc', { detectedAt: 'time', id: 'uuid' }).connection(rows);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: cursor(`2026-01-02T03:04:05.678Z|${ID}`) });
    const next = keysetPage<Row>({ first: 1, after: first.pageInfo.endCursor }, 'desc', { detectedAt: 'time', id: 'uuid' });
    expect(next.after).toEqual([new Date('2026-01-02T03:04:05.678Z'), ID]);
    expect(next.where).toEqual({ $or: [{ detectedAt: { $lt: next.after![0] } }, { detectedAt: next.after![0], id: { $lt: ID } }] });
  });

  test('free text is separated by NUL, so it may hold any other character', () => {
    const page = keysetPage<{ fullName: string; id: string }>({ first: 1 }, 'asc', { fullName: 'text', id: 'uuid' });
    const { pageInfo } = page.connection([{ fullName: 'A|B', id: ID }]);
    expect(keysetPage<{ fullName: string; id: string }>({ first: 1, after: pageInfo.endCursor }, 'asc', { fullName: 'text', id: 'uuid' }).after).toEqual(['A|B', ID]);
  });

  test.each([
    ['not a cursor', 'bm9wZQ'],
    ['too few parts', cursor('2026-01-01')],
    ['a day that is not one', cursor(`2026-1-1|${ID}`)],
    ['an id that is not a UUID', cursor('2026-01-01|42')],
  ])('%s is refused with BAD_USER_INPUT on after', (_, after) => {
    expect(() => keysetPage<{ startsOn: string; id: string }>({ first: 1, after }, 'asc', { startsOn: 'day', id: 'uuid' })).toThrow(
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }),
    );
  });
});
