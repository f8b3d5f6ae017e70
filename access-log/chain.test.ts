import { extendChain, GENESIS_HASH, linkHash, newChain } from './chain';
import { emptyAccessEvent, normaliseEvent } from './event';

const event = (n: number) => normaliseEvent({ ...emptyAccessEvent(`req-${n}`, new Date(Date.UTC(2026, 10, 28, 10, 0, n))), outcome: 'ok' });
const AT = '2026-11-28T10:00:05.000Z';

describe('hash chain', () => {
  test('starts at seq 1 after the genesis hash and links each event to the previous one', () => {
    const start = newChain();
    expect(start).toMatchObject({ seq: 0, hash: GENESIS_HASH });
    const { links, head } = extendChain(start, [event(1), event(2), event(3)], AT);
    expect(links.map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(links[0].prevHash).toBe(GENESIS_HASH);
    expect(links[1].prevHash).toBe(links[0].hash);
    expect(links[2].prevHash).toBe(links[1].hash);
    expect(head).toEqual({ chainId: start.chainId, seq: 3, hash: links[2].hash });
    for (const link of links) expect(linkHash(link)).toBe(link.hash);
  });

  test('is pure: extending twice from one head gives the same links, and the head is untouched', () => {
    const start = newChain('5b0e1c2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d');
    const a = extendChain(start, [event(1)], AT);
    const b = extendChain(start, [event(1)], AT);
    expect(a).toEqual(b);
    expect(start.seq).toBe(0);
  });

  test('batches chain exactly like one long run', () => {
    const start = newChain();
    const once = extendChain(start, [event(1), event(2), event(3)], AT);
    const first = extendChain(start, [event(1)], AT);
    const rest = extendChain(first.head, [event(2), event(3)], AT);
    expect([...first.links, ...rest.links]).toEqual(once.links);
  });

  test.each([
    ['the event', (l: any) => ({ ...l, event: { ...l.event, outcome: 'error' } })],
    ['the sequence number', (l: any) => ({ ...l, seq: l.seq + 1 })],
    ['the previous hash', (l: any) => ({ ...l, prevHash: GENESIS_HASH.replace('0', '1') })],
    ['the chain id', (l: any) => ({ ...l, chainId: '00000000-0000-4000-8000-000000000000' })],
    ['the commit time', (l: any) => ({ ...l, recordedAt: '2026-11-28T10:00:06.000Z' })],
  ])('changing %s changes the hash', (_name, change) => {
    const [link] = extendChain(newChain(), [event(1)], AT).links;
    expect(linkHash(change(link))).not.toBe(link.hash);
  });

  test('the hash covers the event through its canonical form, not its key order', () => {
    const [link] = extendChain(newChain(), [event(1)], AT).links;
    const reordered = Object.fromEntries(Object.entries(link.event).reverse()) as typeof link.event;
    expect(linkHash({ ...link, event: reordered })).toBe(link.hash);
  });
});
