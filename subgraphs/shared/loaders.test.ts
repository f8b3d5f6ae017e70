import { loaderByUuid } from './loaders';

const ID = '3f2b8c1e-0c4d-4e57-9a8b-1d2e3f4a5b6c';

describe('loaderByUuid', () => {
  test('a key that is not a UUID gets the empty value and never reaches the query', async () => {
    const fetch = jest.fn(async (ids: string[]) => new Map(ids.map((id) => [id, [id]])));
    const loader = loaderByUuid(fetch, () => [] as string[]);
    expect(await loader.loadMany(['nope', ID, "'; drop table x"])).toEqual([[], [ID], []]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith([ID]);
  });

  test('a batch of keys that cannot exist makes no query', async () => {
    const fetch = jest.fn(async () => new Map<string, number>());
    expect(await loaderByUuid(fetch, () => 0).load('42')).toBe(0);
    expect(fetch).not.toHaveBeenCalled();
  });
});
