import { graphql } from '../gql';

/*
 * Every operation the console sends. GraphQL Code Generator types each one from the API contract
 * and registers it in the console's trusted-document manifest; an operation written anywhere else
 * would not be registered, so all of them live here.
 */

export const AccessEventsQuery = graphql(`
  query ConsoleAccessEvents($filter: AccessEventFilter, $first: Int!, $after: String) {
    accessEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { endCursor hasNextPage }
      edges {
        cursor
        node {
          time
          receivedBy
          operationType
          operationName
          outcome
          refusalCode
          purpose
          purposeCode
          principal { subject organisation roles }
          records { type id owner }
          fieldCoordinates
          denied { path coordinate rule }
          chain { chainId seq hash recordedAt }
          clientName
          clientVersion
          requestId
          documentHash
          durationMs
          subgraphs
          traceId
        }
      }
    }
  }
`);

export const WhoAccessedQuery = graphql(`
  query ConsoleWhoAccessed($type: String!, $id: String!, $first: Int!) {
    whoAccessed(type: $type, id: $id, first: $first) {
      totalCount
      edges {
        node {
          time
          operationType
          purpose
          purposeCode
          outcome
          principal { subject organisation roles }
          records { type id owner }
        }
      }
    }
  }
`);

/** A bounded sample for the charts: the API has no aggregates over the log, so they are counted here. */
export const AuditSampleQuery = graphql(`
  query ConsoleAuditSample($filter: AccessEventFilter, $first: Int!) {
    accessEvents(filter: $filter, first: $first) {
      totalCount
      edges {
        node {
          time
          outcome
          refusalCode
          principal { organisation }
          records { type }
          chain { chainId seq recordedAt }
        }
      }
    }
  }
`);

export const HitsQuery = graphql(`
  query ConsoleHits($filter: HitFilter, $first: Int!) {
    hits(filter: $filter, first: $first) {
      edges {
        node {
          id
          status
          database
          detectedAt
          decidedAt
          actionTaken
          decisionNote
          timeToDecisionMs
          checkpoint { id name country }
          operation { id code name }
          alert { id documentType issuingCountry documentNumber handling { owner classification } }
        }
      }
    }
  }
`);

export const ConfirmHitMutation = graphql(`
  mutation ConsoleConfirmHit($input: ConfirmHitInput!) {
    confirmHit(input: $input) { id status actionTaken decidedAt decisionNote timeToDecisionMs }
  }
`);

export const RejectHitMutation = graphql(`
  mutation ConsoleRejectHit($input: RejectHitInput!) {
    rejectHit(input: $input) { id status actionTaken decidedAt decisionNote timeToDecisionMs }
  }
`);

export const OperationsQuery = graphql(`
  query ConsoleOperations($first: Int!) {
    operations(first: $first) {
      edges { node { id code name status leadOrganisation period { start end } } }
    }
  }
`);

export const OperationPageQuery = graphql(`
  query ConsoleOperationPage($code: String!) {
    operation(code: $code) {
      id
      code
      name
      status
      leadOrganisation
      partnerOrganisations
      participatingCountries
      period { start end }
      checkpoints { id name country borderType location { place } }
      results { checks hits confirmedHits arrests seizures hitsByDatabase { database hits } }
      officersTrained
      trainingSessions { id startsOn endsOn status place hostCountry enrolled certified capacity course { code title } }
      frontex {
        totals { deployments officers vehicles vessels aircraft }
        riskAnalyses { id title region periodStart periodEnd }
      }
      wco {
        seizureCount
        byCommodity { commodity seizureCount totalQuantity unit }
        seizures { id caseReference commodity quantity unit seizedAt suspect { nationality ageBand } }
      }
      iom {
        aggregates { total k }
        referrals { id nationality referredAt referredTo }
      }
    }
  }
`);

export const SessionsQuery = graphql(`
  query ConsoleSessions($filter: TrainingSessionFilter, $first: Int!) {
    sessions(filter: $filter, first: $first) {
      edges {
        node {
          id
          startsOn
          endsOn
          status
          place
          hostCountry
          capacity
          enrolled
          certified
          trainerOrganisation
          course { code title }
          operation { code }
        }
      }
    }
  }
`);
