import type { SubgraphContext } from '../subgraphs/shared/subgraph';

/** Response extension key under which a subgraph reports the records it returned to the gateway. */
export const RECORDS_EXTENSION = 'fronteraRecords';

/**
 * Notes `root`, an object of type `typeName` whose field is being read (lists, lookups and
 * `_entities` alike): the gateway writes these records into the access event, so an auditor can
 * ask who saw a given record. Called for every field of every type with an `id` (field-hooks.ts).
 */
export function noteRecord(typeName: string, root: unknown, context: SubgraphContext): void {
  const id = (root as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !context.records) return;
  const key = `${typeName}:${id}`;
  if (context.records.has(key)) return;
  const owner = (root as { handling?: { owner?: string } }).handling?.owner ?? null;
  context.records.set(key, { type: typeName, id, owner });
}
