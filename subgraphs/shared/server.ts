import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { arrivedNow, RequestRecord, requestIdOf, type ArrivalTime } from '../../access-log/recorder';
import { reportRecords } from '../../access-log/records';
import type { AuditWriter } from '../../access-log/writer';
import { ErrorCode, genericMessage, unauthenticated } from '../../platform/errors';
import { Refusal, CALL_PROOF_HEADER, parseBearer, subgraphCallVerifier, type GatewayKeyRing, type SubgraphTokenResult } from '../../identity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { liveness, LIVENESS_PATH, READINESS_PATH, receivedBodyDigest, sendJson, serveGraphQL, type HttpService, type Route, type TlsServerOptions } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import { operationSpanPlugin } from '../../platform/tracing';
import { scopeToCaller } from '../../authorization/subgraph/releasability';
import type { SubgraphContext, SubgraphTools } from './context';
import { buildFederatedSchema, type SubgraphDefinition } from './subgraph';

export interface SubgraphServerOptions {
  orm: MikroORM;
  /**
   * The gateway's keys (current and, during a rotation, previous): only calls the gateway signed
   * for this subgraph, each with a proof bound to its request id and body, are served.
   */
  gatewayKeys: GatewayKeyRing;
  /** Serve HTTPS (and with `clientCa`, require the gateway's client certificate) instead of plain HTTP. */
  tls?: TlsServerOptions;
  /** Records every call this subgraph refuses that did not come from the gateway (the gateway logs its own). */
  audit: AuditWriter;
  tools: SubgraphTools;
  host: string;
  port: number;
  production: boolean;
  log: Logger;
  /** Largest request body read, in bytes (`SUBGRAPH_MAX_BODY_BYTES`). */
  maxBodyBytes: number;
  /** Longest a client may take to send a request (`REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** Largest `first` a connection accepts (`MAX_PAGE_SIZE`). */
  maxPageSize: number;
}

/** Refusals of a valid token's call proof, named in the 401 (the token's own refusals are not). */
const PROOF_REFUSALS: ReadonlySet<string> = new Set([Refusal.noCallProof, Refusal.callProofMalformed, Refusal.callProofMismatch, Refusal.callProofStale, Refusal.callReplayed]);

/**
 * Refusals of a gateway-signed token that mean the gateway's clock and this subgraph's disagree
 * (its tokens live 60 s, with 5 s of tolerance): said so, rather than a bare "not authenticated".
 */
const CLOCK_REFUSALS: ReadonlySet<string> = new Set([Refusal.issuedInFuture, Refusal.expired, Refusal.notYetValid]);

/** How long the readiness probe waits for the database's answer. */
const DATABASE_PROBE_MS = 1_000;

/**
 * `/health/live` (the process answers) and `/health/ready` (its database answers `select 1` within
 * a second). The gateway's own readiness asks each subgraph's, so an outage of a subgraph's
 * database shows there, named, and so does the recovery: the ORM's pool opens new connections by
 * itself once the server is back.
 */
export function subgraphHealthRoutes(orm: MikroORM): Record<string, Route> {
  return {
    [LIVENESS_PATH]: liveness,
    [READINESS_PATH]: async (_req, res) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_PROBE_MS} ms`)), DATABASE_PROBE_MS);
      });
      try {
        await Promise.race([orm.em.getConnection().execute('select 1'), timeout]);
        sendJson(res, 200, { status: 'ready' });
      } catch (error) {
        sendJson(res, 503, { status: 'not-ready', database: error instanceof Error ? error.message : 'unreachable' });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** What a subgraph knows of a request before answering it: when it arrived and whether the gateway signed it. */
interface Arrival {
  time: ArrivalTime;
  caller: Promise<SubgraphTokenResult | null>;
}

/**
 * Serves one subgraph. Each request gets its own EntityManager fork and its own DataLoaders, so
 * nothing is cached across requests and every list is fetched in batches.
 *
 * Only calls carrying a token the gateway signed for this subgraph are served. Every other request
 * is refused (401, or the HTTP-level refusals of `serveGraphQL`) and recorded in the access log as
 * refused, with `receivedBy` naming this subgraph, before the answer leaves.
 */
export async function startSubgraph(definition: SubgraphDefinition<any>, options: SubgraphServerOptions): Promise<HttpService> {
  const schema = await buildFederatedSchema(definition, { maxPageSize: options.maxPageSize });
  const log = options.log.child({ subgraph: definition.name });
  const verifyGatewayCall = subgraphCallVerifier(options.gatewayKeys, definition.name);
  const arrivals = new WeakMap<IncomingMessage, Arrival>();
  /**
   * The check of the gateway's token and of the call's proof (request id and body digest), done
   * once per request whichever hook asks first; every hook runs after the body was read.
   */
  const arrival = (req: IncomingMessage): Arrival => {
    let known = arrivals.get(req);
    if (!known) {
      const bearer = parseBearer(req.headers.authorization);
      const digest = receivedBodyDigest(req);
      const proof = req.headers[CALL_PROOF_HEADER];
      const requestId = req.headers['x-request-id'];
      const caller = typeof bearer === 'string' && digest
        ? verifyGatewayCall({
          token: bearer,
          proof: typeof proof === 'string' ? proof : undefined,
          requestId: typeof requestId === 'string' ? requestId : undefined,
          bodyDigest: digest,
        }).catch((error: unknown) => {
          log.error({ err: error }, 'subgraph token check failed: the call is refused');
          return null;
        })
        : Promise.resolve(null);
      known = { time: arrivedNow(), caller };
      arrivals.set(req, known);
    }
    return known;
  };
  /**
   * Records a refused direct call with `end`. A call the gateway signed is left to the gateway's
   * own event. If the event cannot be committed the call is refused all the same (the caller
   * learns nothing about the log), and the failure is logged for operators.
   */
  const recordDirectCall = async (req: IncomingMessage, end: (record: RequestRecord) => Promise<void>) => {
    const { time, caller } = arrival(req);
    if ((await caller)?.ok) return;
    // Made only for a refusal: a call the gateway signed needs no record of its own here.
    const record = new RequestRecord(req, definition.name, time);
    await end(record).catch((error: unknown) => log.error({ err: error, requestId: record.requestId }, 'a refused direct call could not be recorded in the access log'));
  };

  const apollo = new ApolloServer<SubgraphContext>({
    // The hub drains and stops its services itself (hub/runtime.ts): Apollo's own SIGTERM handler
    // would stop this server at once and re-raise the signal.
    stopOnTerminationSignals: false,
    schema,
    // The gateway is this server's only client; it needs the service SDL, nobody needs a playground.
    introspection: true,
    includeStacktraceInErrorResponses: !options.production,
    csrfPrevention: true,
    logger: log,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No call home even if APOLLO_KEY/APOLLO_GRAPH_REF are in the environment.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      operationSpanPlugin<SubgraphContext>(`subgraph ${definition.name}`),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ contextValue, response }) {
              if (response.body.kind === 'single') reportRecords(response.body.singleResult, contextValue.records);
            },
          };
        },
      },
    ],
    formatError: (formatted, error) => {
      if (formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
        log.error({ err: error, path: formatted.path }, 'resolver failed');
        if (options.production) return { message: genericMessage(ErrorCode.INTERNAL_SERVER_ERROR)!, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
      }
      return formatted;
    },
  });
  return serveGraphQL(apollo, {
    host: options.host,
    port: options.port,
    maxBodyBytes: options.maxBodyBytes,
    requestTimeoutMs: options.requestTimeoutMs,
    tls: options.tls,
    digestBody: true,
    routes: subgraphHealthRoutes(options.orm),
    // The gateway's trace continues here (its calls carry `traceparent`); its queries are children of this span.
    trace: { name: `subgraph ${definition.name}`, incoming: 'honour' },
    async context(req) {
      const caller = await arrival(req).caller;
      // Refused here, recorded by onErrorAnswer before the 401 leaves. A good token with a bad
      // proof says why: it is a replay or a tampered call, which an operator wants named.
      if (!caller?.ok) {
        const proofRefusal = caller && PROOF_REFUSALS.has(caller.reason) ? `: ${caller.reason}` : '';
        const clockHint = caller && CLOCK_REFUSALS.has(caller.reason) ? `: ${caller.reason} (are the gateway's and this subgraph's clocks more than 5 s apart?)` : '';
        throw unauthenticated(`this subgraph only answers calls the Frontera gateway signed for it${proofRefusal || clockHint}`, '');
      }
      const requestId = requestIdOf(req);
      // Never the token: who, for whom, signed with which key, so a call can be traced to its request.
      log.info({ requestId, subject: caller.principal.subject, organisation: caller.principal.organisation, audience: definition.name, kid: caller.kid }, 'gateway call');
      const em = options.orm.em.fork();
      scopeToCaller(em, caller.principal);
      return {
        principal: caller.principal,
        purpose: caller.purpose,
        em,
        loaders: definition.createLoaders(em),
        requestId,
        tools: options.tools,
        records: new Map(),
      };
    },
    // HTTP-level refusals (413, 405, 415, malformed JSON, a batch) are always refusals.
    onRefused: (req, code) => recordDirectCall(req, (record) => record.refuse(options.audit, code)),
    onErrorAnswer: (req, { status, code }) => recordDirectCall(req, (record) => record.answered(options.audit, status, code)),
  });
}
