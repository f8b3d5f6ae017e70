import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { repoRoot, type Config } from '../platform/config';
import type { HubSecurity } from '../identity/trust';
import { accessControlPlugin, loadAccessRules, type AccessContext } from '../authorization/gateway/plugin';
import { accessLogPlugin, answeredEvent, auditUnavailable, isLogged, refusedEvent, requestIdOf, startEvent, type AuditedContext } from '../access-log/gateway/plugin';
import type { AccessEvent, ReturnedRecord } from '../access-log/event';
import type { AuditWriter } from '../access-log/writer';
import { RECORDS_EXTENSION } from '../access-log/records';
import { stripSecurityLinks } from '../authorization/gateway';
import { parseBearer, signSubgraphToken, subgraphTokenMinter, type HubInternalKey, type Principal } from '../identity';
import { parsePurpose } from '../authorization/policies';
import { formatGatewayError } from './masking';
import { introspectionPlugin } from './introspection';
import { documentLimits, limitsFromConfig, operationLimitsPlugin } from './limits';
import { loadTrustedDocuments, requestedDocumentHash, trustedDocumentsPlugin, type TrustedDocumentContext } from './trusted-documents';
import { subgraphFetchers } from './subgraph-fetch';
import { sendJson, serveGraphQL, type HttpService } from '../platform/http';
import type { Logger } from '../platform/logger';

/** Per-request state of the gateway. */
export interface GatewayContext extends AccessContext, AuditedContext, TrustedDocumentContext {
  requestId: string;
  /** The client's verified bearer token: subgraph tokens are signed, and reused, per client token. */
  bearer: string | null;
}

/** The gateway's own identity for readiness probes: no role, no clearance, sees nothing. */
const PROBE_PRINCIPAL: Principal = {
  subject: 'frontera-gateway-probe',
  organisation: 'hub',
  country: null,
  roles: [],
  scopes: [],
  clearance: null,
  expiresAt: new Date(8.64e15),
};

function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(`Not authenticated: ${reason}. Send "Authorization: Bearer <token>" from a trusted issuer.`, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

export const SUPERGRAPH_PATH = path.join(repoRoot, 'schema', 'supergraph.graphql');

/**
 * Forwards the request id so one request can be followed across subgraph logs, and turns a
 * subgraph's refusal (HTTP 4xx with GraphQL errors, e.g. a value its scalars reject) into that
 * error for the client, instead of "400: Bad Request" carrying the subgraph's internal URL.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    private readonly mint: ReturnType<typeof subgraphTokenMinter>,
    options: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
  ) {
    super(options);
  }

  /** Every call carries a short-lived token signed for this subgraph only (audience = its name). */
  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): Promise<void> {
    const { principal, bearer } = context;
    if (!principal || !bearer) throw unauthenticated('no caller identity to forward');
    const token = await this.mint(bearer, { audience: this.subgraph, principal, purpose: context.purpose });
    request.http?.headers.set('authorization', `Bearer ${token}`);
    request.http?.headers.set('x-request-id', context.requestId);
    if (!context.event.subgraphs.includes(this.subgraph)) context.event.subgraphs.push(this.subgraph);
  }

  /** Moves the records the subgraph reports into the access event; the client never sees them. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    const records = response.extensions?.[RECORDS_EXTENSION] as ReturnedRecord[] | undefined;
    if (records) {
      const seen = new Set(context.event.records.map((r) => `${r.type}:${r.id}`));
      for (const record of records) if (!seen.has(`${record.type}:${record.id}`)) context.event.records.push(record);
      delete response.extensions![RECORDS_EXTENSION];
    }
    return response;
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => null);
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | null)?.errors?.[0];
    if (response.status < 500 && typeof first?.message === 'string') {
      const code = typeof first.extensions?.code === 'string' ? first.extensions.code : 'BAD_REQUEST';
      return new GraphQLError(first.message, { extensions: { code } });
    }
    return new GraphQLError(`A subgraph request failed with HTTP ${response.status}`, {
      extensions: { code: response.status === 401 ? 'UNAUTHENTICATED' : 'SUBGRAPH_ERROR' },
    });
  }
}

/** Answers whether every subgraph accepts the gateway's identity and a trivial query within a second. */
async function subgraphsReady(urls: Record<string, string>, internalKey: HubInternalKey): Promise<Record<string, string>> {
  const failures: Record<string, string> = {};
  await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const token = await signSubgraphToken(internalKey, { audience: name, principal: PROBE_PRINCIPAL });
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: '{"query":"{ __typename }"}',
          signal: AbortSignal.timeout(1_000),
        });
        if (!response.ok) failures[name] = `HTTP ${response.status}`;
        await response.arrayBuffer();
      } catch (error) {
        failures[name] = error instanceof Error ? error.message : 'unreachable';
      }
    }),
  );
  return failures;
}

/** The schema clients query, derived from the supergraph as `@apollo/gateway` derives it. */
function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(stripSecurityLinks(supergraphSdl)).apiSchema().toGraphQLJSSchema();
}

/** One structured log line per request: what ran, how long, how it ended; never variables. */
function requestLog(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors, response }) {
          log.info(
            {
              requestId: contextValue.requestId,
              operationName: operationName ?? null,
              errors: errors?.length ?? 0,
              status: response.http.status ?? 200,
              durationMs: Math.round((performance.now() - started) * 10) / 10,
            },
            'request',
          );
        },
      };
    },
  };
}

/**
 * The Frontera gateway: `@apollo/gateway` planning against the committed supergraph (no runtime
 * introspection of subgraphs), served with health endpoints.
 */
export async function createGatewayServer(
  config: Config,
  options: { subgraphUrls: Record<string, string>; log: Logger; port: number; security: HubSecurity; audit: AuditWriter; supergraphSdl?: string },
): Promise<HttpService> {
  const log = options.log.child({ service: 'gateway' });
  const production = config.NODE_ENV === 'production';
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const { verifier, internalKey } = options.security;
  const rules = loadAccessRules(supergraphSdl);
  const mintSubgraphToken = subgraphTokenMinter(internalKey);
  const fetcherFor = subgraphFetchers(config.SUBGRAPH_TIMEOUT_MS);
  const limits = limitsFromConfig(config);
  const documents = documentLimits(limits, { blockFieldSuggestions: production });
  const trusted = config.TRUSTED_DOCUMENTS === 'enforce' ? loadTrustedDocuments(config.TRUSTED_DOCUMENTS_DIR, { schema: apiSchemaOf(supergraphSdl), limits }) : null;
  if (trusted) log.info({ clients: trusted.clients() }, 'trusted documents enforced');
  /** Each request's event from the moment its context is built, for answers Apollo gives outside the pipeline. */
  const eventsByRequest = new WeakMap<IncomingMessage, { event: AccessEvent; startedAt: number }>();
  /** A refusal must be logged like any request; if it cannot be, the caller learns that instead. */
  const recordRefusal = async (event: AccessEvent) => {
    try {
      await options.audit.record(event);
    } catch {
      throw auditUnavailable();
    }
  };
  const gateway = new ApolloGateway({
    // @apollo/gateway refuses `for: SECURITY` features it does not enforce; this gateway enforces them.
    supergraphSdl: stripSecurityLinks(supergraphSdl),
    logger: log,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}: set SUBGRAPH_URLS=${name}=http://host:port/graphql`);
      return new SubgraphDataSource(name, mintSubgraphToken, { url: target, fetcher: fetcherFor(name) });
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    // Decided per caller by introspectionPlugin: off in production except for INTROSPECTION_ROLES.
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError: formatGatewayError({ production, log }),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Enforced trusted documents replace automatic persisted queries: only manifest ids resolve.
    ...(trusted ? { persistedQueries: false as const } : {}),
    parseOptions: documents.parseOptions,
    validationRules: documents.validationRules,
    plugins: [
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      ...(trusted ? [trustedDocumentsPlugin<GatewayContext>()] : []),
      ...(documents.plugins as ApolloServerPlugin<GatewayContext>[]),
      // Before the access layer, which replaces the document with the filtered one: the limits
      // judge what the caller asked for. didResolveOperation hooks start in this order.
      introspectionPlugin<GatewayContext>({ production, roles: config.INTROSPECTION_ROLES }),
      operationLimitsPlugin<GatewayContext>(limits),
      // Order matters: the access layer shapes the response, then the access log records it.
      accessControlPlugin<GatewayContext>(rules, config.AUTHZ_MODE, log),
      accessLogPlugin<GatewayContext>(options.audit),
      requestLog(log),
    ],
  });
  return serveGraphQL(apollo, {
    host: config.HOST,
    port: options.port,
    maxBodyBytes: config.MAX_BODY_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    context: async (req, request) => {
      const startedAt = performance.now();
      const requestId = requestIdOf(req);
      const purpose = parsePurpose(req.headers['x-purpose']);
      const bearer = parseBearer(req.headers.authorization);
      let principal: Principal | null = null;
      let verifiedBearer: string | null = null;
      let refusal: string | null = bearer === 'malformed' ? 'the Authorization header is not "Bearer <token>"' : null;
      if (typeof bearer === 'string') {
        const verified = await verifier.verify(bearer);
        if (verified.ok) [principal, verifiedBearer] = [verified.principal, bearer];
        else refusal = verified.reason;
      }
      const event = startEvent(req, requestId, principal, purpose);
      eventsByRequest.set(req, { event, startedAt });
      // Both refusals below are logged by onErrorAnswer, with this event.
      if (refusal !== null) throw unauthenticated(refusal);
      // The hash of what was sent stays in the event whether or not it is admitted.
      if (trusted) event.documentHash = requestedDocumentHash(request);
      const trustedOperation = trusted?.admit(event.clientName ?? undefined, request);
      return { requestId, principal, bearer: verifiedBearer, purpose, event, startedAt, trustedOperation };
    },
    onRefused: async (req, code) => recordRefusal(refusedEvent(startEvent(req, requestIdOf(req), null, null), code, performance.now())),
    onErrorAnswer: async (req, { status, code }) => {
      const known = eventsByRequest.get(req);
      if (known && isLogged(known.event)) return;
      const event = known?.event ?? startEvent(req, requestIdOf(req), null, null);
      await recordRefusal(answeredEvent(event, code, status, known?.startedAt ?? performance.now()));
    },
    routes: {
      '/health/live': (_req, res) => sendJson(res, 200, { status: 'live' }),
      '/health/ready': async (_req, res) => {
        const failures = await subgraphsReady(options.subgraphUrls, internalKey);
        if (!options.audit.healthy()) failures['access log'] = 'cannot commit events';
        const ready = Object.keys(failures).length === 0;
        sendJson(res, ready ? 200 : 503, ready ? { status: 'ready' } : { status: 'not-ready', subgraphs: failures });
      },
    },
  });
}
