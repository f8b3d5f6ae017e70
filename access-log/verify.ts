import type { ClientBase } from 'pg';
import { GENESIS_HASH, linkHash, type ChainedEvent } from './chain';
import { chainAnchors, chainEvents, chainHeads, chainIds } from './log';
import { verifyAnchorSignature, verifyHeadSignature, type AuditPublicKeys, type ChainPosition, type SignedAnchor, type SignedHead } from './signing';

/** What is wrong with a chain, in an auditor's words. */
export type ProblemKind = 'altered' | 'missing' | 'reordered' | 'forged';

/** One break in the log, naming the event where it shows (chain id, sequence number, request id). */
export interface ChainProblem {
  kind: ProblemKind;
  chainId: string;
  seq: number;
  /** Request id of the event concerned, `null` when that event is missing. */
  requestId: string | null;
  message: string;
}

/** How a chain ended, for the report: by a crash (sealed at the writer's next start) or still open. */
export interface ChainEnd {
  chainId: string;
  writer: string | null;
  /** Its last event in the store (at the seal, for a crashed chain). */
  lastSeq: number;
  /** The last event a signed head covered before the seal: events after it were in the unsigned window. */
  signedSeq: number;
}

export interface VerifyReport {
  ok: boolean;
  chains: number;
  /** Events checked (from each chain's genesis or anchor on). */
  events: number;
  /** Heads whose signature is valid. */
  signedHeads: number;
  anchors: number;
  /** The most recently signed valid head, if any. */
  lastSignedHead: SignedHead | null;
  /** Every problem found, first one first: per chain, the first broken link and each failing head. */
  problems: ChainProblem[];
  /** Chains whose writer stopped without closing them, sealed as `recovered` by its next start. */
  crashed: ChainEnd[];
  /** Chains not sealed (yet): being written, or their writer stopped and has not started again. */
  open: ChainEnd[];
  /** Heads checked from the witness (`--witness`), 0 without one. */
  witnessedHeads: number;
}

export interface VerifyOptions {
  /** Heads mirrored outside the database (`readWitness`): each must still be in the store, with its event. */
  witness?: readonly SignedHead[];
}

/** Where one chain's opening says the writer's previous chain ended: that position must be in the log. */
interface Link {
  from: SignedHead;
  to: ChainPosition;
}

/** Links from each opening to the previous chain of its writer, by the chain they point to. */
function linksByTarget(heads: readonly SignedHead[]): Map<string, Link[]> {
  const links = new Map<string, Link[]>();
  for (const head of heads) {
    if (head.seq !== 0 || !head.previous) continue;
    const list = links.get(head.previous.chainId) ?? [];
    list.push({ from: head, to: head.previous });
    links.set(head.previous.chainId, list);
  }
  return links;
}

/** Witness heads the store lacks (compared by signature), each a problem; the rest are in the store already. */
function witnessedOnly(stored: readonly SignedHead[], witness: readonly SignedHead[]): SignedHead[] {
  const signatures = new Set(stored.map((h) => h.signature));
  return witness.filter((h) => !signatures.has(h.signature));
}

function emptyReport(): VerifyReport {
  return { ok: true, chains: 0, events: 0, signedHeads: 0, anchors: 0, lastSignedHead: null, problems: [], crashed: [], open: [], witnessedHeads: 0 };
}

interface ChainInput {
  rows: ChainedEvent[];
  heads: SignedHead[];
  /** Heads in the witness but no longer in the store. */
  witnessed: SignedHead[];
  anchors: SignedAnchor[];
}

function describe(row: ChainedEvent): string {
  return `chain ${row.chainId} seq ${row.seq} (request ${row.event.requestId})`;
}

/**
 * Recomputes every chain and checks every signed head and retention anchor. Pure: no I/O, the
 * rows come from the caller (in any order). A chain is verified from seq 1 after the genesis hash,
 * or from the latest valid anchor's first sequence number after the anchor's hash. For each chain
 * it reports the first event that was altered, is missing, or sits out of order, and each signed
 * head that is forged or no longer matches the event it signed.
 */
export async function verifyChains(rows: readonly ChainedEvent[], heads: readonly SignedHead[], anchors: readonly SignedAnchor[], publicKeys: AuditPublicKeys, options: VerifyOptions = {}): Promise<VerifyReport> {
  const chains = new Map<string, ChainInput>();
  const chain = (id: string) => {
    let entry = chains.get(id);
    if (!entry) chains.set(id, (entry = { rows: [], heads: [], witnessed: [], anchors: [] }));
    return entry;
  };
  const witnessed = witnessedOnly(heads, options.witness ?? []);
  for (const row of rows) chain(row.chainId).rows.push(row);
  for (const head of heads) chain(head.chainId).heads.push(head);
  for (const head of witnessed) chain(head.chainId).witnessed.push(head);
  for (const anchor of anchors) chain(anchor.chainId).anchors.push(anchor);
  const links = linksByTarget([...heads, ...witnessed]);
  for (const target of links.keys()) chain(target);

  const report = emptyReport();
  report.chains = chains.size;
  report.witnessedHeads = options.witness?.length ?? 0;
  const ordered = [...chains.entries()].map(([id, input]) => ({ id, input, first: firstRecorded(input) })).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.id < b.id ? -1 : 1));
  for (const { id, input } of ordered) {
    const problems = await verifyChain(id, input, publicKeys, report, links.get(id) ?? []);
    report.problems.push(...problems.sort((a, b) => a.seq - b.seq));
  }
  report.ok = report.problems.length === 0;
  return report;
}

function firstRecorded(input: ChainInput): string {
  let first = '\uffff';
  for (const row of input.rows) if (row.recordedAt < first) first = row.recordedAt;
  for (const head of input.heads) if (head.signedAt < first) first = head.signedAt;
  return first;
}

async function verifyChain(chainId: string, input: ChainInput, keys: AuditPublicKeys, report: VerifyReport, incoming: readonly Link[]): Promise<ChainProblem[]> {
  const problems: ChainProblem[] = [];
  const rows = [...input.rows].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map<number, ChainedEvent>();
  for (const row of rows) if (!bySeq.has(row.seq)) bySeq.set(row.seq, row);

  let anchor: SignedAnchor | null = null;
  for (const candidate of input.anchors) {
    if (!(await verifyAnchorSignature(keys, candidate))) {
      problems.push({ kind: 'forged', chainId, seq: candidate.firstSeq, requestId: bySeq.get(candidate.firstSeq)?.event.requestId ?? null, message: `retention anchor of chain ${chainId} at seq ${candidate.firstSeq} has no valid signature` });
      continue;
    }
    report.anchors += 1;
    if (!anchor || candidate.firstSeq > anchor.firstSeq) anchor = candidate;
  }
  const start = anchor?.firstSeq ?? 1;
  const checked = rows.filter((row) => row.seq >= start);
  const linkProblem = walk(chainId, checked, start, anchor?.prevHash ?? GENESIS_HASH, anchor !== null);
  report.events += linkProblem ? linkProblem.checked : checked.length;
  if (linkProblem) problems.push(linkProblem.problem);

  let opening: SignedHead | null = null;
  let seal: SignedHead | null = null;
  let signedSeq = start - 1;
  const witnessed = new Set(input.witnessed);
  for (const head of [...input.heads, ...input.witnessed]) {
    const row = bySeq.get(head.seq);
    if (!(await verifyHeadSignature(keys, head))) {
      problems.push({ kind: 'forged', chainId, seq: head.seq, requestId: row?.event.requestId ?? null, message: `signed head of chain ${chainId} at seq ${head.seq} has no valid signature (forged or altered head)` });
      continue;
    }
    if (witnessed.has(head)) {
      problems.push({ kind: 'missing', chainId, seq: head.seq, requestId: null, message: `the head of chain ${chainId} at seq ${head.seq} signed at ${head.signedAt} is in the witness but no longer in the store: it was deleted` });
    } else report.signedHeads += 1;
    if (head.seq === 0 && !opening) opening = head;
    if (head.sealed && (!seal || head.seq > seal.seq)) seal = head;
    if (!head.sealed || head.sealed !== 'recovered') signedSeq = Math.max(signedSeq, head.seq);
    if (!report.lastSignedHead || head.signedAt > report.lastSignedHead.signedAt) report.lastSignedHead = head;
    if (head.seq < start) continue; // signed before retention dropped that part of the chain
    if (head.seq === 0) {
      if (head.hash !== GENESIS_HASH) problems.push({ kind: 'forged', chainId, seq: 0, requestId: null, message: `genesis head of chain ${chainId} does not carry the genesis hash` });
      continue;
    }
    if (!row) {
      const last = rows.length ? rows[rows.length - 1].seq : start - 1;
      problems.push({ kind: 'missing', chainId, seq: head.seq, requestId: null, message: `chain ${chainId} seq ${head.seq} is missing: a head signed at ${head.signedAt} names it, but the log ${last >= start ? `ends at seq ${last}` : 'holds no event of this chain'}` });
    } else if (row.hash !== head.hash) {
      problems.push({ kind: 'altered', chainId, seq: head.seq, requestId: row.event.requestId, message: `${describe(row)} no longer matches the head signed at ${head.signedAt}: events up to it were rewritten and rehashed` });
    }
  }

  const lastSeq = rows.length ? rows[rows.length - 1].seq : Math.max(start - 1, 0);
  if (!opening && (rows.length || input.heads.length)) {
    problems.push({ kind: 'missing', chainId, seq: 0, requestId: null, message: `chain ${chainId} has no signed opening: its registry entry was deleted, or the chain was not written by a hub writer` });
  }
  if (!opening && !rows.length && !input.heads.length && !input.anchors.length && incoming.length) {
    const [link] = incoming;
    problems.push({ kind: 'missing', chainId, seq: link.to.seq, requestId: null, message: `chain ${chainId} is missing entirely: chain ${link.from.chainId}${link.from.writer ? ` of writer ${link.from.writer}` : ''}, opened at ${link.from.signedAt}, follows it from seq ${link.to.seq}` });
  } else {
    for (const { from, to } of incoming) {
      if (to.seq < start || (to.seq === 0 && to.hash === GENESIS_HASH)) continue; // dropped by retention, or an empty chain
      const row = bySeq.get(to.seq);
      if (!row) problems.push({ kind: 'missing', chainId, seq: to.seq, requestId: null, message: `chain ${chainId} seq ${to.seq} is missing: chain ${from.chainId}, opened at ${from.signedAt}, says its writer's previous chain reached it, but the log ${lastSeq >= start ? `ends at seq ${lastSeq}` : 'holds no event of this chain'}` });
      else if (row.hash !== to.hash) problems.push({ kind: 'altered', chainId, seq: to.seq, requestId: row.event.requestId, message: `${describe(row)} is not the event the next chain of its writer (${from.chainId}) links to` });
    }
  }
  if (seal) {
    const after = rows.find((row) => row.seq > seal.seq);
    if (after) problems.push({ kind: 'forged', chainId, seq: after.seq, requestId: after.event.requestId, message: `${describe(after)} comes after the chain was sealed (${seal.sealed}) at seq ${seal.seq}: two writers share one AUDIT_WRITER_ID, or events were added` });
    if (seal.sealed === 'recovered') report.crashed.push({ chainId, writer: opening?.writer ?? null, lastSeq: seal.seq, signedSeq: Math.max(signedSeq, 0) });
  } else if (opening || rows.length) {
    report.open.push({ chainId, writer: opening?.writer ?? null, lastSeq, signedSeq: Math.max(signedSeq, 0) });
  }
  return problems;
}

/** Walks one chain from `start`; returns the first broken link and how many events were good before it. */
function walk(chainId: string, rows: ChainedEvent[], start: number, startHash: string, anchored: boolean): { problem: ChainProblem; checked: number } | null {
  let expected = start;
  let expectedPrev = startHash;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    const fail = (problem: Omit<ChainProblem, 'chainId'>) => ({ problem: { chainId, ...problem }, checked: index });
    if (row.seq < expected) {
      return fail({ kind: 'reordered', seq: row.seq, requestId: row.event.requestId, message: `${describe(row)} duplicates a sequence number already in the chain` });
    }
    if (row.seq > expected) {
      const range = row.seq - 1 > expected ? `seq ${expected} to ${row.seq - 1} are` : `seq ${expected} is`;
      return fail({ kind: 'missing', seq: expected, requestId: null, message: `chain ${chainId} ${range} missing (the next event present is seq ${row.seq}, request ${row.event.requestId})` });
    }
    const intact = linkHash(row) === row.hash;
    if (intact && row.prevHash === expectedPrev) {
      expectedPrev = row.hash;
      expected += 1;
      continue;
    }
    if (intact) {
      const previous = index > 0 ? rows[index - 1] : null;
      if (previous) {
        return fail({ kind: 'altered', seq: previous.seq, requestId: previous.event.requestId, message: `${describe(previous)} was altered: its hash is not the one the next event recorded` });
      }
      return fail({ kind: 'altered', seq: row.seq, requestId: row.event.requestId, message: `${describe(row)} does not follow the ${anchored ? 'retention anchor' : 'chain genesis'}` });
    }
    return fail(classify(chainId, row, rows, expected, startHash));
  }
  return null;
}

/** Tells a moved event from an altered one, for the first link whose own hash fails. */
function classify(chainId: string, row: ChainedEvent, rows: ChainedEvent[], expected: number, startHash: string): Omit<ChainProblem, 'chainId'> {
  const knownHashes = new Set([startHash, ...rows.map((r) => r.hash)]);
  // The row's content intact, but recorded at another sequence number?
  const low = rows[0].seq;
  const high = rows[rows.length - 1].seq + 1;
  for (let distance = 1; row.seq - distance >= low || row.seq + distance <= high; distance++) {
    for (const seq of [row.seq + distance, row.seq - distance]) {
      if (seq < low || seq > high || linkHash({ ...row, seq }) !== row.hash) continue;
      if (knownHashes.has(row.prevHash)) {
        return { kind: 'reordered', seq: row.seq, requestId: row.event.requestId, message: `${describe(row)} is out of order: it holds the event recorded at seq ${seq}` };
      }
      return { kind: 'missing', seq: expected, requestId: null, message: `chain ${chainId} seq ${expected} is missing: later events were renumbered to hide the gap (seq ${row.seq} holds the event recorded at seq ${seq}, request ${row.event.requestId})` };
    }
  }
  // Or the event of another row, moved here with that row's chain columns left behind?
  for (const other of rows) {
    if (other !== row && linkHash({ ...other, event: row.event }) === other.hash) {
      return { kind: 'reordered', seq: row.seq, requestId: row.event.requestId, message: `${describe(row)} is out of order: it holds the event recorded at seq ${other.seq}` };
    }
  }
  return { kind: 'altered', seq: row.seq, requestId: row.event.requestId, message: `${describe(row)} was altered: its content no longer matches its hash` };
}

/**
 * Verifies the whole stored log, one chain at a time (so memory follows the largest chain, not
 * the log): recomputes every link and checks every signed head and anchor. Run it in one snapshot
 * (`inSnapshot` in ./log) while writers are active, or a head committed between reading a chain's
 * events and its heads would look like a missing event.
 */
export async function verifyAuditLog(client: ClientBase, keys: AuditPublicKeys, only?: readonly string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const total = emptyReport();
  // Heads are few (one per second of traffic at most): all of them, for the links between chains.
  const allHeads = await chainHeads(client);
  const witnessed = witnessedOnly(allHeads, options.witness ?? []);
  const links = linksByTarget([...allHeads, ...witnessed]);
  total.witnessedHeads = options.witness?.length ?? 0;
  const stored = await chainIds(client);
  const ids = only ?? [...new Set([...stored, ...witnessed.map((h) => h.chainId), ...links.keys()])].sort();
  // Heads and anchors are few: read once and grouped, so each chain costs one read of its events.
  const headsOf = groupByChain(allHeads);
  const witnessedOf = groupByChain(witnessed);
  const anchorsOf = groupByChain(await chainAnchors(client));
  for (const chainId of ids) {
    const report = emptyReport();
    report.chains = 1;
    const input = { rows: await chainEvents(client, chainId), heads: headsOf.get(chainId) ?? [], witnessed: witnessedOf.get(chainId) ?? [], anchors: anchorsOf.get(chainId) ?? [] };
    const problems = await verifyChain(chainId, input, keys, report, links.get(chainId) ?? []);
    total.chains += 1;
    total.events += report.events;
    total.signedHeads += report.signedHeads;
    total.anchors += report.anchors;
    total.problems.push(...problems.sort((a, b) => a.seq - b.seq));
    total.crashed.push(...report.crashed);
    total.open.push(...report.open);
    if (report.lastSignedHead && (!total.lastSignedHead || report.lastSignedHead.signedAt > total.lastSignedHead.signedAt)) total.lastSignedHead = report.lastSignedHead;
  }
  total.ok = total.problems.length === 0;
  return total;
}

function groupByChain<T extends { chainId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.chainId);
    if (group) group.push(item);
    else groups.set(item.chainId, [item]);
  }
  return groups;
}

/** The report as `npm run audit:verify` prints it: one line on success; the first problem first otherwise. */
export function formatReport(report: VerifyReport): string {
  const head = report.lastSignedHead ? `last signed head: chain ${report.lastSignedHead.chainId} seq ${report.lastSignedHead.seq} at ${report.lastSignedHead.signedAt}` : 'no signed head yet';
  const witness = report.witnessedHeads ? `, ${report.witnessedHeads} witnessed heads found in the store` : '';
  const notes = [
    ...report.crashed.map((c) => `  crashed: chain ${c.chainId}${c.writer ? ` of writer ${c.writer}` : ''} ended without closing at seq ${c.lastSeq}, sealed by the writer's next start; ${c.lastSeq - c.signedSeq} events (seq ${c.signedSeq + 1} to ${c.lastSeq}) were not yet covered by a signed head when it stopped`),
    ...report.open.filter((o) => o.lastSeq > o.signedSeq).map((o) => `  open: chain ${o.chainId}${o.writer ? ` of writer ${o.writer}` : ''}: ${o.lastSeq - o.signedSeq} events after its last signed head (seq ${o.signedSeq})`),
  ];
  const tail = notes.length ? `${notes.join('\n')}\n` : '';
  if (report.ok) return `audit:verify ok: ${report.chains} chains, ${report.events} events, ${report.signedHeads} signed heads, ${report.anchors} anchors${witness}; ${head}\n${tail}`;
  const lines = report.problems.map((p) => `  ${p.kind}: chain ${p.chainId} seq ${p.seq}${p.requestId ? ` request ${p.requestId}` : ''}: ${p.message}`);
  const [first] = report.problems;
  return `audit:verify FAILED: first ${first.kind} event: chain ${first.chainId} seq ${first.seq}${first.requestId ? ` request ${first.requestId}` : ''} (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})\n${lines.join('\n')}\n${tail}`;
}
