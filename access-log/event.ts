import { createHash, createHmac } from 'node:crypto';
import type { Principal } from '../identity/principal';

/**
 * How a gateway request ended, as an auditor reads it; `attempted` is the event a mutation
 * commits before it runs (its outcome follows in a second event with the same request id).
 */
export type AccessOutcome = 'ok' | 'partial' | 'error' | 'refused' | 'attempted';

/** GraphQL operation type; `null` when the request never got as far as a parsed operation. */
export type OperationType = 'query' | 'mutation' | 'subscription';

export const ACCESS_OUTCOMES: readonly AccessOutcome[] = ['ok', 'partial', 'error', 'refused', 'attempted'];
export const OPERATION_TYPES: readonly OperationType[] = ['query', 'mutation', 'subscription'];

/** The caller as the audit log keeps it: who, for which organisation, in which roles. */
export interface AuditPrincipal {
  subject: string;
  organisation: string;
  roles: readonly string[];
}

/** The part of a verified principal the audit log keeps; `null` for an anonymous caller. */
export function auditPrincipal(principal: Pick<Principal, 'subject' | 'organisation' | 'roles'> | null | undefined): AuditPrincipal | null {
  return principal ? { subject: principal.subject, organisation: principal.organisation, roles: [...principal.roles] } : null;
}

/** A selection removed or refused by the authorization layer, and the rule that removed it. */
export interface DeniedPath {
  /** Response path, keys joined by dots (aliases win, no list indices), e.g. `operation.results`. */
  path: string;
  /** Schema coordinate of the denied field, e.g. `Operation.results`; `null` when not a field. */
  coordinate: string | null;
  /** The failing rule, e.g. `@requiresScopes(ops:read)`. */
  rule: string;
}

/** One record a subgraph reported returning (response extensions), by entity type, id and owner. */
export interface ReturnedRecord {
  type: string;
  id: string;
  /** Code of the owner organisation; `null` for records without handling. */
  owner: string | null;
}

/** `receivedBy` of an event the gateway recorded; events stored without the field were all recorded by it. */
export const RECEIVED_BY_GATEWAY = 'gateway';

/**
 * `receivedBy` of an event the hub itself recorded when it sent a hit notification to a record's
 * owner: one `attempted` event before each try and one with its result after (`ok`, or `error`
 * with `refusalCode` the cause, `DEAD_LETTER:<cause>` for the last), principal the hub as a
 * system (`frontera-notifier`, organisation `hub`, no roles), records the hit and the matched
 * record with their owner, purpose `<operation code> hit notification attempt <n>`.
 */
export const RECEIVED_BY_NOTIFIER = 'notifier';

/**
 * One request, as committed to the audit log before its response is released: a gateway request,
 * or a call made to a subgraph directly that the subgraph refused (`receivedBy`).
 * Never holds a clear variable value: `variables` maps each leaf path to a keyed hash
 * ({@link hashVariables}).
 */
export interface AccessEvent {
  /** The gateway's request id (also sent to subgraphs as `x-request-id`). */
  requestId: string;
  /** When the gateway received the request: ISO 8601 in UTC with milliseconds (`Date#toISOString`). */
  time: string;
  /** The verified caller; `null` for an anonymous request or one whose token was refused. */
  principal: AuditPrincipal | null;
  /** `apollographql-client-name` header. */
  clientName: string | null;
  /** `apollographql-client-version` header. */
  clientVersion: string | null;
  /** Declared purpose (`x-purpose`), e.g. an operation code. */
  purpose: string | null;
  operationName: string | null;
  operationType: OperationType | null;
  /** SHA-256 (hex) of the document text as received ({@link documentHash}); `null` without a document. */
  documentHash: string | null;
  /** Leaf path of each variable value → HMAC-SHA256 hex of its normalised form. */
  variables: Record<string, string>;
  /** Schema coordinates of the fields the operation selected, e.g. `Query.operations`, `Operation.code`. */
  fieldCoordinates: string[];
  denied: DeniedPath[];
  /** Names of the subgraphs the query plan called. */
  subgraphs: string[];
  records: ReturnedRecord[];
  outcome: AccessOutcome;
  /** Error code of a refused or failed request (e.g. `UNAUTHENTICATED`, `OPERATION_TOO_COMPLEX`). */
  refusalCode: string | null;
  durationMs: number;
  /**
   * Where the request was received: {@link RECEIVED_BY_GATEWAY}, or the name of the subgraph that
   * refused a call made to it directly. Optional because events committed before it existed lack
   * it, and the chain hashes them as stored: absent means the gateway.
   */
  receivedBy?: string;
  /**
   * The W3C trace id (32 hex digits) of the request's trace, when tracing was on: an auditor
   * finds the request's spans (gateway phases, subgraph calls, queries) under it. Optional, like
   * `receivedBy`, for the events stored before it existed and for a hub without tracing.
   */
  traceId?: string;
}

/**
 * A fresh event for a request received at `receivedAt`, with everything else empty; the
 * gateway pipeline fills it in as the request progresses and records it once it has ended.
 */
export function emptyAccessEvent(requestId: string, receivedAt: Date): AccessEvent {
  return {
    requestId,
    time: receivedAt.toISOString(),
    principal: null,
    clientName: null,
    clientVersion: null,
    purpose: null,
    operationName: null,
    operationType: null,
    documentHash: null,
    variables: {},
    fieldCoordinates: [],
    denied: [],
    subgraphs: [],
    records: [],
    outcome: 'error',
    refusalCode: null,
    durationMs: 0,
  };
}

/** JSON values that {@link canonicalJson} accepts. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units, as `Array#sort`), no whitespace,
 * strings escaped as `JSON.stringify` does. Keys whose value is `undefined` are left out. Anything
 * that is not plain JSON (a non-finite number, a Date, a class instance, a cycle or more than 64
 * levels) is refused, so that two encoders can never disagree about the same value.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

// Deeper than any event; stops a cycle (or a hostile structure) before the stack does.
const MAX_CANONICAL_DEPTH = 64;

function encode(value: unknown, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
  }
  if (depth >= MAX_CANONICAL_DEPTH) throw new TypeError(`canonical JSON refuses nesting deeper than ${MAX_CANONICAL_DEPTH} levels (or a cycle)`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + encode(value[i] === undefined ? null : value[i], depth + 1);
    return `${out}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new TypeError(`canonical JSON encodes plain objects only, not ${(value as object).constructor?.name ?? 'this object'}`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${encode(item, depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}

/** SHA-256 (hex) of a GraphQL document as received, so auditors can match it to a known operation. */
export function documentHash(document: string): string {
  return createHash('sha256').update(document, 'utf8').digest('hex');
}

/**
 * The string a variable leaf is hashed as: strings trimmed, Unicode-normalised (NFC) and upper
 * case, so a document number typed ` ab123 ` matches `AB123`; numbers and booleans as JSON writes
 * them (the number 123 and the string "123" hash alike); `null` as `null`.
 */
export function normaliseTerm(value: string | number | boolean | null): string {
  if (typeof value === 'string') return value.normalize('NFC').trim().toUpperCase();
  return JSON.stringify(value);
}

/** HMAC-SHA256 (hex) of one value under the audit key, exactly as {@link hashVariables} hashes a leaf. */
export function hashTerm(value: string | number | boolean | null, auditKey: Buffer | string): string {
  return createHmac('sha256', auditKey).update(normaliseTerm(value), 'utf8').digest('hex');
}

// Bounds that keep an event small whatever a client sends; beyond them the event says it was cut.
const MAX_VARIABLE_LEAVES = 1_000;
const MAX_VARIABLE_DEPTH = 32;

/** Path key of an event whose variables went beyond the bounds; its value says how many leaves were left out. */
export const TRUNCATED_VARIABLES_KEY = '…truncated';

/**
 * Replaces every leaf value of the request's variables by its keyed hash ({@link hashTerm}),
 * keyed by its path (`input.documents[0].number`). The result never holds a clear value: an
 * auditor who knows a value can find who sent it, and nobody can read one back. At most 1000
 * leaves and 32 levels are kept; beyond that {@link TRUNCATED_VARIABLES_KEY} counts what was left out.
 */
export function hashVariables(variables: unknown, auditKey: Buffer | string): Record<string, string> {
  const hashes: Record<string, string> = {};
  if (variables === null || variables === undefined || typeof variables !== 'object') return hashes;
  let leaves = 0;
  let skipped = 0;
  // Iterative, so that deeply nested input cannot exhaust the stack.
  const stack: [path: string, value: unknown, depth: number][] = Object.entries(variables as object).reverse().map(([k, v]) => [k, v, 1]);
  while (stack.length) {
    const [path, value, depth] = stack.pop()!;
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object') {
      const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v]) : Object.entries(value).map(([k, v]) => [`${path}.${k}`, v]);
      if (depth >= MAX_VARIABLE_DEPTH) {
        skipped += Math.max(1, entries.length);
        continue;
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][0], entries[i][1], depth + 1]);
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean' && value !== null) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    if (leaves >= MAX_VARIABLE_LEAVES) {
      skipped += 1;
      continue;
    }
    hashes[path] = hashTerm(value, auditKey);
    leaves += 1;
  }
  if (skipped) hashes[TRUNCATED_VARIABLES_KEY] = String(skipped);
  return hashes;
}

const HEX64 = /^[0-9a-f]{64}$/;
/** A valid W3C trace id: 32 lower-case hex digits, not all zero. */
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const LONE_SURROGATE_OR_NUL = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;
const MAX_TEXT = 512;

/**
 * PostgreSQL's jsonb refuses `\u0000` and lone surrogates; one such string would fail a whole
 * group commit. Replacing them keeps one client's odd header from refusing everyone's requests.
 */
function cleanText(value: string, max = MAX_TEXT): string {
  const cut = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return cut.replace(LONE_SURROGATE_OR_NUL, '\uFFFD');
}

function optionalText(value: unknown, field: string, max = MAX_TEXT): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new TypeError(`access event ${field} must be a string or null`);
  return cleanText(value, max);
}

function requiredText(value: unknown, field: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`access event ${field} must be a non-empty string`);
  return cleanText(value, max);
}

function textList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new TypeError(`access event ${field} must be an array of strings`);
  return [...new Set(value.map((item) => requiredText(item, `${field}[]`)))].sort();
}

// A subgraph name (catalogue names and partner codes) or `gateway`.
const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Checks an event from the gateway and returns the exact form that is hashed and stored: text
 * cleaned for PostgreSQL, lists deduplicated and sorted, so the same request always encodes the
 * same way. Throws a TypeError naming the first invalid field (a bug in the caller, never data).
 */
export function normaliseEvent(input: AccessEvent): AccessEvent {
  if (input === null || typeof input !== 'object') throw new TypeError('access event must be an object');
  const time = new Date(input.time);
  if (typeof input.time !== 'string' || Number.isNaN(time.getTime())) throw new TypeError('access event time must be an ISO 8601 date-time');
  if (!ACCESS_OUTCOMES.includes(input.outcome)) throw new TypeError(`access event outcome must be one of ${ACCESS_OUTCOMES.join(', ')}`);
  if (input.operationType !== null && !OPERATION_TYPES.includes(input.operationType)) throw new TypeError(`access event operationType must be one of ${OPERATION_TYPES.join(', ')} or null`);
  if (typeof input.durationMs !== 'number' || !Number.isFinite(input.durationMs) || input.durationMs < 0) throw new TypeError('access event durationMs must be a non-negative number');
  const documentHashValue = input.documentHash ?? null;
  if (documentHashValue !== null && !HEX64.test(documentHashValue)) throw new TypeError('access event documentHash must be 64 lower-case hex digits or null');

  const principal = input.principal ?? null;
  const variables: Record<string, string> = {};
  if (input.variables === null || typeof input.variables !== 'object') throw new TypeError('access event variables must be an object of hashes');
  for (const [path, hash] of Object.entries(input.variables)) {
    if (typeof hash !== 'string' || (!HEX64.test(hash) && path !== TRUNCATED_VARIABLES_KEY)) throw new TypeError(`access event variables.${path} must be a hash from hashVariables`);
    variables[cleanText(path, 1024)] = hash;
  }
  if (!Array.isArray(input.denied)) throw new TypeError('access event denied must be an array');
  if (!Array.isArray(input.records)) throw new TypeError('access event records must be an array');
  if (input.receivedBy !== undefined && (typeof input.receivedBy !== 'string' || !SERVICE_NAME.test(input.receivedBy))) {
    throw new TypeError('access event receivedBy must be "gateway" or a subgraph name (lower-case letters, digits, _ and -), or absent');
  }
  if (input.traceId !== undefined && (typeof input.traceId !== 'string' || !TRACE_ID.test(input.traceId))) {
    throw new TypeError('access event traceId must be 32 lower-case hex digits, not all zero, or absent');
  }

  const denied = input.denied
    .map((d, i) => ({ path: requiredText(d?.path, `denied[${i}].path`, 2048), coordinate: optionalText(d?.coordinate, `denied[${i}].coordinate`), rule: requiredText(d?.rule, `denied[${i}].rule`, 2048) }))
    .sort((a, b) => compareText(a.path, b.path) || compareText(a.rule, b.rule));
  const records = new Map<string, ReturnedRecord>();
  input.records.forEach((r, i) => {
    const record = { type: requiredText(r?.type, `records[${i}].type`, 200), id: requiredText(r?.id, `records[${i}].id`, 200), owner: optionalText(r?.owner, `records[${i}].owner`, 200) };
    // NUL cannot occur in cleaned text, so it separates the parts unambiguously.
    records.set(`${record.type}\u0000${record.id}\u0000${record.owner ?? ''}\u0000${record.owner === null ? 0 : 1}`, record);
  });

  return {
    requestId: requiredText(input.requestId, 'requestId', 200),
    time: time.toISOString(),
    principal: principal === null ? null : {
      subject: requiredText(principal.subject, 'principal.subject'),
      organisation: requiredText(principal.organisation, 'principal.organisation', 200),
      roles: textList(principal.roles, 'principal.roles'),
    },
    clientName: optionalText(input.clientName, 'clientName'),
    clientVersion: optionalText(input.clientVersion, 'clientVersion'),
    purpose: optionalText(input.purpose, 'purpose'),
    operationName: optionalText(input.operationName, 'operationName'),
    operationType: input.operationType ?? null,
    documentHash: documentHashValue,
    variables,
    fieldCoordinates: textList(input.fieldCoordinates, 'fieldCoordinates'),
    denied,
    subgraphs: textList(input.subgraphs, 'subgraphs'),
    records: [...records.entries()].sort(([a], [b]) => compareText(a, b)).map(([, record]) => record),
    outcome: input.outcome,
    refusalCode: optionalText(input.refusalCode, 'refusalCode', 200),
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    // Left out rather than undefined when absent, so the stored JSON is what was hashed.
    ...(input.receivedBy === undefined ? {} : { receivedBy: input.receivedBy }),
    ...(input.traceId === undefined ? {} : { traceId: input.traceId }),
  };
}
