import { Field, InputType } from 'type-graphql';
import { AccessDecision, AccessOutcome } from './access-event.type';

@InputType({ description: 'A record, by entity type and id.' })
export class AccessedRecordInput {
  @Field({ description: 'Entity type, such as `DocumentAlert`.' })
  type!: string;

  @Field({ description: 'Identifier of the record.' })
  id!: string;
}

@InputType({
  description: 'Which access events to list; all given conditions must hold. A data owner may filter only on what it sees: `organisation`, `role`, `from`, `to`, `entity` (its own records), `purposeCode` and `receivedBy`; any other condition is refused with FORBIDDEN.',
})
export class AccessEventFilter {
  @Field({ nullable: true, description: 'Only requests by callers of this organisation (code, such as `ncb-fra`).' })
  organisation?: string;

  @Field({ nullable: true, description: 'Only requests by this subject. Auditors only.' })
  subject?: string;

  @Field(() => Date, { nullable: true, description: 'Only requests received at or after this time.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Only requests received before this time.' })
  to?: Date;

  @Field({ nullable: true, description: 'Only operations with this name. Auditors only.' })
  operationName?: string;

  @Field({ nullable: true, description: 'Only requests that selected this field, as a schema coordinate such as `Operation.results`. Auditors only.' })
  fieldCoordinate?: string;

  @Field(() => AccessedRecordInput, { nullable: true, description: 'Only requests that returned this record; for a data owner, only its own records match.' })
  entity?: AccessedRecordInput;

  @Field(() => AccessDecision, { nullable: true, description: 'Only requests where something was (DENIED) or nothing was (ALLOWED) refused. Auditors only.' })
  decision?: AccessDecision;

  @Field(() => AccessOutcome, { nullable: true, description: 'Only requests that ended this way. Auditors only.' })
  outcome?: AccessOutcome;

  @Field({ nullable: true, description: 'Only requests that declared this purpose, in full. Auditors only.' })
  purpose?: string;

  @Field({ nullable: true, description: 'Only requests by callers holding this role (such as `NCB_ANALYST`).' })
  role?: string;

  @Field({ nullable: true, description: 'Only requests refused or failed with this code (see `AccessEvent.refusalCode`), such as `UNAUTHENTICATED` or `RATE_LIMITED`. Auditors only.' })
  refusalCode?: string;

  @Field({ nullable: true, description: 'Only requests whose purpose starts with this operation code (see `AccessEvent.purposeCode`), such as `ANCHOR-III`.' })
  purposeCode?: string;

  @Field({ nullable: true, description: 'Only requests received there: `gateway`, a subgraph name for the direct calls it refused, or `notifier` for the hub\'s hit notification tries.' })
  receivedBy?: string;

  @Field({ nullable: true, description: 'Only the request of this W3C trace id (32 hex digits, see `AccessEvent.traceId`): from a trace to its access events. Auditors only.' })
  traceId?: string;
}
