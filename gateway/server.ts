import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled, ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { accessLogPlugin } from '../access-log/gateway/plugin';
import { RequestRecord } from '../access-log/recorder';
import type { AuditWriter } from '../access-log/writer';
import { stripSecurityLinks } from '../authorization/gateway';
import type { AccessRules } from '../authorization/gateway';
import { accessControlPlugin, loadAccessRules, shapeForCaller, type AccessContext } from '../authorization/gateway/plugin';
import { parsePurpose } from '../authorization/policies';
import { subgraphTokenMinter } from '../identity/subgraph-token';
import type { HubSecurity } from '../identity/trust';
import { identifyCaller } from '../identity/verifier';
import { repoRoot } from '../platform/config';
import { consoleEnabled, type GatewayConfig } from './settings';
import { CONSOLE_CLIENT_NAME, CONSOLE_PATH, consoleManifest, consoleRoutes } from './console';
import type { LocalIssuer } from '../identity';
import { auditUnavailable, ErrorCode, unauthenticated } from '../platform/errors';
import { sendJson, serveGraphQL, type HttpService } from '../platform/http';
import type { Logger } from '../platform/logger';
import { inSpan, operationSpanPlugin } from '../platform/tracing';
import { createApolloGateway } from './apollo-gateway';
import type { gatewayMetrics } from './metrics';
import { healthRoutes } from './health';
import { jsonRequestErrorStatusPlugin, operationResolutionPlugin } from './request-errors';
import { introspectionPlugin } from './introspection';
import { documentLimits, limitsFromConfig, operationLimitsPlugin } from './limits';
import { formatGatewayError } from './masking';
import { RequestLimiter, type Admission, type RateLimitRefusal } from './rate-limits';
import { SubgraphDataSource, subgraphFetchers, type BreakerState, type SubgraphCallContext, type SubgraphTlsOptions } from './subgraph-fetch';
import { loadTrustedDocuments, requestedDocumentHash, trustedDocumentsPlugin, type TrustedDocumentContext, type TrustedDocuments } from './trusted-documents';

/** Per-request state of the gateway. */
export interface GatewayContext extends AccessContext, TrustedDocumentContext, SubgraphCallContext {
  record: RequestRecord;
}

export const SUPERGRAPH_PATH = path.join(repoRoot, 'schema', 'supergraph.graphql');

/** What a reload did: `reloaded` (the new supergraph or manifests serve from now on), `unchanged`, or `refused` (the old ones still serve) with why. */
export type ReloadOutcome = { result: 'reloaded'; supergraph: string } | { result: 'unchanged'; supergraph: string } | { result: 'refused'; supergraph: string; reason: string };

/** The gateway's HTTP service, plus reloading its supergraph and trusted documents in place. */
export interface GatewayService extends HttpService {
  /**
   * Re-reads SUPERGRAPH_FILE and the trusted-document manifests. A supergraph that does not parse
   * or build, whose access rules do not load (an unknown policy), that a manifest no longer
   * validates against, or that `@apollo/gateway` refuses, is refused and the running one kept.
   * Requests already running finish on what they started with; the next ones plan on the new
   * supergraph with its rules and manifests, switched together.
   */
  reload(): Promise<ReloadOutcome>;
}

/** Hooks for what the gateway observes (metrics). */
export interface GatewayEvents {
  onRateLimited?(refusal: RateLimitRefusal): void;
  onBreakerStateChange?(subgraph: string, state: BreakerState): void;
  onRetry?(subgraph: string): void;
  onCoalesced?(subgraph: string): void;
  onReload?(outcome: ReloadOutcome): void;
}

/** What one supergraph brings: its access rules and the manifests checked against its API schema; switched as one. */
interface SchemaState {
  sdl: string;
  /** Short SHA-256 of the SDL, for log lines. */
  id: string;
  /** The schema clients query, as derived here (manifests are checked against it). */
  apiSchema: GraphQLSchema;
  rules: AccessRules;
  trusted: TrustedDocuments | null;
}

const sdlId = (sdl: string) => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

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
    /** URLs by subgraph name; read at each (re)load, so the caller may add a subgraph it started since. */
    subgraphUrls: Record<string, string>;
    log: Logger;
    port: number;
    security: HubSecurity;
    audit: AuditWriter;
    /** A fixed supergraph instead of SUPERGRAPH_FILE (then `reload` re-reads only the manifests). */
    supergraphSdl?: string;
    /** The login whose schema holds the shared rate-limit counters (RATE_LIMITS); `null`: counters in memory. */
    rateLimitStore?: { connectionString: string; schema: string } | null;
    events?: GatewayEvents;
    /** Public JSON documents served by GET at their path (the hit notifications' JWKS), beside the health endpoints. */
    publicDocuments?: Record<string, unknown>;
    /** Request and subgraph-call metrics (METRICS_PORT set); none when absent. */
    metrics?: ReturnType<typeof gatewayMetrics>;
    /** Continue the trace a client's `traceparent` names (TRACES_HONOUR_TRACEPARENT) instead of starting one per request. */
    honourTraceparent?: boolean;
    /** The local issuer, when the console may mint development tokens with it (outside production, LOCAL_ISSUER on). */
    developmentIssuer?: LocalIssuer | null;
  },
): Promise<GatewayService> {
  const log = options.log.child({ service: 'gateway' });
  // Every request ends in one access event: counted there (see gateway/metrics.ts).
  const audit = options.metrics ? options.metrics.auditWriter(options.audit) : options.audit;
  const production = config.NODE_ENV === 'production';
  const supergraphFile = config.SUPERGRAPH_FILE ?? SUPERGRAPH_PATH;
  const readSupergraph = () => options.supergraphSdl ?? readFileSync(supergraphFile, 'utf8');
  const { verifier, gatewayKeys } = options.security;
  const mintSubgraphToken = subgraphTokenMinter(gatewayKeys);
  const tls = subgraphTls(config, options.subgraphUrls);
  const fetcherFor = subgraphFetchers({
    timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
    keys: gatewayKeys,
    tls,
    log,
    resilience: {
      breakerFailures: config.SUBGRAPH_BREAKER_FAILURES,
      breakerOpenMs: config.SUBGRAPH_BREAKER_OPEN_MS,
      retries: config.SUBGRAPH_RETRIES,
      retryBudget: config.SUBGRAPH_RETRY_BUDGET,
    },
    onBreakerStateChange: options.events?.onBreakerStateChange,
    onRetry: options.events?.onRetry,
    observe: options.metrics?.subgraphCall,
    coalesce: config.SUBGRAPH_DEDUP,
    onCoalesced: options.events?.onCoalesced,
  });
  const limits = limitsFromConfig(config);
  const servesConsole = consoleEnabled(config);
  /**
   * The console's build registers its own operations: its manifest is read with
   * TRUSTED_DOCUMENTS_DIR's, at each load, once built (unbuilt, the console itself says so).
   */
  const registeredByHub = (): Record<string, string> => {
    const manifest = consoleManifest(config.CONSOLE_DIR);
    if (!servesConsole) return {};
    if (existsSync(manifest)) return { [CONSOLE_CLIENT_NAME]: manifest };
    log.warn({ manifest }, 'the console is on but not built (npm run console:build): its operations are not registered');
    return {};
  };
  const documents = documentLimits(limits, { blockFieldSuggestions: production });
  /** Everything a supergraph brings, checked; throws the first reason it cannot serve. */
  const prepare = (sdl: string): SchemaState => {
    const apiSchema = apiSchemaOf(sdl);
    const rules = loadAccessRules(sdl);
    const trusted = config.TRUSTED_DOCUMENTS === 'enforce' ? loadTrustedDocuments(config.TRUSTED_DOCUMENTS_DIR, { schema: apiSchema, limits, manifests: registeredByHub() }) : null;
    return { sdl, id: sdlId(sdl), apiSchema, rules, trusted };
  };
  let state = prepare(readSupergraph());
  if (state.trusted) log.info({ clients: state.trusted.clients() }, 'trusted documents enforced');
  /** The state handed to `@apollo/gateway` last: bound to the API schema it derives from it. */
  let offered = state;
  /** Each API schema's rules: a request is judged by the rules of the schema it is planned on, never a newer or older one. */
  const rulesBySchema = new WeakMap<GraphQLSchema, AccessRules>();
  let updateSupergraph: ((sdl: string) => void) | null = null;
  const limiter = config.RATE_LIMITS ? new RequestLimiter(config.RATE_LIMITS, { store: options.rateLimitStore ?? null, log, onRefused: options.events?.onRateLimited }) : null;
  await limiter?.start();
  const admissions = new WeakMap<IncomingMessage, Admission>();
  /** Requests whose response is over (or whose client is gone), so a late admission is given back at once. */
  const finished = new WeakSet<IncomingMessage>();
  /** Each request's record from the moment its context is built, for answers Apollo gives outside the pipeline. */
  const records = new WeakMap<IncomingMessage, RequestRecord>();
  /** A refusal must be logged like any request; if it cannot be, the caller learns that instead. */
  const logged = (committing: Promise<void>) => committing.catch(() => Promise.reject(auditUnavailable()));
  const gateway = createApolloGateway({
    // @apollo/gateway refuses `for: SECURITY` features it does not enforce; this gateway enforces them.
    supergraphSdl: async ({ update }) => {
      updateSupergraph = (sdl) => update(stripSecurityLinks(sdl));
      return { supergraphSdl: stripSecurityLinks(state.sdl) };
    },
    logger: log,
    buildService: ({ name, url }) => {
      const target = options.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`no URL for subgraph ${name}: set SUBGRAPH_URLS=${name}=http://host:port/graphql`);
      return new SubgraphDataSource(name, mintSubgraphToken, { url: target, fetcher: fetcherFor(name) });
    },
  });
  const apollo = new ApolloServer<GatewayContext>({
    // The hub drains and stops its services itself (hub/runtime.ts): Apollo's own SIGTERM handler
    // would stop this server at once and re-raise the signal.
    stopOnTerminationSignals: false,
    gateway,
    logger: log,
    // Decided per caller by introspectionPlugin: off in production except for INTROSPECTION_ROLES.
    introspection: true,
    includeStacktraceInErrorResponses: !production,
    formatError: formatGatewayError({ production, log }),
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Enforced trusted documents replace automatic persisted queries: only manifest ids resolve.
    ...(config.TRUSTED_DOCUMENTS === 'enforce' ? { persistedQueries: false as const } : {}),
    parseOptions: documents.parseOptions,
    validationRules: documents.validationRules,
    plugins: [
      // No call home even if APOLLO_KEY/APOLLO_GRAPH_REF are in the environment.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // First: when no operation can be selected, its refusal is the one sent (see the plugin).
      operationResolutionPlugin<GatewayContext>(),
      jsonRequestErrorStatusPlugin<GatewayContext>(),
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      ...(config.TRUSTED_DOCUMENTS === 'enforce' ? [trustedDocumentsPlugin<GatewayContext>()] : []),
      ...(documents.plugins as ApolloServerPlugin<GatewayContext>[]),
      introspectionPlugin<GatewayContext>({ production, roles: config.INTROSPECTION_ROLES }),
      operationLimitsPlugin<GatewayContext>(limits),
      accessControlPlugin<GatewayContext>((schema) => rulesBySchema.get(schema) ?? state.rules, config.AUTHZ_MODE, log),
      accessLogPlugin<GatewayContext>(audit, { beforeRecording: (context, result) => shapeForCaller(context.access, result) }),
      requestLog(log),
      operationSpanPlugin<GatewayContext>('gateway'),
    ],
  });
  // Runs inside `update`, synchronously, before any request can see the new schema.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    rulesBySchema.set(apiSchema, offered.rules);
    state = offered;
  });
  let reloading: Promise<ReloadOutcome> = Promise.resolve({ result: 'unchanged', supergraph: state.id });
  const reloadNow = (): ReloadOutcome => {
    let sdl: string;
    try {
      sdl = readSupergraph();
    } catch (error) {
      return { result: 'refused', supergraph: state.id, reason: `cannot read ${supergraphFile}: ${(error as Error).message}` };
    }
    if (sdl === state.sdl) {
      // Same supergraph: only the manifests may have changed, and they switch alone.
      if (config.TRUSTED_DOCUMENTS !== 'enforce') return { result: 'unchanged', supergraph: state.id };
      try {
        state = { ...state, trusted: loadTrustedDocuments(config.TRUSTED_DOCUMENTS_DIR, { schema: state.apiSchema, limits, manifests: registeredByHub() }) };
      } catch (error) {
        return { result: 'refused', supergraph: state.id, reason: (error as Error).message };
      }
      return { result: 'reloaded', supergraph: state.id };
    }
    let next: SchemaState;
    try {
      next = prepare(sdl);
    } catch (error) {
      return { result: 'refused', supergraph: state.id, reason: (error as Error).message };
    }
    offered = next;
    try {
      updateSupergraph!(sdl);
    } catch (error) {
      offered = state;
      return { result: 'refused', supergraph: state.id, reason: `@apollo/gateway refused it: ${(error as Error).message}` };
    }
    if (state !== next) {
      offered = state;
      return { result: 'refused', supergraph: state.id, reason: '@apollo/gateway did not load it' };
    }
    return { result: 'reloaded', supergraph: next.id };
  };
  const reload = () => {
    // One at a time: a file saved twice in a row is read twice, in order.
    reloading = reloading.then(() => {
      const before = state.id;
      const started = performance.now();
      const outcome = reloadNow();
      // Checking and planning set-up run on the event loop: requests wait this long, none fails.
      const durationMs = Math.round(performance.now() - started);
      if (outcome.result === 'refused') log.error({ file: supergraphFile, kept: outcome.supergraph, reason: outcome.reason, durationMs }, 'supergraph reload refused: the running supergraph is kept');
      else if (outcome.result === 'reloaded') log.info({ file: supergraphFile, supergraph: outcome.supergraph, previous: before, clients: state.trusted?.clients(), durationMs }, 'supergraph and trusted documents reloaded');
      options.events?.onReload?.(outcome);
      return outcome;
    });
    return reloading;
  };
  const service = await serveGraphQL(apollo, {
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
      if (state.trusted) record.sent(requestedDocumentHash(request));
      if (limiter && caller.principal) {
        const admission = await limiter.admit(caller.principal);
        // The client may have gone while the shared counters answered: its slot goes back now.
        if (finished.has(req)) admission.release();
        else admissions.set(req, admission);
      }
      const trustedOperation = state.trusted?.admit(record.clientName ?? undefined, request);
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
    routes: {
      ...healthRoutes(options.subgraphUrls, { keys: gatewayKeys, fetcherFor }, audit),
      ...Object.fromEntries(Object.entries(options.publicDocuments ?? {}).map(([path, document]) => [path, (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, document)])),
    },
    sites: servesConsole ? { [CONSOLE_PATH]: consoleRoutes({ dir: config.CONSOLE_DIR, developmentIssuer: options.developmentIssuer ?? null, log }) } : {},
    cors: config.CORS_ORIGINS.length ? { origins: config.CORS_ORIGINS, maxAgeSeconds: config.CORS_MAX_AGE_SECONDS } : undefined,
    onFinished: (req) => {
      finished.add(req);
      admissions.get(req)?.release();
    },
  });
  return {
    ...service,
    reload,
    async close() {
      await service.close();
      await limiter?.close();
    },
  };
}
