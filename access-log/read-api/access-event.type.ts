import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../../subgraphs/shared/connection';

/** How a request ended (values as the gateway records them). */
export enum AccessOutcome {
  OK = 'ok',
  PARTIAL = 'partial',
  ERROR = 'error',
  REFUSED = 'refused',
  ATTEMPTED = 'attempted',
}
registerEnumType(AccessOutcome, {
  name: 'AccessOutcome',
  description: 'How a gateway request ended.',
  valuesConfig: {
    OK: { description: 'Answered in full.' },
    PARTIAL: { description: 'Answered, with some fields null and an error for each (denied or failed).' },
    ERROR: { description: 'Failed: no data.' },
    REFUSED: { description: 'Refused before execution (authentication, limits, authorization in reject mode, audit unavailable).' },
    ATTEMPTED: { description: 'A mutation about to run, committed before it reached any subgraph; the event with its outcome follows under the same request id. An attempt with no outcome event means the outcome could not be recorded: the change may or may not have been made.' },
  },
});

/** Whether the access layer refused anything in a request. */
export enum AccessDecision {
  ALLOWED = 'ALLOWED',
  DENIED = 'DENIED',
}
registerEnumType(AccessDecision, {
  name: 'AccessDecision',
  description: 'Whether the access layer refused anything in a request.',
  valuesConfig: {
    ALLOWED: { description: 'Nothing was denied and the request was not refused.' },
    DENIED: { description: 'At least one selection was denied, or the whole request was refused.' },
  },
});

export enum AccessOperationType {
  QUERY = 'query',
  MUTATION = 'mutation',
  SUBSCRIPTION = 'subscription',
}
registerEnumType(AccessOperationType, { name: 'AccessOperationType', description: 'GraphQL operation type of a request.' });

@ObjectType({ description: 'The caller of a request, as verified by the gateway. A data owner sees its organisation and roles, not who it was.' })
export class AccessPrincipal {
  @Field(() => String, { nullable: true, description: 'Who the token was issued to, unique within the organisation; null for a data owner (withheld: the person is for auditors to follow up).' })
  subject!: string | null;

  @Field({ description: 'Code of the organisation the caller acted for, such as `ncb-fra`.' })
  organisation!: string;

  @Field(() => [String], { description: 'Roles the caller held, such as `BORDER_OFFICER`.' })
  roles!: string[];
}

@ObjectType({ description: 'One variable of a request: where it was and the keyed hash of its value (never the value).' })
export class AccessVariable {
  @Field({ description: 'Path of the value in the variables, such as `input.documentNumber` or `ids[2]`.' })
  path!: string;

  @Field({ description: 'HMAC-SHA256 (hex) of the trimmed, upper-cased value under the audit key; `searchedTerm` finds it from a value.' })
  hash!: string;
}

@ObjectType({ description: 'A selection the access layer removed or refused, and the rule that did.' })
export class AccessDenial {
  @Field({ description: 'Response path, keys joined by dots, such as `operation.results`.' })
  path!: string;

  @Field(() => String, { nullable: true, description: 'Schema coordinate of the denied field, such as `Operation.results`.' })
  coordinate!: string | null;

  @Field({ description: 'The rule that was not met, such as `@requiresScopes(ops:read)`.' })
  rule!: string;
}

@ObjectType({ description: 'A record a request returned, as the owning subgraph reported it.' })
export class AccessedRecord {
  @Field({ description: 'Entity type, such as `DocumentAlert`.' })
  type!: string;

  @Field({ description: 'Identifier of the record.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'Code of the organisation that owns the record; null for records without handling.' })
  owner!: string | null;
}

@ObjectType({ description: 'Where an event sits in the tamper-evident log: its writer chain, sequence number and hash.' })
export class AuditChainPosition {
  @Field({ description: 'Chain of the gateway writer that recorded the event.' })
  chainId!: string;

  @Field(() => Float, { description: 'Sequence number in the chain, from 1, without gaps.' })
  seq!: number;

  @Field({ description: 'SHA-256 (hex) linking this event to the previous one.' })
  hash!: string;

  @Field(() => Date, { description: 'When the event was committed.' })
  recordedAt!: Date;
}

@ObjectType('AccessEvent', {
  description: 'One request: who asked what, for which purpose, what was denied and which records came back. Every request the gateway receives has one; so does every call made to a subgraph directly (bypassing the gateway), which the subgraph refuses. An auditor sees every field; a data owner (PARTNER_LIAISON) only which organisation read which of its records, when and for which purpose code: every other field is withheld (null, or an empty list).',
})
export class AccessEventNode {
  @Field(() => String, { nullable: true, description: 'The request id (`x-request-id` in every subgraph log); for a direct call, the one the caller sent, or a new one. Withheld from data owners.' })
  requestId!: string | null;

  @Field(() => Date, { description: 'When the request was received.' })
  time!: Date;

  @Field({ description: 'Where the request was received: `gateway`, or the name of the subgraph (such as `operations`) that refused a call made to it directly; `notifier` for a try of the hub to notify a record owner of a hit (data owners see its outcome and refusalCode too).' })
  receivedBy!: string;

  @Field(() => AccessPrincipal, { nullable: true, description: 'The verified caller; null for an anonymous request or a refused token.' })
  principal!: AccessPrincipal | null;

  @Field(() => String, { nullable: true, description: 'Client application, from the `apollographql-client-name` header. Withheld from data owners.' })
  clientName!: string | null;

  @Field(() => String, { nullable: true, description: 'Client version, from the `apollographql-client-version` header. Withheld from data owners.' })
  clientVersion!: string | null;

  @Field(() => String, { nullable: true, description: 'Purpose the caller declared (`x-purpose`), in full. Withheld from data owners, who see `purposeCode`.' })
  purpose!: string | null;

  @Field(() => String, { nullable: true, description: 'The purpose\'s category: its first word when that is written as an operation code (`ANCHOR-III` of `ANCHOR-III hit follow-up`); null when it is not, or no purpose was declared.' })
  purposeCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Operation name. Withheld from data owners.' })
  operationName!: string | null;

  @Field(() => AccessOperationType, { nullable: true, description: 'Operation type (whether the records were read or changed); null when the request was refused before parsing.' })
  operationType!: AccessOperationType | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 (hex) of the GraphQL document as received. Withheld from data owners.' })
  documentHash!: string | null;

  @Field(() => [AccessVariable], { description: 'Variables as keyed hashes, by path. Empty for data owners.' })
  variables!: AccessVariable[];

  @Field(() => [String], { description: 'Schema coordinates of the fields the operation selected, such as `Query.operations`. Empty for data owners.' })
  fieldCoordinates!: string[];

  @Field(() => [AccessDenial], { description: 'Selections the access layer denied. Empty for data owners.' })
  denied!: AccessDenial[];

  @Field(() => [String], { description: 'Subgraphs the gateway called; for a direct call, the subgraph that refused it. Empty for data owners.' })
  subgraphs!: string[];

  @Field(() => [AccessedRecord], { description: 'Records returned; for a data owner only its own.' })
  records!: AccessedRecord[];

  @Field(() => AccessOutcome, { nullable: true, description: 'How the request ended. Withheld from data owners, except for the hub\'s notifications to them (`receivedBy: notifier`).' })
  outcome!: AccessOutcome | null;

  @Field(() => String, { nullable: true, description: 'Error code of a refused or failed request, such as `UNAUTHENTICATED`; for a failed notification try its cause (`HTTP_503`, `TIMEOUT`, `UNREACHABLE`, `DEAD_LETTER:<cause>`). Withheld from data owners, except for the hub\'s notifications to them.' })
  refusalCode!: string | null;

  @Field(() => Float, { nullable: true, description: 'Time from receipt to response, in milliseconds. Withheld from data owners.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'W3C trace id (32 hex digits) of the request\'s trace, when the hub was tracing (OpenTelemetry): the spans of its gateway phases, subgraph calls and database queries are found under it in the trace store. Withheld from data owners.' })
  traceId!: string | null;

  @Field(() => AuditChainPosition, { nullable: true, description: 'Place of the event in the tamper-evident log. Withheld from data owners.' })
  chain!: AuditChainPosition | null;
}

@ObjectType({ description: 'One access event in a page, with its cursor.' })
export class AccessEventEdge {
  @Field(() => AccessEventNode, { description: 'The event.' })
  node!: AccessEventNode;

  @Field({ description: 'Cursor of this edge, for `after`.' })
  cursor!: string;
}

@ObjectType({ description: 'A page of access events, newest first.' })
export class AccessEventConnection {
  @Field(() => [AccessEventEdge], { description: 'The events of this page, newest first.' })
  edges!: AccessEventEdge[];

  @Field(() => PageInfo, { description: 'Where this page stands in the whole list.' })
  pageInfo!: PageInfo;

  /** A promise when counted lazily (only if the query selects it). */
  @Field(() => Int, { description: 'How many events match, across all pages.' })
  totalCount!: number | Promise<number>;
}
