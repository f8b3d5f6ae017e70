import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { accessLogPlugin } from '../access-log/gateway/plugin';
import { RequestRecord } from '../access-log/recorder';
import type { AuditWriter } from '../access-log/writer';
import { stripSecurityLinks } from '../authorization/gateway';
import { accessControlPlugin, loadAccessRules, shapeForCaller, type AccessContext } from '../authorization/gateway/plugin';
import { parsePurpose } from '../authorization/policies';
import { subgraphTokenMinter } from '../identity/subgraph-token';
import type { HubSecurity } from '../identity/trust';
import { identifyCaller } from '../identity/verifier';
import { repoRoot } from '../platform/config';
import type { GatewayConfig } from './settings';
import { auditUnavailable, ErrorCode, unauthenticated } from '../platform/errors';
import { serveGraphQL, type HttpService } from '../platform/http';
import type { Logger } from '../platform/logger';
import { inSpan, operationSpanPlugin } from '../platform/tracing';
import { createApolloGateway } from './apollo-gateway';
import type { gatewayMetrics } from './metrics';
import { healthRoutes } from './health';
import { jsonRequestErrorStatusPlugin, operationResolutionPlugin } from './request-errors';
import { introspectionPlugin } from './introspection';
import { documentLimits, limitsFromConfig, operationLimitsPlugin } from './limits';
import { formatGatewayError } from './masking';
import { SubgraphDataSource, subgraphFetchers, type SubgraphCallContext, type SubgraphTlsOptions } from './subgraph-fetch';
import { loadTrustedDocuments, requestedDocumentHash, trustedDocumentsPlugin, type TrustedDocumentContext } from './trusted-documents';

/** Per-request state of the gateway. */
export interface GatewayContext extends AccessContext, TrustedDocumentContext, SubgraphCallContext {
  record: RequestRecord;
}

export const SUPERGRAPH_PATH = path.join(repoRoot, 'schema', 'supergraph.graphql');

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
              requestId: contextValue.record.requestId,
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
 * The gateway's TLS material for subgraph calls, read once. With a CA configured, every subgraph
 * must be reached over https: a token and its proof are never sent in clear to a subgraph the
 * operator meant to protect.
 */
function subgraphTls(config: GatewayConfig, urls: Record<string, string>): SubgraphTlsOptions | undefined {
  if (!config.GATEWAY_TLS_CA_FILE && !config.GATEWAY_TLS_CERT_FILE) return undefined;
  if (config.GATEWAY_TLS_CA_FILE) {
    const plain = Object.entries(urls).filter(([, url]) => !url.startsWith('https://'));
    if (plain.length) {
      throw new Error(`GATEWAY_TLS_CA_FILE is set, so every subgraph must be reached over https; not: ${plain.map(([name, url]) => `${name}=${url}`).join(', ')} (serve them with SUBGRAPH_TLS_CERT_FILE or set SUBGRAPH_URLS)`);
    }
  }
  return {
    ...(config.GATEWAY_TLS_CA_FILE ? { ca: readFileSync(config.GATEWAY_TLS_CA_FILE) } : {}),
    ...(config.GATEWAY_TLS_CERT_FILE && config.GATEWAY_TLS_KEY_FILE ? { cert: readFileSync(config.GATEWAY_TLS_CERT_FILE), key: readFileSync(config.GATEWAY_TLS_KEY_FILE) } : {}),
  };
}

/**
 * The Frontera gateway: `@apollo/gateway` planning against the committed supergraph (no runtime
 * introspection of subgraphs), served with health endpoints.
 */
export async function createGatewayServer(
  config: GatewayConfig,
  options: {
    subgraphUrls: Record<string, string>;
    log: Logger;
    port: number;
    security: HubSecurity;
    audit: AuditWriter;
    supergraphSdl?: string;
    /** Request and subgraph-call metrics (METRICS_PORT set); none when absent. */
    metrics?: ReturnType<typeof gatewayMetrics>;
    /** Continue the trace a client's `traceparent` names (TRACES_HONOUR_TRACEPARENT) instead of starting one per request. */
    honourTraceparent?: boolean;
  },
): Promise<HttpService> {
  const log = options.log.child({ service: 'gateway' });
  // Every request ends in one access event: counted there (see gateway/metrics.ts).
  const audit = options.metrics ? options.metrics.auditWriter(options.audit) : options.audit;
  const production = config.NODE_ENV === 'production';
  const supergraphSdl = options.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const { verifier, gatewayKeys } = options.security;
  const rules = loadAccessRules(supergraphSdl);
  const mintSubgraphToken = subgraphTokenMinter(gatewayKeys);
  const tls = subgraphTls(config, options.subgraphUrls);
  const fetcherFor = subgraphFetchers({ timeoutMs: config.SUBGRAPH_TIMEOUT_MS, keys: gatewayKeys, tls, observe: options.metrics?.subgraphCall });
  const limits = limitsFromConfig(config);
  const documents = documentLimits(limits, { blockFieldSuggestions: production });
  const trusted = config.TRUSTED_DOCUMENTS === 'enforce' ? loadTrustedDocuments(config.TRUSTED_DOCUMENTS_DIR, { schema: apiSchemaOf(supergraphSdl), limits }) : null;
  if (trusted) log.info({ clients: trusted.clients() }, 'trusted documents enforced');
  /** Each request's record from the moment its context is built, for answers Apollo gives outside the pipeline. */
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  /** A refusal must be logged like any request; if it cannot be, the caller learns that instead. */
  const logged = (committing: Promise<void>) => committing.catch(() => Promise.reject(auditUnavailable()));
  const gateway = createApolloGateway({
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
      // First: when no operation can be selected, its refusal is the one sent (see the plugin).
      operationResolutionPlugin<GatewayContext>(),
      jsonRequestErrorStatusPlugin<GatewayContext>(),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      ...(trusted ? [trustedDocumentsPlugin<GatewayContext>()] : []),
      ...(documents.plugins as ApolloServerPlugin<GatewayContext>[]),
      introspectionPlugin<GatewayContext>({ production, roles: config.INTROSPECTION_ROLES }),
      operationLimitsPlugin<GatewayContext>(limits),
      accessControlPlugin<GatewayContext>(rules, config.AUTHZ_MODE, log),
      accessLogPlugin<GatewayContext>(audit, { beforeRecording: (context, result) => shapeForCaller(context.access, result) }),
      requestLog(log),
      operationSpanPlugin<GatewayContext>('gateway'),
    ],
  });
  return serveGraphQL(apollo, {
    host: config.HOST,
    port: options.port,
    maxBodyBytes: config.MAX_BODY_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    trace: { name: 'gateway', incoming: options.honourTraceparent ? 'honour' : 'ignore' },
    context: async (req, request) => {
      const record = new RequestRecord(req);
      records.set(req, record);
      const purpose = parsePurpose(req.headers['x-purpose']);
      const caller = await inSpan('frontera.identity', {}, async (span) => {
        const identified = await identifyCaller(req.headers.authorization, verifier);
        span.setAttribute('frontera.caller.authenticated', identified.ok && identified.principal !== null);
        if (identified.principal) span.setAttribute('frontera.caller.organisation', identified.principal.organisation);
        return identified;
      });
      record.identify(caller.principal, purpose);
      // Both refusals below are logged by onErrorAnswer, with this record.
      if (!caller.ok) throw unauthenticated(caller.reason);
      // The hash of what was sent stays in the event whether or not it is admitted.
      if (trusted) record.sent(requestedDocumentHash(request));
      const trustedOperation = trusted?.admit(record.clientName ?? undefined, request);
      return { principal: caller.principal, bearer: caller.bearer, purpose, record, trustedOperation };
    },
    onRefused: (req, code) => logged(new RequestRecord(req).refuse(audit, code)),
    onErrorAnswer: async (req, { status, code }) => {
      const record = records.get(req) ?? new RequestRecord(req);
      if (!record.closed) await logged(record.answered(audit, status, code));
    },
    // A request still running when the drain deadline passed: its event says it was cut (if it
    // ends after all, its own ending comes too late to change what was recorded).
    onCut: async (req) => {
      const record = records.get(req) ?? new RequestRecord(req);
      if (record.closed) return;
      log.warn({ requestId: record.requestId }, 'request cut by shutdown');
      await record.commit(audit, { outcome: 'error', code: ErrorCode.REQUEST_CUT_BY_SHUTDOWN }).catch((error: unknown) => log.error({ err: error, requestId: record.requestId }, 'could not record a request cut by shutdown'));
    },
    routes: healthRoutes(options.subgraphUrls, { keys: gatewayKeys, fetcherFor }, audit),
  });
}
