import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { RECEIVED_BY_GATEWAY } from '../event';
import { keysetPage, PageArgs } from '../../subgraphs/shared/connection';
import { fail } from '../../subgraphs/shared/errors';
import { Policy } from '../../authorization/subgraph/policy';
import { AccessDecision, AccessEventConnection, AccessEventNode, type AccessOperationType, type AccessOutcome } from './access-event.type';
import { AccessEventFilter } from './audit.input';
import type { Condition, EventRow } from './audit.loaders';
import { requireAuditScope, type AuditContext, type AuditScope } from './audit.scope';
import { purposeCode, rolePolicy } from '../../authorization/policies';
import { Role } from '../../identity/principal';
import { codedError, ErrorCode } from '../../platform/errors';
import { ownerView, refusedOwnerFilters } from './owner-view';

const MAX_TERM = 512;

/** Declared for the gateway (layer 1); the resolvers narrow further by `auditScope` (layer 2). */
const READERS = [Role.AUDITOR, Role.PARTNER_LIAISON].map((role) => [rolePolicy(role)]);
const AUDITORS = [[rolePolicy(Role.AUDITOR)]];

/** `event @> value`: answered by the GIN index on the event. */
function contains(value: object): Condition {
  return { sql: 'event @> ?::jsonb', bindings: [JSON.stringify(value)] };
}

function text(field: string, value: string, max = MAX_TERM): string {
  if (value.length === 0 || value.length > max) throw fail.badInput(`${field} must be 1 to ${max} characters`, field);
  return value;
}

/** `records @> [{type, id}]`, and for a data owner `owner` too: its own records only, never another's. */
function recordCondition(scope: Exclude<AuditScope, { kind: 'none' }>, type: string, id: string): Condition {
  return contains({ records: [{ type, id, ...(scope.kind === 'organisation' ? { owner: scope.code } : {}) }] });
}

/** Conditions of a filter, each one of the listed fields; FORBIDDEN for a data owner's condition on what it may not see. */
function filterConditions(scope: Exclude<AuditScope, { kind: 'none' }>, filter: AccessEventFilter | undefined): Condition[] {
  if (!filter) return [];
  if (scope.kind === 'organisation') {
    const refused = refusedOwnerFilters(filter);
    if (refused.length) {
      throw codedError(ErrorCode.FORBIDDEN, `a data owner may filter only on what it sees (organisation, role, from, to, entity, purposeCode, receivedBy), not on ${refused.map((key) => `filter.${key}`).join(', ')}`, { field: `filter.${refused[0]}` });
    }
  }
  const conditions: Condition[] = [];
  if (filter.from && filter.to && filter.to.getTime() <= filter.from.getTime()) {
    throw fail.badInput(`the time range ends (${filter.to.toISOString()}) before it starts (${filter.from.toISOString()}): to must be after from`, 'filter.to');
  }
  if (filter.organisation != null) conditions.push({ sql: 'organisation = ?', bindings: [text('filter.organisation', filter.organisation)] });
  if (filter.subject != null) conditions.push({ sql: 'subject = ?', bindings: [text('filter.subject', filter.subject)] });
  if (filter.from) conditions.push({ sql: 'occurred_at >= ?::timestamptz', bindings: [filter.from] });
  if (filter.to) conditions.push({ sql: 'occurred_at < ?::timestamptz', bindings: [filter.to] });
  if (filter.operationName != null) conditions.push({ sql: 'operation_name = ?', bindings: [text('filter.operationName', filter.operationName)] });
  if (filter.purpose != null) conditions.push({ sql: 'purpose = ?', bindings: [text('filter.purpose', filter.purpose)] });
  if (filter.purposeCode != null) {
    const code = text('filter.purposeCode', filter.purposeCode, 40);
    if (purposeCode(code) !== code) throw fail.badInput('filter.purposeCode must be an operation code: 3 to 40 upper-case letters, digits or dashes, starting with a letter (e.g. ANCHOR-III)', 'filter.purposeCode');
    // The same rule as `purposeCode`: the whole purpose, or its first word before a space.
    conditions.push({ sql: `(purpose = ? or starts_with(purpose, ?))`, bindings: [code, `${code} `] });
  }
  if (filter.role != null) conditions.push(contains({ principal: { roles: [text('filter.role', filter.role, 40)] } }));
  if (filter.refusalCode != null) conditions.push(contains({ refusalCode: text('filter.refusalCode', filter.refusalCode, 200) }));
  if (filter.outcome) conditions.push({ sql: 'outcome = ?', bindings: [filter.outcome] });
  if (filter.decision) conditions.push({ sql: filter.decision === AccessDecision.DENIED ? 'denied' : 'not denied', bindings: [] });
  if (filter.fieldCoordinate != null) conditions.push(contains({ fieldCoordinates: [text('filter.fieldCoordinate', filter.fieldCoordinate)] }));
  if (filter.entity) conditions.push(recordCondition(scope, text('filter.entity.type', filter.entity.type), text('filter.entity.id', filter.entity.id)));
  if (filter.traceId != null) {
    const traceId = text('filter.traceId', filter.traceId, 32);
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw fail.badInput('filter.traceId must be a W3C trace id: 32 lower-case hex digits', 'filter.traceId');
    conditions.push(contains({ traceId }));
  }
  if (filter.receivedBy != null) {
    const receivedBy = text('filter.receivedBy', filter.receivedBy, 100);
    // Events from before `receivedBy` existed lack it and were all the gateway's; any other value is in the indexed event.
    conditions.push(receivedBy === RECEIVED_BY_GATEWAY ? { sql: `coalesce(event ->> 'receivedBy', ?) = ?`, bindings: [RECEIVED_BY_GATEWAY, RECEIVED_BY_GATEWAY] } : contains({ receivedBy }));
  }
  return conditions;
}

/** A partner liaison sees only events that returned its organisation's records. */
function scopeConditions(scope: Exclude<AuditScope, { kind: 'none' }>): Condition[] {
  return scope.kind === 'organisation' ? [contains({ records: [{ owner: scope.code }] })] : [];
}

/** The event as an auditor sees it, or as a data owner does (`ownerView`: deny by default). */
function toNode(row: EventRow, scope: Exclude<AuditScope, { kind: 'none' }>): AccessEventNode {
  const node = fullNode(row);
  return scope.kind === 'all' ? node : ownerView(node, scope.code);
}

function fullNode(row: EventRow): AccessEventNode {
  const event = row.event;
  return {
    requestId: event.requestId,
    time: new Date(event.time),
    receivedBy: event.receivedBy ?? RECEIVED_BY_GATEWAY,
    traceId: event.traceId ?? null,
    principal: event.principal ? { ...event.principal, roles: [...event.principal.roles] } : null,
    clientName: event.clientName,
    clientVersion: event.clientVersion,
    purpose: event.purpose,
    purposeCode: purposeCode(event.purpose),
    operationName: event.operationName,
    operationType: event.operationType as AccessOperationType | null,
    documentHash: event.documentHash,
    variables: Object.entries(event.variables).map(([path, hash]) => ({ path, hash })),
    fieldCoordinates: event.fieldCoordinates,
    denied: event.denied,
    subgraphs: event.subgraphs,
    records: event.records,
    outcome: event.outcome as AccessOutcome,
    refusalCode: event.refusalCode,
    durationMs: event.durationMs,
    chain: { chainId: row.chain_id, seq: Number(row.seq), hash: row.hash, recordedAt: row.recorded_at },
  };
}

/** One page of events newest first, with `totalCount` counted only when asked for. */
async function eventPage(ctx: AuditContext, scope: Exclude<AuditScope, { kind: 'none' }>, page: PageArgs, conditions: Condition[]): Promise<AccessEventConnection> {
  // The reader writes its own SQL: it takes the decoded key, not the MikroORM filter. A data
  // owner's cursors carry no chain position, which its view withholds.
  const owner = scope.kind === 'organisation';
  const keyset = owner
    ? keysetPage<EventRow>(page, 'desc', { occurred_at: 'time', hash: 'text' })
    : keysetPage<EventRow>(page, 'desc', { occurred_at: 'time', chain_id: 'uuid', seq: 'integer' });
  const all = [...scopeConditions(scope), ...conditions];
  const rows = await ctx.loaders.events.page(all, keyset.limit, keyset.after, owner ? 'hash' : 'chain');
  const connection = keyset.connection(rows);
  const reader = ctx.loaders.events;
  return {
    edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: toNode(edge.node, scope) })),
    pageInfo: connection.pageInfo,
    // A getter, so the count runs only when the query selects it.
    get totalCount() {
      return reader.count(all);
    },
  };
}

@Resolver()
export class AccessEventResolver {
  @Policy(...READERS)
  @Query(() => AccessEventConnection, {
    description: 'Access events matching the filter, newest first. AUDITOR sees every event in full; PARTNER_LIAISON, as its organisation\'s data owner, only events that returned its records, in the owner\'s view (see `AccessEvent`); anyone else is refused with FORBIDDEN.',
  })
  accessEvents(
    @Ctx() ctx: AuditContext,
    @Args() page: PageArgs,
    @Arg('filter', () => AccessEventFilter, { nullable: true, description: 'Conditions, all of which must hold.' }) filter?: AccessEventFilter,
  ): Promise<AccessEventConnection> {
    const scope = requireAuditScope(ctx);
    return eventPage(ctx, scope, page, filterConditions(scope, filter));
  }

  @Policy(...READERS)
  @Query(() => AccessEventConnection, {
    description: 'Who accessed a record: the events whose responses returned it, newest first (same visibility as `accessEvents`). A data owner asks about its own records only: for any other record it gets no event.',
  })
  whoAccessed(
    @Ctx() ctx: AuditContext,
    @Args() page: PageArgs,
    @Arg('type', { description: 'Entity type, such as `DocumentAlert`.' }) type: string,
    @Arg('id', { description: 'Identifier of the record.' }) id: string,
  ): Promise<AccessEventConnection> {
    const scope = requireAuditScope(ctx);
    return eventPage(ctx, scope, page, [recordCondition(scope, text('type', type), text('id', id))]);
  }

  @Policy(...AUDITORS)
  @Query(() => AccessEventConnection, {
    description: 'Who searched for a value: the events whose variables carried it, newest first. The value is compared as the gateway logged it (keyed hash of the trimmed, upper-cased text), so `ab123` finds `AB123 `. AUDITOR only: for anyone else it would confirm guessed values other people searched for.',
  })
  searchedTerm(
    @Ctx() ctx: AuditContext,
    @Args() page: PageArgs,
    @Arg('value', { description: 'The value searched for, such as a document number.' }) value: string,
  ): Promise<AccessEventConnection> {
    const scope = requireAuditScope(ctx);
    if (scope.kind !== 'all') throw fail.forbidden('searchedTerm needs the AUDITOR role: a data owner sees who read its records, not what others searched for');
    const hash = ctx.tools.auditTerm(text('value', value));
    return eventPage(ctx, scope, page, [{ sql: 'variable_hashes @> ?::jsonb', bindings: [JSON.stringify([hash])] }]);
  }
}
