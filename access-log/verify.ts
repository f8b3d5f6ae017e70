import type { ClientBase } from 'pg';
import { GENESIS_HASH, linkHash, type ChainedEvent } from './chain';
import { chainAnchors, chainEvents, chainHeads, chainIds } from './log';
import { verifyAnchorSignature, verifyHeadSignature, type AuditPublicKeys, type SignedAnchor, type SignedHead } from './signing';

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
}

interface ChainInput {
  rows: ChainedEvent[];
  heads: SignedHead[];
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
export async function verifyChains(rows: readonly ChainedEvent[], heads: readonly SignedHead[], anchors: readonly SignedAnchor[], publicKeys: AuditPublicKeys): Promise<VerifyReport> {
  const chains = new Map<string, ChainInput>();
  const chain = (id: string) => {
    let entry = chains.get(id);
    if (!entry) chains.set(id, (entry = { rows: [], heads: [], anchors: [] }));
    return entry;
  };
  for (const row of rows) chain(row.chainId).rows.push(row);
  for (const head of heads) chain(head.chainId).heads.push(head);
  for (const anchor of anchors) chain(anchor.chainId).anchors.push(anchor);

  const report: VerifyReport = { ok: true, chains: chains.size, events: 0, signedHeads: 0, anchors: 0, lastSignedHead: null, problems: [] };
  const ordered = [...chains.entries()].map(([id, input]) => ({ id, input, first: firstRecorded(input) })).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.id < b.id ? -1 : 1));
  for (const { id, input } of ordered) {
    const problems = await verifyChain(id, input, publicKeys, report);
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

async function verifyChain(chainId: string, input: ChainInput, keys: AuditPublicKeys, report: VerifyReport): Promise<ChainProblem[]> {
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

  for (const head of input.heads) {
    const row = bySeq.get(head.seq);
    if (!(await verifyHeadSignature(keys, head))) {
      problems.push({ kind: 'forged', chainId, seq: head.seq, requestId: row?.event.requestId ?? null, message: `signed head of chain ${chainId} at seq ${head.seq} has no valid signature (forged or altered head)` });
      continue;
    }
    report.signedHeads += 1;
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
export async function verifyAuditLog(client: ClientBase, keys: AuditPublicKeys, only?: readonly string[]): Promise<VerifyReport> {
  const total: VerifyReport = { ok: true, chains: 0, events: 0, signedHeads: 0, anchors: 0, lastSignedHead: null, problems: [] };
  for (const chainId of only ?? (await chainIds(client))) {
    const [rows, heads, anchors] = [await chainEvents(client, chainId), await chainHeads(client, chainId), await chainAnchors(client, chainId)];
    const report = await verifyChains(rows, heads, anchors, keys);
    total.chains += report.chains;
    total.events += report.events;
    total.signedHeads += report.signedHeads;
    total.anchors += report.anchors;
    total.problems.push(...report.problems);
    if (report.lastSignedHead && (!total.lastSignedHead || report.lastSignedHead.signedAt > total.lastSignedHead.signedAt)) total.lastSignedHead = report.lastSignedHead;
  }
  total.ok = total.problems.length === 0;
  return total;
}

/** The report as `npm run audit:verify` prints it: one line on success; the first problem first otherwise. */
export function formatReport(report: VerifyReport): string {
  const head = report.lastSignedHead ? `last signed head: chain ${report.lastSignedHead.chainId} seq ${report.lastSignedHead.seq} at ${report.lastSignedHead.signedAt}` : 'no signed head yet';
  if (report.ok) return `audit:verify ok: ${report.chains} chains, ${report.events} events, ${report.signedHeads} signed heads, ${report.anchors} anchors; ${head}\n`;
  const lines = report.problems.map((p) => `  ${p.kind}: chain ${p.chainId} seq ${p.seq}${p.requestId ? ` request ${p.requestId}` : ''}: ${p.message}`);
  const [first] = report.problems;
  return `audit:verify FAILED: first ${first.kind} event: chain ${first.chainId} seq ${first.seq}${first.requestId ? ` request ${first.requestId}` : ''} (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})\n${lines.join('\n')}\n`;
}
