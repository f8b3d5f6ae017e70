import type { EntityManager } from '@mikro-orm/postgresql';
import type { NotedRecords } from '../../access-log/records';
import type { Principal } from '../../identity/principal';

/** What every resolver receives: the verified caller, a request-scoped EntityManager and DataLoaders. */
export interface SubgraphContext<Loaders = unknown> {
  /** The caller the gateway vouched for in its signed identity token. */
  principal: Principal;
  /** The purpose the caller declared (`x-purpose`), or `null`. */
  purpose: string | null;
  em: EntityManager;
  loaders: Loaders;
  requestId: string;
  tools: SubgraphTools;
  /** Records returned so far, reported to the gateway for the audit log (access-log/records.ts). */
  records?: NotedRecords;
}

/** Keyed helpers shared by resolvers and seeds (set up once per process from the hub's secrets). */
export interface SubgraphTools {
  /** Keyed hash of a screened subject, identical to the one the live service computes. */
  subjectRef(value: string): string;
  /**
   * The access log's keyed hash of a searched value, as the gateway hashes variables
   * (access-log/event.ts). Only for a subgraph that reads the access log (`ownsAccessLog`): no
   * other subgraph holds the audit key, even as a function.
   */
  auditTerm?(value: string | number | boolean | null): string;
}
