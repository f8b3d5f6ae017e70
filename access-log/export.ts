import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ClientBase } from 'pg';
import { ident } from '../platform/database';
import type { AccessEvent } from './event';
import { toChainedEvent } from './log';
import { AUDIT_SCHEMA } from './store';

// Exporting the stored log for auditors (`npm run audit:export`), as the admin.

export type ExportFormat = 'jsonl' | 'csv';

/** Columns of the CSV export, one event per row; list cells are joined with `;`. */
export const CSV_COLUMNS = [
  'time', 'request_id', 'subject', 'organisation', 'roles', 'client_name', 'client_version', 'purpose',
  'operation_name', 'operation_type', 'document_hash', 'outcome', 'refusal_code', 'duration_ms',
  'field_coordinates', 'denied', 'subgraphs', 'records', 'variables', 'chain_id', 'seq', 'hash', 'recorded_at',
] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR) gets a leading `'`: client names and subjects come from callers.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(event: AccessEvent, chain: { chainId: string; seq: number; hash: string; recordedAt: string }): string {
  const cells: (string | number | null)[] = [
    event.time, event.requestId, event.principal?.subject ?? null, event.principal?.organisation ?? null, event.principal?.roles.join(';') ?? null,
    event.clientName, event.clientVersion, event.purpose, event.operationName, event.operationType, event.documentHash, event.outcome,
    event.refusalCode, event.durationMs, event.fieldCoordinates.join(';'),
    event.denied.map((d) => `${d.path} ${d.rule}`).join(';'), event.subgraphs.join(';'),
    event.records.map((r) => `${r.type}:${r.id}:${r.owner ?? ''}`).join(';'),
    Object.entries(event.variables).map(([path, hash]) => `${path}=${hash}`).join(';'),
    chain.chainId, chain.seq, chain.hash, chain.recordedAt,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Streams the events received in [from, to) to `out`, oldest first, in pages (keyset on time,
 * chain, sequence), honouring back-pressure. JSON lines carry the whole stored row (chain columns
 * and event), so an export can be verified again; CSV is for reading. Returns the number of events.
 */
export async function exportEvents(client: ClientBase, options: { from?: Date; to?: Date; format: ExportFormat; pageSize?: number }, out: Writable): Promise<number> {
  const pageSize = options.pageSize ?? 1000;
  const table = `${ident(AUDIT_SCHEMA)}.access_event`;
  if (options.format === 'csv') await write(out, `${CSV_COLUMNS.join(',')}\r\n`);
  let cursor: [string, string, string] | null = null;
  let count = 0;
  for (;;) {
    const params: unknown[] = [options.from ?? null, options.to ?? null, pageSize];
    const after: string = cursor ? `and (e.occurred_at, e.chain_id, e.seq) > ($4::timestamptz, $5::uuid, $6::bigint)` : '';
    if (cursor) params.push(...cursor);
    const { rows } = await client.query<Parameters<typeof toChainedEvent>[0] & { occurred_at: Date }>(
      `select e.chain_id, e.seq::text as seq, e.prev_hash, e.hash, e.recorded_at, e.event, e.occurred_at from ${table} e
        where ($1::timestamptz is null or e.occurred_at >= $1) and ($2::timestamptz is null or e.occurred_at < $2) ${after}
        order by e.occurred_at, e.chain_id, e.seq limit $3`,
      params,
    );
    for (const row of rows) {
      const link = toChainedEvent(row);
      await write(out, options.format === 'jsonl' ? `${JSON.stringify(link)}\n` : csvRow(link.event, link));
    }
    count += rows.length;
    if (rows.length < pageSize) return count;
    const last = rows[rows.length - 1];
    cursor = [last.occurred_at.toISOString(), last.chain_id, last.seq];
  }
}
