import type { MiddlewareFn } from 'type-graphql';
import type { ReturnedRecord } from '../../gateway/audit/event';
import type { SubgraphContext } from './subgraph';

/** Response extension key under which a subgraph reports the records it returned to the gateway. */
export const RECORDS_EXTENSION = 'fronteraRecords';


/**
 * Notes every object whose fields are read (lists, lookups and `_entities` alike): the gateway
 * writes them into the access event, so an auditor can ask who saw a given record.
 */
export const reportRecords: MiddlewareFn<SubgraphContext> = ({ root, info, context }, next) => {
  const id = (root as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && context.records) {
    const key = `${info.parentType.name}:${id}`;
    if (!context.records.has(key)) {
      const owner = (root as { handling?: { owner?: string } }).handling?.owner ?? null;
      context.records.set(key, { type: info.parentType.name, id, owner });
    }
  }
  return next();
};
