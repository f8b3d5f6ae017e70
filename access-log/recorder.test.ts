import type { IncomingMessage } from 'node:http';
import type { AccessEvent } from './event';
import { RequestRecord } from './recorder';

const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;

/** A writer that keeps what it is given, or fails the way it is told to. */
function writer(fail?: 'reject' | 'throw') {
  const recorded: AccessEvent[] = [];
  return {
    recorded,
    record(event: AccessEvent): Promise<void> {
      if (fail === 'throw') throw new TypeError('invalid event');
      recorded.push(structuredClone(event));
      return fail === 'reject' ? Promise.reject(new Error('store down')) : Promise.resolve();
    },
  };
}

test('records once: a second ending (an answer given outside the pipeline) changes nothing', async () => {
  const record = new RequestRecord(request({ 'x-request-id': 'req-1', 'apollographql-client-name': 'web' }));
  const store = writer();
  record.calledSubgraph('operations');
  record.calledSubgraph('operations');
  record.returned([{ type: 'Operation', id: 'a', owner: null }, { type: 'Operation', id: 'a', owner: null }]);
  await record.commit(store, { outcome: 'ok', code: null });
  await record.answered(store, 400, 'BAD_REQUEST');
  expect(record.closed).toBe(true);
  expect(store.recorded).toHaveLength(1);
  expect(store.recorded[0]).toMatchObject({ requestId: 'req-1', clientName: 'web', receivedBy: 'gateway', outcome: 'ok', subgraphs: ['operations'], records: [{ type: 'Operation', id: 'a', owner: null }] });
});

test('a direct call is recorded as received by the subgraph it reached, which is its only subgraph', async () => {
  const store = writer();
  await new RequestRecord(request(), 'wco').refuse(store, 'UNAUTHENTICATED');
  expect(store.recorded[0]).toMatchObject({ receivedBy: 'wco', subgraphs: ['wco'], outcome: 'refused', refusalCode: 'UNAUTHENTICATED', principal: null });
  expect(store.recorded[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
});

test.each([
  ['a refusal code', 400, 'BAD_REQUEST', 'refused'],
  ['a refusal code with a 5xx', 503, 'UNAUTHENTICATED', 'refused'],
  ['a failure of the hub', 500, 'INTERNAL_SERVER_ERROR', 'error'],
])('an answer outside the pipeline with %s (HTTP %i, %s) is %s', async (_name, status, code, outcome) => {
  const store = writer();
  await new RequestRecord(request()).answered(store, status, code);
  expect(store.recorded[0]).toMatchObject({ outcome, refusalCode: code });
});

test.each(['reject', 'throw'] as const)('a writer that fails (%s) fails the commit and still closes the record', async (fail) => {
  const record = new RequestRecord(request());
  const store = writer(fail);
  await expect(record.commit(store, { outcome: 'ok', code: null })).rejects.toThrow();
  expect(record.closed).toBe(true);
  await expect(record.answered(writer(), 503, 'AUDIT_UNAVAILABLE')).rejects.toThrow();
});
