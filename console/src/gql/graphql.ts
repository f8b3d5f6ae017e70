/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Whether the access layer refused anything in a request. */
export type AccessDecision =
  /** Nothing was denied and the request was not refused. */
  | 'ALLOWED'
  /** At least one selection was denied, or the whole request was refused. */
  | 'DENIED';

/** Which access events to list; all given conditions must hold. A data owner may filter only on what it sees: `organisation`, `role`, `from`, `to`, `entity` (its own records), `purposeCode` and `receivedBy`; any other condition is refused with FORBIDDEN. */
export type AccessEventFilter = {
  /** Only requests where something was (DENIED) or nothing was (ALLOWED) refused. Auditors only. */
  decision?: AccessDecision | null | undefined;
  /** Only requests that returned this record; for a data owner, only its own records match. */
  entity?: AccessedRecordInput | null | undefined;
  /** Only requests that selected this field, as a schema coordinate such as `Operation.results`. Auditors only. */
  fieldCoordinate?: string | null | undefined;
  /** Only requests received at or after this time. */
  from?: string | null | undefined;
  /** Only operations with this name. Auditors only. */
  operationName?: string | null | undefined;
  /** Only requests by callers of this organisation (code, such as `ncb-fra`). */
  organisation?: string | null | undefined;
  /** Only requests that ended this way. Auditors only. */
  outcome?: AccessOutcome | null | undefined;
  /** Only requests that declared this purpose, in full. Auditors only. */
  purpose?: string | null | undefined;
  /** Only requests whose purpose starts with this operation code (see `AccessEvent.purposeCode`), such as `ANCHOR-III`. */
  purposeCode?: string | null | undefined;
  /** Only requests received there: `gateway`, a subgraph name for the direct calls it refused, or `notifier` for the hub's hit notification tries. */
  receivedBy?: string | null | undefined;
  /** Only requests refused or failed with this code (see `AccessEvent.refusalCode`), such as `UNAUTHENTICATED` or `RATE_LIMITED`. Auditors only. */
  refusalCode?: string | null | undefined;
  /** Only requests by callers holding this role (such as `NCB_ANALYST`). */
  role?: string | null | undefined;
  /** Only requests by this subject. Auditors only. */
  subject?: string | null | undefined;
  /** Only requests received before this time. */
  to?: string | null | undefined;
  /** Only the request of this W3C trace id (32 hex digits, see `AccessEvent.traceId`): from a trace to its access events. Auditors only. */
  traceId?: string | null | undefined;
};

/** GraphQL operation type of a request. */
export type AccessOperationType =
  | 'MUTATION'
  | 'QUERY'
  | 'SUBSCRIPTION';

/** How a gateway request ended. */
export type AccessOutcome =
  /** A mutation about to run, committed before it reached any subgraph; the event with its outcome follows under the same request id. An attempt with no outcome event means the outcome could not be recorded: the change may or may not have been made. */
  | 'ATTEMPTED'
  /** Failed: no data. */
  | 'ERROR'
  /** Answered in full. */
  | 'OK'
  /** Answered, with some fields null and an error for each (denied or failed). */
  | 'PARTIAL'
  /** Refused before execution (authentication, limits, authorization in reject mode, audit unavailable). */
  | 'REFUSED';

/** A record, by entity type and id. */
export type AccessedRecordInput = {
  /** Identifier of the record. */
  id: string;
  /** Entity type, such as `DocumentAlert`. */
  type: string;
};

/** Kind of border crossing point. */
export type BorderType =
  | 'AIR'
  | 'LAND'
  | 'SEA';

/** How sensitive a record is, lowest first: OFFICIAL_USE < RESTRICTED < CONFIDENTIAL. */
export type Classification =
  | 'CONFIDENTIAL'
  | 'OFFICIAL_USE'
  | 'RESTRICTED';

/** The record owner confirms a hit and the officer records the action taken. */
export type ConfirmHitInput = {
  /** Action taken under national law. */
  action: HitAction;
  /** A PENDING hit. */
  hitId: string | number;
  /** Note (at most 2000 characters). */
  note?: string | null | undefined;
};

/** Type of travel document. */
export type DocumentType =
  | 'IDENTITY_CARD'
  | 'PASSPORT'
  | 'REFUGEE_TRAVEL_DOCUMENT'
  | 'SEAFARER_IDENTITY_DOCUMENT'
  | 'VISA';

/** Action taken under national law after a hit was decided. */
export type HitAction =
  | 'ARRESTED'
  | 'NONE'
  | 'QUESTIONED'
  | 'REFUSED_ENTRY'
  | 'RELEASED'
  | 'SEIZED';

/** Which hits to list. */
export type HitFilter = {
  /** Only hits at this checkpoint. */
  checkpointId?: string | number | null | undefined;
  /** Only hits of this operation. */
  operationId?: string | number | null | undefined;
  /** Only hits in this status. */
  status?: HitStatus | null | undefined;
};

/** A hit is PENDING until the owner of the matched record confirms or rejects it. */
export type HitStatus =
  | 'CONFIRMED'
  | 'PENDING'
  | 'REJECTED';

/** Life cycle of an operation: PLANNED → ACTIVE → CLOSED (or PLANNED → CLOSED when called off). */
export type OperationStatus =
  /** Under way; officers screen at deployed checkpoints. */
  | 'ACTIVE'
  /** Over or called off; final. */
  | 'CLOSED'
  /** Announced; deployments can be planned, no screening yet. */
  | 'PLANNED';

/** The service a presumed victim was referred to. */
export type ReferralService =
  /** The migration organisation's assisted voluntary return and reintegration programme. */
  | 'ASSISTED_VOLUNTARY_RETURN'
  /** The child-protection authority (always for unaccompanied children). */
  | 'CHILD_PROTECTION_SERVICE'
  /** A shelter run by the social-welfare ministry. */
  | 'GOVERNMENT_SHELTER'
  /** A hospital or clinic. */
  | 'HEALTH_FACILITY'
  /** A lawyer or legal clinic. */
  | 'LEGAL_AID_PROVIDER'
  /** The national agency that formally identifies victims of trafficking. */
  | 'NATIONAL_ANTI_TRAFFICKING_AGENCY'
  /** A shelter run by a non-governmental organisation. */
  | 'NGO_SHELTER';

/** The record owner rejects a hit (no match after verification). */
export type RejectHitInput = {
  /** Action taken; RELEASED unless said otherwise. */
  action?: HitAction;
  /** A PENDING hit. */
  hitId: string | number;
  /** Note (at most 2000 characters). */
  note?: string | null | undefined;
};

/** A database opened to officers at checkpoints during an operation. */
export type ScreeningDatabase =
  | 'FINGERPRINTS'
  | 'ILLICIT_FIREARMS'
  | 'STOLEN_LOST_TRAVEL_DOCUMENTS'
  | 'STOLEN_MOTOR_VEHICLES'
  | 'STOLEN_VESSELS'
  | 'TRAVEL_DOCUMENTS_ASSOCIATED_WITH_NOTICES'
  | 'WANTED_PERSONS';

/** What customs seized. */
export type SeizureCommodity =
  /** Cartridges and shells. */
  | 'AMMUNITION'
  /** Amphetamine-type stimulants, including captagon tablets. */
  | 'AMPHETAMINE'
  /** Cannabis herb or resin. */
  | 'CANNABIS'
  /** Cigarettes smuggled to evade excise (counted in sticks). */
  | 'CIGARETTES'
  /** Cocaine hydrochloride or base. */
  | 'COCAINE'
  /** Goods infringing trademarks or designs. */
  | 'COUNTERFEIT_GOODS'
  /** Undeclared or suspected criminal cash. */
  | 'CURRENCY'
  /** Firearms, including converted alarm pistols and essential parts. */
  | 'FIREARMS'
  /** Smuggled petrol or diesel. */
  | 'FUEL'
  /** Heroin. */
  | 'HEROIN'
  /** Methamphetamine, crystalline or tablets. */
  | 'METHAMPHETAMINE'
  /** Falsified or diverted medicines, such as tramadol. */
  | 'PHARMACEUTICALS'
  /** Protected species and their parts (ivory, pangolin scales, rosewood). */
  | 'WILDLIFE';

/** Unit of a seized quantity: a mass, a volume, a count, or an amount of a currency. */
export type SeizureUnit =
  /** Euros (cash). */
  | 'EUR'
  /** Kilograms (net mass). */
  | 'KG'
  /** Litres. */
  | 'LITRE'
  /** Items counted one by one (weapons, cartridges, cigarette sticks, tablets, articles). */
  | 'PIECE'
  /** United States dollars (cash). */
  | 'USD';

/** Age of a suspect in years, in bands (never a date of birth). */
export type SuspectAgeBand =
  /** 18 to 24. */
  | 'AGE_18_24'
  /** 25 to 34. */
  | 'AGE_25_34'
  /** 35 to 44. */
  | 'AGE_35_44'
  /** 45 to 54. */
  | 'AGE_45_54'
  /** 55 or older. */
  | 'AGE_55_PLUS'
  /** Under 18. */
  | 'UNDER_18';

/** Which training sessions to list; all given conditions must hold. */
export type TrainingSessionFilter = {
  /** Only sessions of this course. */
  courseId?: string | number | null | undefined;
  /** Only sessions still running on or after this day (last day ≥ from). */
  from?: string | null | undefined;
  /** Only sessions held in this country. */
  hostCountry?: string | null | undefined;
  /** Only sessions practised in this operation. */
  operationId?: string | number | null | undefined;
  /** Only sessions in this status today (UTC). */
  status?: TrainingSessionStatus | null | undefined;
  /** Only sessions that start on or before this day (first day ≤ to). */
  to?: string | null | undefined;
};

/** Where a session stands, from its days (UTC) and the current date: SCHEDULED → IN_PROGRESS → COMPLETED, or CANCELLED. */
export type TrainingSessionStatus =
  /** Called off before it ended; final. */
  | 'CANCELLED'
  /** Its last day has passed; no more enrolments. */
  | 'COMPLETED'
  /** Between its first and last day; officers can still enrol and be assessed. */
  | 'IN_PROGRESS'
  /** Its first day is still to come; officers can enrol. */
  | 'SCHEDULED';

export type ConsoleAccessEventsQueryVariables = Exact<{
  filter?: AccessEventFilter | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type ConsoleAccessEventsQuery = { __typename: 'Query', accessEvents: { __typename: 'AccessEventConnection', totalCount: number, pageInfo: { __typename: 'PageInfo', endCursor: string | null, hasNextPage: boolean }, edges: Array<{ __typename: 'AccessEventEdge', cursor: string, node: { __typename: 'AccessEvent', time: string, receivedBy: string, operationType: AccessOperationType | null, operationName: string | null, outcome: AccessOutcome | null, refusalCode: string | null, purpose: string | null, purposeCode: string | null, fieldCoordinates: Array<string>, clientName: string | null, clientVersion: string | null, requestId: string | null, documentHash: string | null, durationMs: number | null, subgraphs: Array<string>, traceId: string | null, principal: { __typename: 'AccessPrincipal', subject: string | null, organisation: string, roles: Array<string> } | null, records: Array<{ __typename: 'AccessedRecord', type: string, id: string, owner: string | null }>, denied: Array<{ __typename: 'AccessDenial', path: string, coordinate: string | null, rule: string }>, chain: { __typename: 'AuditChainPosition', chainId: string, seq: number, hash: string, recordedAt: string } | null } }> } };

export type ConsoleWhoAccessedQueryVariables = Exact<{
  type: string;
  id: string;
  first: number;
}>;


export type ConsoleWhoAccessedQuery = { __typename: 'Query', whoAccessed: { __typename: 'AccessEventConnection', totalCount: number, edges: Array<{ __typename: 'AccessEventEdge', node: { __typename: 'AccessEvent', time: string, operationType: AccessOperationType | null, purpose: string | null, purposeCode: string | null, outcome: AccessOutcome | null, principal: { __typename: 'AccessPrincipal', subject: string | null, organisation: string, roles: Array<string> } | null, records: Array<{ __typename: 'AccessedRecord', type: string, id: string, owner: string | null }> } }> } };

export type ConsoleAuditSampleQueryVariables = Exact<{
  filter?: AccessEventFilter | null | undefined;
  first: number;
}>;


export type ConsoleAuditSampleQuery = { __typename: 'Query', accessEvents: { __typename: 'AccessEventConnection', totalCount: number, edges: Array<{ __typename: 'AccessEventEdge', node: { __typename: 'AccessEvent', time: string, outcome: AccessOutcome | null, refusalCode: string | null, principal: { __typename: 'AccessPrincipal', organisation: string } | null, records: Array<{ __typename: 'AccessedRecord', type: string }>, chain: { __typename: 'AuditChainPosition', chainId: string, seq: number, recordedAt: string } | null } }> } };

export type ConsoleHitsQueryVariables = Exact<{
  filter?: HitFilter | null | undefined;
  first: number;
}>;


export type ConsoleHitsQuery = { __typename: 'Query', hits: { __typename: 'HitConnection', edges: Array<{ __typename: 'HitEdge', node: { __typename: 'Hit', id: string, status: HitStatus, database: ScreeningDatabase, detectedAt: string, decidedAt: string | null, actionTaken: HitAction | null, decisionNote: string | null, timeToDecisionMs: number | null, checkpoint: { __typename: 'Checkpoint', id: string, name: string, country: string }, operation: { __typename: 'Operation', id: string, code: string, name: string }, alert: { __typename: 'DocumentAlert', id: string, documentType: DocumentType, issuingCountry: string, documentNumber: string | null, handling: { __typename: 'Handling', owner: string, classification: Classification } } | null } | null }> } };

export type ConsoleConfirmHitMutationVariables = Exact<{
  input: ConfirmHitInput;
}>;


export type ConsoleConfirmHitMutation = { __typename: 'Mutation', confirmHit: { __typename: 'Hit', id: string, status: HitStatus, actionTaken: HitAction | null, decidedAt: string | null, decisionNote: string | null, timeToDecisionMs: number | null } };

export type ConsoleRejectHitMutationVariables = Exact<{
  input: RejectHitInput;
}>;


export type ConsoleRejectHitMutation = { __typename: 'Mutation', rejectHit: { __typename: 'Hit', id: string, status: HitStatus, actionTaken: HitAction | null, decidedAt: string | null, decisionNote: string | null, timeToDecisionMs: number | null } };

export type ConsoleOperationsQueryVariables = Exact<{
  first: number;
}>;


export type ConsoleOperationsQuery = { __typename: 'Query', operations: { __typename: 'OperationConnection', edges: Array<{ __typename: 'OperationEdge', node: { __typename: 'Operation', id: string, code: string, name: string, status: OperationStatus, leadOrganisation: string, period: { __typename: 'Period', start: string, end: string } } | null }> } };

export type ConsoleOperationPageQueryVariables = Exact<{
  code: string;
}>;


export type ConsoleOperationPageQuery = { __typename: 'Query', operation: { __typename: 'Operation', id: string, code: string, name: string, status: OperationStatus, leadOrganisation: string, partnerOrganisations: Array<string>, participatingCountries: Array<string>, officersTrained: number, period: { __typename: 'Period', start: string, end: string }, checkpoints: Array<{ __typename: 'Checkpoint', id: string, name: string, country: string, borderType: BorderType, location: { __typename: 'Location', place: string } | null }>, results: { __typename: 'OperationResults', checks: number, hits: number, confirmedHits: number, arrests: number, seizures: number, hitsByDatabase: Array<{ __typename: 'DatabaseHits', database: ScreeningDatabase, hits: number }> }, trainingSessions: Array<{ __typename: 'TrainingSession', id: string, startsOn: string, endsOn: string, status: TrainingSessionStatus, place: string, hostCountry: string, enrolled: number, certified: number, capacity: number, course: { __typename: 'Course', code: string, title: string } }>, frontex: { __typename: 'FrontexShare', totals: { __typename: 'AssetTotals', deployments: number, officers: number, vehicles: number, vessels: number, aircraft: number }, riskAnalyses: Array<{ __typename: 'RiskAnalysisProduct', id: string, title: string, region: string, periodStart: string, periodEnd: string }> }, wco: { __typename: 'WcoShare', seizureCount: number, byCommodity: Array<{ __typename: 'CommoditySeizures', commodity: SeizureCommodity, seizureCount: number, totalQuantity: number, unit: SeizureUnit }>, seizures: Array<{ __typename: 'Seizure', id: string, caseReference: string, commodity: SeizureCommodity, quantity: number, unit: SeizureUnit, seizedAt: string, suspect: { __typename: 'SeizureSuspect', nationality: string, ageBand: SuspectAgeBand } | null }> }, iom: { __typename: 'IomShare', aggregates: { __typename: 'IomAggregates', total: number | null, k: number }, referrals: Array<{ __typename: 'Referral', id: string, nationality: string, referredAt: string, referredTo: ReferralService }> | null } } | null };

export type ConsoleSessionsQueryVariables = Exact<{
  filter?: TrainingSessionFilter | null | undefined;
  first: number;
}>;


export type ConsoleSessionsQuery = { __typename: 'Query', sessions: { __typename: 'TrainingSessionConnection', edges: Array<{ __typename: 'TrainingSessionEdge', node: { __typename: 'TrainingSession', id: string, startsOn: string, endsOn: string, status: TrainingSessionStatus, place: string, hostCountry: string, capacity: number, enrolled: number, certified: number, trainerOrganisation: string, course: { __typename: 'Course', code: string, title: string }, operation: { __typename: 'Operation', code: string } | null } | null }> } };


export const ConsoleAccessEventsDocument = {"__meta__":{"hash":"sha256:ad9ccae652adf6f3c0f2ae38b92d875f325b4fa5cd5eb741855f3e648aaa616a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAccessEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AccessEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"receivedBy"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"operationName"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"refusalCode"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"purposeCode"}},{"kind":"Field","name":{"kind":"Name","value":"principal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}},{"kind":"Field","name":{"kind":"Name","value":"records"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}}]}},{"kind":"Field","name":{"kind":"Name","value":"fieldCoordinates"}},{"kind":"Field","name":{"kind":"Name","value":"denied"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"coordinate"}},{"kind":"Field","name":{"kind":"Name","value":"rule"}}]}},{"kind":"Field","name":{"kind":"Name","value":"chain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"chainId"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clientName"}},{"kind":"Field","name":{"kind":"Name","value":"clientVersion"}},{"kind":"Field","name":{"kind":"Name","value":"requestId"}},{"kind":"Field","name":{"kind":"Name","value":"documentHash"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"subgraphs"}},{"kind":"Field","name":{"kind":"Name","value":"traceId"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAccessEventsQuery, ConsoleAccessEventsQueryVariables>;
export const ConsoleWhoAccessedDocument = {"__meta__":{"hash":"sha256:77a160317f590a6269e9e9e988c046463ba3198e6a30415f588eaa435fdd4d50"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleWhoAccessed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"type"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"whoAccessed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"type"},"value":{"kind":"Variable","name":{"kind":"Name","value":"type"}}},{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"operationType"}},{"kind":"Field","name":{"kind":"Name","value":"purpose"}},{"kind":"Field","name":{"kind":"Name","value":"purposeCode"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"principal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}},{"kind":"Field","name":{"kind":"Name","value":"roles"}}]}},{"kind":"Field","name":{"kind":"Name","value":"records"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleWhoAccessedQuery, ConsoleWhoAccessedQueryVariables>;
export const ConsoleAuditSampleDocument = {"__meta__":{"hash":"sha256:77af95b137a20f96a7ac118187ae074886011809ddacf6843deea8bbd99b4fd0"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleAuditSample"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AccessEventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"time"}},{"kind":"Field","name":{"kind":"Name","value":"outcome"}},{"kind":"Field","name":{"kind":"Name","value":"refusalCode"}},{"kind":"Field","name":{"kind":"Name","value":"principal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"organisation"}}]}},{"kind":"Field","name":{"kind":"Name","value":"records"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}}]}},{"kind":"Field","name":{"kind":"Name","value":"chain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"chainId"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"recordedAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleAuditSampleQuery, ConsoleAuditSampleQueryVariables>;
export const ConsoleHitsDocument = {"__meta__":{"hash":"sha256:fa118effb0e39d48850c5946e212862481a2efbe397b2367a03ce0b762dd596d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleHits"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"HitFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"hits"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"database"}},{"kind":"Field","name":{"kind":"Name","value":"detectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"actionTaken"}},{"kind":"Field","name":{"kind":"Name","value":"decisionNote"}},{"kind":"Field","name":{"kind":"Name","value":"timeToDecisionMs"}},{"kind":"Field","name":{"kind":"Name","value":"checkpoint"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"country"}}]}},{"kind":"Field","name":{"kind":"Name","value":"operation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"alert"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"documentType"}},{"kind":"Field","name":{"kind":"Name","value":"issuingCountry"}},{"kind":"Field","name":{"kind":"Name","value":"documentNumber"}},{"kind":"Field","name":{"kind":"Name","value":"handling"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"classification"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleHitsQuery, ConsoleHitsQueryVariables>;
export const ConsoleConfirmHitDocument = {"__meta__":{"hash":"sha256:f3fb6a2c7a9d1e3bae9408863eda33eb31233dcca2ea87e8a0ed2891d9344541"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleConfirmHit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConfirmHitInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"confirmHit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"actionTaken"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decisionNote"}},{"kind":"Field","name":{"kind":"Name","value":"timeToDecisionMs"}}]}}]}}]} as unknown as DocumentNode<ConsoleConfirmHitMutation, ConsoleConfirmHitMutationVariables>;
export const ConsoleRejectHitDocument = {"__meta__":{"hash":"sha256:05e222f830c93c08a727933a89ec26ad47081a15b5a5ad92859323e7ac362eee"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConsoleRejectHit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RejectHitInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"rejectHit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"actionTaken"}},{"kind":"Field","name":{"kind":"Name","value":"decidedAt"}},{"kind":"Field","name":{"kind":"Name","value":"decisionNote"}},{"kind":"Field","name":{"kind":"Name","value":"timeToDecisionMs"}}]}}]}}]} as unknown as DocumentNode<ConsoleRejectHitMutation, ConsoleRejectHitMutationVariables>;
export const ConsoleOperationsDocument = {"__meta__":{"hash":"sha256:158d3899aed9780f475afe8a2a6d2f0d56bb38fef9535df05d72a84fff78ddaf"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleOperations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"operations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"leadOrganisation"}},{"kind":"Field","name":{"kind":"Name","value":"period"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleOperationsQuery, ConsoleOperationsQueryVariables>;
export const ConsoleOperationPageDocument = {"__meta__":{"hash":"sha256:2412f3c97870e65b39dfb73af47aa010ca78cacea356c1015d89d1b3ab84a107"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleOperationPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"operation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"leadOrganisation"}},{"kind":"Field","name":{"kind":"Name","value":"partnerOrganisations"}},{"kind":"Field","name":{"kind":"Name","value":"participatingCountries"}},{"kind":"Field","name":{"kind":"Name","value":"period"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}}]}},{"kind":"Field","name":{"kind":"Name","value":"checkpoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"borderType"}},{"kind":"Field","name":{"kind":"Name","value":"location"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"place"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"checks"}},{"kind":"Field","name":{"kind":"Name","value":"hits"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedHits"}},{"kind":"Field","name":{"kind":"Name","value":"arrests"}},{"kind":"Field","name":{"kind":"Name","value":"seizures"}},{"kind":"Field","name":{"kind":"Name","value":"hitsByDatabase"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"database"}},{"kind":"Field","name":{"kind":"Name","value":"hits"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"officersTrained"}},{"kind":"Field","name":{"kind":"Name","value":"trainingSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsOn"}},{"kind":"Field","name":{"kind":"Name","value":"endsOn"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"place"}},{"kind":"Field","name":{"kind":"Name","value":"hostCountry"}},{"kind":"Field","name":{"kind":"Name","value":"enrolled"}},{"kind":"Field","name":{"kind":"Name","value":"certified"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"course"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"frontex"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"totals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"deployments"}},{"kind":"Field","name":{"kind":"Name","value":"officers"}},{"kind":"Field","name":{"kind":"Name","value":"vehicles"}},{"kind":"Field","name":{"kind":"Name","value":"vessels"}},{"kind":"Field","name":{"kind":"Name","value":"aircraft"}}]}},{"kind":"Field","name":{"kind":"Name","value":"riskAnalyses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"periodStart"}},{"kind":"Field","name":{"kind":"Name","value":"periodEnd"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"wco"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"seizureCount"}},{"kind":"Field","name":{"kind":"Name","value":"byCommodity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"commodity"}},{"kind":"Field","name":{"kind":"Name","value":"seizureCount"}},{"kind":"Field","name":{"kind":"Name","value":"totalQuantity"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"seizures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"caseReference"}},{"kind":"Field","name":{"kind":"Name","value":"commodity"}},{"kind":"Field","name":{"kind":"Name","value":"quantity"}},{"kind":"Field","name":{"kind":"Name","value":"unit"}},{"kind":"Field","name":{"kind":"Name","value":"seizedAt"}},{"kind":"Field","name":{"kind":"Name","value":"suspect"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nationality"}},{"kind":"Field","name":{"kind":"Name","value":"ageBand"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"iom"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"aggregates"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"k"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referrals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"nationality"}},{"kind":"Field","name":{"kind":"Name","value":"referredAt"}},{"kind":"Field","name":{"kind":"Name","value":"referredTo"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleOperationPageQuery, ConsoleOperationPageQueryVariables>;
export const ConsoleSessionsDocument = {"__meta__":{"hash":"sha256:9b30de643c94aca61e21bb3696d4ce6b342ad116e1c8ed26b5b959143635a68d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConsoleSessions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TrainingSessionFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsOn"}},{"kind":"Field","name":{"kind":"Name","value":"endsOn"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"place"}},{"kind":"Field","name":{"kind":"Name","value":"hostCountry"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"enrolled"}},{"kind":"Field","name":{"kind":"Name","value":"certified"}},{"kind":"Field","name":{"kind":"Name","value":"trainerOrganisation"}},{"kind":"Field","name":{"kind":"Name","value":"course"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"operation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ConsoleSessionsQuery, ConsoleSessionsQueryVariables>;