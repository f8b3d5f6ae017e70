import type { ReturnedRecord } from './event';

/**
 * Which records a request returned, from the subgraphs that own them to the gateway's access
 * event: both halves of that wire contract. A subgraph notes each record as it resolves it
 * ({@link noteRecord}) and sends them in a response extension ({@link reportRecords}); the gateway
 * takes them out of each subgraph response before the client could see them ({@link takeRecords}).
 */

/** Response extension key under which a subgraph reports the records it returned to the gateway. */
export const RECORDS_EXTENSION = 'fronteraRecords';

/** The records noted while one subgraph request resolves, by `type:id`. */
export type NotedRecords = Map<string, ReturnedRecord>;

/**
 * Subgraph side. Notes `root`, an object of type `typeName` whose field is being read (lists,
 * lookups and `_entities` alike), so an auditor can ask who saw a given record. Called for
 * every field of every type with an `id`.
 */
export function noteRecord(typeName: string, root: unknown, noted: NotedRecords | undefined): void {
  const id = (root as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !noted) return;
  const key = `${typeName}:${id}`;
  if (noted.has(key)) return;
  const owner = (root as { handling?: { owner?: string } }).handling?.owner ?? null;
  noted.set(key, { type: typeName, id, owner });
}

/** Subgraph side: adds the noted records to the response's extensions (nothing when none). */
export function reportRecords(result: { extensions?: Record<string, unknown> }, noted: NotedRecords | undefined): void {
  if (!noted?.size) return;
  result.extensions = { ...result.extensions, [RECORDS_EXTENSION]: [...noted.values()] };
}

/** Gateway side: removes the reported records from a subgraph's response and returns them. */
export function takeRecords(response: { extensions?: Record<string, unknown> }): readonly ReturnedRecord[] {
  const records = response.extensions?.[RECORDS_EXTENSION] as ReturnedRecord[] | undefined;
  if (!records) return [];
  delete response.extensions![RECORDS_EXTENSION];
  return records;
}
