import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { REFUSAL_CODES } from '../platform/errors';
import { activeTraceId } from '../platform/tracing';
import type { Principal } from '../identity/principal';
import { auditPrincipal, emptyAccessEvent, RECEIVED_BY_GATEWAY, type AccessEvent, type AccessOutcome, type DeniedPath, type OperationType, type ReturnedRecord } from './event';
import type { AuditWriter } from './writer';

/** The request id a caller sent (`x-request-id`, if it is a plain token of up to 64 characters), else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value.slice(0, 200) : null;
}

/** When a request arrived: wall-clock time for the event, a monotonic reading for its duration. */
export interface ArrivalTime {
  readonly receivedAt: number;
  readonly startedAt: number;
}

/** Now, as an {@link ArrivalTime}. */
export function arrivedNow(): ArrivalTime {
  return { receivedAt: Date.now(), startedAt: performance.now() };
}

/** What the pipeline learnt about the operation once it was parsed. */
export interface OperationFacts {
  name: string | null;
  type: OperationType;
  /** Schema coordinates of the fields the caller asked for, before anything was removed. */
  fieldCoordinates: readonly string[];
}

/** How a request ended, as the access log records it. */
export interface Ending {
  outcome: AccessOutcome;
  /** Error code of a refused or failed request, `null` otherwise. */
  code: string | null;
}

/**
 * The access event of one request, and its only author. Every part of the pipeline reports what
 * it knows through these few methods (who asks, what was sent, what was denied, which subgraphs
 * answered with which records); {@link commit} records it once, when the request has ended.
 * The writer takes its copy then, so nothing reported later (nor a second ending, such as an
 * answer Apollo gives outside the pipeline for a request the pipeline already logged) changes
 * what was recorded.
 */
export class RequestRecord {
  readonly requestId: string;
  private readonly event: AccessEvent;
  private readonly startedAt: number;
  private committed: Promise<void> | null = null;
  /** `type:id` of every record in the event, once the first subgraph answer reported any. */
  private seenRecords: Set<string> | undefined;

  /**
   * Starts the record of a request received by `receivedBy` (the gateway, or a subgraph called
   * directly) at `arrival` (now, unless the record is made later for a request that arrived earlier).
   */
  constructor(req: IncomingMessage, receivedBy: string = RECEIVED_BY_GATEWAY, arrival: ArrivalTime = arrivedNow()) {
    this.requestId = requestIdOf(req);
    this.startedAt = arrival.startedAt;
    this.event = emptyAccessEvent(this.requestId, new Date(arrival.receivedAt));
    this.event.receivedBy = receivedBy;
    this.event.clientName = header(req, 'apollographql-client-name');
    this.event.clientVersion = header(req, 'apollographql-client-version');
    if (receivedBy !== RECEIVED_BY_GATEWAY) this.event.subgraphs = [receivedBy];
    // Made inside the request's server span (platform/http.ts), whose trace this is. Not for a
    // direct call to a subgraph: subgraphs continue the caller's traceparent, which there is the
    // unverified caller's own choice, and the log keeps no id a caller picked.
    const traceId = receivedBy === RECEIVED_BY_GATEWAY ? activeTraceId() : undefined;
    if (traceId) this.event.traceId = traceId;
  }

  /** The trace the request belongs to, when tracing is on. */
  get traceId(): string | undefined {
    return this.event.traceId;
  }

  /** The client application, as its headers named it. */
  get clientName(): string | null {
    return this.event.clientName;
  }

  /** Whether the event has been handed to the writer (whatever came of it). */
  get closed(): boolean {
    return this.committed !== null;
  }

  /** The verified caller and the purpose it declared. */
  identify(principal: Principal | null, purpose: string | null): void {
    this.event.principal = auditPrincipal(principal);
    this.event.purpose = purpose;
  }

  /**
   * What the request sent: the SHA-256 of its document (or the persisted-query id it named; known
   * before the document is admitted) and, once read, its variables hashed under the audit key.
   */
  sent(documentHash: string | null, variables?: Record<string, string>): void {
    this.event.documentHash = documentHash;
    if (variables) this.event.variables = variables;
  }

  /** The operation as parsed. */
  ranOperation(operation: OperationFacts): void {
    this.event.operationName = operation.name;
    this.event.operationType = operation.type;
    this.event.fieldCoordinates = [...operation.fieldCoordinates];
  }

  /** Selections the access layer denied, with the rule that denied each. */
  denied(paths: readonly DeniedPath[]): void {
    this.event.denied = [...paths];
  }

  /** A subgraph the gateway called for this request. */
  calledSubgraph(name: string): void {
    if (!this.event.subgraphs.includes(name)) this.event.subgraphs.push(name);
  }

  /** Records a subgraph reported returning (see records.ts); each record counted once. */
  returned(records: readonly ReturnedRecord[]): void {
    // Kept across calls: a join reports hundreds of records over several subgraph answers.
    const seen = (this.seenRecords ??= new Set());
    for (const record of records) {
      const key = `${record.type}:${record.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.event.records.push(record);
    }
  }

  /**
   * Records that a mutation is about to run, before it reaches any subgraph: the event as known
   * now (who, purpose, operation, hashed variables) with the outcome `attempted`. The caller runs
   * the mutation only once this resolves; {@link commit} records the outcome after, as a second
   * event with the same request id.
   */
  attempt(writer: Pick<AuditWriter, 'record'>): Promise<void> {
    if (this.committed) return Promise.reject(new Error('the request was already recorded as ended'));
    try {
      return writer.record({ ...this.event, outcome: 'attempted', refusalCode: null, durationMs: Math.round(performance.now() - this.startedAt) });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Records the event with how the request ended. The promise rejects when the writer could not
   * commit it (the caller then answers `AUDIT_UNAVAILABLE`, or logs the failure). Only the first
   * call records; later ones return the first call's promise.
   */
  commit(writer: Pick<AuditWriter, 'record'>, ending: Ending): Promise<void> {
    if (!this.committed) {
      this.event.outcome = ending.outcome;
      this.event.refusalCode = ending.code;
      this.event.durationMs = Math.round(performance.now() - this.startedAt);
      // A writer that throws instead of rejecting still closes the record: no second ending.
      try {
        this.committed = writer.record(this.event);
      } catch (error) {
        this.committed = Promise.reject(error);
      }
    }
    return this.committed;
  }

  /** Records a request refused before GraphQL ran (bad token, oversized or malformed body). */
  refuse(writer: Pick<AuditWriter, 'record'>, code: string): Promise<void> {
    return this.commit(writer, { outcome: 'refused', code });
  }

  /**
   * Records a request answered with an HTTP error outside the request pipeline (CSRF prevention,
   * a body that is no GraphQL request, a refused token or document): refused, unless the hub
   * itself failed (5xx with a code that is not a refusal).
   */
  answered(writer: Pick<AuditWriter, 'record'>, status: number, code: string): Promise<void> {
    return this.commit(writer, { outcome: status >= 500 && !REFUSAL_CODES.has(code) ? 'error' : 'refused', code });
  }
}
