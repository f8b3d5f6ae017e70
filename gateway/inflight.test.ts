import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { coalescingKey, SEND_ALONE_HEADER } from './inflight';
import { subgraphFetchers } from './subgraph-fetch';

// The merging of identical in-flight subgraph calls, against a real HTTP server that answers each
// call after `delays[n]` ms (n: the call's order of arrival) and counts the calls it received and
// those whose client went away before the answer.

const QUERY = JSON.stringify({ query: 'query Q__operations__0{operations(first:1){edges{cursor}}}', variables: {} });

let server: http.Server;
let url = '';
let received = 0;
let abandoned = 0;
let delays: number[] = [];
let headersSeen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const delay = delays[received++] ?? 50;
    headersSeen.push(req.headers);
    req.resume();
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { call: received } })), delay);
    res.on('close', () => {
      if (!res.writableEnded) {
        abandoned += 1;
        clearTimeout(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = 0;
  abandoned = 0;
  delays = [];
  headersSeen = [];
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const init = (body: string, signal?: AbortSignal, token = 'caller-a') =>
  ({ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': `r-${Math.random()}` }, body, signal }) as any;

function fetcher(timeoutMs = 2_000) {
  let coalesced = 0;
  const fetch = subgraphFetchers({ timeoutMs, coalesce: true, onCoalesced: () => coalesced++ })('operations') as unknown as (url: string, init: unknown) => Promise<import('node-fetch').Response>;
  return { fetch, coalesced: () => coalesced };
}

describe('coalescingKey', () => {
  const headers = { authorization: 'Bearer t', 'content-type': 'application/json', 'x-request-id': 'a' };
  test('leaves out the request id, keeps the token, every other header and the body', () => {
    expect(coalescingKey(url, headers, QUERY)).toBe(coalescingKey(url, { ...headers, 'x-request-id': 'b' }, QUERY));
    expect(coalescingKey(url, headers, QUERY)).not.toBe(coalescingKey(url, { ...headers, authorization: 'Bearer u' }, QUERY));
    expect(coalescingKey(url, headers, QUERY)).not.toBe(coalescingKey(url, { ...headers, 'x-other': '1' }, QUERY));
    expect(coalescingKey(url, headers, QUERY)).not.toBe(coalescingKey(url, headers, QUERY.replace('first:1', 'first:2')));
    expect(coalescingKey(`${url}?x`, headers, QUERY)).not.toBe(coalescingKey(url, headers, QUERY));
  });
  test.each([
    ['a mutation', JSON.stringify({ query: 'mutation M{createOperation(input:{}){code}}' })],
    ['a subscription', JSON.stringify({ query: 'subscription S{x}' })],
    ['a leading comment', JSON.stringify({ query: '# mutation\nquery Q{x}' })],
    ['another body shape', JSON.stringify({ variables: {}, query: 'query Q{x}' })],
  ])('never merges %s', (_, body) => {
    expect(coalescingKey(url, headers, body)).toBeNull();
  });
  test('an anonymous query is merged; a call without a token is not', () => {
    expect(coalescingKey(url, headers, JSON.stringify({ query: '{x}' }))).not.toBeNull();
    expect(coalescingKey(url, { 'content-type': 'application/json' }, QUERY)).toBeNull();
  });
});

describe('in-flight calls', () => {
  test('identical calls are sent once and each gets its own response', async () => {
    const { fetch, coalesced } = fetcher();
    delays = [200];
    const responses = await Promise.all([fetch(url, init(QUERY)), fetch(url, init(QUERY)), fetch(url, init(QUERY))]);
    expect(received).toBe(1);
    expect(coalesced()).toBe(2);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(bodies).toEqual([{ data: { call: 1 } }, { data: { call: 1 } }, { data: { call: 1 } }]);
    // A later identical call is a new call: only calls in flight are merged.
    await fetch(url, init(QUERY));
    expect(received).toBe(2);
  });

  test('calls of another token are not merged', async () => {
    const { fetch } = fetcher();
    delays = [200, 200];
    await Promise.all([fetch(url, init(QUERY, undefined, 'caller-a')), fetch(url, init(QUERY, undefined, 'caller-b'))]);
    expect(received).toBe(2);
  });

  test('the first caller going away does not cut the others: the shared call goes on', async () => {
    const { fetch } = fetcher();
    delays = [300];
    const leader = new AbortController();
    const first = fetch(url, init(QUERY, leader.signal));
    const second = fetch(url, init(QUERY, new AbortController().signal));
    await sleep(100);
    leader.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(await (await second).json()).toEqual({ data: { call: 1 } });
    expect(received).toBe(1);
    expect(abandoned).toBe(0);
  });

  test('a follower going away leaves the call to the others; when every caller has gone, the call is dropped', async () => {
    const { fetch } = fetcher();
    delays = [300, 50];
    const callers = [new AbortController(), new AbortController()];
    const calls = callers.map((c) => fetch(url, init(QUERY, c.signal)));
    await sleep(100);
    callers[1].abort();
    await expect(calls[1]).rejects.toMatchObject({ name: 'AbortError' });
    callers[0].abort();
    await expect(calls[0]).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(50);
    expect(abandoned).toBe(1);
    // A new identical call does not join the dropped one.
    expect(await (await fetch(url, init(QUERY))).json()).toEqual({ data: { call: 2 } });
  });

  test('the first caller\'s timeout does not cut a later one short: it tries alone with the time it has left', async () => {
    const { fetch } = fetcher(400);
    delays = [2_000, 50];
    const started = performance.now();
    const first = fetch(url, init(QUERY)).catch((error: unknown) => error);
    await sleep(250);
    const second = fetch(url, init(QUERY));
    expect(await first).toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT' } });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await (await second).json()).toEqual({ data: { call: 2 } });
    expect(received).toBe(2);
  });

  test('a read sent after a write has ended never joins a call that started before it (a caller reads its own writes)', async () => {
    const { fetch, coalesced } = fetcher();
    delays = [400, 20, 50];
    const mutation = JSON.stringify({ query: 'mutation M{createOperation(input:{}){code}}' });
    const before = fetch(url, init(QUERY)); // call 1: a read in flight across the write
    await sleep(50);
    await fetch(url, init(mutation)); // call 2: the write, answered
    const after = await fetch(url, init(QUERY)); // call 3: its own call, not call 1
    expect(after.status).toBe(200);
    expect(received).toBe(3);
    expect((await before).status).toBe(200);
    expect(coalesced()).toBe(0);
  });

  test('a caller already gone neither starts nor joins a call', async () => {
    const { fetch } = fetcher();
    delays = [200];
    const gone = new AbortController();
    gone.abort();
    await expect(fetch(url, init(QUERY, gone.signal))).rejects.toMatchObject({ name: 'AbortError' });
    // The next identical call is sent, and cancelling it (its only waiter) drops it.
    const caller = new AbortController();
    const call = fetch(url, init(QUERY, caller.signal));
    await sleep(50);
    caller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(50);
    expect(received).toBe(1);
    expect(abandoned).toBe(1);
  });

  test('the caller that started a call does not try again alone when it times out, even on a timer that fired early', async () => {
    const { fetch } = fetcher(400);
    delays = [2_000, 2_000];
    // A busy event loop: timers started now count from the loop's clock, 150 ms behind, so the
    // call's timeout fires ~150 ms early by the wall clock.
    const spinUntil = performance.now() + 150;
    while (performance.now() < spinUntil);
    expect(await fetch(url, init(QUERY)).catch((error: unknown) => error)).toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT' } });
    await sleep(50);
    expect(received).toBe(1);
  });

  test('identical mutations are each sent', async () => {
    const { fetch, coalesced } = fetcher();
    delays = [200, 200];
    const mutation = JSON.stringify({ query: 'mutation M{createOperation(input:{}){code}}' });
    await Promise.all([fetch(url, init(mutation)), fetch(url, init(mutation))]);
    expect(received).toBe(2);
    expect(coalesced()).toBe(0);
  });

  test('calls marked to go alone (a mutation request\'s reads) are each sent, without the mark', async () => {
    const { fetch, coalesced } = fetcher();
    delays = [200, 200];
    const alone = () => {
      const call = init(QUERY);
      call.headers[SEND_ALONE_HEADER] = '1';
      return call;
    };
    await Promise.all([fetch(url, alone()), fetch(url, alone())]);
    expect(received).toBe(2);
    expect(coalesced()).toBe(0);
    expect(headersSeen.map((h) => h[SEND_ALONE_HEADER])).toEqual([undefined, undefined]);
  });
});
