import { generateKeyPair, type KeyLike } from 'jose';
import { extendChain, GENESIS_HASH, linkHash, newChain, type ChainedEvent } from './chain';
import { emptyAccessEvent, normaliseEvent } from './event';
import { signAnchor, signHead, type AuditSigner, type SealReason, type SignedHead } from './signing';
import { verifyChains as verifyStored, type VerifyOptions } from './verify';

let signer: AuditSigner;
let publicKey: KeyLike;
let otherSigner: AuditSigner;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signer = { kid: 'audit-test', privateKey: pair.privateKey };
  publicKey = pair.publicKey;
  otherSigner = { kid: 'audit-test', privateKey: (await generateKeyPair('ES256')).privateKey };
});

const event = (n: number) => normaliseEvent({ ...emptyAccessEvent(`req-${n}`, new Date(Date.UTC(2026, 10, 28, 10, 0, 0, n))), outcome: 'ok', records: [{ type: 'Operation', id: `op-${n}`, owner: 'hub' }] });

/** A chain of `count` events in batches of 3, as the writer would commit them. */
function chainOf(count: number, chainId?: string): ChainedEvent[] {
  let head = newChain(chainId);
  const links: ChainedEvent[] = [];
  for (let n = 1; n <= count; n += 3) {
    const batch = Array.from({ length: Math.min(3, count - n + 1) }, (_, i) => event(n + i));
    const next = extendChain(head, batch, new Date(Date.UTC(2026, 10, 28, 10, 0, n)).toISOString());
    links.push(...next.links);
    head = next.head;
  }
  return links;
}

function headAt(rows: ChainedEvent[], seq: number, by = signer): Promise<SignedHead> {
  const row = rows.find((r) => r.seq === seq)!;
  return signHead(by, { chainId: row.chainId, seq, hash: row.hash, signedAt: row.recordedAt });
}

async function genesis(rows: ChainedEvent[]): Promise<SignedHead> {
  return signHead(signer, { chainId: rows[0].chainId, seq: 0, hash: GENESIS_HASH, signedAt: '2026-11-28T09:00:00.000Z' });
}

/** Every chain opened as a writer opens it (a signed head at seq 0), unless the test gives its own opening. */
async function openings(rows: readonly ChainedEvent[], heads: readonly SignedHead[]): Promise<SignedHead[]> {
  const opened = new Set(heads.filter((h) => h.seq === 0).map((h) => h.chainId));
  const chains = [...new Set(rows.map((r) => r.chainId))].filter((id) => !opened.has(id));
  return Promise.all(chains.map((chainId) => signHead(signer, { chainId, seq: 0, hash: GENESIS_HASH, signedAt: '2026-11-28T09:00:00.000Z', writer: 'test', previous: null })));
}

/** Verifies `rows` as stored by a writer: with the opening of each chain beside the given heads. */
async function verifyChains(rows: readonly ChainedEvent[], heads: readonly SignedHead[], anchors: Parameters<typeof verifyStored>[2], keys: KeyLike, options?: VerifyOptions) {
  return verifyStored(rows, [...(await openings(rows, heads)), ...heads], anchors, keys, options);
}

/** Recomputes every hash from `from` on, as an attacker who knows the scheme (but not the key) would. */
function rehash(rows: ChainedEvent[], from: number): ChainedEvent[] {
  const out = rows.map((r) => ({ ...r }));
  for (let i = from; i < out.length; i++) {
    const prevHash = i === 0 ? GENESIS_HASH : out[i - 1].hash;
    out[i] = { ...out[i], prevHash, hash: linkHash({ ...out[i], prevHash }) };
  }
  return out;
}

describe('verifyChains', () => {
  test('events with and without receivedBy verify once stored (as JSON) and read back', async () => {
    // Events written before `receivedBy` existed lack it; a subgraph's refusals carry its name.
    const events = [event(1), normaliseEvent({ ...event(2), receivedBy: 'gateway' }), normaliseEvent({ ...event(3), receivedBy: 'operations', outcome: 'refused', refusalCode: 'UNAUTHENTICATED' })];
    const { links } = extendChain(newChain(), events, '2026-11-28T10:00:01.000Z');
    const stored: ChainedEvent[] = JSON.parse(JSON.stringify(links));
    expect(stored.map((l) => l.event.receivedBy)).toEqual([undefined, 'gateway', 'operations']);
    const report = await verifyChains(stored, [await genesis(stored), await headAt(stored, 3)], [], publicKey);
    expect(report.problems).toEqual([]);
    expect(report.events).toBe(3);
    // And the field is covered by the hash like any other.
    const altered = stored.map((l) => (l.seq === 3 ? { ...l, event: { ...l.event, receivedBy: 'gateway' } } : l));
    expect((await verifyChains(altered, [], [], publicKey)).problems[0]).toMatchObject({ kind: 'altered', seq: 3 });
  });

  test('an intact log verifies, with counts and the last signed head', async () => {
    const a = chainOf(10);
    const b = chainOf(4);
    const heads = [await genesis(a), await headAt(a, 6), await headAt(a, 10), await headAt(b, 4)];
    const report = await verifyChains([...b, ...a].reverse(), heads, [], publicKey);
    expect(report.problems).toEqual([]);
    // Four heads, and the opening of chain b.
    expect(report).toMatchObject({ ok: true, chains: 2, events: 14, signedHeads: 5, anchors: 0 });
    expect(report.lastSignedHead).toMatchObject({ chainId: a[0].chainId, seq: 10 });
  });

  test('an altered event is named: chain, seq and request id', async () => {
    const rows = chainOf(10);
    rows[4] = { ...rows[4], event: { ...rows[4].event, outcome: 'refused' } };
    const report = await verifyChains(rows, [], [], publicKey);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', chainId: rows[0].chainId, seq: 5, requestId: 'req-5' });
  });

  test('a deleted event is named as missing', async () => {
    const rows = chainOf(10).filter((r) => r.seq !== 7);
    const [problem] = (await verifyChains(rows, [], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'missing', seq: 7, requestId: null });
    expect(problem.message).toMatch(/seq 7 is missing.*seq 8, request req-8/);
  });

  test('a deleted event is found even when later events were renumbered to close the gap', async () => {
    const rows = chainOf(10)
      .filter((r) => r.seq !== 7)
      .map((r) => (r.seq > 7 ? { ...r, seq: r.seq - 1 } : r));
    const [problem] = (await verifyChains(rows, [], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'missing', seq: 7 });
    expect(problem.message).toMatch(/renumbered/);
  });

  test('two events that swapped places are named as reordered', async () => {
    const rows = chainOf(10).map((r) => (r.seq === 4 ? { ...r, seq: 5 } : r.seq === 5 ? { ...r, seq: 4 } : r));
    const [problem] = (await verifyChains(rows, [], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'reordered', seq: 4, requestId: 'req-5' });
  });

  test('events swapped between rows (chain columns left in place) are named as reordered', async () => {
    const rows = chainOf(10);
    const fourth = rows[3].event;
    rows[3] = { ...rows[3], event: rows[4].event };
    rows[4] = { ...rows[4], event: fourth };
    const [problem] = (await verifyChains(rows, [], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'reordered', seq: 4, requestId: 'req-5' });
  });

  test('a consistently rehashed rewrite passes the links but not the signed head', async () => {
    const original = chainOf(10);
    const rewritten = rehash(original.map((r) => (r.seq === 3 ? { ...r, event: { ...r.event, purpose: 'cover-up' } } : r)), 2);
    const heads = [await headAt(original, 9)];
    const report = await verifyChains(rewritten, heads, [], publicKey);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ kind: 'altered', seq: 9, requestId: 'req-9' });
  });

  test('events deleted from the tail after a signed head are missing', async () => {
    const rows = chainOf(10);
    const heads = [await headAt(rows, 10)];
    const [problem] = (await verifyChains(rows.slice(0, 8), heads, [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'missing', seq: 10 });
  });

  test('a head signed with another key is forged', async () => {
    const rows = chainOf(6);
    const report = await verifyChains(rows, [await headAt(rows, 6, otherSigner)], [], publicKey);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'forged', seq: 6, requestId: 'req-6' })]);
    expect(report.signedHeads).toBe(1); // the chain's opening only
  });

  test('a genuine signature copied onto another head is forged', async () => {
    const rows = chainOf(6);
    const genuine = await headAt(rows, 3);
    const moved = { ...genuine, seq: 6, hash: rows[5].hash };
    const [problem] = (await verifyChains(rows, [moved], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'forged', seq: 6 });
  });

  test('a chain pruned behind a signed anchor verifies from the anchor', async () => {
    const rows = chainOf(12);
    const anchor = await signAnchor(signer, { chainId: rows[0].chainId, firstSeq: 7, prevHash: rows[5].hash, prunedBefore: '2026-11-01T00:00:00.000Z', createdAt: '2026-12-01T00:00:00.000Z' });
    const heads = [await genesis(rows), await headAt(rows, 3), await headAt(rows, 12)];
    const report = await verifyChains(rows.slice(6), heads, [anchor], publicKey);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ events: 6, anchors: 1 });
  });

  test('without its anchor, a pruned chain is missing its start; a forged anchor does not help', async () => {
    const rows = chainOf(12);
    expect((await verifyChains(rows.slice(6), [], [], publicKey)).problems[0]).toMatchObject({ kind: 'missing', seq: 1 });
    const forged = await signAnchor(otherSigner, { chainId: rows[0].chainId, firstSeq: 7, prevHash: rows[5].hash, prunedBefore: '2026-11-01T00:00:00.000Z', createdAt: '2026-12-01T00:00:00.000Z' });
    const kinds = (await verifyChains(rows.slice(6), [], [forged], publicKey)).problems.map((p) => p.kind);
    expect(kinds).toEqual(['missing', 'forged']);
  });

  test('problems name the right chain among several', async () => {
    const a = chainOf(5);
    const b = chainOf(5).map((r) => (r.seq === 2 ? { ...r, event: { ...r.event, durationMs: 9999 } } : r));
    const report = await verifyChains([...a, ...b], [], [], publicKey);
    expect(report.problems).toEqual([expect.objectContaining({ chainId: b[0].chainId, seq: 2, kind: 'altered' })]);
  });
});

describe('the chain registry and the witness', () => {
  const open = (chainId: string, previous: SignedHead['previous'] = null, writer = 'gw-1') =>
    signHead(signer, { chainId, seq: 0, hash: GENESIS_HASH, signedAt: '2026-11-28T09:00:00.000Z', writer, previous });
  const sealAt = (rows: ChainedEvent[], seq: number, sealed: SealReason) => signHead(signer, { chainId: rows[0].chainId, seq, hash: rows[seq - 1].hash, signedAt: '2026-11-28T11:00:00.000Z', sealed });
  const position = (rows: ChainedEvent[], seq: number) => ({ chainId: rows[0].chainId, seq, hash: rows[seq - 1].hash });

  /** Writer gw-1's first chain (6 events, head at 3, crashed and sealed at restart) and its second (4 events, closed). */
  async function twoChains() {
    const first = chainOf(6);
    const second = chainOf(4);
    const heads = [await open(first[0].chainId), await headAt(first, 3), await sealAt(first, 6, 'recovered'), await open(second[0].chainId, position(first, 6)), await sealAt(second, 4, 'closed')];
    return { first, second, heads };
  }

  test('linked chains verify, and a crashed chain is reported with its unsigned window', async () => {
    const { first, second, heads } = await twoChains();
    const report = await verifyStored([...first, ...second], heads, [], publicKey);
    expect(report.problems).toEqual([]);
    expect(report.crashed).toEqual([{ chainId: first[0].chainId, writer: 'gw-1', lastSeq: 6, signedSeq: 3 }]);
    expect(report.open).toEqual([]);
  });

  test('a chain whose opening was deleted is reported', async () => {
    const rows = chainOf(3);
    const [problem] = (await verifyStored(rows, [await headAt(rows, 3)], [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'missing', seq: 0 });
    expect(problem.message).toMatch(/no signed opening/);
  });

  test('deleting a whole chain with its heads breaks the link from the next chain of its writer', async () => {
    const { first, second, heads } = await twoChains();
    const report = await verifyStored(second, heads.filter((h) => h.chainId !== first[0].chainId), [], publicKey);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'missing', chainId: first[0].chainId, seq: 6 })]);
    expect(report.problems[0].message).toMatch(/missing entirely/);
  });

  test("deleting a crashed chain's tail with its seal is caught by the next chain's link", async () => {
    const { first, second, heads } = await twoChains();
    const kept = heads.filter((h) => !(h.chainId === first[0].chainId && h.sealed));
    const report = await verifyStored([...first.slice(0, 4), ...second], kept, [], publicKey);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'missing', chainId: first[0].chainId, seq: 6 })]);
  });

  test('events after a seal are reported', async () => {
    const rows = chainOf(6);
    const heads = [await open(rows[0].chainId), await sealAt(rows, 4, 'closed')];
    const [problem] = (await verifyStored(rows, heads, [], publicKey)).problems;
    expect(problem).toMatchObject({ kind: 'forged', seq: 5, requestId: 'req-5' });
  });

  test('the newest chain truncated with its heads passes without the witness and fails with it', async () => {
    const rows = chainOf(10);
    const heads = [await open(rows[0].chainId), await headAt(rows, 6), await headAt(rows, 10)];
    // The owner of the database deletes events 7-10 and the head that names seq 10.
    const truncated = rows.slice(0, 6);
    const stored = heads.slice(0, 2);
    expect((await verifyStored(truncated, stored, [], publicKey)).ok).toBe(true);
    const report = await verifyStored(truncated, stored, [], publicKey, { witness: heads });
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['missing', 10],
      ['missing', 10],
    ]);
    expect(report.problems.map((p) => p.message).join('\n')).toMatch(/in the witness but no longer in the store/);
    // A chain deleted whole, heads and all, is found from the witness too.
    const gone = await verifyStored([], [], [], publicKey, { witness: heads });
    expect(gone.ok).toBe(false);
    expect(gone.problems[0]).toMatchObject({ kind: 'missing', chainId: rows[0].chainId });
  });
});
